import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { readFileSync } from "node:fs"
import { SinkWebhook, SsrfGuard } from "../src/index.js"
import { resolveTarget } from "../src/internal/target.js"
import { poolOptions, toUndiciTarget } from "../src/internal/undiciSink.js"
import { version } from "../src/internal/version.js"
import {
  attempt,
  body,
  bodyText,
  deliver,
  destination,
  eventId,
  httpClientSinkLayer,
  sinkLayer,
  vector
} from "./support/fixtures.js"
import * as LoopbackServer from "./support/LoopbackServer.js"
import { answer } from "./support/LoopbackServer.js"

const served = (status: number, headers: Record<string, string> = {}, text = "") =>
  LoopbackServer.make(answer(status, headers, text))

describe("SinkWebhook.deliver: the request", () => {
  it.scoped("POSTs the exact bytes with the Standard Webhooks headers", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_764_180_000_123)
      const server = yield* served(204)
      const outcome = yield* deliver(destination(`${server.url}/hooks/weft?x=1`))
      expect(outcome).toEqual({ _tag: "Acked", status: 204 })
      expect(server.requests).toHaveLength(1)
      const [req] = server.requests
      expect(req!.method).toBe("POST")
      expect(req!.path).toBe("/hooks/weft?x=1")
      expect(req!.body.equals(Buffer.from(body))).toBe(true)
      expect(req!.body.toString()).toBe(bodyText)
      expect(req!.headers["webhook-id"]).toBe(eventId)
      expect(req!.headers["webhook-timestamp"]).toBe("1764180000")
      expect(req!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
      expect(req!.headers["content-type"]).toBe("application/json")
      expect(req!.headers["user-agent"]).toBe(`weft/${version}`)
      // no tracing headers leak to receivers
      expect(req!.headers["b3"]).toBeUndefined()
      expect(req!.headers["traceparent"]).toBeUndefined()
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("uses the userAgent option", () =>
    Effect.gen(function*() {
      const server = yield* served(200)
      yield* deliver(destination(server.url))
      expect(server.requests[0]!.headers["user-agent"]).toBe("acme-weft/2")
    }).pipe(Effect.provide(sinkLayer({ userAgent: "acme-weft/2" }))))

  it("keeps the user-agent version equal to package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    expect(version).toBe(pkg.version)
    expect(SinkWebhook.defaultUserAgent).toBe(`weft/${pkg.version}`)
  })
})

describe("SinkWebhook.deliver: acknowledgements", () => {
  it.scoped("any 2xx acks by default", () =>
    Effect.gen(function*() {
      for (const status of [200, 201, 202, 204, 299]) {
        const server = yield* served(status)
        expect(yield* deliver(destination(server.url))).toEqual({ _tag: "Acked", status })
      }
    }).pipe(Effect.scoped, Effect.provide(sinkLayer())))

  it.scoped("destination option ack: \"200\" makes other 2xx a retryable failure", () =>
    Effect.gen(function*() {
      const ok = yield* served(200)
      expect(yield* deliver(destination(ok.url, { ack: "200" }))).toEqual({ _tag: "Acked", status: 200 })
      const accepted = yield* served(202)
      const outcome = yield* deliver(destination(accepted.url, { ack: "200" }))
      expect(outcome._tag).toBe("Retry")
      expect(outcome).toMatchObject({ status: 202 })
      if (outcome._tag === "Retry") expect(outcome.reason).toContain("HTTP 202")
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("layer option ack: \"200\", overridden per destination", () =>
    Effect.gen(function*() {
      const server = yield* served(204)
      expect((yield* deliver(destination(server.url)))._tag).toBe("Retry")
      expect(yield* deliver(destination(server.url, { ack: "2xx" }))).toEqual({ _tag: "Acked", status: 204 })
    }).pipe(Effect.provide(sinkLayer({ ack: "200" }))))
})

describe("SinkWebhook.deliver: failures", () => {
  it.scoped("3xx is a failure and the redirect is not followed (undici)", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make((req, res) => {
        if (req.path === "/moved") res.writeHead(301, { location: "/new-home" }).end()
        else res.writeHead(200).end()
      })
      const outcome = yield* deliver(destination(`${server.url}/moved`))
      expect(outcome).toMatchObject({ _tag: "Retry", status: 301 })
      if (outcome._tag === "Retry") {
        expect(outcome.reason).toContain("/new-home")
        expect(outcome.reason).toContain("not followed")
      }
      expect(server.requests.map((r) => r.path)).toEqual(["/moved"])
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("3xx is not followed with the fetch client either", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make((req, res) => {
        if (req.path === "/moved") res.writeHead(307, { location: "/new-home" }).end()
        else res.writeHead(200).end()
      })
      const outcome = yield* deliver(destination(`${server.url}/moved`))
      expect(outcome).toMatchObject({ _tag: "Retry", status: 307 })
      expect(server.requests.map((r) => r.path)).toEqual(["/moved"])
    }).pipe(
      Effect.provide(
        SinkWebhook.layerHttpClient({ allowHosts: ["127.0.0.1"] }).pipe(Layer.provide(FetchHttpClient.layer))
      )
    ))

  it.scoped("410 Gone disables the destination", () =>
    Effect.gen(function*() {
      const server = yield* served(410, {}, "bye")
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toMatchObject({ _tag: "Disable", status: 410 })
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("webhook-delivery: disable disables, whatever the status", () =>
    Effect.gen(function*() {
      for (const status of [200, 400, 500]) {
        const server = yield* served(status, { "webhook-delivery": "disable" })
        const outcome = yield* deliver(destination(server.url))
        expect(outcome).toMatchObject({ _tag: "Disable", status })
        if (outcome._tag === "Disable") expect(outcome.reason).toContain("webhook-delivery: disable")
      }
    }).pipe(Effect.scoped, Effect.provide(sinkLayer())))

  it.scoped("webhook-delivery: abort-message aborts the one event", () =>
    Effect.gen(function*() {
      const server = yield* served(422, { "webhook-delivery": "Abort-Message" })
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toMatchObject({ _tag: "Abort", status: 422 })
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("429 with Retry-After seconds", () =>
    Effect.gen(function*() {
      const server = yield* served(429, { "retry-after": "30" })
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toMatchObject({ _tag: "Retry", status: 429, retryAfterMs: 30_000 })
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("503 with Retry-After as an HTTP date, measured with Clock", () =>
    Effect.gen(function*() {
      const now = Date.UTC(2026, 10, 26, 18, 0, 0)
      yield* TestClock.setTime(now)
      const server = yield* served(503, { "retry-after": new Date(now + 120_000).toUTCString() })
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toMatchObject({ _tag: "Retry", status: 503, retryAfterMs: 120_000 })
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("a Retry-After date in the past means now", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 10, 26, 18, 0, 0))
      const server = yield* served(429, { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" })
      expect(yield* deliver(destination(server.url))).toMatchObject({ retryAfterMs: 0 })
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("429 without (or with a garbled) Retry-After is a plain retry", () =>
    Effect.gen(function*() {
      for (const headers of [{}, { "retry-after": "soon" }]) {
        const server = yield* served(429, headers)
        const outcome = yield* deliver(destination(server.url))
        expect(outcome._tag).toBe("Retry")
        expect(outcome).not.toHaveProperty("retryAfterMs")
      }
    }).pipe(Effect.scoped, Effect.provide(sinkLayer())))

  it.scoped("other 4xx/5xx retry with a reason naming the status and the body", () =>
    Effect.gen(function*() {
      const cases = [[400, "Bad Request"], [404, "Not Found"], [500, "Internal Server Error"], [502, "Bad Gateway"]] as const
      for (const [status, text] of cases) {
        const server = yield* served(status, { "retry-after": "9" }, `{"error":\n  "boom"}`)
        const outcome = yield* deliver(destination(server.url))
        expect(outcome).toEqual({ _tag: "Retry", status, reason: `HTTP ${status} ${text}: {"error": "boom"}` })
      }
    }).pipe(Effect.scoped, Effect.provide(sinkLayer())))

  it.scoped("reads only the first maxResponseBytes of a body", () =>
    Effect.gen(function*() {
      const server = yield* served(500, {}, "x".repeat(100))
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toMatchObject({ reason: `HTTP 500 Internal Server Error: ${"x".repeat(16)}…` })
    }).pipe(Effect.provide(sinkLayer({ maxResponseBytes: 16 }))))

  it.scopedLive("does not read a huge body to the end", () =>
    Effect.gen(function*() {
      let written = 0
      let finished = false
      const server = yield* LoopbackServer.make((_, res) => {
        res.writeHead(500, { "content-type": "text/plain" })
        const chunk = Buffer.alloc(64 * 1024, "y")
        // an endless body: only a closed connection stops it
        const pump = () => {
          while (written < 512 * 1024 * 1024 && res.write(chunk)) written += chunk.length
          if (written >= 512 * 1024 * 1024) {
            finished = true
            res.end()
          }
        }
        res.on("drain", pump)
        pump()
      })
      const outcome = yield* deliver(destination(server.url))
      expect(outcome._tag).toBe("Retry")
      if (outcome._tag === "Retry") {
        expect(outcome.reason).toMatch(/^HTTP 500 Internal Server Error: y+…$/)
        expect(outcome.reason.length).toBeLessThan(4096 + 100)
      }
      expect(finished).toBe(false)
      expect(written).toBeLessThan(64 * 1024 * 1024)
    }).pipe(Effect.provide(sinkLayer())))

  it.scopedLive("connection refused is a retry naming the cause", () =>
    Effect.gen(function*() {
      const port = yield* Effect.scoped(Effect.map(served(200), (s) => s.port))
      const outcome = yield* deliver(destination(`http://127.0.0.1:${port}/`))
      expect(outcome._tag).toBe("Retry")
      if (outcome._tag === "Retry") expect(outcome.reason).toContain("ECONNREFUSED")
    }).pipe(Effect.provide(sinkLayer())))

  it.scopedLive("a reset connection is a retry", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make((_, res) => res.socket?.destroy())
      const outcome = yield* deliver(destination(server.url))
      expect(outcome._tag).toBe("Retry")
      if (outcome._tag === "Retry") expect(outcome.reason).toMatch(/^could not deliver: .+/)
    }).pipe(Effect.provide(sinkLayer())))
})

describe("SinkWebhook.deliver: timeouts", () => {
  const silent = () => LoopbackServer.make(() => {})

  it.scopedLive("a receiver that never answers times out (short timeout option)", () =>
    Effect.gen(function*() {
      const server = yield* silent()
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toEqual({ _tag: "Retry", reason: "timed out after 200ms" })
    }).pipe(Effect.provide(sinkLayer({ timeout: "200 millis" }))))

  it("the default 15 s timeout is undici's connect, headers and body timeout", () => {
    const target = resolveTarget(destination("https://hooks.example.com/"), {})
    if (Either.isLeft(target)) throw new Error(target.left.detail)
    const undici = toUndiciTarget(target.right)
    expect(undici.timeoutMs).toBe(15_000)
    expect(undici.timedOut).toEqual({ _tag: "Retry", reason: "timed out after 15s" })
    const options = poolOptions(undici, SsrfGuard.lookup())
    expect(options.headersTimeout).toBe(15_000)
    expect(options.bodyTimeout).toBe(15_000)
    expect(options.connect).toMatchObject({ timeout: 15_000 })
    expect(SinkWebhook.defaultTimeout).toEqual(Duration.seconds(15))
  })

  it.scopedLive("destination option timeoutMs overrides the sink's timeout", () =>
    Effect.gen(function*() {
      const server = yield* silent()
      const outcome = yield* deliver(destination(server.url, { timeoutMs: 300 }))
      expect(outcome).toEqual({ _tag: "Retry", reason: "timed out after 300ms" })
    }).pipe(Effect.provide(sinkLayer({ timeout: "20 seconds" }))))

  it.scopedLive("a connect that hangs (here, in DNS) times out", () =>
    Effect.gen(function*() {
      const server = yield* served(200)
      const outcome = yield* deliver(destination(`http://stuck.test:${server.port}/`))
      expect(outcome).toEqual({ _tag: "Retry", reason: "timed out after 300ms" })
      expect(server.connections()).toBe(0)
    }).pipe(Effect.provide(sinkLayer({
      timeout: "300 millis",
      allowHosts: ["stuck.test"],
      resolver: () => new Promise(() => {})
    }))))

  it.scopedLive("a body that stalls times out, and the status still decides", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make((_, res) => {
        res.writeHead(500, { "content-type": "text/plain", "content-length": "1000" })
        res.write("partial")
      })
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toMatchObject({ _tag: "Retry", status: 500 })
      if (outcome._tag === "Retry") expect(outcome.reason).toBe("HTTP 500 Internal Server Error: partial…")
      // The same timeout bounds the headers, which must arrive first: long enough for a busy machine.
    }).pipe(Effect.provide(sinkLayer({ timeout: "2 seconds" }))))

  it.scopedLive("a body trickled a byte at a time ends at the per-attempt timeout: the status decides, the connection is closed", () =>
    Effect.gen(function*() {
      const closed = Deferred.unsafeMake<void>(FiberId.none)
      let trickled = 0
      const server = yield* LoopbackServer.make((_, res) => {
        res.writeHead(200, { "content-type": "text/plain" })
        // One byte every 100 ms, each well inside undici's wait for body data, and never an end.
        const timer = setInterval(() => {
          trickled += 1
          res.write("x")
        }, 100)
        // The response never ends, so it only closes with its connection.
        res.on("close", () => {
          clearInterval(timer)
          Deferred.unsafeDone(closed, Exit.void)
        })
      })
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toEqual({ _tag: "Acked", status: 200 })
      yield* Deferred.await(closed)
      expect(trickled).toBeGreaterThan(0)
    }).pipe(Effect.provide(sinkLayer({ timeout: "1 second" }))))

  it.scopedLive("a trickled failure body is cut off at the destination's timeoutMs, keeping what arrived for the reason", () =>
    Effect.gen(function*() {
      const closed = Deferred.unsafeMake<void>(FiberId.none)
      const server = yield* LoopbackServer.make((_, res) => {
        res.writeHead(500, { "content-type": "text/plain" })
        res.write("x")
        const timer = setInterval(() => res.write("x"), 100)
        res.on("close", () => {
          clearInterval(timer)
          Deferred.unsafeDone(closed, Exit.void)
        })
      })
      const outcome = yield* deliver(destination(server.url, { timeoutMs: 1000 }))
      expect(outcome).toMatchObject({ _tag: "Retry", status: 500 })
      if (outcome._tag === "Retry") expect(outcome.reason).toMatch(/^HTTP 500 Internal Server Error: x+…$/)
      yield* Deferred.await(closed)
    }).pipe(Effect.provide(sinkLayer({ timeout: "20 seconds" }))))

  /** A receiver that sends interim `102 Processing` answers every 100 ms and never a final one. */
  const processingForever = (closed: Deferred.Deferred<void>) =>
    LoopbackServer.make((_, res) => {
      // Each interim answer restarts undici's wait for the response headers.
      const timer = setInterval(() => res.writeProcessing(), 100)
      res.on("close", () => {
        clearInterval(timer)
        Deferred.unsafeDone(closed, Exit.void)
      })
    })

  it.scopedLive("headers that never finish (interim 1xx answers) time out at the per-attempt timeout, and the connection is closed", () =>
    Effect.gen(function*() {
      const closed = Deferred.unsafeMake<void>(FiberId.none)
      const server = yield* processingForever(closed)
      const outcome = yield* deliver(destination(server.url))
      expect(outcome).toEqual({ _tag: "Retry", reason: "timed out after 1s" })
      yield* Deferred.await(closed)
    }).pipe(Effect.provide(sinkLayer({ timeout: "1 second" }))))

  it.scoped("the whole attempt is bounded on the Clock: the default 15 s ends headers that never finish", () =>
    Effect.gen(function*() {
      const closed = Deferred.unsafeMake<void>(FiberId.none)
      const server = yield* processingForever(closed)
      const fiber = yield* Effect.fork(deliver(destination(server.url)))
      yield* server.received(1)
      yield* TestClock.adjust("14 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(fiber)).toEqual({ _tag: "Retry", reason: "timed out after 15s" })
      yield* Deferred.await(closed)
    }).pipe(Effect.provide(sinkLayer())))
})

describe("SinkWebhook.layer: connections", () => {
  it.scopedLive("keeps connections alive across attempts", () =>
    Effect.gen(function*() {
      const server = yield* served(204)
      for (let n = 1; n <= 6; n++) {
        expect(yield* deliver(destination(server.url), attempt(n))).toEqual({ _tag: "Acked", status: 204 })
      }
      expect(server.requests).toHaveLength(6)
      // undici frees a connection one event-loop turn after its response, so back-to-back attempts
      // may alternate between two; they never open one each.
      expect(server.connections()).toBeLessThanOrEqual(2)
    }).pipe(Effect.provide(sinkLayer())))

  it.scopedLive("closes its pools when the layer's scope closes", () =>
    Effect.gen(function*() {
      const server = yield* served(204)
      yield* Effect.scoped(
        Effect.gen(function*() {
          expect((yield* deliver(destination(server.url)))._tag).toBe("Acked")
          expect(server.openConnections()).toBe(1)
        }).pipe(Effect.provide(sinkLayer()))
      )
      // The client closed the kept-alive connection; wait for the server to see it (a safety net, not a speed limit).
      const deadline = Date.now() + 120_000
      while (server.openConnections() > 0 && Date.now() < deadline) yield* Effect.sleep("20 millis")
      expect(server.openConnections()).toBe(0)
    }))

  it.scopedLive("trace: true still delivers", () =>
    Effect.gen(function*() {
      const server = yield* served(204)
      expect(yield* deliver(destination(server.url))).toEqual({ _tag: "Acked", status: 204 })
    }).pipe(Effect.provide(sinkLayer({ trace: true }))))
})

describe("SinkWebhook.layerHttpClient", () => {
  const silent = () => LoopbackServer.make(() => {})

  it.scoped("POSTs the exact bytes with the Standard Webhooks headers", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_764_180_000_123)
      const server = yield* served(204)
      const outcome = yield* deliver(destination(`${server.url}/hooks/weft?x=1`))
      expect(outcome).toEqual({ _tag: "Acked", status: 204 })
      const [req] = server.requests
      expect(req!.path).toBe("/hooks/weft?x=1")
      expect(req!.body.equals(Buffer.from(body))).toBe(true)
      expect(req!.headers["webhook-id"]).toBe(eventId)
      expect(req!.headers["webhook-timestamp"]).toBe("1764180000")
      expect(req!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
      expect(req!.headers["content-type"]).toBe("application/json")
      expect(req!.headers["user-agent"]).toBe(`weft/${version}`)
      expect(req!.headers["traceparent"]).toBeUndefined()
    }).pipe(Effect.provide(httpClientSinkLayer())))

  it.scoped("classifies answers like the default layer", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [number, Record<string, string>, string, object]> = [
        [202, {}, "", { _tag: "Acked", status: 202 }],
        [301, { location: "/elsewhere" }, "", { _tag: "Retry", status: 301 }],
        [410, {}, "bye", { _tag: "Disable", status: 410 }],
        [422, { "webhook-delivery": "abort-message" }, "", { _tag: "Abort", status: 422 }],
        [429, { "retry-after": "30" }, "", { _tag: "Retry", status: 429, retryAfterMs: 30_000 }],
        [500, {}, "boom", { _tag: "Retry", status: 500, reason: "HTTP 500 Internal Server Error: boom" }]
      ]
      for (const [status, headers, text, expected] of cases) {
        const server = yield* served(status, headers, text)
        expect(yield* deliver(destination(server.url))).toMatchObject(expected)
      }
    }).pipe(Effect.scoped, Effect.provide(httpClientSinkLayer())))

  it.scoped("its default 15 s timeout runs on the Clock", () =>
    Effect.gen(function*() {
      const server = yield* silent()
      const fiber = yield* Effect.fork(deliver(destination(server.url)))
      yield* server.received(1)
      yield* TestClock.adjust("14 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(fiber)).toEqual({ _tag: "Retry", reason: "timed out after 15s" })
    }).pipe(Effect.provide(httpClientSinkLayer())))

  it.scoped("destination option timeoutMs overrides the default", () =>
    Effect.gen(function*() {
      const server = yield* silent()
      const fiber = yield* Effect.fork(deliver(destination(server.url, { timeoutMs: 2500 })))
      yield* server.received(1)
      yield* TestClock.adjust("2500 millis")
      expect(yield* Fiber.join(fiber)).toEqual({ _tag: "Retry", reason: "timed out after 2s 500ms" })
    }).pipe(Effect.provide(httpClientSinkLayer())))
})

describe("SinkWebhook.deliver: misconfigured destinations", () => {
  it.scoped("a malformed secret disables without sending, and without echoing the secret", () =>
    Effect.gen(function*() {
      const server = yield* served(200)
      const outcome = yield* deliver(destination(server.url, undefined, ["whsec_tooShort"]))
      expect(outcome._tag).toBe("Disable")
      if (outcome._tag === "Disable") {
        expect(outcome.reason).toContain("invalid_secret")
        expect(outcome.reason).not.toContain("tooShort")
      }
      expect(server.requests).toHaveLength(0)
    }).pipe(Effect.provide(sinkLayer())))

  it.scoped("the vector's own secret signs deliveries", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(vector.timestamp * 1000)
      const server = yield* served(200)
      const a = { ...attempt(), eventId: vector.id, body: new TextEncoder().encode(vector.body) }
      yield* deliver(destination(server.url), a)
      expect(server.requests[0]!.headers["webhook-signature"]).toBe(vector.signature)
    }).pipe(Effect.provide(sinkLayer())))
})
