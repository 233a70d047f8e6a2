import { describe, expect, it } from "@effect/vitest"
import { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import {
  bambooCredentials,
  call,
  expectBadRequest,
  expectError,
  expectOk,
  newSession,
  settledRun
} from "./flows.js"
import { harness } from "./support.js"

describe("POST /connect-sessions", () => {
  it.scoped("mints a session for a tenant: every connector by default, or those listed; 30 minutes unless told", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const all = yield* newSession(h, { tenant: "acme" })
      expect(all).toMatchObject({ tenant: "acme", connectors: ["bamboohr", "hubspot"], expiresAt: "1970-01-01T00:30:00.000Z" })
      expect(all.id).toMatch(/^ses_/)
      expect(all.token).toMatch(/^wcs_/)
      const listed = yield* newSession(h, { tenant: "globex", connectors: ["hubspot", "hubspot"], expiresInSeconds: 86_400 })
      expect(listed).toMatchObject({ tenant: "globex", connectors: ["hubspot"], expiresAt: "1970-01-02T00:00:00.000Z" })
      expect(listed.id).not.toBe(all.id)
    }))

  it.scoped("refuses a bad input with 400 naming it", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const create = (body: unknown) => call(h, "POST", "/connect-sessions", { body })
      expectBadRequest(yield* create({}), "body.tenant")
      expectBadRequest(yield* create({ tenant: "" }), "body.tenant")
      expectBadRequest(yield* create({ tenant: "  acme " }), "body.tenant")
      expectBadRequest(yield* create({ tenant: "a".repeat(201) }), "body.tenant")
      expectBadRequest(yield* create({ tenant: 7 }), "body.tenant")
      expectBadRequest(yield* create({ tenant: "acme", connectors: "bamboohr" }), "body.connectors")
      expectBadRequest(yield* create({ tenant: "acme", expiresInSeconds: 59 }), "body.expiresInSeconds")
      expectBadRequest(yield* create({ tenant: "acme", expiresInSeconds: 86_401 }), "body.expiresInSeconds")
      expectBadRequest(yield* create({ tenant: "acme", expiresInSeconds: 90.5 }), "body.expiresInSeconds")
      const unknown = yield* create({ tenant: "acme", connectors: ["bamboohr", "workday"] })
      expectBadRequest(unknown, "connectors[1]", "unknown_connector")
      expect(unknown.json.message).toContain("bamboohr, hubspot")
      expectBadRequest(yield* create({ tenant: "acme", connectors: [] }), "connectors")
    }))
})

describe("GET /connect/session", () => {
  it.scoped("shows the tenant and each offered connector's credential form, and the integration once connected", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      const view = yield* call(h, "GET", "/connect/session", { token: session.token })
      expectOk(view)
      expect(view.json).toMatchObject({ id: session.id, tenant: "acme", expiresAt: session.expiresAt })
      expect(view.json.integrationId).toBeUndefined()
      const [bamboo, hubspot] = view.json.connectors
      expect(bamboo).toMatchObject({ id: "bamboohr", name: "BambooHR", category: "hris", kind: "form" })
      expect(bamboo.fields.map((f: { name: string; secret: boolean; required: boolean }) => [f.name, f.secret, f.required])).toEqual([
        ["companyDomain", false, true],
        ["apiKey", true, true]
      ])
      expect(bamboo.jsonSchema.$ref).toBeDefined()
      expect(hubspot).toMatchObject({ id: "hubspot", kind: "oauth2", fields: [] })

      const connected = yield* call(h, "POST", "/connect/integrations", {
        token: session.token,
        body: { connector: "bamboohr", credentials: bambooCredentials() }
      })
      expectOk(connected, 201)
      const after = yield* call(h, "GET", "/connect/session", { token: session.token })
      expect(after.json.integrationId).toBe(connected.json.integrationId)
    }))
})

describe("POST /connect/integrations", () => {
  it.scoped("connects with accepted credentials: 201, the integration exists and its initial run delivers", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h, { tenant: "acme", connectors: ["bamboohr"] })
      const answer = yield* call(h, "POST", "/connect/integrations", {
        token: session.token,
        body: { connector: "bamboohr", credentials: bambooCredentials() }
      })
      expectOk(answer, 201)
      expect(answer.json).toEqual({ integrationId: expect.stringMatching(/^int_/), connector: "bamboohr", tenant: "acme", status: "active" })
      const listed = yield* call(h, "GET", "/integrations?tenant=acme")
      expect(listed.json.items.map((i: { id: string }) => i.id)).toEqual([answer.json.integrationId])

      const run = yield* settledRun(h, `integrationId=${answer.json.integrationId}`)
      expect(run).toMatchObject({ type: "initial", status: "succeeded", tenant: "acme", connector: "bamboohr" })
      expect(run.models[0]).toMatchObject({ model: "hris.employee", processed: 12, new: 12 })
      const delivered = h.receiver.requests().filter((r) => r.event?.type === "record.new")
      expect(delivered.length).toBe(12)
      expect(delivered.every((r) => r.verified)).toBe(true)
    }))

  it.scoped("a refused key is 422 with the provider's reason and the resolution; nothing is stored and the session can try again", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      const submit = (credentials: unknown) =>
        call(h, "POST", "/connect/integrations", { token: session.token, body: { connector: "bamboohr", credentials } })

      const wrong = yield* submit(bambooCredentials("bhr-not-a-key-at-all"))
      expectError(wrong, 422, "ConnectionRefused", "invalid_credentials")
      expect(wrong.json.message).toBe("BambooHR did not accept the API key for this company.")
      expect(wrong.json.resolution).toMatch(/API Keys/)

      const noAccess = yield* submit(bambooCredentials(BambooHRFake.keys.noAccess))
      expectError(noAccess, 422, "ConnectionRefused", "insufficient_permissions")
      expect(noAccess.json.resolution).toMatch(/Access Levels/)

      // Credentials that do not fit the form: the field is named, its value is not repeated.
      const malformed = yield* submit({ companyDomain: "acme" })
      expectError(malformed, 422, "ConnectionRefused", "credentials_malformed")
      expect(malformed.json.message).toContain("apiKey")
      const typed = yield* submit({ companyDomain: "acme", apiKey: 12345 })
      expectError(typed, 422, "ConnectionRefused", "credentials_malformed")
      expect(typed.text).not.toContain("12345")

      expect((yield* call(h, "GET", "/integrations")).json.items).toEqual([])
      expectOk(yield* submit(bambooCredentials()), 201)
    }))

  it.scoped("400: the body is not a submission, or the connector connects through OAuth", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      const submit = (body: unknown) => call(h, "POST", "/connect/integrations", { token: session.token, body })
      expectBadRequest(yield* submit({ credentials: {} }), "body.connector")
      expectBadRequest(yield* submit({ connector: "bamboohr" }), "body.credentials")
      expectBadRequest(yield* submit({ connector: "bamboohr", credentials: "companyDomain=acme" }), "body.credentials")
      expectBadRequest(yield* submit({ connector: "bamboohr", credentials: [] }), "body.credentials")
      const oauth = yield* submit({ connector: "hubspot", credentials: {} })
      expectBadRequest(oauth, "connector")
      expect(oauth.json.message).toContain("/connect/oauth2/hubspot/authorize")
    }))

  it.scoped("submissions sent at once with one session connect one integration; the others are 409", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      const answers = yield* Effect.all(
        Array.from({ length: 5 }, () =>
          call(h, "POST", "/connect/integrations", { token: session.token, body: { connector: "bamboohr", credentials: bambooCredentials() } })),
        { concurrency: "unbounded" }
      )
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409])
      for (const answer of answers.filter((a) => a.status === 409)) expect(answer.json.code).toBe("session_used")
      expect((yield* call(h, "GET", "/integrations")).json.items.length).toBe(1)
    }))

  it.scoped("409 session_used: a session connects one integration", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      const body = { connector: "bamboohr", credentials: bambooCredentials() }
      const first = yield* call(h, "POST", "/connect/integrations", { token: session.token, body })
      expectOk(first, 201)
      const again = yield* call(h, "POST", "/connect/integrations", { token: session.token, body })
      expectError(again, 409, "Conflict", "session_used")
      expect(again.json.message).toContain(first.json.integrationId)
      expectError(
        yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: session.token, body: {} }),
        409,
        "Conflict",
        "session_used"
      )
      expect((yield* call(h, "GET", "/integrations")).json.items.length).toBe(1)
      // Another session of the same tenant may connect again.
      const next = yield* newSession(h)
      expectOk(yield* call(h, "POST", "/connect/integrations", { token: next.token, body }), 201)
    }))

  it.scoped("429 after ten submissions in ten minutes, with the wait; other sessions are not affected", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      const submit = (token: string, apiKey: string) =>
        call(h, "POST", "/connect/integrations", { token, body: { connector: "bamboohr", credentials: bambooCredentials(apiKey) } })
      for (let i = 0; i < 10; i++) {
        yield* TestClock.adjust("10 seconds")
        expectError(yield* submit(session.token, `bhr-guess-${i}`), 422, "ConnectionRefused", "invalid_credentials")
      }
      const limited = yield* submit(session.token, BambooHRFake.keys.admin)
      expectError(limited, 429, "TooManyRequests", "too_many_requests")
      // The first attempt was made at 10 s, 90 s ago: it leaves the ten-minute window in 510 s.
      expect(limited.json.retryAfterSeconds).toBe(510)
      const other = yield* newSession(h)
      expectOk(yield* submit(other.token, BambooHRFake.keys.admin), 201)

      yield* TestClock.adjust("509 seconds")
      expectError(yield* submit(session.token, BambooHRFake.keys.admin), 429, "TooManyRequests")
      yield* TestClock.adjust("1 second")
      expectOk(yield* submit(session.token, BambooHRFake.keys.admin), 201)
    }))
})
