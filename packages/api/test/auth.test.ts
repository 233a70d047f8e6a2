import * as OpenApi from "@effect/platform/OpenApi"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { WeftApi } from "../src/WeftApi.js"
import { bambooCredentials, call, expectError, expectOk, newSession } from "./flows.js"
import { ADMIN_KEY, harness, OLD_ADMIN_KEY } from "./support.js"

interface Operation {
  readonly method: string
  readonly path: string
  readonly security: ReadonlyArray<Record<string, unknown>>
}

// Every operation of the OpenAPI document, its path parameters filled in.
const operations = (): ReadonlyArray<Operation> => {
  const document = OpenApi.fromApi(WeftApi) as unknown as {
    paths: Record<string, Record<string, { security: ReadonlyArray<Record<string, unknown>> }>>
  }
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{\w+\}/g, "x"),
      security: operation.security
    }))
  )
}
const withScheme = (scheme: string) => operations().filter((op) => op.security.some((s) => scheme in s))
const bodyFor = (method: string) => (method === "POST" || method === "PUT" ? { body: {} } : {})

describe("authentication", () => {
  it.scoped("admin endpoints: no token or an unknown one is 401, a session token 403 admin_only", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      const admin = withScheme("adminKey")
      expect(admin.length).toBeGreaterThanOrEqual(25)
      for (const op of admin) {
        const where = `${op.method} ${op.path}`
        expectError(yield* call(h, op.method, op.path, { token: null, ...bodyFor(op.method) }), 401, "Unauthorized", "missing_credentials")
        expectError(
          yield* call(h, op.method, op.path, { token: "wk_admin_not-a-key", ...bodyFor(op.method) }),
          401,
          "Unauthorized",
          "invalid_credentials"
        )
        const refused = yield* call(h, op.method, op.path, { token: session.token, ...bodyFor(op.method) })
        expect(refused.json?.code, where).toBe("admin_only")
        expectError(refused, 403, "Forbidden", "admin_only")
      }
    }))

  it.scoped("connect endpoints: an API key is 403 session_only, no token 401", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const connect = withScheme("sessionToken")
      expect(connect.map((op) => `${op.method} ${op.path}`).sort()).toEqual([
        "GET /connect/session",
        "POST /connect/integrations",
        "POST /connect/oauth2/x/authorize"
      ])
      for (const op of connect) {
        expectError(yield* call(h, op.method, op.path, { token: ADMIN_KEY, ...bodyFor(op.method) }), 403, "Forbidden", "session_only")
        expectError(yield* call(h, op.method, op.path, { token: OLD_ADMIN_KEY, ...bodyFor(op.method) }), 403, "Forbidden", "session_only")
        expectError(yield* call(h, op.method, op.path, { token: null, ...bodyFor(op.method) }), 401, "Unauthorized", "missing_credentials")
        expectError(yield* call(h, op.method, op.path, { token: "wcs_nope.nope", ...bodyFor(op.method) }), 401, "Unauthorized", "invalid_credentials")
      }
    }))

  it.scoped("the public endpoints need no token", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const open = operations().filter((op) => op.security.length === 0).map((op) => `${op.method} ${op.path}`).sort()
      expect(open).toEqual(["GET /connect/oauth2/callback", "GET /health", "GET /ready"])
      expect((yield* call(h, "GET", "/health", { token: null })).json).toEqual({ status: "ok" })
      expect((yield* call(h, "GET", "/ready", { token: null })).json).toEqual({ status: "ready" })
    }))

  it.scoped("both configured API keys work (rotation), and a header that is not a bearer token is 401", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      for (const key of [ADMIN_KEY, OLD_ADMIN_KEY]) {
        expectOk(yield* call(h, "GET", "/integrations", { token: key }))
        const created = yield* call(h, "POST", "/connect-sessions", { token: key, body: { tenant: "acme" } })
        expectOk(created, 201)
      }
      // A key with a character more or less, or in another case, is not the key.
      for (const near of [`${ADMIN_KEY}x`, ADMIN_KEY.slice(0, -1), ADMIN_KEY.toUpperCase()]) {
        expectError(yield* call(h, "GET", "/integrations", { token: near }), 401, "Unauthorized", "invalid_credentials")
      }
      const basic = yield* call(h, "GET", "/integrations", {
        token: null,
        headers: { authorization: `Basic ${Buffer.from(`${ADMIN_KEY}:`).toString("base64")}` }
      })
      expectError(basic, 401, "Unauthorized")
    }))

  it.scoped("a session token whose payload was altered is not accepted", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h, { tenant: "acme", connectors: ["bamboohr"] })
      const [body, mac] = session.token.split(".") as [string, string]
      const payload = JSON.parse(Buffer.from(body.slice("wcs_".length), "base64url").toString("utf8"))
      const forged = `wcs_${Buffer.from(JSON.stringify({ ...payload, t: "globex" })).toString("base64url")}.${mac}`
      expectError(yield* call(h, "GET", "/connect/session", { token: forged }), 401, "Unauthorized", "invalid_credentials")
      // Nor is a forged one an admin's.
      expectError(yield* call(h, "GET", "/integrations", { token: forged }), 401, "Unauthorized", "invalid_credentials")
      expectOk(yield* call(h, "GET", "/connect/session", { token: session.token }))
    }))

  it.scoped("a connector outside the session is 403 out_of_scope, for a form and for OAuth", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const hubspotOnly = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const submit = yield* call(h, "POST", "/connect/integrations", {
        token: hubspotOnly.token,
        body: { connector: "bamboohr", credentials: bambooCredentials() }
      })
      expectError(submit, 403, "Forbidden", "out_of_scope")
      expect(submit.json.message).toContain("hubspot")
      const bambooOnly = yield* newSession(h, { tenant: "acme", connectors: ["bamboohr"] })
      expectError(
        yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: bambooOnly.token, body: {} }),
        403,
        "Forbidden",
        "out_of_scope"
      )
      // A connector no server knows is out of every session's scope.
      expectError(
        yield* call(h, "POST", "/connect/integrations", { token: bambooOnly.token, body: { connector: "workday", credentials: {} } }),
        403,
        "Forbidden",
        "out_of_scope"
      )
      // The session offers only its connectors, and nothing was connected.
      const view = yield* call(h, "GET", "/connect/session", { token: bambooOnly.token })
      expect(view.json.connectors.map((c: { id: string }) => c.id)).toEqual(["bamboohr"])
      expect((yield* call(h, "GET", "/integrations")).json.items).toEqual([])
    }))

  it.scoped("a session expires: 401 session_expired on every connect endpoint once its time is up", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      expect(session.expiresAt).toBe(new Date(30 * 60_000).toISOString())
      const short = yield* newSession(h, { tenant: "acme", expiresInSeconds: 120 })
      expect(short.expiresAt).toBe(new Date(120_000).toISOString())
      expectOk(yield* call(h, "GET", "/connect/session", { token: session.token }))

      yield* TestClock.adjust("2 minutes")
      expectError(yield* call(h, "GET", "/connect/session", { token: short.token }), 401, "Unauthorized", "session_expired")
      expectOk(yield* call(h, "GET", "/connect/session", { token: session.token }))

      yield* TestClock.adjust("29 minutes")
      expectError(yield* call(h, "GET", "/connect/session", { token: session.token }), 401, "Unauthorized", "session_expired")
      const submit = yield* call(h, "POST", "/connect/integrations", {
        token: session.token,
        body: { connector: "bamboohr", credentials: bambooCredentials() }
      })
      expectError(submit, 401, "Unauthorized", "session_expired")
      expectError(
        yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: session.token, body: {} }),
        401,
        "Unauthorized",
        "session_expired"
      )
      expect((yield* call(h, "GET", "/integrations")).json.items).toEqual([])
      // An expired session token is still no API key.
      expectError(yield* call(h, "GET", "/integrations", { token: session.token }), 403, "Forbidden", "admin_only")
    }))
})
