import * as Util from "node:util"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import { Auth, ProviderHttp } from "@weft/core"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import { json, mockHttp, type Answer, type Sent, status } from "./httpMock.js"

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")
const authorization = <C>(auth: Auth.Auth<C>, credentials: C) =>
  Auth.authorize(auth, credentials)(HttpClientRequest.get("https://api.test/x")).headers

describe("Auth: static credentials", () => {
  it("API key header, with and without a prefix", () => {
    const plain = Auth.apiKeyHeader<{ key: Redacted.Redacted<string> }>({ header: "X-API-Key", key: (c) => c.key })
    expect(authorization(plain, { key: Redacted.make("k-123") })["x-api-key"]).toBe("k-123")
    const prefixed = Auth.apiKeyHeader<{ key: string }>({ header: "Authorization", prefix: "Token token=", key: (c) => c.key })
    expect(authorization(prefixed, { key: "k-123" })["authorization"]).toBe("Token token=k-123")
  })

  it("API key as the basic user: BambooHR (password x) and Greenhouse (blank)", () => {
    const bamboo = Auth.apiKeyAsBasicUser<{ apiKey: Redacted.Redacted<string> }>({ key: (c) => c.apiKey, password: "x" })
    expect(authorization(bamboo, { apiKey: Redacted.make("abc123") })["authorization"]).toBe(`Basic ${b64("abc123:x")}`)
    expect(authorization(bamboo, { apiKey: Redacted.make("abc123") })["authorization"]).toBe("Basic YWJjMTIzOng=")
    const greenhouse = Auth.apiKeyAsBasicUser<{ apiKey: Redacted.Redacted<string> }>({ key: (c) => c.apiKey })
    expect(authorization(greenhouse, { apiKey: Redacted.make("abc123") })["authorization"]).toBe("Basic YWJjMTIzOg==")
  })

  it("basic auth encodes user and password as UTF-8", () => {
    const basic = Auth.basic<{ user: string; password: Redacted.Redacted<string> }>({
      username: (c) => c.user,
      password: (c) => c.password
    })
    expect(authorization(basic, { user: "ada", password: Redacted.make("s3cret") })["authorization"]).toBe(
      `Basic ${b64("ada:s3cret")}`
    )
    // Outside Latin-1: `btoa` would throw here.
    expect(authorization(basic, { user: "zoë", password: Redacted.make("pä$$wörd€") })["authorization"]).toBe(
      "Basic em/Dqzpww6QkJHfDtnJk4oKs"
    )
  })

  it("bearer token", () => {
    const bearer = Auth.bearer<{ token: Redacted.Redacted<string> }>((c) => c.token)
    expect(authorization(bearer, { token: Redacted.make("tok_1") })["authorization"]).toBe("Bearer tok_1")
  })
})

interface OAuthCreds {
  readonly tenantUrl: string
  readonly access: Redacted.Redacted<string>
  readonly refresh: Redacted.Redacted<string>
  readonly expiresAt?: number | undefined
}

const TOKEN_URL = "https://auth.acme.test/oauth/token"
const CLIENT_SECRET = "client-secret-123"

const oauth = Auth.oauth2<OAuthCreds>({
  authorizeUrl: "https://auth.acme.test/oauth/authorize",
  tokenUrl: TOKEN_URL,
  clientId: "client-1",
  clientSecret: Redacted.make(CLIENT_SECRET),
  scopes: ["employees.read", "offline_access"],
  tokens: (c) => ({ accessToken: c.access, refreshToken: c.refresh, expiresAt: c.expiresAt }),
  withTokens: (c, t) => ({ ...c, access: t.accessToken, refresh: t.refreshToken, expiresAt: t.expiresAt })
})

// A provider whose API accepts exactly the current access token and whose
// token endpoint is scripted per test.
const oauthProvider = (options: {
  readonly initial: OAuthCreds
  readonly token: (form: URLSearchParams, index: number) => Answer
  readonly api?: (sent: Sent, valid: boolean) => Answer
}) =>
  Effect.gen(function*() {
    let valid = Redacted.value(options.initial.access)
    let tokenCalls = 0
    const refreshed: Array<OAuthCreds> = []
    const mock = mockHttp((sent) => {
      if (sent.url === TOKEN_URL) {
        const answer = options.token(new URLSearchParams(sent.bodyText), tokenCalls++)
        if (answer !== "transport-error" && answer.status === 200) {
          return answer.clone().json().then((body) => {
            valid = (body as { access_token: string }).access_token
            return answer
          })
        }
        return answer
      }
      const ok = sent.header("authorization") === `Bearer ${valid}`
      return options.api?.(sent, ok) ?? (ok ? json({ ok: true }) : status(401))
    })
    const credentials = yield* Ref.make(options.initial)
    const http = yield* ProviderHttp.make<OAuthCreds>({
      connector: "acme",
      baseUrl: "https://api.acme.test",
      auth: oauth,
      credentials,
      onCredentialsRefreshed: (c) => Effect.sync(() => void refreshed.push(c))
    }).pipe(Effect.provide(Layer.succeed(HttpClient.HttpClient, mock.client)))
    const tokenRequests = () => mock.sent.filter((s) => s.url === TOKEN_URL).map((s) => new URLSearchParams(s.bodyText))
    const apiRequests = () => mock.sent.filter((s) => s.url !== TOKEN_URL)
    return { http, credentials, refreshed, tokenRequests, apiRequests, setValid: (t: string) => (valid = t) }
  })

const tokens = (access: string, refresh?: string, expiresIn: number | string = 3600) =>
  json({ access_token: access, token_type: "bearer", expires_in: expiresIn, ...(refresh === undefined ? {} : { refresh_token: refresh }) })

const creds = (expiresAt?: number): OAuthCreds => ({
  tenantUrl: "https://acme.test",
  access: Redacted.make("a0"),
  refresh: Redacted.make("r0"),
  expiresAt
})

describe("Auth: OAuth 2", () => {
  it.effect("refreshes shortly before expiry (refreshSkewMs), not earlier", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000_000)
      const p = yield* oauthProvider({ initial: creds(1_000_000 + 120_000), token: () => tokens("a1", "r1") })
      yield* p.http.get("/me")
      expect(p.tokenRequests()).toHaveLength(0)
      yield* TestClock.adjust(59_999)
      yield* p.http.get("/me")
      expect(p.tokenRequests()).toHaveLength(0)
      yield* TestClock.adjust(1)
      const response = yield* p.http.get("/me")
      expect(response.status).toBe(200)
      expect(p.tokenRequests()).toHaveLength(1)
      expect(p.apiRequests().at(-1)!.header("authorization")).toBe("Bearer a1")
      const current = yield* Ref.get(p.credentials)
      expect(Redacted.value(current.access)).toBe("a1")
      expect(current.expiresAt).toBe(1_060_000 + 3_600_000)
      expect(current.tenantUrl).toBe("https://acme.test")
    }))

  it.effect("the refresh request is a form post with the grant, the refresh token and the client credentials", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({ initial: creds(0), token: () => tokens("a1", "r1") })
      yield* p.http.get("/me")
      const [form] = p.tokenRequests()
      expect(Object.fromEntries(form!)).toEqual({
        grant_type: "refresh_token",
        refresh_token: "r0",
        client_id: "client-1",
        client_secret: CLIENT_SECRET
      })
    }))

  it.effect("a 401 refreshes once, then the request is sent again with the new token", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({ initial: creds(), token: () => tokens("a1") })
      p.setValid("revoked-elsewhere")
      const response = yield* p.http.get("/me")
      expect(response.status).toBe(200)
      expect(p.tokenRequests()).toHaveLength(1)
      expect(p.apiRequests().map((s) => s.header("authorization"))).toEqual(["Bearer a0", "Bearer a1"])
      // No rotation in the answer: the old refresh token is kept.
      expect(Redacted.value((yield* Ref.get(p.credentials)).refresh)).toBe("r0")
    }))

  it.effect("a 401 after the refresh is returned, not refreshed again", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({ initial: creds(), token: () => tokens("a1"), api: () => status(401) })
      const response = yield* p.http.get("/me")
      expect(response.status).toBe(401)
      expect(p.tokenRequests()).toHaveLength(1)
      expect(p.apiRequests()).toHaveLength(2)
    }))

  it.effect("a rotated refresh token is used next time and handed to onCredentialsRefreshed", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({
        initial: creds(0),
        token: (_form, i) => tokens(`a${i + 1}`, `r${i + 1}`, 60)
      })
      yield* p.http.get("/me")
      yield* TestClock.adjust("2 minutes")
      yield* p.http.get("/me")
      expect(p.tokenRequests().map((f) => f.get("refresh_token"))).toEqual(["r0", "r1"])
      expect(p.refreshed.map((c) => [Redacted.value(c.access), Redacted.value(c.refresh)])).toEqual([["a1", "r1"], ["a2", "r2"]])
      expect(p.refreshed.every((c) => c.tenantUrl === "https://acme.test")).toBe(true)
    }))

  it.effect("N concurrent requests with an expired token cause exactly one refresh", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({ initial: creds(0), token: (_f, i) => tokens(`a${i + 1}`, `r${i + 1}`) })
      const responses = yield* Effect.all(Array.from({ length: 20 }, () => p.http.get("/me")), { concurrency: "unbounded" })
      expect(responses.every((r) => r.status === 200)).toBe(true)
      expect(p.tokenRequests()).toHaveLength(1)
      expect(p.refreshed).toHaveLength(1)
      expect(new Set(p.apiRequests().map((s) => s.header("authorization")))).toEqual(new Set(["Bearer a1"]))
    }))

  it.effect("N concurrent 401s cause exactly one refresh", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({ initial: creds(), token: (_f, i) => tokens(`a${i + 1}`, `r${i + 1}`) })
      p.setValid("new-token-needed")
      const responses = yield* Effect.all(Array.from({ length: 10 }, () => p.http.get("/me")), { concurrency: "unbounded" })
      expect(responses.every((r) => r.status === 200)).toBe(true)
      expect(p.tokenRequests()).toHaveLength(1)
    }))

  it.effect("a refused refresh is a ReauthRequiredError that says to reconnect and holds no token", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({
        initial: creds(0),
        token: () => json({ error: "invalid_grant", error_description: "Token r0 was revoked" }, { status: 400 })
      })
      const error = yield* Effect.flip(p.http.get("/me"))
      expect(error._tag).toBe("ReauthRequiredError")
      expect(error.message).toContain("reconnect")
      expect(error.message).toContain("invalid_grant")
      for (const secret of ["a0", "r0", CLIENT_SECRET]) {
        expect(error.message.split(/\W+/)).not.toContain(secret)
        expect(JSON.stringify(error)).not.toContain(CLIENT_SECRET)
      }
      expect(JSON.stringify(error)).not.toMatch(/\br0\b/)
      // Later requests fail the same way without spending the refresh token again.
      const again = yield* Effect.flip(p.http.get("/me"))
      expect(again._tag).toBe("ReauthRequiredError")
      expect(p.tokenRequests()).toHaveLength(1)
      expect(p.apiRequests()).toHaveLength(0)
    }))

  it.effect("a 2xx answer carrying an OAuth error is a refusal too", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({ initial: creds(0), token: () => json({ error: "invalid_grant" }) })
      expect((yield* Effect.flip(p.http.get("/me")))._tag).toBe("ReauthRequiredError")
    }))

  it.effect("a token endpoint that is down is a transient HTTP error, not a reauth", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({ initial: creds(), token: () => status(500, {}, "oops") })
      p.setValid("needs-refresh")
      const error = yield* Effect.flip(p.http.get("/me"))
      expect(error._tag).toBe("ResponseError")
      expect(error.message).toContain("HTTP 500")
      // The failed token request is in the error, but not its secrets.
      for (const printed of [error.message, String(error), JSON.stringify(error), Util.inspect(error, { depth: 10 })]) {
        expect(printed).not.toContain(CLIENT_SECRET)
        expect(printed).not.toMatch(/refresh_token=/)
      }
      // Not remembered as refused: the next request asks again.
      yield* Effect.flip(p.http.get("/me"))
      expect(p.tokenRequests()).toHaveLength(2)
    }))

  it.effect("the token endpoint gets the retry policy (503, then tokens)", () =>
    Effect.gen(function*() {
      const p = yield* oauthProvider({
        initial: creds(0),
        token: (_f, i) => (i === 0 ? status(503, { "retry-after": "2" }) : tokens("a1", "r1"))
      })
      const fiber = yield* Effect.fork(p.http.get("/me"))
      yield* TestClock.adjust("2 seconds")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
      expect(p.tokenRequests()).toHaveLength(2)
    }))

  it.effect("inside the skew window a failing token endpoint does not fail the request", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000_000)
      const p = yield* oauthProvider({ initial: creds(1_000_000 + 30_000), token: () => "transport-error" })
      const fiber = yield* Effect.fork(p.http.get("/me"))
      yield* TestClock.adjust("5 minutes")
      const response = yield* Fiber.join(fiber)
      expect(response.status).toBe(200)
      expect(p.apiRequests()[0]!.header("authorization")).toBe("Bearer a0")
    }))

  describe("exchangeCode", () => {
    const exchange = (answer: Answer) =>
      Effect.gen(function*() {
        const mock = mockHttp(() => answer)
        const result = yield* Effect.either(
          Auth.exchangeCode(oauth, "acme", { code: "code-1", redirectUri: "https://app.test/cb" }).pipe(
            Effect.provide(Layer.succeed(HttpClient.HttpClient, mock.client))
          )
        )
        return { result, sent: mock.sent }
      })

    it.effect("posts the code and returns tokens with their expiry from the Clock", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(5_000)
        const { result, sent } = yield* exchange(tokens("a1", "r1", "3600"))
        expect(result._tag).toBe("Right")
        if (result._tag === "Right") {
          expect(Redacted.value(result.right.accessToken)).toBe("a1")
          expect(Redacted.value(result.right.refreshToken)).toBe("r1")
          expect(result.right.expiresAt).toBe(5_000 + 3_600_000)
          expect(Redacted.isRedacted(result.right.accessToken)).toBe(true)
        }
        expect(sent[0]!.request.method).toBe("POST")
        expect(sent[0]!.header("content-type")).toBe("application/x-www-form-urlencoded")
        expect(sent[0]!.header("accept")).toBe("application/json")
        expect(Object.fromEntries(new URLSearchParams(sent[0]!.bodyText))).toEqual({
          grant_type: "authorization_code",
          code: "code-1",
          redirect_uri: "https://app.test/cb",
          client_id: "client-1",
          client_secret: CLIENT_SECRET
        })
      }))

    it.effect("a refused code is a ReauthRequiredError", () =>
      Effect.gen(function*() {
        const { result } = yield* exchange(json({ error: "invalid_grant" }, { status: 400 }))
        expect(result._tag === "Left" && result.left._tag).toBe("ReauthRequiredError")
      }))

    it.effect("an answer without a refresh token is a ReauthRequiredError that says why", () =>
      Effect.gen(function*() {
        const { result } = yield* exchange(tokens("a1"))
        expect(result._tag === "Left" && result.left.message).toContain("no refresh token")
      }))

    it.effect("an answer without an access token is a decode error", () =>
      Effect.gen(function*() {
        const { result } = yield* exchange(json({ token_type: "bearer" }))
        expect(result._tag === "Left" && result.left._tag).toBe("ResponseError")
      }))
  })

  it("authorizationUrl carries client, redirect, response type, state, scopes and extra parameters", () => {
    const url = new URL(Auth.authorizationUrl(oauth, {
      redirectUri: "https://app.test/cb?x=1",
      state: "csrf-1",
      extraParams: { access_type: "offline", prompt: "consent" }
    }))
    expect(url.origin + url.pathname).toBe("https://auth.acme.test/oauth/authorize")
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "client-1",
      redirect_uri: "https://app.test/cb?x=1",
      response_type: "code",
      state: "csrf-1",
      scope: "employees.read offline_access",
      access_type: "offline",
      prompt: "consent"
    })
    expect(url.toString()).not.toContain(CLIENT_SECRET)
  })
})
