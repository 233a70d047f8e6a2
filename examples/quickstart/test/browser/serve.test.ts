import { spawn } from "node:child_process"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { chromium } from "playwright-core"

/**
 * `npm run demo -- --serve` in a real Chromium, as a person tries it: open
 * the page it prints, connect the fake BambooHR with the key the page shows
 * (a wrong one first), then open the audit page and find the initial run.
 */

const root = fileURLToPath(new URL("../../../..", import.meta.url))
const screenshots = join(root, "examples", "quickstart", "test-output", "screenshots")
const chromiumPath = process.env["WEFT_CHROMIUM"] ?? "/usr/bin/chromium"

const freshEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")))

const serve = () =>
  Effect.acquireRelease(
    Effect.async<{ readonly banner: string; readonly stop: () => void }, Error>((resume) => {
      const child = spawn("npm", ["run", "demo", "--", "--serve", "--port", "0", "--store", "memory", "--employees", "60"], {
        cwd: root,
        env: freshEnv(),
        detached: true,
        stdio: ["ignore", "pipe", "pipe"]
      })
      let out = ""
      const stop = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGINT")
        } catch {
          // already gone
        }
      }
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8")
        if (out.includes("Press Ctrl-C to stop.")) resume(Effect.succeed({ banner: out, stop }))
      })
      child.on("close", (code) => resume(Effect.fail(new Error(`the demo exited (${code}) before serving:\n${out}`))))
    }),
    (served) => Effect.sync(served.stop)
  )

describe("npm run demo -- --serve, in a browser", () => {
  it.scopedLive("the page connects the fake BambooHR with the key it shows, and the audit page shows the initial run", () =>
    Effect.gen(function*() {
      const served = yield* serve()
      const url = /connect page\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(served.banner)![1]!
      const adminKey = /admin API key\s+(wk_demo_\S+)/.exec(served.banner)![1]!
      const browser = yield* Effect.acquireRelease(
        Effect.promise(() => chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox"] })),
        (b) => Effect.promise(() => b.close())
      )
      yield* Effect.promise(async () => {
        mkdirSync(screenshots, { recursive: true })
        const page = await browser.newPage({ viewport: { width: 900, height: 1000 } })
        await page.goto(`${url}/`)
        const bambooKey = (await page.locator("#bamboo-key").textContent())!.trim()
        const element = page.locator("weft-connect")
        await element.getByRole("button", { name: /BambooHR/ }).click()
        await element.getByLabel("Company domain").fill("acme")
        await element.getByLabel("API key", { exact: true }).fill("bhr-not-the-key")
        await element.getByRole("button", { name: "Connect", exact: true }).click()
        await expect.poll(() => element.getByRole("alert").textContent(), { timeout: 30_000 }).toMatch(/API key/)
        await page.screenshot({ path: join(screenshots, "serve-refused.png"), fullPage: true })
        await element.getByLabel("API key", { exact: true }).fill(bambooKey)
        await element.getByRole("button", { name: "Connect", exact: true }).click()
        await expect.poll(() => page.locator("#status").textContent(), { timeout: 30_000 }).toMatch(/Connected: integration int_/)
        await page.screenshot({ path: join(screenshots, "serve-connected.png"), fullPage: true })

        await page.getByRole("link", { name: "Open the audit page" }).click()
        await page.getByLabel("API key").fill(adminKey)
        await page.keyboard.press("Enter")
        await expect.poll(() => page.getByText("acme").first().isVisible(), { timeout: 30_000 }).toBe(true)
        await page.screenshot({ path: join(screenshots, "serve-audit.png"), fullPage: true })
      })
    }), 240_000)
})
