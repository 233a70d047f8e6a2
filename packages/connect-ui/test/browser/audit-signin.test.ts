/// <reference lib="dom" />
import { rmSync, writeFileSync } from "node:fs"
import { request } from "node:http"
import { basename, dirname, join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import {
  ADMIN_KEY,
  assets,
  axeViolationsUnderCsp,
  browser,
  pageProblems,
  screenshot,
  shotOnFailure,
  signInToAudit,
  stack
} from "./support.js"

/**
 * The audit page's sign-in: the operator pastes an API key, which the page
 * keeps in memory only (never in storage, a cookie or the URL) and drops on
 * sign-out and reload; a host's proxy can add the key instead.
 */

const proxyPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Host admin · Weft audit</title>
<script type="module" src="/ui/audit.js"></script></head>
<body><weft-audit data-api-url="/host-admin/weft/"></weft-audit></body>
</html>`

/** A GET with the path as written (fetch would resolve `..` and its escapes first). */
const rawGet = (url: string, path: string) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(`${url}${path}`, { method: "GET" }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk) => (body += chunk))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.path = path
    req.on("error", reject)
    req.end()
  })

describe("audit page sign-in", () => {
  it.scopedLive("serves the page, its script and the element's, each with the page's CSP, and nothing else", () =>
    Effect.gen(function*() {
      const s = yield* stack()
      yield* Effect.promise(async () => {
        const bare = await rawGet(s.url, "/ui")
        expect(bare.status).toBe(302)
        expect(bare.headers["location"]).toBe("ui/")
        for (const [path, type] of [["/ui/", "text/html"], ["/ui/audit.js", "text/javascript"], ["/ui/weft-connect.js", "text/javascript"]] as const) {
          const answer = await rawGet(s.url, path)
          expect(answer.status, path).toBe(200)
          expect(String(answer.headers["content-type"])).toContain(type)
          expect(String(answer.headers["content-security-policy"])).toContain("script-src 'self'")
          expect(answer.headers["cache-control"]).toBe("no-store")
        }
        expect((await rawGet(s.url, "/ui/")).body).toContain('<script type="module" src="./audit.js"></script>')
        // A file next to the assets' folder stays out of reach.
        const outside = join(dirname(await assets()), `weft-audit-outside-${process.pid}.txt`)
        writeFileSync(outside, "outside")
        try {
          const name = basename(outside)
          for (const path of [`/ui/../${name}`, `/ui/%2e%2e/${name}`, `/ui/..%2f${name}`, `/ui/%2e%2e%2f${name}`, "/ui/.hidden", "/ui/%E0%A4%A", "/ui/nothing.js"]) {
            const answer = await rawGet(s.url, path)
            expect(answer.status, path).toBe(404)
            expect(answer.body).not.toContain("outside")
          }
        } finally {
          rmSync(outside, { force: true })
        }
      })
    }))

  it.scopedLive("refuses a wrong key with the API's message; the right one opens the page and lives in memory only", () =>
    Effect.gen(function*() {
      const s = yield* stack()
      const b = yield* browser()
      const context = yield* Effect.acquireRelease(
        Effect.promise(() => b.newContext({ viewport: { width: 1280, height: 800 } })),
        (c) => Effect.promise(() => c.close())
      )
      const page = yield* Effect.promise(() => context.newPage())
      yield* Effect.promise(() => shotOnFailure(page, "audit-signin", async () => {
        const problems = await pageProblems(page)
        const sent: Array<{ url: string; authorization: string | undefined }> = []
        page.on("request", (r) => sent.push({ url: r.url(), authorization: r.headers()["authorization"] }))

        const response = await page.goto(`${s.url}/ui/`)
        expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'")
        const heading = page.getByRole("heading", { name: "Sign in" })
        await heading.waitFor()
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-signin")

        // A wrong key: refused, with the API's message, in an alert.
        const input = page.getByLabel("API key")
        expect(await input.getAttribute("type")).toBe("password")
        expect(await input.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(true)
        await input.fill("wk_not_a_key")
        await page.getByRole("button", { name: "Sign in" }).click()
        const alert = page.getByRole("alert").filter({ hasText: "refused" })
        await alert.waitFor()
        expect(await alert.innerText()).toContain("The API refused that key: The bearer token is not a known API key")
        expect(await input.getAttribute("aria-invalid")).toBe("true")
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-signin-refused")

        // The key is selected, to be replaced; the right one, from the keyboard: the integrations, with focus on their heading.
        expect(await input.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(true)
        await page.keyboard.type(ADMIN_KEY)
        await page.keyboard.press("Enter")
        const integrations = page.getByRole("heading", { name: "Integrations", level: 1 })
        await integrations.waitFor()
        await expect.poll(() => integrations.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(true)

        // The key went to the API as a bearer token, and nowhere else.
        const withKey = sent.filter((r) => r.authorization === `Bearer ${ADMIN_KEY}`)
        expect(withKey.length).toBeGreaterThan(0)
        expect(withKey.every((r) => new URL(r.url).origin === s.url)).toBe(true)
        expect(sent.some((r) => r.url.includes(ADMIN_KEY))).toBe(false)
        expect(page.url()).not.toContain(ADMIN_KEY)
        const storage = await page.evaluate(() => ({
          local: Object.entries(localStorage),
          session: Object.entries(sessionStorage),
          cookie: document.cookie,
          history: history.length
        }))
        expect(storage.local).toEqual([])
        expect(storage.session).toEqual([])
        expect(storage.cookie).toBe("")
        expect(await context.cookies()).toEqual([])
        expect(JSON.stringify(await context.storageState())).not.toContain(ADMIN_KEY)
        // No input on the page holds it any longer.
        const values = await page.evaluate(() => {
          const out: Array<string> = []
          const walk = (root: Document | ShadowRoot) => {
            for (const el of Array.from(root.querySelectorAll("*"))) {
              if (el instanceof HTMLInputElement) out.push(el.value)
              if (el.shadowRoot !== null) walk(el.shadowRoot)
            }
          }
          walk(document)
          return out
        })
        expect(values).not.toContain(ADMIN_KEY)
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-signed-in")

        // Sign-out forgets it: the sign-in form again, and the API is not called with it any more.
        await page.getByRole("button", { name: "Sign out" }).click()
        await heading.waitFor()
        expect(await page.getByRole("status").filter({ hasText: "Signed out" }).count()).toBe(1)
        const before = sent.length
        await page.goto(`${s.url}/ui/#/syncs/whatever`)
        await heading.waitFor()
        expect(sent.slice(before).filter((r) => r.authorization !== undefined)).toEqual([])

        // A reload forgets it too.
        await signInToAudit(page, s.url)
        await integrations.waitFor()
        await page.reload()
        await heading.waitFor()
        expect(await page.getByRole("heading", { name: "Integrations" }).count()).toBe(0)

        expect(problems()).toEqual([])
      }))
    }))

  it.scopedLive("behind a host's proxy, asks for no key: the proxy adds it", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages: { "audit-proxy": proxyPage } })
      const b = yield* browser()
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 1280, height: 800 } }))
      yield* Effect.promise(() => shotOnFailure(page, "audit-signin", async () => {
        const problems = await pageProblems(page)
        const fromPage: Array<string | undefined> = []
        // The host's backend: /host-admin/weft/* goes to the API with the key added server-side.
        await page.route(`${s.url}/host-admin/weft/**`, async (route) => {
          fromPage.push(route.request().headers()["authorization"])
          const target = route.request().url().replace(`${s.url}/host-admin/weft/`, `${s.url}/`)
          const answer = await route.fetch({ url: target, headers: { ...route.request().headers(), authorization: `Bearer ${ADMIN_KEY}` } })
          await route.fulfill({ response: answer })
        })
        await page.goto(`${s.url}/host/audit-proxy.html`)
        await page.getByRole("heading", { name: "Integrations", level: 1 }).waitFor()
        await page.getByText("No integrations yet.").waitFor()
        expect(await page.getByLabel("API key").count()).toBe(0)
        expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0)
        expect(fromPage.length).toBeGreaterThan(0)
        expect(fromPage.every((a) => a === undefined)).toBe(true)
        expect(problems()).toEqual([])
      }))
    }))
})
