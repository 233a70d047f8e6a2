import { createHmac } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type { WeftApi } from "@weft/api"
import { WeftApiServer } from "@weft/api"
import { BambooHR, HubSpot } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { BambooHRFake, HubSpotFake, WebhookReceiver } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { type Browser, chromium, type Page } from "playwright-core"
import { AuditUi } from "../../src/index.js"

/**
 * What the browser tests stand on: the browser assets built into a fresh
 * folder, a whole Weft behind its API on a loopback port (the BambooHR and
 * HubSpot fakes, a verifying webhook receiver, the SQLite store), the audit
 * page at `/ui`, host pages at `/host/<name>.html`, and a real Chromium.
 */

const here = dirname(fileURLToPath(import.meta.url))

export const ADMIN_KEY = "wk_admin_browser_tests_7c1f9e2a4b8d03e6f5a1"
export const WEBHOOK_SECRET = "whsec_YnJvd3Nlci10ZXN0cy1zaWduaW5nLXNlY3JldA=="
/** The API's `sessionSecret`: fixed, so a test can sign a session of its own (see `Stack.signedSession`). */
export const SESSION_SECRET = "browser-tests-connect-session-secret-3f9a1c7e"
const VAULT_KEY = Buffer.alloc(32, 11).toString("base64")

/** Where screenshots go: test output, not committed (see .gitignore). */
export const screenshotDir = join(here, "..", "..", "test-output", "screenshots")

/** Debian's Chromium unless WEFT_CHROMIUM names another. */
export const chromiumPath = process.env["WEFT_CHROMIUM"] ?? "/usr/bin/chromium"

let built: Promise<string> | undefined

/** Builds the browser assets once per test process; resolves to their folder. */
export const assets = (): Promise<string> => {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-connect-ui-"))
    // build.mjs is plain JavaScript: imported by URL, typed here.
    const build: string = new URL("../../build.mjs", import.meta.url).href
    const { bundle } = (await import(build)) as { bundle: (dir: string) => Promise<unknown> }
    await bundle(dir)
    return dir
  })()
  return built
}

export interface Stack {
  /** `http://127.0.0.1:<port>`: the API, `/ui` and `/host/…` */
  readonly url: string
  readonly bamboo: BambooHRFake.Fake
  readonly hubspot: HubSpotFake.Fake
  readonly receiver: WebhookReceiver.WebhookReceiver
  /** Calls the API with the admin key (or `token`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads fields of many shapes
  readonly api: (method: string, path: string, body?: unknown, token?: string) => Promise<{ readonly status: number; readonly json: any }>
  /** A connect session's token for `tenant` (default `acme`). */
  readonly session: (options?: { readonly tenant?: string; readonly connectors?: ReadonlyArray<string>; readonly expiresInSeconds?: number }) => Promise<string>
  /**
   * A connect-session token signed with the API's session secret, expiring
   * at `expiresAt` (Unix ms), which may be past or closer than the API's
   * 60 s minimum: how a test meets a session that ran out without waiting.
   */
  readonly signedSession: (options: { readonly expiresAt: number; readonly tenant?: string; readonly connectors?: ReadonlyArray<string> }) => string
}

export interface StackOptions {
  readonly employees?: number | undefined
  /** Host pages, served at `/host/<name>.html`. */
  readonly pages?: Readonly<Record<string, string>> | undefined
}

/** Starts everything; it all stops with the scope. */
export const stack = (options: StackOptions = {}): Effect.Effect<Stack, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const assetsDir = yield* Effect.promise(assets)
    const dir = mkdtempSync(join(tmpdir(), "weft-browser-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    const bamboo = yield* BambooHRFake.scoped({ size: options.employees ?? 20, seed: 5 })
    const hubspot = yield* HubSpotFake.scoped({ size: 10, seed: 5, consent: "page" })
    const receiver = yield* WebhookReceiver.make({ secrets: [WEBHOOK_SECRET] })
    const destination = { url: receiver.url, secrets: [WEBHOOK_SECRET] }
    const weft = Weft.layer({
      connectors: [
        BambooHR.connector({ baseUrl: bamboo.baseUrl, rateLimit: "none" }),
        HubSpot.connector({
          baseUrl: hubspot.url,
          tokenUrl: hubspot.tokenUrl,
          authorizeUrl: hubspot.authorizeUrl,
          clientId: hubspot.clientId,
          clientSecret: Redacted.make(hubspot.clientSecret)
        })
      ],
      syncs: { bamboohr: [{ destination }], hubspot: [{ destination }] }
    }).pipe(
      Layer.provide(Layer.mergeAll(
        StoreSqlite.layer({ filename: join(dir, "weft.db") }),
        SinkWebhook.layer({ allowHosts: ["127.0.0.1"] }),
        Vault.layer({ current: { id: "browser", key: Redacted.make(VAULT_KEY) } })
      )),
      Layer.provideMerge(NodeHttpClient.layerUndici)
    )
    const server = yield* Layer.build(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
    const http = yield* Effect.provide(HttpServer.HttpServer, server)
    const url = `http://127.0.0.1:${(http.address as HttpServer.TcpAddress).port}`
    const hostPages = HttpApiBuilder.Router.use((router) =>
      Effect.forEach(Object.entries(options.pages ?? {}), ([name, html]) =>
        router.get(`/host/${name}.html`, Effect.succeed(HttpServerResponse.html(html))))
    )
    yield* Layer.build(
      HttpApiBuilder.serve().pipe(
        Layer.provide(Layer.mergeAll(
          WeftApiServer.layer({ apiKeys: [Redacted.make(ADMIN_KEY)], sessionSecret: Redacted.make(SESSION_SECRET), publicUrl: url }),
          AuditUi.layer({ path: "/ui", assetsDir }),
          hostPages
        )),
        Layer.provide(weft),
        Layer.provide(Layer.succeedContext(server))
      )
    )
    const api: Stack["api"] = async (method, path, body, token = ADMIN_KEY) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      const text = await response.text()
      return { status: response.status, json: text === "" ? undefined : JSON.parse(text) }
    }
    const session: Stack["session"] = async (o = {}) => {
      const created = await api("POST", "/connect-sessions", {
        tenant: o.tenant ?? "acme",
        ...(o.connectors === undefined ? {} : { connectors: o.connectors }),
        ...(o.expiresInSeconds === undefined ? {} : { expiresInSeconds: o.expiresInSeconds })
      })
      if (created.status !== 201) throw new Error(`connect session: ${created.status} ${JSON.stringify(created.json)}`)
      return created.json.token as string
    }
    const signedSession: Stack["signedSession"] = (o) =>
      signSession({ id: `ses_test_${o.expiresAt}`, tenant: o.tenant ?? "acme", connectors: o.connectors ?? ["bamboohr", "hubspot"], expiresAt: o.expiresAt })
    return { url, bamboo, hubspot, receiver, api, session, signedSession }
  })

/**
 * A token as the API signs them (`wcs_<base64url JSON>.<HMAC-SHA256>`, the
 * key derived from {@link SESSION_SECRET}); the format is the API's
 * (packages/api/src/server/sessions.ts), repeated here for tests only.
 */
const signSession = (session: { readonly id: string; readonly tenant: string; readonly connectors: ReadonlyArray<string>; readonly expiresAt: number }): string => {
  const key = createHmac("sha256", "weft connect sessions").update(SESSION_SECRET).digest()
  const body = "wcs_" + Buffer.from(JSON.stringify({ v: 1, id: session.id, t: session.tenant, c: session.connectors, e: session.expiresAt })).toString("base64url")
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`
}

/** A headless Chromium; it closes with the scope. */
export const browser = (): Effect.Effect<Browser, unknown, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox"] })),
    (b) => Effect.promise(() => b.close())
  )

/** Saves a screenshot of the page's current state as `<name>.png` in {@link screenshotDir}. */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true })
}

/** axe-core's violations on the page (every rule axe runs by default), as `id: target` lines. */
export const axeViolations = async (page: Page): Promise<ReadonlyArray<string>> => {
  const path = createRequire(import.meta.url).resolve("axe-core")
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.addScriptTag({ path })
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run: () => Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: Array<unknown> }> }> }> } }).axe.run()
    return result.violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`)
  })
  return violations
}

/**
 * A host page for `<weft-connect>`: it loads `/ui/weft-connect.js`, places
 * the element with the `token` (and optional `connector`, `theme`) of its
 * query string, and records every `weft:*` event that reaches `document`
 * (so only bubbling, composed events are seen) in `window.weftEvents`.
 * Serve it with `stack({ pages: { connect: connectHostPage() } })`; `css`
 * goes into the page's style sheet.
 */
export const connectHostPage = (options: { readonly css?: string } = {}): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect an app</title>
<script type="module" src="/ui/weft-connect.js"></script>
<style>
  body { margin: 0; padding: 32px; font-family: system-ui, sans-serif; background: #f0f1f4; }
  @media (prefers-color-scheme: dark) { body { background: #0c0d10; color: #e8eaed; } }
  ${options.css ?? ""}
</style>
</head>
<body>
<main>
<h1>Integrations</h1>
<weft-connect></weft-connect>
</main>
<script type="module">
  const element = document.querySelector("weft-connect")
  const params = new URLSearchParams(location.search)
  window.weftEvents = []
  for (const type of ["weft:connected", "weft:error", "weft:close", "weft:session-expired"]) {
    document.addEventListener(type, (event) => window.weftEvents.push({ type, detail: event.detail }))
  }
  for (const name of ["connector", "theme", "api-url"]) if (params.has(name)) element.setAttribute(name, params.get(name))
  element.token = params.get("token")
</script>
</body>
</html>
`

/** A `weft:*` event as {@link connectHostPage} recorded it. */
export interface RecordedEvent {
  readonly type: string
  readonly detail: Readonly<Record<string, unknown>> | null
}

/** The `weft:*` events the host page heard so far. */
export const connectEvents = (page: Page): Promise<ReadonlyArray<RecordedEvent>> =>
  page.evaluate(() => (globalThis as unknown as { weftEvents: Array<RecordedEvent> }).weftEvents)

/** Waits until the host page heard a `type` event; resolves to its detail. */
export const nextConnectEvent = async (page: Page, type: string, after = 0): Promise<RecordedEvent["detail"]> => {
  const handle = await page.waitForFunction(
    ([type, after]) => (globalThis as unknown as { weftEvents: Array<RecordedEvent> }).weftEvents.slice(after as number).find((e) => e.type === type),
    [type, after] as const,
    { timeout: 60_000 }
  )
  return ((await handle.jsonValue()) as RecordedEvent).detail
}

// The audit page's tests.

/**
 * Connects BambooHR (the fake's admin key) for `tenant` through a connect
 * session, as `<weft-connect>` would; resolves to the integration's id. The
 * configured sync's initial run starts at once.
 */
export const connectBamboo = async (s: Stack, options: { readonly tenant?: string } = {}): Promise<string> => {
  const token = await s.session({ tenant: options.tenant ?? "acme", connectors: ["bamboohr"] })
  const connected = await s.api(
    "POST",
    "/connect/integrations",
    { connector: "bamboohr", credentials: { companyDomain: "acme", apiKey: BambooHRFake.keys.admin } },
    token
  )
  if (connected.status !== 201) throw new Error(`connect: ${connected.status} ${JSON.stringify(connected.json)}`)
  return connected.json.integrationId as string
}

/** Asks `get` again (every 200 ms) until `done` holds; resolves to the answer that satisfied it. */
export const until = async <A>(what: string, get: () => Promise<A>, done: (a: A) => boolean, timeoutMs = 90_000): Promise<A> => {
  const deadline = performance.now() + timeoutMs
  let last: A | undefined
  for (;;) {
    last = await get()
    if (done(last)) return last
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last ${JSON.stringify(last)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/**
 * The sync of `integrationId` once its newest run has finished and every
 * event of it was delivered: `{ sync, run }` as the API shows them.
 */
export const settledRun = async (
  s: Stack,
  integrationId: string
): Promise<{ readonly sync: typeof WeftApi.Sync.Encoded; readonly run: typeof WeftApi.Run.Encoded }> => {
  const syncs = await until("the sync", () => s.api("GET", `/syncs?integrationId=${integrationId}`), (r) => r.json.items.length > 0)
  const sync = syncs.json.items[0]
  const runs = await until(
    "a settled run",
    () => s.api("GET", `/runs?syncId=${sync.id}&limit=1`),
    (r) => r.json.items[0] !== undefined && r.json.items[0].status !== "running" && r.json.items[0].delivery.allConsumed
  )
  return { sync, run: runs.json.items[0] }
}

/**
 * {@link axeViolations} on a page whose CSP allows only its own scripts:
 * axe-core goes in through the DevTools protocol, which no CSP governs,
 * rather than as a script tag.
 */
export const axeViolationsUnderCsp = async (page: Page): Promise<ReadonlyArray<string>> => {
  if (!(await page.evaluate(() => "axe" in globalThis))) {
    await page.evaluate(readFileSync(createRequire(import.meta.url).resolve("axe-core"), "utf8"))
  }
  return axeViolations(page)
}

/**
 * Records what the page reports as wrong: uncaught errors and CSP
 * violations. Call before the first navigation.
 */
export const pageProblems = async (page: Page): Promise<() => ReadonlyArray<string>> => {
  const problems: Array<string> = []
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
  await page.exposeFunction("__weftCspViolation", (text: string) => problems.push(`CSP: ${text}`))
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      void (globalThis as unknown as { __weftCspViolation: (t: string) => void }).__weftCspViolation(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  return () => problems
}

/** Opens the audit page at `/ui/` and signs in with `key` (default: the admin key). */
export const signInToAudit = async (page: Page, url: string, key: string = ADMIN_KEY): Promise<void> => {
  await page.goto(`${url}/ui/`)
  await page.getByLabel("API key").fill(key)
  await page.getByRole("button", { name: "Sign in" }).click()
}

/** Runs `f`; when it fails, saves a screenshot as `<name>-failed.png` first (the state the failure saw). */
export const shotOnFailure = async <A>(page: Page, name: string, f: () => Promise<A>): Promise<A> => {
  try {
    return await f()
  } catch (error) {
    await screenshot(page, `${name}-failed`).catch(() => undefined)
    throw error
  }
}
