import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import {
  authorizeHubSpot,
  browserCookie,
  call,
  expectBadRequest,
  expectError,
  expectOk,
  newSession,
  pageResult,
  settledRun,
  throughConsent,
  visit
} from "./flows.js"
import { harness } from "./support.js"

describe("OAuth 2 connect (HubSpot)", () => {
  it.scoped("authorize → the provider's consent page → the callback's page tells the opener it connected; the initial run starts", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const { answer, url } = yield* authorizeHubSpot(h, session.token)

      const authorize = new URL(url)
      expect(authorize.origin + authorize.pathname).toBe(h.hubspot.authorizeUrl)
      expect(authorize.searchParams.get("client_id")).toBe(h.hubspot.clientId)
      expect(authorize.searchParams.get("redirect_uri")).toBe(`${h.url}/connect/oauth2/callback`)
      expect(authorize.searchParams.get("state")).toMatch(/^wos_/)

      expect(answer.status).toBe(200)
      expect(answer.type).toMatch(/^text\/html/)
      const result = pageResult(answer.page)
      expect(result).toEqual({ type: "weft:oauth", status: "connected", integrationId: expect.stringMatching(/^int_/), connector: "hubspot" })
      expect(answer.page).toContain("window.opener.postMessage")

      const integration = yield* call(h, "GET", `/integrations/${result.integrationId}`)
      expect(integration.json).toMatchObject({ id: result.integrationId, tenant: "acme", connector: "hubspot", status: "active" })
      const listed = yield* call(h, "GET", "/integrations?connector=hubspot")
      expect(listed.json.items.map((i: { id: string }) => i.id)).toEqual([result.integrationId])
      expect((yield* call(h, "GET", "/connect/session", { token: session.token })).json.integrationId).toBe(result.integrationId)

      const run = yield* settledRun(h, `integrationId=${result.integrationId}`)
      expect(run).toMatchObject({ type: "initial", connector: "hubspot", tenant: "acme" })
      expect(run.delivery.recordEvents).toBeGreaterThan(0)
      expect(h.hubspot.authProblems()).toEqual([])
    }))

  it.scoped("with a returnUrl, the callback redirects there with the outcome", () =>
    Effect.gen(function*() {
      const h = yield* harness({ consent: "auto" })
      const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const { answer } = yield* authorizeHubSpot(h, session.token, { returnUrl: "https://app.example/integrations?tab=crm" })
      expect(answer.status).toBe(302)
      const back = new URL(answer.location!)
      expect(back.origin + back.pathname).toBe("https://app.example/integrations")
      expect(back.searchParams.get("tab")).toBe("crm")
      expect(back.searchParams.get("weft_status")).toBe("connected")
      expect(back.searchParams.get("weft_connector")).toBe("hubspot")
      const integrationId = back.searchParams.get("weft_integration_id")!
      expectOk(yield* call(h, "GET", `/integrations/${integrationId}`))
    }))

  it.scoped("a declined consent ends in status error / access_denied, on the page or at the returnUrl, and connects nothing", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const cancelled = yield* authorizeHubSpot(h, session.token, { button: "Cancel" })
      expect(cancelled.callback).toContain("error=access_denied")
      expect(cancelled.answer.status).toBe(200)
      const result = pageResult(cancelled.answer.page)
      expect(result).toMatchObject({ type: "weft:oauth", status: "error", connector: "hubspot", code: "access_denied" })
      expect(result.message).toContain("HubSpot did not grant access")
      expect(result.resolution).toBeTruthy()
      expect(result.integrationId).toBeUndefined()

      h.hubspot.denyNextConsent()
      const denied = yield* authorizeHubSpot(h, session.token, { returnUrl: "https://app.example/back" })
      expect(denied.answer.status).toBe(302)
      const back = new URL(denied.answer.location!)
      expect(Object.fromEntries(back.searchParams)).toMatchObject({
        weft_status: "error",
        weft_connector: "hubspot",
        weft_error_code: "access_denied"
      })
      expect(back.searchParams.get("weft_integration_id")).toBeNull()

      expect((yield* call(h, "GET", "/integrations")).json.items).toEqual([])
      // The session was not used up: the end user can start again and grant.
      const granted = yield* authorizeHubSpot(h, session.token)
      expect(pageResult(granted.answer.page).status).toBe("connected")
    }))

  it.scoped("a state that is missing, altered or expired is 400; a code the provider refuses ends in status error", () =>
    Effect.gen(function*() {
      const h = yield* harness({ consent: "auto" })
      const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const started = yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: session.token, body: {} })
      const callback = new URL(yield* throughConsent(h, started.json.url))
      const state = callback.searchParams.get("state")!
      const code = callback.searchParams.get("code")!
      const at = (params: Record<string, string>) => call(h, "GET", `/connect/oauth2/callback?${new URLSearchParams(params)}`, { token: null })

      expectBadRequest(yield* at({ code }), "state")
      const [body, mac] = state.split(".") as [string, string]
      const payload = JSON.parse(Buffer.from(body.slice("wos_".length), "base64url").toString("utf8"))
      const otherTenant = `wos_${Buffer.from(JSON.stringify({ ...payload, t: "globex" })).toString("base64url")}.${mac}`
      expectBadRequest(yield* at({ code, state: otherTenant }), "state")
      expectBadRequest(yield* at({ code, state: `${state.slice(0, -2)}xx` }), "state")
      // A session token is not a state.
      expectBadRequest(yield* at({ code, state: session.token }), "state")

      const refused = yield* visit(`${h.url}/connect/oauth2/callback?${new URLSearchParams({ state, code: "not-a-code" })}`)
      expect(refused.status).toBe(200)
      const result = pageResult(refused.page)
      expect(result.status).toBe("error")
      expect(result.code).not.toBe("access_denied")
      expect((yield* call(h, "GET", "/integrations")).json.items).toEqual([])

      // The consent step has ten minutes.
      yield* TestClock.adjust("10 minutes")
      const late = yield* at({ code, state })
      expectBadRequest(late, "state")
      expect(late.json.message).toMatch(/expired/)
      expect((yield* call(h, "GET", "/integrations")).json.items).toEqual([])
    }))

  it.scoped("once connected, the session is used: authorize is 409 and the callback again says session_used", () =>
    Effect.gen(function*() {
      const h = yield* harness({ consent: "auto" })
      const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const first = yield* authorizeHubSpot(h, session.token)
      expect(pageResult(first.answer.page).status).toBe("connected")
      expectError(
        yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: session.token, body: {} }),
        409,
        "Conflict",
        "session_used"
      )
      const again = yield* visit(first.callback, undefined, first.cookie)
      expect(pageResult(again.page)).toMatchObject({ status: "error", code: "session_used" })
      expect((yield* call(h, "GET", "/integrations")).json.items.length).toBe(1)
    }))

  it.scoped("the callback connects only in the browser that started the authorisation (its cookie), and posts only to that page's origin", () =>
    Effect.gen(function*() {
      const h = yield* harness({ consent: "auto" })
      const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const started = yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", {
        token: session.token,
        body: {},
        headers: { origin: "https://app.example" }
      })
      expectOk(started)
      expect(started.headers.get("set-cookie")).toMatch(/^weft_oauth=[\w-]+;.*HttpOnly/i)
      const callback = yield* throughConsent(h, started.json.url)
      // Someone else's browser (no cookie, or another one) completes the consent: nothing is connected.
      for (const cookie of [undefined, "weft_oauth=another-browsers-nonce"]) {
        const elsewhere = yield* visit(callback, undefined, cookie)
        expect(pageResult(elsewhere.page)).toMatchObject({ status: "error", code: "state_mismatch" })
      }
      expect((yield* call(h, "GET", "/integrations")).json.items).toEqual([])
      // The starting browser connects, and the page posts to the starting page's origin only.
      const here = yield* visit(callback, undefined, browserCookie(started))
      expect(pageResult(here.page)).toMatchObject({ status: "connected" })
      expect(here.page).toContain(`postMessage(result, "https://app.example")`)
      expect(here.headers.get("set-cookie")).toMatch(/^weft_oauth=;/)
    }))

  it.scoped("authorize: 400 for a form connector or a returnUrl that is not an http(s) URL", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const session = yield* newSession(h)
      const form = yield* call(h, "POST", "/connect/oauth2/bamboohr/authorize", { token: session.token, body: {} })
      expectBadRequest(form, "connector")
      expect(form.json.message).toContain("POST /connect/integrations")
      // Not a URL, or on an origin the server does not return to: the callback is no open redirect.
      for (const returnUrl of ["javascript:alert(1)", "/relative/path", "not a url", "https://evil.example/phish"]) {
        expectBadRequest(
          yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: session.token, body: { returnUrl } }),
          "body.returnUrl"
        )
      }
      expectBadRequest(
        yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: session.token, body: { returnUrl: 42 } }),
        "body.returnUrl"
      )
    }))
})
