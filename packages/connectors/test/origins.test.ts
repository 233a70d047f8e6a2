import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { AsyncConnector, BambooHR, Greenhouse } from "@weft/connectors"
import { Auth, Connector, Pagination } from "@weft/core/connector"
import { Company } from "@weft/core/models"
import { BambooHRFake, FakeServer } from "@weft/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

// The connectors send an integration's credentials to their provider's
// origin only: the loopback fakes stand in for the providers, and an
// "attacker" server on another 127.0.0.1 port must receive nothing.

const live = <A, E>(name: string, self: () => Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>) =>
  it.live(name, () => self().pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

// Answers 404 to everything, and records what reached it.
const attacker = FakeServer.scoped(new FakeServer.Router())

const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

const basic = (key: string, password: string) => `Basic ${Buffer.from(`${key}:${password}`).toString("base64")}`

// A BambooHR integration on a fake company; `fetch` runs it on the fetch
// client (which follows redirects unless told not to) instead of undici.
const bamboo = (client: "undici" | "fetch" = "undici") =>
  Effect.gen(function*() {
    const fake = yield* BambooHRFake.scoped({ size: 5, seed: 3 })
    const connector = BambooHR.connector({ baseUrl: fake.baseUrl, rateLimit: "none" })
    const credentials = yield* connector.credentials.decode({ companyDomain: "acme", apiKey: BambooHRFake.keys.admin })
    const make = Connector.makeContext(connector, { integrationId: "int_bamboo", tenant: "acme", credentials })
    const context = yield* (client === "undici" ? make : Effect.provide(make, FetchHttpClient.layer))
    return { fake, connector, credentials, context }
  })

describe("BambooHR: credentials go to the company's API origin only", () => {
  live("the declared origin follows the base URL option (the fake's, or https://{domain}.bamboohr.com)", () =>
    Effect.gen(function*() {
      const { fake, connector, credentials } = yield* bamboo()
      expect(Connector.originsOf(connector, credentials)).toEqual([fake.url])
      expect(Connector.originsOf(BambooHR.connector(), credentials)).toEqual(["https://acme.bamboohr.com"])
    }))

  live("passthrough to an absolute URL on another origin is an InvalidInputError; the attacker receives nothing", () =>
    Effect.gen(function*() {
      const evil = yield* attacker
      const { context } = yield* bamboo()
      const error = yield* Effect.flip(Connector.passthrough(context, HttpClientRequest.get(`${evil.url}/acme/api/v1/meta/fields`)))
      expect(error._tag).toBe("InvalidInputError")
      expect(error.message).toContain("Invalid request.url")
      expect(error.message).not.toContain(BambooHRFake.keys.admin)
      expect(evil.requests).toEqual([])
    }))

  live("passthrough to http://user@host/… is an InvalidInputError, on the attacker and on the fake; nothing is sent", () =>
    Effect.gen(function*() {
      const evil = yield* attacker
      const { fake, context } = yield* bamboo()
      for (const origin of [evil.url, fake.url]) {
        const url = `${origin.replace("http://", `http://${BambooHRFake.keys.admin}@`)}/acme/api/v1/meta/fields`
        const error = yield* Effect.flip(Connector.passthrough(context, HttpClientRequest.get(url)))
        expect(error._tag).toBe("InvalidInputError")
        expect(error.message).toContain("names a user or password")
        expect(error.message).not.toContain(BambooHRFake.keys.admin)
      }
      expect(evil.requests).toEqual([])
      expect(fake.requests).toEqual([])
    }))

  live("passthrough with a relative path, or an absolute URL on the fake's origin, is sent with the API key", () =>
    Effect.gen(function*() {
      const { fake, context } = yield* bamboo()
      const relative = yield* Connector.passthrough(context, HttpClientRequest.get("/api/v1/meta/fields"))
      const absolute = yield* Connector.passthrough(context, HttpClientRequest.get(`${fake.url}/acme/api/v1/meta/fields`))
      expect([relative.status, absolute.status]).toEqual([200, 200])
      expect(fake.requests.map((r) => [r.path, r.headers["authorization"]])).toEqual([
        ["/acme/api/v1/meta/fields", basic(BambooHRFake.keys.admin, "x")],
        ["/acme/api/v1/meta/fields", basic(BambooHRFake.keys.admin, "x")]
      ])
    }))

  live("a 302 from the fake to the attacker is not followed (fetch client): passthrough returns it, a read fails", () =>
    Effect.gen(function*() {
      const evil = yield* attacker
      const { connector, context, fake } = yield* bamboo("fetch")
      const redirect = { kind: "status" as const, status: 302, headers: { location: `${evil.url}/collect` }, body: "" }
      fake.faults.inject(redirect, { times: 2 })
      const response = yield* Connector.passthrough(context, HttpClientRequest.get("/api/v1/meta/fields"))
      expect(response.status).toBe(302)
      const read = yield* Effect.flip(collect(Connector.readerFor(connector, "hris.employee")!.readAll(context)))
      expect(read._tag).toBe("ConnectorError")
      expect(read.message).toContain("HTTP 302")
      expect(evil.requests).toEqual([])
    }))
})

describe("Greenhouse: a next link on another origin fails the read", () => {
  live("a Link header pointing at the attacker fails the read with OriginNotAllowedError; the attacker receives nothing", () =>
    Effect.gen(function*() {
      const evil = yield* attacker
      const server = yield* FakeServer.scoped(
        new FakeServer.Router().on("GET", "/v1/jobs", () => ({
          status: 200,
          headers: { link: `<${evil.url}/v1/jobs?page=2&per_page=1>; rel="next"` },
          body: [{ id: 1, name: "One" }]
        }))
      )
      const connector = Greenhouse.connector({ baseUrl: server.url, pageSize: 1, rateLimit: { limit: 100, interval: "1 second" } })
      const context = yield* Connector.makeContext(connector, {
        integrationId: "int_gh",
        tenant: "acme",
        credentials: yield* connector.credentials.decode({ apiKey: "harvest_key_123456" })
      })
      const error = yield* Effect.flip(collect(Connector.readerFor(connector, "ats.job")!.readAll(context)))
      expect(error._tag).toBe("OriginNotAllowedError")
      expect(error.message).toContain("list jobs: next page")
      expect(error.message).toContain(`${evil.url}/v1/jobs`)
      expect(server.requests).toHaveLength(1)
      expect(evil.requests).toEqual([])
    }))
})

describe("AsyncConnector (ky kit): provider-returned URLs stay on the provider's origin", () => {
  const TOKEN = "kit_origin_token_77ab"
  const Credentials = Schema.Struct({ apiKey: Schema.Redacted(Schema.String) })
  type Credentials = typeof Credentials.Type
  const Page = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String })), next: Schema.optional(Schema.String) })

  // Reads `v1/companies`, then follows the absolute URL the provider hands
  // back, in the body (`next`) or in a `Link` header.
  const kit = (url: string, follow: "body" | "link") =>
    AsyncConnector.define({
      id: "kit-origins",
      name: "Kit Origins",
      category: "crm",
      credentials: Credentials,
      auth: Auth.bearer((c: Credentials) => c.apiKey),
      baseUrl: () => url,
      origins: () => [url],
      check: async () => {},
      readers: [{
        model: Company.model,
        mode: "full",
        readAll: async function*({ ky }) {
          let response = await ky.get("v1/companies")
          for (;;) {
            const page = Schema.decodeUnknownSync(Page)(await response.json())
            yield { records: page.items.map((i) => ({ id: i.id, name: i.id })) }
            const next = follow === "body" ? page.next : Pagination.nextLink(response.headers.get("link") ?? undefined).pipe(
              (o) => (o._tag === "Some" ? o.value : undefined)
            )
            if (next === undefined) return
            response = await ky.get(next, { prefixUrl: "" })
          }
        }
      }]
    })

  const provider = (next: (origin: string, page: number) => string | undefined, where: "body" | "link") => {
    let origin = ""
    return Effect.tap(
      FakeServer.scoped(
        new FakeServer.Router().on("GET", "/v1/companies", (request) => {
          const page = Number(request.query.get("page") ?? "1")
          const target = next(origin, page)
          return {
            status: 200,
            headers: where === "link" && target !== undefined ? { link: `<${target}>; rel="next"` } : {},
            body: { items: [{ id: `c${page}` }], ...(where === "body" && target !== undefined ? { next: target } : {}) }
          }
        }),
        { before: (request) => (request.headers["authorization"] === `Bearer ${TOKEN}` ? undefined : { status: 401, body: {} }) }
      ),
      (server) => Effect.sync(() => (origin = server.url))
    )
  }

  const read = (url: string, follow: "body" | "link") =>
    Effect.gen(function*() {
      const connector = kit(url, follow)
      const credentials = yield* connector.credentials.decode({ apiKey: TOKEN })
      const context = yield* Connector.makeContext(connector, { integrationId: "int_kit", tenant: "acme", credentials })
      return yield* Effect.either(collect(Connector.readerFor(connector, "crm.company")!.readAll(context)))
    })

  for (const follow of ["body", "link"] as const) {
    live(`a ${follow} next URL pointing at the attacker fails the read with OriginNotAllowedError; the attacker receives nothing`, () =>
      Effect.gen(function*() {
        const evil = yield* attacker
        const server = yield* provider((_origin, page) => (page === 1 ? `${evil.url}/v1/companies?page=2` : undefined), follow)
        const outcome = yield* read(server.url, follow)
        expect(outcome._tag).toBe("Left")
        if (outcome._tag === "Left") {
          expect(outcome.left._tag).toBe("OriginNotAllowedError")
          expect(outcome.left.message).toContain(`refused to send the kit-origins integration's credentials to ${evil.url}/v1/companies`)
          expect(outcome.left.message).not.toContain(TOKEN)
        }
        expect(server.requests).toHaveLength(1)
        expect(evil.requests).toEqual([])
      }))

    live(`a ${follow} next URL on the provider's origin is followed with the auth`, () =>
      Effect.gen(function*() {
        const server = yield* provider((origin, page) => (page < 3 ? `${origin}/v1/companies?page=${page + 1}` : undefined), follow)
        const outcome = yield* read(server.url, follow)
        expect(outcome._tag).toBe("Right")
        if (outcome._tag === "Right") expect(outcome.right.flatMap((p) => p.records.map((r) => (r as { id: string }).id))).toEqual(["c1", "c2", "c3"])
        expect(server.requests.map((r) => r.query.get("page"))).toEqual([null, "2", "3"])
        expect(server.requests.every((r) => r.headers["authorization"] === `Bearer ${TOKEN}`)).toBe(true)
      }))
  }
})
