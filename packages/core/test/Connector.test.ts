import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Connector, Employee, Model } from "@weft/core"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { json, mockHttp, type Answer, type Sent, status } from "./httpMock.js"

const ApiKeyCredentials = Schema.Struct({
  subdomain: Schema.String.pipe(Schema.pattern(/^[a-z0-9-]+$/, { message: () => "Expected a subdomain: lowercase letters, digits and dashes" })),
  apiKey: Schema.Redacted(Schema.String.pipe(Schema.minLength(16, { message: () => "Expected an API key of at least 16 characters" })))
})

const acme = Connector.define({
  id: "acme",
  name: "Acme HR",
  category: "hris",
  credentials: ApiKeyCredentials,
  auth: Auth.apiKeyAsBasicUser<typeof ApiKeyCredentials.Type>({ key: (c) => c.apiKey, password: "x" }),
  baseUrl: (c) => `https://${c.subdomain}.acme.test/api/v1`,
  check: () => Effect.void,
  readers: [{ model: Employee.model, mode: "full", readAll: () => Stream.empty }],
  rateLimit: { limit: 1, interval: "1 second" }
})

const SECRET = "sk_live_0123456789abcdef"
const withHttp = (handler: (sent: Sent, index: number) => Answer | Promise<Answer>) => {
  const mock = mockHttp(handler)
  return { sent: mock.sent, layer: Layer.succeed(HttpClient.HttpClient, mock.client) }
}

describe("Connector", () => {
  describe("define: credentials", () => {
    it.effect("decodes good input; secrets are Redacted after decode", () =>
      Effect.gen(function*() {
        const credentials = yield* acme.credentials.decode({ subdomain: "acme-co", apiKey: SECRET })
        expect(credentials.subdomain).toBe("acme-co")
        expect(Redacted.isRedacted(credentials.apiKey)).toBe(true)
        expect(Redacted.value(credentials.apiKey)).toBe(SECRET)
        expect(String(credentials.apiKey)).toBe("<redacted>")
        expect(JSON.stringify(credentials)).not.toContain(SECRET)
        // Encoding gives the plain form back, for sealing in the vault.
        expect(yield* acme.credentials.encode(credentials)).toEqual({ subdomain: "acme-co", apiKey: SECRET })
      }))

    it.effect("bad input is a parse error naming the field", () =>
      Effect.gen(function*() {
        const cases: Array<readonly [unknown, string]> = [
          [{ subdomain: "acme" }, "apiKey: is missing"],
          [{ subdomain: "Acme Co", apiKey: SECRET }, "subdomain: Expected a subdomain: lowercase letters, digits and dashes"],
          [{ subdomain: "acme", apiKey: "short" }, "apiKey: Expected an API key of at least 16 characters"],
          [{ subdomain: "acme", apiKey: SECRET, extra: 1 }, "extra: is unexpected, expected: \"subdomain\" | \"apiKey\""]
        ]
        for (const [input, expected] of cases) {
          const error = yield* Effect.flip(acme.credentials.decode(input))
          expect(error._tag).toBe("ParseError")
          expect(Model.describeParseError(error)).toBe(expected)
        }
        const notAnObject = Model.describeParseError(yield* Effect.flip(acme.credentials.decode(null)))
        expect(notAnObject).toMatch(/^\(record\): Expected \{ readonly subdomain: /)
        expect(notAnObject).toMatch(/actual <redacted>$/)
      }))

    it.effect("a parse error never quotes the values it refused", () =>
      Effect.gen(function*() {
        const Strict = Schema.Struct({
          apiKey: Schema.Redacted(Schema.String.pipe(Schema.length(40))),
          region: Schema.Literal("eu", "us")
        })
        const StrictKey = Connector.define({
          id: "strict",
          name: "Strict",
          category: "crm",
          credentials: Strict,
          auth: Auth.bearer<typeof Strict.Type>((c) => c.apiKey),
          baseUrl: () => "https://api.acme.test",
          check: () => Effect.void,
          readers: []
        })
        for (const input of [{ apiKey: SECRET, region: "eu" }, { apiKey: 987654321987, region: "eu" }, { apiKey: SECRET, region: SECRET }]) {
          const error = yield* Effect.flip(StrictKey.credentials.decode(input))
          expect(error.message).not.toContain(SECRET)
          expect(error.message).not.toContain("987654321987")
          expect(String(error)).not.toContain(SECRET)
          expect(JSON.stringify(error)).not.toContain(SECRET)
          expect(Model.describeParseError(error)).toMatch(/^(apiKey|region): /)
        }
      }))
  })

  it("readerFor finds a model's reader", () => {
    expect(Connector.readerFor(acme, "hris.employee")?.model).toBe(Employee.model)
    expect(Connector.readerFor(acme, "crm.deal")).toBeUndefined()
  })

  describe("makeContext", () => {
    it.effect("builds the provider client from the credentials: base URL and auth", () =>
      Effect.gen(function*() {
        const { sent, layer } = withHttp(() => json({ ok: true }))
        const credentials = yield* acme.credentials.decode({ subdomain: "globex", apiKey: SECRET })
        const ctx = yield* Connector.makeContext(acme, { integrationId: "int_1", tenant: "t1", credentials }).pipe(Effect.provide(layer))
        expect(ctx.integrationId).toBe("int_1")
        expect(ctx.tenant).toBe("t1")
        expect(ctx.baseUrl).toBe("https://globex.acme.test/api/v1")
        yield* ctx.http.get("/employees/directory")
        expect(sent[0]!.url).toBe("https://globex.acme.test/api/v1/employees/directory")
        expect(sent[0]!.header("authorization")).toBe(`Basic ${Buffer.from(`${SECRET}:x`).toString("base64")}`)
        expect(yield* ctx.currentCredentials).toBe(credentials)
      }))

    it.effect("currentCredentials follows an OAuth refresh; credentials stays what it was made with", () =>
      Effect.gen(function*() {
        interface C {
          readonly access: Redacted.Redacted<string>
          readonly refresh: Redacted.Redacted<string>
          readonly expiresAt?: number | undefined
        }
        const OAuthCreds = Schema.Struct({
          access: Schema.Redacted(Schema.String),
          refresh: Schema.Redacted(Schema.String),
          expiresAt: Schema.optional(Schema.Number)
        })
        const hub = Connector.define({
          id: "hub",
          name: "Hub CRM",
          category: "crm",
          credentials: OAuthCreds,
          auth: Auth.oauth2<C>({
            authorizeUrl: "https://hub.test/oauth/authorize",
            tokenUrl: "https://hub.test/oauth/token",
            clientId: "cid",
            clientSecret: Redacted.make("csecret"),
            tokens: (c) => ({ accessToken: c.access, refreshToken: c.refresh, expiresAt: c.expiresAt }),
            withTokens: (c, t) => ({ ...c, access: t.accessToken, refresh: t.refreshToken, expiresAt: t.expiresAt })
          }),
          baseUrl: () => "https://api.hub.test",
          check: () => Effect.void,
          readers: []
        })
        const persisted: Array<unknown> = []
        const { layer } = withHttp((s) =>
          s.url === "https://hub.test/oauth/token"
            ? json({ access_token: "a1", refresh_token: "r1", expires_in: 60 })
            : json({})
        )
        const initial = yield* hub.credentials.decode({ access: "a0", refresh: "r0", expiresAt: 0 })
        const ctx = yield* Connector.makeContext(hub, {
          integrationId: "int_2",
          tenant: "t",
          credentials: initial,
          onCredentialsRefreshed: (c) => Effect.flatMap(hub.credentials.encode(c), (e) => Effect.sync(() => void persisted.push(e))).pipe(Effect.orDie)
        }).pipe(Effect.provide(layer))
        yield* ctx.http.get("/contacts")
        const current = yield* ctx.currentCredentials
        expect(Redacted.value(current.access)).toBe("a1")
        expect(Redacted.value(current.refresh)).toBe("r1")
        expect(ctx.credentials).toBe(initial)
        expect(persisted).toEqual([{ access: "a1", refresh: "r1", expiresAt: 60_000 }])
      }))
  })

  describe("passthrough", () => {
    const context = (handler: (sent: Sent, index: number) => Answer) =>
      Effect.gen(function*() {
        const { sent, layer } = withHttp(handler)
        const credentials = yield* acme.credentials.decode({ subdomain: "globex", apiKey: SECRET })
        const ctx = yield* Connector.makeContext(acme, { integrationId: "int_1", tenant: "t1", credentials }).pipe(Effect.provide(layer))
        return { ctx, sent }
      })

    it.effect("sends any request with the integration's auth and returns the response as is", () =>
      Effect.gen(function*() {
        const { ctx, sent } = yield* context((s) =>
          s.request.method === "POST" ? json({ created: s.bodyJson() }, { status: 201 }) : status(404, {}, "no such report")
        )
        const created = yield* Connector.passthrough(
          ctx,
          HttpClientRequest.post("/reports/custom").pipe(HttpClientRequest.bodyUnsafeJson({ fields: ["id"] }))
        )
        expect(created.status).toBe(201)
        expect(yield* created.json).toEqual({ created: { fields: ["id"] } })
        const missing = yield* Connector.passthrough(ctx, HttpClientRequest.get("/reports/9"))
        expect(missing.status).toBe(404)
        expect(yield* missing.text).toBe("no such report")
        expect(sent.map((s) => s.url)).toEqual([
          "https://globex.acme.test/api/v1/reports/custom",
          "https://globex.acme.test/api/v1/reports/9"
        ])
        expect(sent.every((s) => s.header("authorization")?.startsWith("Basic "))).toBe(true)
      }))

    it.effect("an absolute URL on the provider's origin is allowed", () =>
      Effect.gen(function*() {
        const { ctx, sent } = yield* context(() => json({}))
        yield* Connector.passthrough(ctx, HttpClientRequest.get("https://globex.acme.test/api/v2/meta"))
        expect(sent[0]!.url).toBe("https://globex.acme.test/api/v2/meta")
      }))

    it.effect("an absolute URL on another origin is refused before anything is sent", () =>
      Effect.gen(function*() {
        const { ctx, sent } = yield* context(() => json({}))
        for (const url of ["https://evil.test/collect", "http://globex.acme.test/api/v1/x", "https://globex.acme.test:8443/x"]) {
          const error = yield* Effect.flip(Connector.passthrough(ctx, HttpClientRequest.get(url)))
          expect(error._tag).toBe("InvalidInputError")
          expect(error.message).toContain("Invalid request.url")
          expect(error.message).toContain("is not the provider's origin")
          expect(error.message).toContain("https://globex.acme.test")
        }
        expect(sent).toHaveLength(0)
      }))

    it.effect("the retry policy applies (429 with Retry-After, then the answer)", () =>
      Effect.gen(function*() {
        const { ctx, sent } = yield* context((_s, i) => (i === 0 ? status(429, { "retry-after": "3" }) : json({ ok: 1 })))
        const fiber = yield* Effect.fork(Connector.passthrough(ctx, HttpClientRequest.get("/reports")))
        yield* TestClock.adjust("3 seconds")
        expect((yield* Fiber.join(fiber)).status).toBe(200)
        expect(sent.map((s) => s.at)).toEqual([0, 3_000])
      }))
  })

  it.scoped("makeRateLimiter builds the connector's declared limit, or none", () =>
    Effect.gen(function*() {
      const none = yield* Connector.makeRateLimiter({ ...acme, rateLimit: undefined })
      expect(none).toBeUndefined()
      const limiter = yield* Connector.makeRateLimiter(acme)
      expect(limiter).toBeDefined()
      const { sent, layer } = withHttp(() => json({}))
      const credentials = yield* acme.credentials.decode({ subdomain: "globex", apiKey: SECRET })
      const ctx = yield* Connector.makeContext(acme, { integrationId: "i", tenant: "t", credentials, rateLimiter: limiter }).pipe(
        Effect.provide(layer)
      )
      const fiber = yield* Effect.fork(Effect.all([ctx.http.get("/a"), ctx.http.get("/b"), ctx.http.get("/c")], { concurrency: 3 }))
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      expect(sent.map((s) => s.at)).toEqual([0, 1_000, 2_000])
    }))
})
