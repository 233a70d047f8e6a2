import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"

/**
 * `npm run demo -- --serve`, as a user runs it: a child process that prints
 * its URLs and keys, then serves until Ctrl-C. The README's three `curl`
 * calls are made against it (with fetch), and the fake BambooHR key it
 * prints connects an integration whose initial run then shows.
 */

const root = fileURLToPath(new URL("../../..", import.meta.url))

const freshEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")))

interface Served {
  readonly banner: string
  readonly exited: Promise<number | null>
  readonly stop: () => void
}

// Starts the demo in a process group of its own and waits for its banner.
const serve = (args: ReadonlyArray<string>): Promise<Served> =>
  new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "demo", "--", "--serve", ...args], { cwd: root, env: freshEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    const exited = new Promise<number | null>((done) => child.on("close", done))
    const stop = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGINT")
      } catch {
        // already gone
      }
    }
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8")
      if (out.includes("Press Ctrl-C to stop.")) resolve({ banner: out, exited, stop })
    })
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")))
    void exited.then((code) => reject(new Error(`the demo exited (${code}) before serving:\n${out}\n${err}`)))
  })

const field = (banner: string, pattern: RegExp): string => {
  const match = pattern.exec(banner)
  if (match === null) throw new Error(`not in the banner: ${pattern}\n${banner}`)
  return match[1]!
}

describe("npm run demo -- --serve", () => {
  it.live("prints the API's URLs and an admin key, answers the README's curl calls, connects BambooHR with the key it shows, and stops on Ctrl-C", () =>
    Effect.promise(async () => {
      const served = await serve(["--port", "0", "--store", "memory", "--employees", "40"])
      try {
        const url = field(served.banner, /API\s+(http:\/\/127\.0\.0\.1:\d+)/)
        const key = field(served.banner, /admin API key\s+(wk_demo_\S+)/)
        const bambooKey = field(served.banner, /BambooHR key\s+(\S+)/)
        expect(served.banner).toContain(`${url}/docs`)
        expect(served.banner).toContain(`${url}/openapi.json`)
        const admin = { authorization: `Bearer ${key}` }

        expect((await fetch(`${url}/docs`)).status).toBe(200)
        const session = await fetch(`${url}/connect-sessions`, {
          method: "POST",
          headers: { ...admin, "content-type": "application/json" },
          body: JSON.stringify({ tenant: "acme" })
        })
        expect(session.status).toBe(201)
        const { token } = (await session.json()) as { token: string }
        const connected = await fetch(`${url}/connect/integrations`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ connector: "bamboohr", credentials: { companyDomain: "acme", apiKey: bambooKey } })
        })
        expect(connected.status).toBe(201)
        const integrations = (await (await fetch(`${url}/integrations`, { headers: admin })).json()) as { items: Array<{ tenant: string }> }
        expect(integrations.items.map((i) => i.tenant)).toContain("acme")
        for (let attempt = 0; ; attempt++) {
          const runs = (await (await fetch(`${url}/runs?limit=5`, { headers: admin })).json()) as { items: Array<{ status: string }> }
          if (runs.items.some((r) => r.status === "succeeded")) break
          if (attempt > 600) throw new Error("no run finished")
          await new Promise((r) => setTimeout(r, 100))
        }
      } finally {
        served.stop()
      }
      await served.exited
    }), 300_000)
})
