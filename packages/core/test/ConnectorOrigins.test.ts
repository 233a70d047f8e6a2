import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Connector, Errors, Pagination } from "@weft/core/connector"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { testKeys } from "./support/harness.js"
import * as RecordingSink from "./support/RecordingSink.js"

// An integration's credentials go to its provider's origin(s) only. Two real
// servers on 127.0.0.1: the provider, and an "attacker" on another port that
// must never see a request carrying them (nor any request at all).

interface Seen {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly apiKey: string | undefined
  readonly body: string
}

type Handler = (seen: Seen, res: Http.ServerResponse, origin: string) => void

const serve = (handler: Handler) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly url: string; readonly seen: Array<Seen> }>((resume) => {
      const seen: Array<Seen> = []
      let origin = ""
      const server = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (chunk: Buffer) => (body += chunk.toString()))
        req.on("end", () => {
          const entry: Seen = {
            method: req.method ?? "",
            path: req.url ?? "/",
            authorization: req.headers.authorization,
            apiKey: req.headers["x-api-key"] as string | undefined,
            body
          }
          seen.push(entry)
          handler(entry, res, origin)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        resume(Effect.succeed({ server, url: origin, seen }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const answer = (res: Http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers })
  res.end(JSON.stringify(body))
}

const API_KEY = "hr_live_key_5c0ffee5c0ffee"
const BASIC = `Basic ${Buffer.from(`${API_KEY}:x`).toString("base64")}`

// Shaped like BambooHR: an API key as the Basic user, a company domain in
// the credentials, and a base URL option that tests point at a loopback
// fake; the declared origin follows that same option.
const Creds = Schema.Struct({ companyDomain: Schema.String, apiKey: Schema.Redacted(Schema.String) })
type Creds = typeof Creds.Type

const hr = (baseUrl: (companyDomain: string) => string, auth: Auth.Auth<Creds> = Auth.apiKeyAsBasicUser<Creds>({
  key: (c) => c.apiKey,
  password: "x"
})) =>
  Connector.define({
    id: "hr",
    name: "HR",
    category: "hris",
    credentials: Creds,
    auth,
    baseUrl: (c) => baseUrl(c.companyDomain),
    origins: (c) => [baseUrl(c.companyDomain)],
    check: (ctx) =>
      ctx.http.get("/v1/me").pipe(
        Effect.flatMap((r) => (r.status === 200 ? Effect.void : Effect.fail(r.status))),
        Effect.mapError(() =>
          new Errors.ConnectionError({ code: "invalid_credentials", message: "refused", resolution: "use another key" })
        )
      ),
    readers: []
  })

// The provider: `/v1/me` and `/v1/reports` answer with what they received;
// `/v1/moved` redirects where the test says.
const provider = (redirect: (origin: string) => { status: number; location: string } = () => ({ status: 302, location: "/v1/me" })) =>
  serve((seen, res, origin) => {
    if (seen.authorization !== BASIC && seen.apiKey !== API_KEY) return answer(res, 401, { error: "unauthorized" })
    if (seen.path.startsWith("/acme/v1/moved")) {
      const { location, status } = redirect(origin)
      return answer(res, status, {}, { location })
    }
    return answer(res, 200, { path: seen.path, method: seen.method, body: seen.body })
  })

const attacker = serve((_seen, res) => answer(res, 200, { stolen: true }))

const hostLayer = (connector: Connector.Any, http: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.map(RecordingSink.make, (sink) =>
    Weft.layer({ connectors: [connector] }).pipe(
      Layer.provideMerge(StoreMemory.layer),
      Layer.provideMerge(sink.layer),
      Layer.provideMerge(Vault.layer(testKeys)),
      Layer.provideMerge(http)
    ))

// A Weft host with one connected integration of `hr` at `providerUrl`.
const withHost = <A, E>(
  providerUrl: string,
  body: (weft: Weft.WeftService, integrationId: string) => Effect.Effect<A, E>,
  http: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici
) =>
  Effect.gen(function*() {
    const layer = yield* hostLayer(hr((domain) => `${providerUrl}/${domain}`), http)
    return yield* Effect.gen(function*() {
      const weft = yield* Weft.Weft
      const { integration } = yield* weft.integrations.connect({
        connector: "hr",
        tenant: "acme",
        credentials: { companyDomain: "acme", apiKey: API_KEY },
        syncs: []
      })
      return yield* body(weft, integration.id)
    }).pipe(Effect.provide(layer))
  })

// Real servers and the undici client (one for the whole test: its
// dispatcher closes with the scope that built it).
const live = <A, E>(name: string, self: () => Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>) =>
  it.live(name, () => self().pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

describe("an integration's credentials stay on its provider's origins", () => {
  describe("Weft.integrations.request (passthrough)", () => {
    live("an absolute URL on another origin is an InvalidInputError and the other server receives nothing", () =>
      Effect.gen(function*() {
        const p = yield* provider()
        const evil = yield* attacker
        yield* withHost(p.url, (weft, id) =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(weft.integrations.request(id, HttpClientRequest.get(`${evil.url}/collect`)))
            expect(error._tag).toBe("InvalidInputError")
            expect(error.message).toContain("Invalid request.url")
            expect(error.message).toContain(`${evil.url} is not the provider's origin`)
            expect(error.message).toContain(p.url)
            expect(error.message).not.toContain(API_KEY)
          }))
        expect(evil.seen).toEqual([])
      }))

    live("a URL with user info is an InvalidInputError, on another origin and on the provider's own; nothing is sent", () =>
      Effect.gen(function*() {
        const p = yield* provider()
        const evil = yield* attacker
        const before = yield* withHost(p.url, (weft, id) =>
          Effect.gen(function*() {
            const sentBefore = p.seen.length
            for (const base of [evil.url, p.url]) {
              const url = base.replace("http://", "http://user@") + "/acme/v1/me"
              const error = yield* Effect.flip(weft.integrations.request(id, HttpClientRequest.get(url)))
              expect(error._tag).toBe("InvalidInputError")
              expect(error.message).toContain("names a user or password")
            }
            return sentBefore
          }))
        expect(evil.seen).toEqual([])
        expect(p.seen).toHaveLength(before)
      }))

    live("a relative path and an absolute URL on the provider's origin are sent with the integration's auth", () =>
      Effect.gen(function*() {
        const p = yield* provider()
        yield* withHost(p.url, (weft, id) =>
          Effect.gen(function*() {
            const relative = yield* weft.integrations.request(
              id,
              HttpClientRequest.post("/v1/reports").pipe(HttpClientRequest.bodyUnsafeJson({ fields: ["id"] }))
            )
            expect(relative.status).toBe(200)
            expect(yield* relative.json).toEqual({ path: "/acme/v1/reports", method: "POST", body: "{\"fields\":[\"id\"]}" })
            const absolute = yield* weft.integrations.request(id, HttpClientRequest.get(`${p.url}/acme/v1/me`))
            expect(absolute.status).toBe(200)
            expect(yield* absolute.json).toMatchObject({ path: "/acme/v1/me" })
          }))
        expect(p.seen.slice(-2).map((s) => s.authorization)).toEqual([BASIC, BASIC])
      }))
  })

  describe("redirects", () => {
    live("a 302 to another origin is not followed by the fetch client: the other server receives nothing", () =>
      Effect.gen(function*() {
        const evil = yield* attacker
        const p = yield* provider(() => ({ status: 302, location: `${evil.url}/collect` }))
        yield* withHost(p.url, (weft, id) =>
          Effect.gen(function*() {
            const response = yield* weft.integrations.request(id, HttpClientRequest.get("/v1/moved"))
            // The caller sees the redirect and may follow it without the credentials.
            expect(response.status).toBe(302)
            expect(response.headers["location"]).toBe(`${evil.url}/collect`)
          }), FetchHttpClient.layer)
        expect(evil.seen).toEqual([])
      }))

    live("a custom auth header does not cross a redirect to another origin either (fetch client)", () =>
      Effect.gen(function*() {
        const evil = yield* attacker
        const p = yield* provider(() => ({ status: 307, location: `${evil.url}/collect` }))
        const keyed = hr((domain) => `${p.url}/${domain}`, Auth.apiKeyHeader<Creds>({ header: "x-api-key", key: (c) => c.apiKey }))
        const credentials = yield* keyed.credentials.decode({ companyDomain: "acme", apiKey: API_KEY })
        const ctx = yield* Connector.makeContext(keyed, { integrationId: "int_1", tenant: "acme", credentials }).pipe(
          Effect.provide(FetchHttpClient.layer)
        )
        const response = yield* ctx.http.get("/v1/moved").pipe(Effect.provide(FetchHttpClient.layer))
        expect(response.status).toBe(307)
        expect(evil.seen).toEqual([])
      }))

    for (const [name, http] of [["undici", NodeHttpClient.layerUndici], ["fetch", FetchHttpClient.layer]] as const) {
      live(`a redirect within the provider's origin is followed with the auth (${name})`, () =>
        Effect.gen(function*() {
          const p = yield* provider((origin) => ({ status: 303, location: `${origin}/acme/v1/me?from=moved` }))
          yield* withHost(p.url, (weft, id) =>
            Effect.gen(function*() {
              const response = yield* weft.integrations.request(
                id,
                HttpClientRequest.post("/v1/moved").pipe(HttpClientRequest.bodyUnsafeJson({ a: 1 }))
              )
              expect(response.status).toBe(200)
              // 303: the follow-up is a GET without the body.
              expect(yield* response.json).toEqual({ path: "/acme/v1/me?from=moved", method: "GET", body: "" })
            }), http)
          expect(p.seen.slice(-2).map((s) => [s.method, s.path, s.authorization])).toEqual([
            ["POST", "/acme/v1/moved", BASIC],
            ["GET", "/acme/v1/me?from=moved", BASIC]
          ])
        }))
    }

    live("a read that meets a redirect to another origin fails with a ConnectorError saying where it pointed", () =>
      Effect.gen(function*() {
        const evil = yield* attacker
        const p = yield* provider(() => ({ status: 301, location: `${evil.url}/collect?token=abc` }))
        const connector = hr((domain) => `${p.url}/${domain}`)
        const credentials = yield* connector.credentials.decode({ companyDomain: "acme", apiKey: API_KEY })
        const ctx = yield* Connector.makeContext(connector, { integrationId: "int_1", tenant: "acme", credentials }).pipe(
          Effect.provide(FetchHttpClient.layer)
        )
        const error = yield* Effect.flip(
          Pagination.executeOk(ctx.http, HttpClientRequest.get("/v1/moved")).pipe(Effect.provide(FetchHttpClient.layer))
        )
        expect(error._tag).toBe("ConnectorError")
        expect(error.message).toContain(`redirected to ${evil.url}/collect, which was not followed`)
        expect(error.message).not.toContain("token=abc")
        expect(evil.seen).toEqual([])
      }))
  })

  describe("URLs the provider returns", () => {
    const contextOn = (providerUrl: string) =>
      Effect.gen(function*() {
        const connector = hr((domain) => `${providerUrl}/${domain}`)
        const credentials = yield* connector.credentials.decode({ companyDomain: "acme", apiKey: API_KEY })
        return yield* Connector.makeContext(connector, { integrationId: "int_1", tenant: "acme", credentials })
      })

    const run = <A, E>(stream: Stream.Stream<A, E>) => Stream.runCollect(stream).pipe(Effect.map(Chunk.toReadonlyArray))

    // Page 1 links to page 2 on the provider's own origin (absolute), which
    // links to `third` (an absolute URL on another origin in the attack).
    const linked = (third: (origin: string) => string) =>
      serve((seen, res, origin) => {
        if (seen.authorization !== BASIC) return answer(res, 401, {})
        const page = new URL(seen.path, origin).searchParams.get("page") ?? "1"
        const link = page === "1" ? `<${origin}/acme/v1/users?page=2>; rel="next"` : page === "2" ? `<${third(origin)}>; rel="next"` : undefined
        answer(res, 200, [Number(page)], link === undefined ? {} : { link })
      })

    live("a Link header pointing at another origin fails the read with OriginNotAllowedError; the other server receives nothing", () =>
      Effect.gen(function*() {
        const evil = yield* attacker
        const p = yield* linked(() => `${evil.url}/acme/v1/users?page=3`)
        const ctx = yield* contextOn(p.url)
        const pages: Array<ReadonlyArray<number>> = []
        const error = yield* Effect.flip(run(
          Pagination.link({
            client: ctx.http,
            operation: "list users",
            first: HttpClientRequest.get("/v1/users"),
            decode: Schema.decodeUnknown(Schema.Array(Schema.Number))
          }).pipe(Stream.tap((page) => Effect.sync(() => pages.push(page))))
        ))
        expect(pages).toEqual([[1], [2]])
        expect(error._tag).toBe("OriginNotAllowedError")
        if (error._tag === "OriginNotAllowedError") {
          expect(error.operation).toBe("list users: next page")
          expect(error.reason).toBe("other_origin")
          expect(error.url).toBe(`${evil.url}/acme/v1/users`)
          expect(error.allowed).toEqual([p.url])
          expect(error.message).toContain("refused to send the hr integration's credentials")
        }
        expect(evil.seen).toEqual([])
      }))

    live("Link targets on the provider's origin, absolute or relative, are followed", () =>
      Effect.gen(function*() {
        const p = yield* linked(() => "/acme/v1/users?page=3")
        const ctx = yield* contextOn(p.url)
        const pages = yield* run(
          Pagination.link({
            client: ctx.http,
            operation: "list users",
            first: HttpClientRequest.get("/v1/users"),
            decode: Schema.decodeUnknown(Schema.Array(Schema.Number))
          }).pipe(Stream.take(3))
        )
        expect(pages).toEqual([[1], [2], [3]])
        expect(p.seen.every((s) => s.authorization === BASIC)).toBe(true)
      }))

    live("a next URL in the body pointing at another origin fails the read; the other server receives nothing", () =>
      Effect.gen(function*() {
        const evil = yield* attacker
        const p = yield* serve((seen, res) =>
          seen.authorization !== BASIC
            ? answer(res, 401, {})
            : answer(res, 200, { items: [1], next: `${evil.url.replace("http://", "http://acme@")}/acme/v1/items?after=1` })
        )
        const ctx = yield* contextOn(p.url)
        const error = yield* Effect.flip(run(
          Pagination.cursor({
            client: ctx.http,
            operation: "list items",
            // The provider hands back the whole URL of the next page.
            request: Option.match({ onNone: () => HttpClientRequest.get("/v1/items"), onSome: (url) => HttpClientRequest.get(url) }),
            decode: (body) =>
              Effect.map(Schema.decodeUnknown(Schema.Struct({ items: Schema.Array(Schema.Number), next: Schema.String }))(body), (b) => ({
                items: b.items,
                next: Option.some(b.next)
              }))
          })
        ))
        expect(error._tag).toBe("OriginNotAllowedError")
        if (error._tag === "OriginNotAllowedError") {
          expect(error.reason).toBe("userinfo")
          expect(error.url).toBe(`${evil.url}/acme/v1/items`)
        }
        expect(evil.seen).toEqual([])
        expect(p.seen).toHaveLength(1)
      }))
  })

  describe("OAuth 2 token requests", () => {
    live("a token endpoint that redirects elsewhere is not followed (fetch client): the client secret stays put", () =>
      Effect.gen(function*() {
        const evil = yield* attacker
        const tokenServer = yield* serve((_seen, res) => answer(res, 307, {}, { location: `${evil.url}/token` }))
        const auth = Auth.oauth2<{ readonly access: Redacted.Redacted<string>; readonly refresh: Redacted.Redacted<string> }>({
          tokenUrl: `${tokenServer.url}/token`,
          authorizeUrl: "https://provider.example/authorize",
          clientId: "client-1",
          clientSecret: Redacted.make("client-secret-abc"),
          scopes: [],
          tokens: (c) => ({ accessToken: c.access, refreshToken: c.refresh }),
          withTokens: (c, t) => ({ ...c, access: t.accessToken, refresh: t.refreshToken })
        })
        const result = yield* Effect.either(
          Auth.exchangeCode(auth, "hr", { code: "code-1", redirectUri: "https://app.example/callback" }).pipe(
            Effect.provide(FetchHttpClient.layer)
          )
        )
        expect(result._tag).toBe("Left")
        expect(tokenServer.seen).toHaveLength(1)
        expect(evil.seen).toEqual([])
      }))
  })
})
