import { describe, expect, it } from "@effect/vitest"
import { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import {
  authorizeHubSpot,
  bambooCredentials,
  call,
  connectBamboo,
  connectedBamboo,
  expectBadRequest,
  expectError,
  expectOk,
  newSession,
  pageResult,
  whileAdvancing
} from "./flows.js"
import { harness } from "./support.js"

const ids = (answer: { json: { items: ReadonlyArray<{ id: string }> } }) => answer.json.items.map((i) => i.id).sort()

// BambooHR refusing the key, as when it was deleted.
const refuseKey = (h: { bamboo: BambooHRFake.Fake }, times: number) =>
  h.bamboo.faults.inject(
    { kind: "status", status: 401, headers: { "www-authenticate": "Basic realm=\"BambooHR API\"", "x-bamboohr-message": "Invalid API key" }, body: "" },
    { times }
  )

describe("integrations", () => {
  it.scoped("list (by tenant, connector, status), get, and 404 for an unknown id", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const acme = yield* connectBamboo(h, "acme")
      const globex = yield* connectBamboo(h, "globex")
      expect(ids(yield* call(h, "GET", "/integrations"))).toEqual([acme, globex].sort())
      expect(ids(yield* call(h, "GET", "/integrations?tenant=globex"))).toEqual([globex])
      expect(ids(yield* call(h, "GET", "/integrations?connector=bamboohr&status=active"))).toEqual([acme, globex].sort())
      expect(ids(yield* call(h, "GET", "/integrations?connector=hubspot"))).toEqual([])
      expect(ids(yield* call(h, "GET", "/integrations?status=invalid_credentials"))).toEqual([])
      expectBadRequest(yield* call(h, "GET", "/integrations?status=broken"), "query.status")

      const one = yield* call(h, "GET", `/integrations/${acme}`)
      expectOk(one)
      expect(one.json).toEqual({
        id: acme,
        tenant: "acme",
        connector: "bamboohr",
        status: "active",
        createdAt: "1970-01-01T00:00:00.000Z",
        updatedAt: "1970-01-01T00:00:00.000Z"
      })
      const missing = yield* call(h, "GET", "/integrations/int_missing")
      expectError(missing, 404, "NotFound", "not_found")
      expect(missing.json).toMatchObject({ entity: "integration", id: "int_missing" })
    }))

  it.scoped("revalidate: 422 with reason and resolution when the provider refuses, recorded in the status; 200 active once accepted again", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId } = yield* connectedBamboo(h)
      refuseKey(h, 5)
      const refused = yield* call(h, "POST", `/integrations/${integrationId}/revalidate`)
      expectError(refused, 422, "ConnectionRefused", "invalid_credentials")
      expect(refused.json.resolution).toMatch(/API Keys/)
      h.bamboo.faults.clear()
      const stored = yield* call(h, "GET", `/integrations/${integrationId}`)
      expect(stored.json).toMatchObject({ status: "invalid_credentials", statusMessage: refused.json.message })
      expect(ids(yield* call(h, "GET", "/integrations?status=invalid_credentials"))).toEqual([integrationId])

      const accepted = yield* call(h, "POST", `/integrations/${integrationId}/revalidate`)
      expectOk(accepted)
      expect(accepted.json.status).toBe("active")
      expect(accepted.json.statusMessage).toBeUndefined()
      expectError(yield* call(h, "POST", "/integrations/int_missing/revalidate"), 404, "NotFound")
    }))

  it.scoped("replace credentials: checked first (422, unchanged), then stored; 400 and 404", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId } = yield* connectedBamboo(h)
      const put = (body: unknown, id = integrationId) => call(h, "PUT", `/integrations/${id}/credentials`, { body })
      const wrong = yield* put({ credentials: bambooCredentials("bhr-revoked-key") })
      expectError(wrong, 422, "ConnectionRefused", "invalid_credentials")
      expectError(yield* put({ credentials: bambooCredentials(BambooHRFake.keys.noAccess) }), 422, "ConnectionRefused", "insufficient_permissions")
      expectError(yield* put({ credentials: bambooCredentials(BambooHRFake.keys.restricted) }), 422, "ConnectionRefused", "admin_required")
      expectError(yield* put({ credentials: { apiKey: BambooHRFake.keys.admin } }), 422, "ConnectionRefused", "credentials_malformed")
      expect((yield* call(h, "GET", `/integrations/${integrationId}`)).json.status).toBe("active")

      yield* TestClock.adjust("1 minute")
      const replaced = yield* put({ credentials: bambooCredentials() })
      expectOk(replaced)
      expect(replaced.json).toMatchObject({ id: integrationId, status: "active", updatedAt: "1970-01-01T00:01:00.000Z" })

      expectBadRequest(yield* put({}), "body.credentials")
      expectBadRequest(yield* put({ credentials: "acme" }), "body.credentials")
      expectError(yield* put({ credentials: bambooCredentials() }, "int_missing"), 404, "NotFound")
    }))

  it.scoped("passthrough: the provider's answer as is, whatever its status, with the integration's auth", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId } = yield* connectedBamboo(h)
      const pass = (body: unknown) => call(h, "POST", `/integrations/${integrationId}/passthrough`, { body })

      const employee = yield* pass({
        method: "GET",
        path: "/api/v1/employees/3",
        query: { fields: "firstName,lastName" },
        headers: { accept: "application/json" }
      })
      expectOk(employee)
      expect(employee.json.status).toBe(200)
      expect(employee.json.bodyEncoding).toBe("utf8")
      expect(employee.json.headers["content-type"]).toMatch(/application\/json/)
      const row = h.bamboo.get("3")!
      expect(JSON.parse(employee.json.body)).toMatchObject({ id: "3", firstName: row.firstName, lastName: row.lastName })
      const sent = h.bamboo.requests[h.bamboo.requests.length - 1]!
      expect(sent.query.get("fields")).toBe("firstName,lastName")
      expect(sent.headers["authorization"]).toMatch(/^Basic /)
      expect(h.bamboo.authProblems()).toEqual([])

      // An absolute URL on the provider's origin is allowed too.
      const absolute = yield* pass({ method: "GET", path: `${h.bamboo.url}/acme/api/v1/meta/fields`, headers: { accept: "application/json" } })
      expect(absolute.json.status).toBe(200)
      expect(Array.isArray(JSON.parse(absolute.json.body))).toBe(true)

      // The provider's errors come back as its answer, not as the API's.
      const unknownEmployee = yield* pass({ method: "GET", path: "/api/v1/employees/999999" })
      expectOk(unknownEmployee)
      expect(unknownEmployee.json.status).toBe(404)
      const posted = yield* pass({ method: "POST", path: "/api/v1/reports/custom", headers: { "x-request-id": "r-1" }, body: { title: "Headcount" } })
      expectOk(posted)
      expect(posted.json.status).toBe(404)
      const post = h.bamboo.requests[h.bamboo.requests.length - 1]!
      expect(post).toMatchObject({ method: "POST", path: "/acme/api/v1/reports/custom", body: JSON.stringify({ title: "Headcount" }) })
      expect(post.headers["x-request-id"]).toBe("r-1")
      expect(post.headers["content-type"]).toMatch(/application\/json/)
      // An answer without a textual type comes back in base64.
      const noType = yield* call(h, "POST", `/integrations/${integrationId}/passthrough`, {
        body: { method: "GET", path: `${h.bamboo.url}/globex/api/v1/meta/fields` }
      })
      expect(noType.json).toMatchObject({ status: 404, bodyEncoding: "base64" })
      expect(noType.json.headers["x-bamboohr-message"]).toBe("Company not found")
    }))

  it.scoped("passthrough refuses another origin, user info and the auth headers (400, nothing sent); 404 for an unknown integration", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId } = yield* connectedBamboo(h)
      const pass = (body: unknown, id = integrationId) => call(h, "POST", `/integrations/${id}/passthrough`, { body })
      const before = h.bamboo.requests.length

      const elsewhere = yield* pass({ method: "GET", path: "https://collector.example/api/v1/meta/fields" })
      expectBadRequest(elsewhere, "request.url")
      expect(elsewhere.json.message).toContain("https://collector.example")
      expectBadRequest(yield* pass({ method: "GET", path: `${h.receiver.url}/api/v1/meta/fields` }), "request.url")
      const userinfo = `${h.bamboo.url.replace("http://", "http://someone@")}/acme/api/v1/meta/fields`
      expectBadRequest(yield* pass({ method: "GET", path: userinfo }), "request.url")
      for (const header of ["authorization", "Authorization", "cookie", "host", "proxy-authorization"]) {
        expectBadRequest(
          yield* pass({ method: "GET", path: "/api/v1/meta/fields", headers: { [header]: "Basic eDp4" } }),
          `headers.${header}`
        )
      }
      expect(h.bamboo.requests.length).toBe(before)

      expectBadRequest(yield* pass({ method: "TRACE", path: "/api/v1/meta/fields" }), "body.method")
      expectBadRequest(yield* pass({ method: "GET", path: "" }), "body.path")
      expectBadRequest(yield* pass({ method: "GET", path: "/x", query: { page: 2 } }), "body.query.page")
      expectError(yield* pass({ method: "GET", path: "/api/v1/meta/fields" }, "int_missing"), 404, "NotFound")
    }))

  it.scoped("passthrough: 502 when the provider cannot be reached (after the connector's retries)", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId } = yield* connectedBamboo(h)
      h.bamboo.faults.inject({ kind: "reset" }, { times: 100, match: (r) => r.path.endsWith("/meta/fields") })
      const pending = h.call("POST", `/integrations/${integrationId}/passthrough`, { body: { method: "GET", path: "/api/v1/meta/fields" } })
      // The retries back off on the Clock: move it on until the answer comes.
      const answer = yield* whileAdvancing(pending)
      expectError(answer, 502, "BadGateway", "provider_unreachable")
      expect(h.bamboo.faults.served).toBeGreaterThan(1)
      h.bamboo.faults.clear()
      expect((yield* call(h, "POST", `/integrations/${integrationId}/passthrough`, { body: { method: "GET", path: "/api/v1/meta/fields" } })).json.status)
        .toBe(200)
    }))

  it.scoped("passthrough and revalidate: 422 reauth_required once the provider revoked the OAuth grant", () =>
    Effect.gen(function*() {
      const h = yield* harness({ consent: "auto" })
      const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const { answer } = yield* authorizeHubSpot(h, session.token)
      const integrationId: string = pageResult(answer.page).integrationId
      const pass = () => call(h, "POST", `/integrations/${integrationId}/passthrough`, { body: { method: "GET", path: "/crm/v3/objects/contacts", query: { limit: "1" } } })
      expect((yield* pass()).json.status).toBe(200)

      // An expired access token is refreshed on the way; the refresh shows the refresh token.
      h.hubspot.expireAccessTokens()
      expect((yield* pass()).json.status).toBe(200)
      const refresh = h.hubspot.requests.find((r) => r.path === "/oauth/v1/token" && r.body.includes("grant_type=refresh_token"))!
      const refreshToken = new URLSearchParams(refresh.body).get("refresh_token")!
      // The app is uninstalled.
      h.hubspot.revoke(refreshToken)
      h.hubspot.expireAccessTokens()
      const refused = yield* pass()
      expectError(refused, 422, "ConnectionRefused", "reauth_required")
      expect(refused.json.resolution).toMatch(/connect the integration again/)
      expectError(yield* call(h, "POST", `/integrations/${integrationId}/revalidate`), 422, "ConnectionRefused")
      expect((yield* call(h, "GET", `/integrations/${integrationId}`)).json.status).not.toBe("active")
    }))

  it.scoped("disconnect: 204, then the integration and its syncs are gone (404), its runs stay listable", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId, run, sync } = yield* connectedBamboo(h)
      const answer = yield* call(h, "DELETE", `/integrations/${integrationId}`)
      expect(answer.status).toBe(204)
      expect(answer.text).toBe("")
      expectError(yield* call(h, "GET", `/integrations/${integrationId}`), 404, "NotFound")
      expectError(yield* call(h, "GET", `/syncs/${sync.id}`), 404, "NotFound")
      expect((yield* call(h, "GET", `/syncs?integrationId=${integrationId}`)).json.items).toEqual([])
      expect((yield* call(h, "GET", `/runs?integrationId=${integrationId}`)).json.items.map((r: { id: string }) => r.id)).toEqual([run.id])
      expectOk(yield* call(h, "GET", `/runs/${run.id}`))
      expectError(yield* call(h, "DELETE", `/integrations/${integrationId}`), 404, "NotFound")
      expectError(
        yield* call(h, "POST", `/integrations/${integrationId}/passthrough`, { body: { method: "GET", path: "/api/v1/meta/fields" } }),
        404,
        "NotFound"
      )
    }))
})
