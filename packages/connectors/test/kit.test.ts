import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { AsyncConnector } from "@weft/connectors"
import { Auth, Connector, Errors } from "@weft/core/connector"
import { Company, Contact } from "@weft/core/models"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as RateLimiter from "effect/RateLimiter"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { realPause, realTimeUntil, untilSleeping } from "./waiting.js"

// A tiny loopback server: each test gives it a handler and reads its log.
interface Seen {
  readonly method: string
  readonly path: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
  readonly at: number
  closed: boolean
}
type Handler = (req: Seen, res: Http.ServerResponse) => void

const serve = (handler: Handler) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const seen: Array<Seen> = []
      const server = Http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (c: Buffer) => chunks.push(c))
        req.on("end", () => {
          const entry: Seen = {
            method: req.method ?? "GET",
            path: req.url ?? "/",
            headers: req.headers,
            body: Buffer.concat(chunks).toString(),
            at: performance.now(),
            closed: false
          }
          seen.push(entry)
          res.on("close", () => (entry.closed = !res.writableFinished))
          handler(entry, res)
        })
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      return { url, seen, server }
    }),
    ({ server }) =>
      Effect.promise(() =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        })
      )
  )

const json = (res: Http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers })
  res.end(JSON.stringify(body))
}

// Real time passes while the loopback server answers, even under TestClock.
const waitUntil = (condition: () => boolean, what: string) => realTimeUntil(condition, what)

const TOKEN = "kit_test_token_3f9a1c77"
const Credentials = Schema.Struct({ apiKey: Schema.Redacted(Schema.String) })
type Credentials = typeof Credentials.Type

const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${from + i}`, name: `Co ${from + i}` }))

// A paged list at GET /v1/companies?page=N (3 pages of 2, then empty).
const pagedCompanies: Handler = (req, res) => {
  const page = Number(new URL(req.path, "http://x").searchParams.get("page") ?? "1")
  json(res, 200, { items: page <= 3 ? items((page - 1) * 2, 2) : [] })
}

interface Probe {
  started: number
  closed: boolean
  signal?: AbortSignal
}

const makeConnector = (
  url: string,
  options: {
    readonly probe?: Probe
    readonly check?: AsyncConnector.Definition<Credentials, unknown>["check"]
    readonly retry?: AsyncConnector.Definition<Credentials, unknown>["retry"]
    readonly read?: AsyncConnector.Reader<Credentials>["readAll"]
  } = {}
) =>
  AsyncConnector.define({
    id: "kit-test",
    name: "Kit Test",
    category: "crm",
    credentials: Credentials,
    auth: Auth.bearer((c: Credentials) => c.apiKey),
    baseUrl: () => url,
    retry: options.retry,
    check: options.check ?? (async ({ ky }) => {
      await ky.get("v1/me")
    }),
    readers: [
      {
        model: Company.model,
        mode: "full",
        readAll: options.read ?? async function*({ ky, signal }) {
          const probe = options.probe
          if (probe !== undefined) probe.signal = signal
          try {
            for (let page = 1; ; page++) {
              if (probe !== undefined) probe.started = page
              const body = await ky.get("v1/companies", { searchParams: { page } }).json<{ items: Array<unknown> }>()
              if (body.items.length === 0) return
              yield { records: body.items }
            }
          } finally {
            if (probe !== undefined) probe.closed = true
          }
        },
        readOne: async ({ ky }, id) => {
          const res = await ky.get(`v1/companies/${id}`, { throwHttpErrors: false })
          return res.status === 404 ? undefined : await res.json()
        }
      },
      {
        model: Contact.model,
        mode: "full",
        readAll: async function*() {
          yield [{ id: "not a page" }] as never
        }
      }
    ]
  })

const contextFor = (connector: Connector.Connector<Credentials>, rateLimiter?: RateLimiter.RateLimiter) =>
  Effect.flatMap(connector.credentials.decode({ apiKey: TOKEN }), (credentials) =>
    Connector.makeContext(connector, { integrationId: "int_kit", tenant: "acme", credentials, rateLimiter }))

const readAll = <C>(connector: Connector.Connector<C>, ctx: Connector.ConnectorContext<C>, model = "crm.company") =>
  Connector.readerFor(connector, model)!.readAll(ctx)

describe("AsyncConnector", () => {
  it.effect("reads every page through ky with the integration's auth header", () =>
    Effect.gen(function*() {
      const server = yield* serve(pagedCompanies)
      const connector = makeConnector(server.url)
      const ctx = yield* contextFor(connector)
      const pages = Chunk.toReadonlyArray(yield* Stream.runCollect(readAll(connector, ctx)))
      expect(pages.map((p) => p.records.length)).toEqual([2, 2, 2])
      expect(pages.flatMap((p) => p.records)).toEqual(items(0, 6))
      expect(server.seen.map((r) => r.path)).toEqual([1, 2, 3, 4].map((p) => `/v1/companies?page=${p}`))
      for (const r of server.seen) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("sends method, headers and JSON body through the provider client", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 201, { ok: true }, { "x-request-id": "r-1" }))
      const connector = makeConnector(server.url)
      const ctx = yield* contextFor(connector)
      const ky = AsyncConnector.makeKyInstance({ client: ctx.http, runtime: yield* Effect.runtime<never>(), prefixUrl: server.url })
      const res = yield* Effect.promise(() => ky.post("v2/things/query", { json: { limit: 5 }, headers: { "x-extra": "1" } }))
      expect(res.status).toBe(201)
      expect(res.headers.get("x-request-id")).toBe("r-1")
      expect(yield* Effect.promise(() => res.json())).toEqual({ ok: true })
      const [seen] = server.seen
      expect(seen!.method).toBe("POST")
      expect(seen!.path).toBe("/v2/things/query")
      expect(seen!.headers["content-type"]).toBe("application/json")
      expect(seen!.headers["x-extra"]).toBe("1")
      expect(JSON.parse(seen!.body)).toEqual({ limit: 5 })
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("honours Retry-After through the Effect retry policy (TestClock)", () =>
    Effect.gen(function*() {
      let calls = 0
      const server = yield* serve((req, res) => {
        calls += 1
        if (calls === 1) return json(res, 429, { error: "slow down" }, { "retry-after": "3" })
        pagedCompanies(req, res)
      })
      const connector = makeConnector(server.url)
      const ctx = yield* contextFor(connector)
      const fiber = yield* Stream.runHead(readAll(connector, ctx)).pipe(Effect.fork)
      yield* waitUntil(() => server.seen.length === 1, "the throttled request")
      // The retry waits on Effect's clock: nothing is sent until 3 s have passed.
      const now = yield* Clock.currentTimeMillis
      yield* untilSleeping("the retry after the 429", now + 3000)
      yield* TestClock.adjust("2999 millis")
      yield* realPause(30)
      expect(server.seen.length).toBe(1)
      yield* TestClock.adjust("1 millis")
      const first = yield* Fiber.join(fiber)
      expect(server.seen.length).toBe(2)
      expect(Option.getOrThrow(first).records).toEqual(items(0, 2))
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("shares the integration's rate limiter between ky and the Effect client (TestClock)", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 200, { items: [] }))
      const connector = makeConnector(server.url)
      const limiter = yield* RateLimiter.make({ limit: 1, interval: "150 millis" })
      const ctx = yield* contextFor(connector, limiter)
      const ky = AsyncConnector.makeKyInstance({ client: ctx.http, runtime: yield* Effect.runtime<never>(), prefixUrl: server.url })
      const all = yield* Effect.all([
        Effect.promise(() => ky.get("a").json()),
        Effect.promise(() => ky.get("b").json()),
        Effect.flatMap(ctx.http.get("/c"), (r) => r.json)
      ], { concurrency: "unbounded" }).pipe(Effect.fork)
      // One permit per 150 ms of the limiter's clock, shared by both clients: a request goes out
      // each time the clock moves on by 150 ms, and only then.
      for (let sent = 1; sent <= 3; sent++) {
        yield* waitUntil(() => server.seen.length >= sent, `request ${sent}`)
        yield* realPause(50)
        expect(server.seen.length).toBe(sent)
        if (sent < 3) {
          yield* untilSleeping("the limiter's refill")
          yield* TestClock.adjust("150 millis")
        }
      }
      yield* Fiber.join(all)
      expect(server.seen.map((r) => r.path).sort()).toEqual(["/a", "/b", "/c"])
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("applies back-pressure: a page is fetched only when the stream is pulled", () =>
    Effect.gen(function*() {
      const server = yield* serve(pagedCompanies)
      const connector = makeConnector(server.url)
      const ctx = yield* contextFor(connector)
      const pull = yield* Stream.toPull(readAll(connector, ctx))
      const first = yield* pull
      expect(Chunk.toReadonlyArray(first)[0]!.records).toEqual(items(0, 2))
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
      expect(server.seen.length).toBe(1)
      const second = yield* pull
      expect(Chunk.toReadonlyArray(second)[0]!.records).toEqual(items(2, 2))
      expect(server.seen.length).toBe(2)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("returns the generator when the stream ends early", () =>
    Effect.gen(function*() {
      const server = yield* serve(pagedCompanies)
      const probe: Probe = { started: 0, closed: false }
      const connector = makeConnector(server.url, { probe })
      const ctx = yield* contextFor(connector)
      const firstTwo = yield* Stream.runCollect(readAll(connector, ctx).pipe(Stream.take(2)))
      expect(Chunk.size(firstTwo)).toBe(2)
      expect(probe.closed).toBe(true)
      expect(server.seen.length).toBe(2)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("interruption aborts the request in flight and closes the generator", () =>
    Effect.gen(function*() {
      // Page 1 answers; page 2 never does.
      const server = yield* serve((req, res) => {
        if (req.path.endsWith("page=1")) pagedCompanies(req, res)
      })
      const probe: Probe = { started: 0, closed: false }
      const connector = makeConnector(server.url, { probe })
      const ctx = yield* contextFor(connector)
      const fiber = yield* Stream.runDrain(readAll(connector, ctx)).pipe(Effect.fork)
      yield* waitUntil(() => server.seen.length === 2, "the second page request")
      expect(probe.closed).toBe(false)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(probe.closed).toBe(true)
      expect(probe.signal?.aborted).toBe(true)
      yield* waitUntil(() => server.seen[1]!.closed, "the server to see the request dropped")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("aborting a ky request interrupts the Effect call", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => undefined)
      const connector = makeConnector(server.url)
      const ctx = yield* contextFor(connector)
      const ky = AsyncConnector.makeKyInstance({ client: ctx.http, runtime: yield* Effect.runtime<never>(), prefixUrl: server.url })
      const controller = new AbortController()
      const pending = ky.get("hang", { signal: controller.signal }).then(() => "answered", (e: unknown) => e)
      yield* waitUntil(() => server.seen.length === 1, "the request")
      controller.abort()
      const outcome = yield* Effect.promise(() => pending)
      expect((outcome as Error).name).toBe("AbortError")
      yield* waitUntil(() => server.seen[0]!.closed, "the server to see the request dropped")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("maps a non-2xx answer to a ConnectorError with operation, status and no secret", () =>
    Effect.gen(function*() {
      // The provider echoes the Authorization header in its error body.
      const server = yield* serve((req, res) =>
        json(res, 403, { message: `forbidden for ${String(req.headers.authorization)}` }))
      const connector = makeConnector(server.url)
      const ctx = yield* contextFor(connector)
      const error = yield* Stream.runDrain(readAll(connector, ctx)).pipe(Effect.flip)
      expect(error).toBeInstanceOf(Errors.ConnectorError)
      const e = error as Errors.ConnectorError
      expect(e.operation).toBe("GET /v1/companies")
      expect(e.status).toBe(403)
      expect(e.detail).toContain("forbidden for Bearer <redacted>")
      expect(JSON.stringify(e)).not.toContain(TOKEN)
      expect(e.message).not.toContain(TOKEN)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("maps a thrown error to a ConnectorError naming the last request", () =>
    Effect.gen(function*() {
      const server = yield* serve(pagedCompanies)
      const connector = makeConnector(server.url, {
        read: async function*({ ky }) {
          await ky.get("v1/companies", { searchParams: { page: 1 } }).json()
          throw new Error(`cannot map a record (token ${TOKEN})`)
        }
      })
      const ctx = yield* contextFor(connector)
      const error = yield* Stream.runDrain(readAll(connector, ctx)).pipe(Effect.flip)
      expect(error).toBeInstanceOf(Errors.ConnectorError)
      const e = error as Errors.ConnectorError
      expect(e.operation).toBe("kit-test read crm.company")
      expect(e.detail).toBe("cannot map a record (token <redacted>) (after GET /v1/companies)")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("keeps a ConnectorError thrown by the reader", () =>
    Effect.gen(function*() {
      const server = yield* serve(pagedCompanies)
      const thrown = new AsyncConnector.ConnectorError({ operation: "decode page", detail: "no data" })
      const connector = makeConnector(server.url, {
        read: async function*() {
          throw thrown
        }
      })
      const ctx = yield* contextFor(connector)
      expect(yield* Stream.runDrain(readAll(connector, ctx)).pipe(Effect.flip)).toBe(thrown)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("a connection error after the retries becomes a typed ConnectorError", () =>
    Effect.gen(function*() {
      const server = yield* serve(pagedCompanies)
      const url = server.url
      yield* Effect.promise(() => new Promise<void>((r) => server.server.close(() => r())))
      const connector = makeConnector(url, { retry: { maxRetries: 0 } })
      const ctx = yield* contextFor(connector)
      const error = yield* Stream.runDrain(readAll(connector, ctx)).pipe(Effect.flip)
      expect(error).toBeInstanceOf(Errors.ConnectorError)
      expect((error as Errors.ConnectorError).operation).toBe("GET /v1/companies")
      expect((error as Errors.ConnectorError).detail).toContain("could not be reached")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("a reader that yields something other than a page fails with a ConnectorError", () =>
    Effect.gen(function*() {
      const server = yield* serve(pagedCompanies)
      const connector = makeConnector(server.url)
      const ctx = yield* contextFor(connector)
      const error = yield* Stream.runDrain(readAll(connector, ctx, "crm.contact")).pipe(Effect.flip)
      expect(error).toBeInstanceOf(Errors.ConnectorError)
      expect((error as Errors.ConnectorError).detail).toContain("not a page")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("readOne returns the record, or None when it is gone", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) =>
        req.path === "/v1/companies/c1" ? json(res, 200, { id: "c1" }) : json(res, 404, { error: "not found" }))
      const connector = makeConnector(server.url)
      const ctx = yield* contextFor(connector)
      const reader = Connector.readerFor(connector, "crm.company")!
      expect(yield* reader.readOne!(ctx, "c1")).toEqual(Option.some({ id: "c1" }))
      expect(yield* reader.readOne!(ctx, "c2")).toEqual(Option.none())
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  describe("check", () => {
    it.effect("passes when the check resolves", () =>
      Effect.gen(function*() {
        const server = yield* serve((_, res) => json(res, 200, { me: "ok" }))
        const connector = makeConnector(server.url)
        yield* connector.check(yield* contextFor(connector))
        expect(server.seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`)
      }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

    it.effect("keeps a thrown ConnectionError", () =>
      Effect.gen(function*() {
        const server = yield* serve((_, res) => json(res, 401, { error: "bad key" }))
        const connector = makeConnector(server.url, {
          check: async ({ ky }) => {
            const res = await ky.get("v1/me", { throwHttpErrors: false })
            if (res.status === 401) {
              throw new AsyncConnector.ConnectionError({
                code: "invalid_credentials",
                message: "Kit Test rejected the API key.",
                resolution: "Create a new key and paste it here.",
                status: 401
              })
            }
          }
        })
        const error = yield* connector.check(yield* contextFor(connector)).pipe(Effect.flip)
        expect(error.code).toBe("invalid_credentials")
        expect(error.status).toBe(401)
      }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

    it.effect("reports anything else thrown as provider_unavailable, without secrets", () =>
      Effect.gen(function*() {
        const server = yield* serve((req, res) => json(res, 500, { echo: String(req.headers.authorization) }))
        const connector = makeConnector(server.url)
        const error = yield* connector.check(yield* contextFor(connector)).pipe(Effect.flip)
        expect(error).toBeInstanceOf(Errors.ConnectionError)
        expect(error.code).toBe("provider_unavailable")
        expect(error.status).toBe(500)
        expect(error.message).toContain("GET /v1/me answered HTTP 500")
        expect(error.resolution.length).toBeGreaterThan(0)
        expect(JSON.stringify(error)).not.toContain(TOKEN)
        expect(error.message).not.toContain(TOKEN)
      }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))
  })

  it("the scrubber hides credential secrets and bearer tokens", () => {
    const scrub = AsyncConnector.scrubberFor(Auth.bearer((c: Credentials) => c.apiKey), { apiKey: Redacted.make(TOKEN) })
    expect(scrub(`key=${TOKEN}; Authorization: Bearer abc.def`)).toBe("key=<redacted>; Authorization: Bearer <redacted>")
  })
})
