import * as Util from "node:util"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import { Auth, ProviderHttp } from "@weft/core"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import { json, mockHttp, type Answer, type Sent, status } from "./httpMock.js"

interface Creds {
  readonly token: Redacted.Redacted<string>
}

const providerClient = (
  handler: (sent: Sent, index: number) => Answer | Promise<Answer>,
  options: {
    retry?: Partial<ProviderHttp.RetryPolicy>
    baseUrl?: string
    origins?: ReadonlyArray<string>
    rateLimiter?: ProviderHttp.ProviderClientOptions<Creds>["rateLimiter"]
  } = {}
) =>
  Effect.gen(function*() {
    const mock = mockHttp(handler)
    const http = yield* ProviderHttp.make<Creds>({
      connector: "acme",
      baseUrl: options.baseUrl ?? "https://api.acme.test/v1",
      origins: options.origins,
      auth: Auth.bearer((c) => c.token),
      credentials: yield* Ref.make<Creds>({ token: Redacted.make("t0k3n") }),
      retry: options.retry,
      rateLimiter: options.rateLimiter
    }).pipe(Effect.provide(Layer.succeed(HttpClient.HttpClient, mock.client)))
    return { http, sent: mock.sent }
  })

const gaps = (sent: ReadonlyArray<Sent>) => sent.slice(1).map((s, i) => s.at - sent[i]!.at)

// Runs an effect that sleeps, moving the TestClock to each pending wake-up
// time in turn (never past it), until the effect is done.
const drive = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let step = 0; step < 10_000; step++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return yield* done.value
      const pending = yield* TestClock.sleeps()
      if (Chunk.isEmpty(pending)) {
        // The fiber is between a response and its next sleep: let it run.
        yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
        continue
      }
      const now = yield* Clock.currentTimeMillis
      yield* TestClock.adjust(Math.max(0, Math.min(...pending) - now))
    }
    return yield* Fiber.join(fiber)
  })

describe("ProviderHttp", () => {
  describe("retries", () => {
    for (const code of [429, 502, 503, 504]) {
      it.effect(`${code} is retried`, () =>
        Effect.gen(function*() {
          const { http, sent } = yield* providerClient((_s, i) => (i === 0 ? status(code) : json({ ok: true })))
          const response = yield* drive(http.get("/items"))
          expect(response.status).toBe(200)
          expect(sent).toHaveLength(2)
        }))
    }

    for (const code of [400, 401, 403, 404, 500]) {
      it.effect(`${code} is returned without a retry`, () =>
        Effect.gen(function*() {
          const { http, sent } = yield* providerClient(() => status(code))
          const fiber = yield* Effect.fork(http.get("/items"))
          yield* TestClock.adjust("1 hour")
          expect((yield* Fiber.join(fiber)).status).toBe(code)
          expect(sent).toHaveLength(1)
        }))
    }

    it.effect("Retry-After in seconds is honoured exactly", () =>
      Effect.gen(function*() {
        const { http, sent } = yield* providerClient((_s, i) => (i === 0 ? status(429, { "retry-after": "7" }) : json({})))
        const fiber = yield* Effect.fork(http.get("/items"))
        yield* TestClock.adjust(6_999)
        expect(sent).toHaveLength(1)
        yield* TestClock.adjust(1)
        expect((yield* Fiber.join(fiber)).status).toBe(200)
        expect(gaps(sent)).toEqual([7_000])
      }))

    it.effect("Retry-After as an HTTP date is honoured exactly", () =>
      Effect.gen(function*() {
        const start = Date.UTC(2026, 10, 26, 18, 0, 0)
        yield* TestClock.setTime(start)
        const until = new Date(start + 95_000).toUTCString()
        const { http, sent } = yield* providerClient((_s, i) => (i === 0 ? status(503, { "retry-after": until }) : json({})))
        const fiber = yield* Effect.fork(http.get("/items"))
        yield* TestClock.adjust(94_999)
        expect(sent).toHaveLength(1)
        yield* TestClock.adjust(1)
        expect((yield* Fiber.join(fiber)).status).toBe(200)
        expect(sent[1]!.at).toBe(start + 95_000)
      }))

    it.effect("without Retry-After: capped exponential backoff with ±20 % jitter", () =>
      Effect.gen(function*() {
        const { http, sent } = yield* providerClient(() => status(503), {
          retry: { maxRetries: 6, baseDelay: "1 second", maxDelay: "10 seconds" }
        })
        const response = yield* drive(http.get("/items"))
        expect(response.status).toBe(503)
        expect(sent).toHaveLength(7)
        const nominal = [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]
        gaps(sent).forEach((gap, i) => {
          expect(gap).toBeGreaterThanOrEqual(nominal[i]! * 0.8 - 10)
          expect(gap).toBeLessThanOrEqual(nominal[i]! * 1.2 + 10)
        })
      }))

    it.effect("backoff stays within bounds for every retry", () =>
      Effect.gen(function*() {
        const policy = { ...ProviderHttp.defaultRetryPolicy, baseDelay: "500 millis", maxDelay: "4 seconds" } as const
        const seen = new Set<number>()
        for (let round = 0; round < 50; round++) {
          for (let retry = 1; retry <= 8; retry++) {
            const wait = yield* ProviderHttp.backoff(policy, retry)
            const nominal = Math.min(500 * 2 ** (retry - 1), 4_000)
            expect(wait).toBeGreaterThanOrEqual(nominal * 0.8)
            expect(wait).toBeLessThanOrEqual(nominal * 1.2)
            if (retry === 8) seen.add(wait)
          }
        }
        // Jitter really varies the wait.
        expect(seen.size).toBeGreaterThan(5)
      }))

    it.effect("when retries run out, the last response is returned", () =>
      Effect.gen(function*() {
        const { http, sent } = yield* providerClient(
          (_s, i) => status(429, { "retry-after": "1", "x-attempt": String(i) }),
          { retry: { maxRetries: 2 } }
        )
        const response = yield* drive(http.get("/items"))
        expect(response.status).toBe(429)
        expect(response.headers["x-attempt"]).toBe("2")
        expect(sent).toHaveLength(3)
      }))

    it.effect("a Retry-After above maxRetryAfter is returned at once", () =>
      Effect.gen(function*() {
        const { http, sent } = yield* providerClient(() => status(429, { "retry-after": "3600" }), {
          retry: { maxRetryAfter: "10 minutes" }
        })
        const fiber = yield* Effect.fork(http.get("/items"))
        yield* TestClock.adjust(0)
        const exit = yield* Fiber.await(fiber)
        expect(Exit.isSuccess(exit) && exit.value.status).toBe(429)
        expect(sent).toHaveLength(1)
      }))

    it.effect("connection errors are retried, then fail after maxRetries", () =>
      Effect.gen(function*() {
        const { http, sent } = yield* providerClient(() => "transport-error", { retry: { maxRetries: 3 } })
        const error = yield* drive(Effect.flip(http.get("/items")))
        expect(error).toMatchObject({ _tag: "RequestError", reason: "Transport" })
        // 1 attempt + 3 retries, not one more.
        expect(sent).toHaveLength(4)
      }))

    it.effect("a connection error then a success succeeds", () =>
      Effect.gen(function*() {
        const { http, sent } = yield* providerClient((_s, i) => (i < 2 ? "transport-error" : json({ ok: 1 })))
        expect((yield* drive(http.get("/items"))).status).toBe(200)
        expect(sent).toHaveLength(3)
      }))

    it.effect("throttling and connection errors share one retry budget", () =>
      Effect.gen(function*() {
        const { http, sent } = yield* providerClient((_s, i) => (i % 2 === 0 ? "transport-error" : status(502)), {
          retry: { maxRetries: 4 }
        })
        const error = yield* drive(Effect.flip(http.get("/items")))
        expect(error).toMatchObject({ _tag: "RequestError" })
        expect(sent).toHaveLength(5)
      }))

    it("parseRetryAfter reads seconds and HTTP dates, and refuses the rest", () => {
      const now = Date.UTC(2015, 9, 21, 7, 27, 0)
      expect(ProviderHttp.parseRetryAfter("120", now)).toEqual(Option.some(120_000))
      expect(ProviderHttp.parseRetryAfter(" 0 ", now)).toEqual(Option.some(0))
      expect(ProviderHttp.parseRetryAfter("1.5", now)).toEqual(Option.some(1_500))
      expect(ProviderHttp.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now)).toEqual(Option.some(60_000))
      expect(ProviderHttp.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now)).toEqual(Option.some(0))
      expect(ProviderHttp.parseRetryAfter(undefined, now)).toEqual(Option.none())
      expect(ProviderHttp.parseRetryAfter("soon", now)).toEqual(Option.none())
      expect(ProviderHttp.parseRetryAfter("-5", now)).toEqual(Option.none())
      expect(ProviderHttp.parseRetryAfter("5 s", now)).toEqual(Option.none())
    })
  })

  describe("rate limiter", () => {
    it.scoped("spaces requests: a burst of `limit`, then one per interval / limit", () =>
      Effect.gen(function*() {
        const limiter = yield* ProviderHttp.makeRateLimiter({ limit: 2, interval: "1 second" })
        const { http, sent } = yield* providerClient(() => json({}), { rateLimiter: limiter })
        const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 6 }, () => http.get("/items")), { concurrency: "unbounded" }))
        yield* TestClock.adjust(0)
        expect(sent).toHaveLength(2)
        yield* TestClock.adjust(499)
        expect(sent).toHaveLength(2)
        yield* TestClock.adjust(1)
        expect(sent).toHaveLength(3)
        yield* TestClock.adjust(1_500)
        yield* Fiber.join(fiber)
        expect(sent.map((s) => s.at)).toEqual([0, 0, 500, 1_000, 1_500, 2_000])
      }))

    it.scoped("one limiter per integration: clients sharing it share the budget, another integration's does not", () =>
      Effect.gen(function*() {
        const limiterA = yield* ProviderHttp.makeRateLimiter({ limit: 1, interval: "1 second" })
        const limiterB = yield* ProviderHttp.makeRateLimiter({ limit: 1, interval: "1 second" })
        const a1 = yield* providerClient(() => json({}), { rateLimiter: limiterA })
        const a2 = yield* providerClient(() => json({}), { rateLimiter: limiterA })
        const b = yield* providerClient(() => json({}), { rateLimiter: limiterB })
        const fiber = yield* Effect.fork(
          Effect.all([a1.http.get("/x"), a2.http.get("/x"), a1.http.get("/x"), b.http.get("/x")], { concurrency: "unbounded" })
        )
        yield* TestClock.adjust(0)
        expect(a1.sent.length + a2.sent.length).toBe(1)
        expect(b.sent).toHaveLength(1)
        yield* TestClock.adjust(2_000)
        yield* Fiber.join(fiber)
        expect([...a1.sent, ...a2.sent].map((s) => s.at).sort((x, y) => x - y)).toEqual([0, 1_000, 2_000])
        expect(b.sent.map((s) => s.at)).toEqual([0])
      }))

    it.scoped("every retry attempt takes a permit", () =>
      Effect.gen(function*() {
        const limiter = yield* ProviderHttp.makeRateLimiter({ limit: 1, interval: "1 second" })
        const { http, sent } = yield* providerClient((_s, i) => (i === 0 ? status(429, { "retry-after": "0" }) : json({})), {
          rateLimiter: limiter
        })
        const response = yield* drive(http.get("/items"))
        expect(response.status).toBe(200)
        expect(gaps(sent)).toEqual([1_000])
      }))
  })

  describe("credentials stay out of errors", () => {
    it.effect("a connection error carries the request without its auth headers", () =>
      Effect.gen(function*() {
        const KEY = "custom-header-key-0123456789"
        const mock = mockHttp(() => "transport-error")
        const http = yield* ProviderHttp.make<{ key: Redacted.Redacted<string> }>({
          connector: "acme",
          baseUrl: "https://api.acme.test",
          auth: Auth.apiKeyHeader({ header: "X-Acme-Token", key: (c) => c.key }),
          credentials: yield* Ref.make({ key: Redacted.make(KEY) }),
          retry: { maxRetries: 0 }
        }).pipe(Effect.provide(Layer.succeed(HttpClient.HttpClient, mock.client)))
        const error = yield* Effect.flip(http.get("/employees"))
        // The key was sent…
        expect(mock.sent[0]!.header("x-acme-token")).toBe(KEY)
        // …but the error only knows the request without it.
        expect(error).toMatchObject({ _tag: "RequestError", reason: "Transport" })
        expect(error.message).toBe("Transport: connection refused (GET https://api.acme.test/employees)")
        const lines: Array<string> = []
        yield* Effect.logError("provider call failed", error).pipe(
          Effect.provide(Logger.add(Logger.map(Logger.logfmtLogger, (line) => void lines.push(line))))
        )
        for (const printed of [String(error), JSON.stringify(error), Util.inspect(error, { depth: 10 }), ...lines]) {
          expect(printed).not.toContain(KEY)
        }
        expect(lines).toHaveLength(1)
      }))
  })

  describe("URLs", () => {
    it.effect("relative URLs get the base URL with exactly one slash; absolute ones on a declared origin are kept", () =>
      Effect.gen(function*() {
        const { http, sent } = yield* providerClient(() => json({}), {
          origins: ["https://api.acme.test", "https://files.acme.test/any/path"]
        })
        yield* http.get("/employees")
        yield* http.get("employees/42")
        yield* http.get("https://files.acme.test/download/1")
        yield* http.execute(HttpClientRequest.get("/search").pipe(HttpClientRequest.setUrlParam("q", "a b")))
        expect(sent.map((s) => s.url)).toEqual([
          "https://api.acme.test/v1/employees",
          "https://api.acme.test/v1/employees/42",
          "https://files.acme.test/download/1",
          "https://api.acme.test/v1/search?q=a+b"
        ])
        // Every request carries the integration's auth.
        expect(sent.every((s) => s.header("authorization") === "Bearer t0k3n")).toBe(true)
      }))

    it("resolveUrl joins base and path", () => {
      expect(ProviderHttp.resolveUrl("https://a.test/v1/", "/x")).toBe("https://a.test/v1/x")
      expect(ProviderHttp.resolveUrl("https://a.test/v1", "x")).toBe("https://a.test/v1/x")
      expect(ProviderHttp.resolveUrl("https://a.test", "")).toBe("https://a.test")
      expect(ProviderHttp.resolveUrl("https://a.test/v1", "?page=2")).toBe("https://a.test/v1?page=2")
      expect(ProviderHttp.resolveUrl("https://a.test/v1", "http://b.test/y")).toBe("http://b.test/y")
      expect(ProviderHttp.isAbsoluteUrl("HTTPS://a.test")).toBe(true)
      expect(ProviderHttp.isAbsoluteUrl("/a")).toBe(false)
    })
  })
})
