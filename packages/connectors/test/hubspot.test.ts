import { describe, expect, it } from "@effect/vitest"
import { HubSpot } from "@weft/connectors"
import { Auth, Connector } from "@weft/core/connector"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { drain, live, reader, refusal, served, setup } from "./hubspot.support.js"

describe("HubSpot credentials", () => {
  it.effect("decode tokens into Redacted values and refuse unknown fields without quoting them", () =>
    Effect.gen(function*() {
      const hubspot = HubSpot.connector({ clientId: "app", clientSecret: Redacted.make("app-secret") })
      const credentials = yield* hubspot.credentials.decode({ accessToken: "at-123", refreshToken: "rt-456", expiresAt: 1 })
      expect(Redacted.value(credentials.accessToken)).toBe("at-123")
      expect(JSON.stringify(credentials)).not.toContain("at-123")
      expect(String(credentials.refreshToken)).not.toContain("rt-456")
      const refused = yield* Effect.flip(hubspot.credentials.decode({ accessToken: "at-123", refreshToken: "rt-456", apiKey: "k-789" }))
      expect(String(refused)).not.toContain("k-789")
      const encoded = yield* hubspot.credentials.encode(credentials)
      expect(encoded).toEqual({ accessToken: "at-123", refreshToken: "rt-456", expiresAt: 1 })
    }))

  it.effect("ask for the three read scopes on HubSpot's consent page", () =>
    Effect.sync(() => {
      const hubspot = HubSpot.connector({ clientId: "app-id", clientSecret: Redacted.make("s") })
      expect(hubspot.auth.kind).toBe("oauth2")
      if (hubspot.auth.kind !== "oauth2") return
      const url = new URL(Auth.authorizationUrl(hubspot.auth, { redirectUri: "https://app.example/cb", state: "st" }))
      expect(url.origin + url.pathname).toBe("https://app.hubspot.com/oauth/authorize")
      expect(url.searchParams.get("scope")!.split(" ")).toEqual([
        "crm.objects.contacts.read",
        "crm.objects.companies.read",
        "crm.objects.deals.read"
      ])
      expect(hubspot.auth.tokenUrl).toBe("https://api.hubapi.com/oauth/v1/token")
    }))
})

describe("HubSpot check", () => {
  live("passes good credentials after one list call per object type, each with the Bearer token", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup()
      yield* hubspot.check(context)
      expect(served(fake, "GET", "/crm/v3/objects/").map((r) => r.path)).toEqual([
        "/crm/v3/objects/contacts",
        "/crm/v3/objects/companies",
        "/crm/v3/objects/deals"
      ])
      for (const r of fake.requests) expect(r.headers["authorization"]).toBe(`Bearer ${fake.tokens.good.accessToken}`)
      expect(fake.authProblems()).toEqual([])
    }))

  live("renews an expired access token on the 401 and passes, handing the new tokens over", () =>
    Effect.gen(function*() {
      const saved = yield* Ref.make<ReadonlyArray<HubSpot.Credentials>>([])
      const { fake, hubspot, context } = yield* setup({
        tokens: (f) => f.tokens.expired,
        onCredentialsRefreshed: (c) => Ref.update(saved, (all) => [...all, c])
      })
      yield* hubspot.check(context)
      const [renewed] = yield* Ref.get(saved)
      expect(fake.refreshCount()).toBe(1)
      expect(Redacted.value(renewed!.accessToken)).not.toBe(fake.tokens.expired.accessToken)
      expect(Redacted.value(renewed!.refreshToken)).toBe(fake.tokens.expired.refreshToken)
      expect(fake.requests[0]!.status).toBe(401)
      expect(fake.requests.at(-1)!.headers["authorization"]).toBe(`Bearer ${Redacted.value(renewed!.accessToken)}`)
    }))

  live("refuses a revoked authorization with invalid_credentials and asks to reconnect", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ tokens: (f) => f.tokens.revoked })
      const error = refusal(fake, yield* Effect.flip(hubspot.check(context)))
      expect(error.code).toBe("invalid_credentials")
      expect(error.resolution).toMatch(/Reconnect HubSpot/)
      expect(served(fake, "POST", "/oauth/v1/token")).toHaveLength(1)
    }))

  live("names the missing deals scope with insufficient_permissions", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ tokens: (f) => f.tokens.missingDealsScope })
      const error = refusal(fake, yield* Effect.flip(hubspot.check(context)))
      expect(error.code).toBe("insufficient_permissions")
      expect(error.status).toBe(403)
      expect(error.message).toContain("crm.objects.deals.read")
      expect(error.resolution).toMatch(/Connected apps/)
    }))

  live("reports a deleted hub as account_not_found", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ tokens: (f) => f.tokens.deletedHub })
      const error = refusal(fake, yield* Effect.flip(hubspot.check(context)))
      expect(error.code).toBe("account_not_found")
      expect(error.message).toMatch(/deleted/)
    }))

  live("reports throttling that outlasts the retry policy as rate_limited", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ connector: { retry: { maxRetries: 2, baseDelay: "5 millis" } } })
      fake.throttle({ times: 10 })
      const error = refusal(fake, yield* Effect.flip(hubspot.check(context)))
      expect(error.code).toBe("rate_limited")
      expect(error.status).toBe(429)
      expect(fake.requests).toHaveLength(3)
    }))

  live("reports an outage and a server error as provider_unavailable", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ connector: { retry: { maxRetries: 1, baseDelay: "5 millis" } } })
      fake.outage({ times: 2, status: 503 })
      const outage = refusal(fake, yield* Effect.flip(hubspot.check(context)))
      expect([outage.code, outage.status]).toEqual(["provider_unavailable", 503])
      fake.faults.inject({ kind: "status", status: 500, body: { status: "error", message: "internal error" } })
      const broken = refusal(fake, yield* Effect.flip(hubspot.check(context)))
      expect([broken.code, broken.status]).toEqual(["provider_unavailable", 500])
    }))

  live("reports an unreachable HubSpot as provider_unavailable", () =>
    Effect.gen(function*() {
      const { fake, hubspot } = yield* setup({ connector: { retry: { maxRetries: 1, baseDelay: "5 millis" } } })
      const offline = HubSpot.connector({
        clientId: fake.clientId,
        clientSecret: Redacted.make(fake.clientSecret),
        baseUrl: "http://127.0.0.1:9",
        tokenUrl: fake.tokenUrl,
        retry: { maxRetries: 1, baseDelay: "5 millis" }
      })
      const credentials = yield* hubspot.credentials.decode({
        accessToken: fake.tokens.good.accessToken,
        refreshToken: fake.tokens.good.refreshToken
      })
      const context = yield* Connector.makeContext(offline, { integrationId: "i", tenant: "t", credentials })
      const error = refusal(fake, yield* Effect.flip(offline.check(context)))
      expect(error.code).toBe("provider_unavailable")
    }))
})

describe("HubSpot OAuth refresh", () => {
  live("refreshes shortly before expiry, before any API call, and persists the new tokens", () =>
    Effect.gen(function*() {
      const saved = yield* Ref.make<ReadonlyArray<HubSpot.Credentials>>([])
      const now = yield* Clock.currentTimeMillis
      const { fake, hubspot, context } = yield* setup({
        expiresAt: now + 10_000,
        onCredentialsRefreshed: (c) => Ref.update(saved, (all) => [...all, c])
      })
      yield* hubspot.check(context)
      expect(fake.requests[0]!.path).toBe("/oauth/v1/token")
      const [renewed] = yield* Ref.get(saved)
      expect(renewed!.expiresAt).toBeGreaterThanOrEqual(now + 1_790_000)
      const token = `Bearer ${Redacted.value(renewed!.accessToken)}`
      expect(fake.requests.slice(1).map((r) => r.headers["authorization"])).toEqual([token, token, token])
      expect(fake.refreshCount()).toBe(1)
      expect(yield* context.currentCredentials).toBe(renewed)
    }))

  live("refreshes on a 401 and persists rotated refresh tokens, spending each only once", () =>
    Effect.gen(function*() {
      const saved = yield* Ref.make<ReadonlyArray<HubSpot.Credentials>>([])
      const { fake, hubspot, context } = yield* setup({
        fake: { rotateRefreshTokens: true },
        onCredentialsRefreshed: (c) => Ref.update(saved, (all) => [...all, c])
      })
      const contacts = reader(hubspot, "crm.contact")
      fake.expireAccessTokens()
      // Three models read at once with one expired token: one refresh.
      const reads = yield* Effect.all(
        ["crm.contact", "crm.company", "crm.deal"].map((m) => drain(reader(hubspot, m as "crm.contact").readAll(context))),
        { concurrency: 3 }
      )
      expect(reads.map((r) => r.records.length)).toEqual([120, 120, 120])
      expect(fake.refreshCount()).toBe(1)
      fake.expireAccessTokens()
      yield* drain(contacts.readAll(context))
      expect(fake.refreshCount()).toBe(2)
      const tokens = (yield* Ref.get(saved)).map((c) => Redacted.value(c.refreshToken))
      expect(tokens).toHaveLength(2)
      expect(new Set([fake.tokens.good.refreshToken, ...tokens]).size).toBe(3)
      const presented = served(fake, "POST", "/oauth/v1/token").map((r) => new URLSearchParams(r.body).get("refresh_token"))
      expect(presented).toEqual([fake.tokens.good.refreshToken, tokens[0]])
      expect(fake.authProblems()).toEqual([])
    }))

  live("fails a read with ReauthRequiredError when HubSpot refuses the refresh", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ tokens: (f) => f.tokens.revoked })
      const result = yield* Effect.either(Stream.runDrain(reader(hubspot, "crm.deal").readAll(context)))
      expect(Either.isLeft(result) && result.left._tag).toBe("ReauthRequiredError")
      if (Either.isLeft(result)) {
        expect(result.left.message).toMatch(/reconnect/i)
        expect(result.left.message).not.toContain(fake.tokens.revoked.refreshToken)
      }
    }))

  live("exchanges an authorization code for tokens that read the portal", () =>
    Effect.gen(function*() {
      const { fake, hubspot } = yield* setup()
      if (hubspot.auth.kind !== "oauth2") return expect.fail("HubSpot uses OAuth 2")
      const code = fake.authorize("https://app.example/oauth/callback")
      const tokens = yield* Auth.exchangeCode(hubspot.auth, "hubspot", { code, redirectUri: "https://app.example/oauth/callback" })
      const credentials = yield* hubspot.credentials.decode({
        accessToken: Redacted.value(tokens.accessToken),
        refreshToken: Redacted.value(tokens.refreshToken),
        expiresAt: tokens.expiresAt
      })
      const context = yield* Connector.makeContext(hubspot, { integrationId: "i", tenant: "t", credentials })
      yield* hubspot.check(context)
      const reused = yield* Effect.either(
        Auth.exchangeCode(hubspot.auth, "hubspot", { code, redirectUri: "https://app.example/oauth/callback" })
      )
      expect(Either.isLeft(reused) && reused.left._tag).toBe("ReauthRequiredError")
    }))
})
