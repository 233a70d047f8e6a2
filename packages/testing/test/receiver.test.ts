import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import { Sink } from "@weft/core/sink"
import { Secret, Signature, SinkWebhook } from "@weft/sink-webhook"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
// the module directly, so these tests do not depend on the rest of the kit
import * as WebhookReceiver from "../src/receiver/WebhookReceiver.js"

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const key = Either.getOrThrow(Secret.decode(secret))

/**
 * Bound of a real-time wait for the receiver: a safety net against a hang,
 * far above what any machine needs, not a claim about speed.
 */
const GENEROUS_MS = 120_000
const GENEROUS = "2 minutes"

const idOf = (n: number) => `evt_${n.toString(16).padStart(32, "0")}`

const eventFor = (id: string) => ({
  id,
  type: "record.changed",
  timestamp: "2026-11-26T18:00:00.000Z",
  integrationId: "int_1",
  connector: "bamboohr",
  tenant: "acme",
  syncId: "syn_1",
  syncRunId: "run_1",
  syncType: "delta_sync",
  model: "hris.employee",
  recordId: "42",
  data: { id: "42" }
})

/** A plain (non-Effect) client: global fetch, signed like Weft signs. */
const send = (
  url: string,
  id: string,
  options: { readonly secret?: Uint8Array; readonly signal?: AbortSignal; readonly timestamp?: number } = {}
) => {
  const body = JSON.stringify(eventFor(id))
  const timestamp = options.timestamp ?? 1_764_180_000
  return fetch(`${url}/hooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": Signature.sign([options.secret ?? key], id, timestamp, body)
    },
    body,
    ...(options.signal === undefined ? {} : { signal: options.signal })
  })
}

const post = (url: string, id: string, options?: Parameters<typeof send>[2]) =>
  Effect.promise(() => send(url, id, options))

/** The error a request ended with, or undefined if it got an answer. */
const failureOf = (url: string, id: string, options?: Parameters<typeof send>[2]) =>
  Effect.promise(() => send(url, id, options).then(() => undefined, (error: unknown) => error))

describe("WebhookReceiver: recording", () => {
  it.scoped("records headers, raw body, attempts, verification and the event", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_764_180_000_500)
      const receiver = yield* WebhookReceiver.make({ secrets: [secret] })
      expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const first = yield* post(receiver.url, idOf(1))
      expect(first.status).toBe(204)
      yield* post(receiver.url, idOf(1))
      yield* post(receiver.url, idOf(2))
      const [a, b, c] = receiver.requests()
      expect(a).toMatchObject({
        index: 0,
        method: "POST",
        path: "/hooks",
        id: idOf(1),
        timestamp: "1764180000",
        attempt: 1,
        verified: true,
        receivedAt: 1_764_180_000_500,
        answer: { _tag: "Answered", status: 204 },
        acked: true
      })
      expect(a!.signature).toMatch(/^v1,/)
      expect(a!.body).toBe(JSON.stringify(eventFor(idOf(1))))
      expect(Buffer.from(a!.bytes).toString()).toBe(a!.body)
      expect(a!.event).toEqual(eventFor(idOf(1)))
      expect(b!.attempt).toBe(2)
      expect(c!.attempt).toBe(1)
      expect(receiver.attempts(idOf(1)).map((r) => r.attempt)).toEqual([1, 2])
      expect(receiver.events().map((e) => e.id)).toEqual([idOf(1), idOf(2)])
      expect(receiver.counts()).toEqual({ requests: 3, acked: 3, failed: 0, pending: 0, ids: 2, events: 2 })
    }))

  it.scoped("answers 401 to signatures that do not verify, unless told not to", () =>
    Effect.gen(function*() {
      const other = Either.getOrThrow(Secret.decode(Redacted.value(Secret.generate())))
      const strict = yield* WebhookReceiver.make({ secrets: [secret] })
      const res = yield* post(strict.url, idOf(1), { secret: other })
      expect(res.status).toBe(401)
      expect(yield* Effect.promise(() => res.json())).toEqual({ error: "no_matching_signature" })
      expect(strict.requests()[0]).toMatchObject({ verified: false, acked: false })
      expect(strict.requests()[0]!.verificationError?.reason).toBe("no_matching_signature")
      expect(strict.events()).toEqual([])

      const lenient = yield* WebhookReceiver.make({ secrets: [secret], rejectUnverified: false })
      expect((yield* post(lenient.url, idOf(1), { secret: other })).status).toBe(204)
      expect(lenient.requests()[0]).toMatchObject({ verified: false, acked: true })
    }))

  it.scoped("checks timestamps only when given a tolerance", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_764_180_000_000)
      const receiver = yield* WebhookReceiver.make({ secrets: [secret], toleranceSeconds: 300 })
      expect((yield* post(receiver.url, idOf(1), { timestamp: 1_764_180_000 - 301 })).status).toBe(401)
      expect(receiver.requests()[0]!.verificationError?.reason).toBe("timestamp_out_of_tolerance")
      expect((yield* post(receiver.url, idOf(1), { timestamp: 1_764_180_000 - 299 })).status).toBe(204)
    }))

  it.scoped("without secrets nothing is verified, everything is acked", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({ ackStatus: 200 })
      expect((yield* post(receiver.url, idOf(1))).status).toBe(200)
      expect(receiver.requests()[0]).toMatchObject({ verified: false, acked: true })
      expect(receiver.events()).toHaveLength(1)
    }))

  it.scoped("clear forgets deliveries and attempt numbers", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make()
      yield* post(receiver.url, idOf(1))
      receiver.clear()
      yield* post(receiver.url, idOf(1))
      expect(receiver.requests().map((r) => r.attempt)).toEqual([1])
    }))
})

describe("WebhookReceiver: faults, seen by a plain fetch client", () => {
  it.scoped("status faults with headers and body", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({
        script: WebhookReceiver.queue(1, WebhookReceiver.status(500, { "x-why": "db" }, "down"))
      })
      const res = yield* post(receiver.url, idOf(1))
      expect(res.status).toBe(500)
      expect(res.headers.get("x-why")).toBe("db")
      expect(yield* Effect.promise(() => res.text())).toBe("down")
      expect(receiver.requests()[0]).toMatchObject({ acked: false, answer: { _tag: "Answered", status: 500 } })
      expect(receiver.counts()).toMatchObject({ failed: 1, acked: 0, events: 0 })
      expect((yield* post(receiver.url, idOf(1))).status).toBe(204)
      expect(receiver.events()).toHaveLength(1)
    }))

  it.scoped("429 / 503 with Retry-After, 410, disable and abort-message", () =>
    Effect.gen(function*() {
      const date = new Date(Date.UTC(2026, 10, 26, 18, 5, 0))
      const faults = [
        WebhookReceiver.retryAfter(30),
        WebhookReceiver.retryAfter(date, 503),
        WebhookReceiver.gone(),
        WebhookReceiver.disable(),
        WebhookReceiver.abortMessage()
      ]
      let next = 0
      const receiver = yield* WebhookReceiver.make({ script: () => faults[next++] })
      const answers = []
      for (let i = 0; i < faults.length; i++) {
        const res = yield* post(receiver.url, idOf(i))
        answers.push([res.status, res.headers.get("retry-after"), res.headers.get("webhook-delivery")])
      }
      expect(answers).toEqual([
        [429, "30", null],
        [503, "Thu, 26 Nov 2026 18:05:00 GMT", null],
        [410, null, null],
        [200, null, "disable"],
        [400, null, "abort-message"]
      ])
      // a disable answer is a 2xx, so it counts as acknowledged
      expect(receiver.requests().map((r) => r.acked)).toEqual([false, false, false, true, false])
    }))

  it.scoped("reset destroys the connection", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({ script: WebhookReceiver.queue(1, WebhookReceiver.reset()) })
      const error = yield* failureOf(receiver.url, idOf(1))
      expect(error).toBeInstanceOf(TypeError) // fetch failed: other side closed
      expect(receiver.requests()[0]).toMatchObject({ answer: { _tag: "Reset" }, acked: false })
      expect((yield* post(receiver.url, idOf(1))).status).toBe(204)
    }))

  it.scopedLive("hang holds the response until the client gives up; close still works", () =>
    Effect.gen(function*() {
      const receiver = yield* Effect.acquireRelease(
        Effect.promise(() => WebhookReceiver.start({ script: () => WebhookReceiver.hang() })),
        () => Effect.void // closed explicitly below
      )
      // The client gives up once the receiver holds its request, however long that took to arrive.
      const client = new AbortController()
      const failure = yield* Effect.fork(failureOf(receiver.url, idOf(1), { signal: client.signal }))
      yield* receiver.waitFor((r) => r.counts().requests === 1, GENEROUS)
      expect(receiver.requests()[0]).toMatchObject({ answer: { _tag: "Hung" }, acked: false })
      client.abort()
      expect(((yield* Fiber.join(failure)) as Error).name).toBe("AbortError")
      // a second, still-hung connection must not keep close() waiting
      const pending = send(receiver.url, idOf(2)).catch(() => "closed")
      yield* Effect.promise(() => receiver.until((r) => r.counts().requests === 2, GENEROUS_MS))
      yield* Effect.promise(() => receiver.close())
      expect(yield* Effect.promise(() => pending)).toBe("closed")
    }))

  it.scoped("hang(ms) drops the connection after ms of the receiver's Clock", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({ script: () => WebhookReceiver.hang(30_000) })
      const fiber = yield* Effect.fork(failureOf(receiver.url, idOf(1)))
      yield* receiver.waitFor((r) => r.counts().requests === 1)
      yield* TestClock.adjust("29 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(fiber)).toBeInstanceOf(TypeError)
    }))

  it.scoped("slow answers after the delay", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({ script: () => WebhookReceiver.slow(10_000) })
      const fiber = yield* Effect.fork(post(receiver.url, idOf(1)))
      yield* receiver.waitFor((r) => r.counts().requests === 1)
      expect(receiver.requests()[0]!.answer).toEqual({ _tag: "Pending" })
      yield* TestClock.adjust("10 seconds")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
      expect(receiver.requests()[0]).toMatchObject({ answer: { _tag: "Answered", status: 200 }, acked: true })
    }))
})

describe("WebhookReceiver: scripts", () => {
  it("failFirstAttempts picks a stable share of ids by hash", () => {
    const script = WebhookReceiver.failFirstAttempts({ ratio: 0.3, status: 503 })
    const ids = Array.from({ length: 1000 }, (_, i) => idOf(i * 7919))
    const delivery = (id: string) => ({ method: "POST", path: "/", headers: {}, id, body: "" })
    const failing = ids.filter((id) => script(delivery(id), 1) !== undefined)
    expect(failing.length).toBeGreaterThan(250)
    expect(failing.length).toBeLessThan(350)
    expect(script(delivery(failing[0]!), 1)).toEqual(WebhookReceiver.status(503))
    // the same ids in another run, and only on the first attempt
    const again = WebhookReceiver.failFirstAttempts({ ratio: 0.3 })
    expect(ids.filter((id) => again(delivery(id), 1) !== undefined)).toEqual(failing)
    expect(failing.filter((id) => script(delivery(id), 2) !== undefined)).toEqual([])
    const twice = WebhookReceiver.failFirstAttempts({ ratio: 0.3, attempts: 2, fault: WebhookReceiver.reset() })
    expect(twice(delivery(failing[0]!), 2)).toEqual(WebhookReceiver.reset())
    expect(twice(delivery(failing[0]!), 3)).toBeUndefined()
  })

  it.scoped("queue(n, fault) fails the next n deliveries; scripts combine, first fault wins", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({
        script: [
          (d) => (d.id === idOf(99) ? WebhookReceiver.gone() : undefined),
          WebhookReceiver.queue(2, WebhookReceiver.status(502))
        ]
      })
      const statuses = []
      for (const n of [99, 1, 2, 3]) statuses.push((yield* post(receiver.url, idOf(n))).status)
      expect(statuses).toEqual([410, 502, 502, 204])
      receiver.setScript(WebhookReceiver.queue(1, WebhookReceiver.status(418)))
      expect((yield* post(receiver.url, idOf(4))).status).toBe(418)
      receiver.setScript(undefined)
      expect((yield* post(receiver.url, idOf(5))).status).toBe(204)
    }))
})

describe("WebhookReceiver: waiting", () => {
  it.scopedLive("waitFor resolves when the condition holds, and fails with a clear timeout", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make()
      const waiting = yield* Effect.fork(receiver.waitFor((r) => r.events().length === 3, GENEROUS))
      for (const n of [1, 2, 2, 3]) yield* post(receiver.url, idOf(n))
      yield* Fiber.join(waiting)
      const error = yield* Effect.flip(receiver.waitFor((r) => r.events().length === 4, "50 millis"))
      expect(error._tag).toBe("WaitForTimeout")
      expect(error.message).toBe(
        "The webhook receiver's condition did not hold within 50ms (4 requests, 4 acknowledged)"
      )
    }))

  it("start / until / close from plain async code", async () => {
    const receiver = await WebhookReceiver.start({ secrets: [secret] })
    try {
      const done = receiver.until((r) => r.counts().acked === 2, GENEROUS_MS)
      await send(receiver.url, idOf(1))
      await send(receiver.url, idOf(2))
      await done
      expect(receiver.requests().every((r) => r.verified)).toBe(true)
      await expect(receiver.until(() => false, 20)).rejects.toThrow("did not hold within 20ms")
    } finally {
      await receiver.close()
    }
  })
})

describe("WebhookReceiver with the webhook sink", () => {
  // The sink over an HttpClient times attempts out on the Clock, so the TestClock decides when the
  // hang times out; the undici sink's own timeout would run in real time, and bound every attempt.
  const SinkLive = SinkWebhook.layerHttpClient({ allowHosts: ["127.0.0.1"], timeout: "5 seconds" }).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )
  const attempt = (n: number) => ({
    eventId: idOf(7),
    eventType: "record.changed",
    body: new TextEncoder().encode(JSON.stringify(eventFor(idOf(7)))),
    attempt: n
  })

  it.scoped("each fault becomes the Outcome the sink promises, and every attempt verifies", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({
        secrets: [secret],
        script: (_, n) =>
          [
            WebhookReceiver.retryAfter(30),
            WebhookReceiver.status(500),
            WebhookReceiver.reset(),
            WebhookReceiver.gone(),
            WebhookReceiver.abortMessage(),
            WebhookReceiver.hang()
          ][n - 1]
      })
      const sink = yield* Sink.Sink
      const destination = { id: "dst_1", url: `${receiver.url}/weft`, secrets: [Redacted.make(secret)] }
      const outcomes = []
      for (let n = 1; n <= 5; n++) outcomes.push((yield* sink.deliver(destination, attempt(n)))._tag)
      const timedOut = yield* Effect.fork(sink.deliver(destination, attempt(6)))
      yield* receiver.waitFor((r) => r.counts().requests === 6)
      yield* TestClock.adjust("5 seconds")
      outcomes.push((yield* Fiber.join(timedOut))._tag)
      const acked = yield* sink.deliver(destination, attempt(7))
      expect(outcomes).toEqual(["Retry", "Retry", "Retry", "Disable", "Abort", "Retry"])
      expect(acked).toEqual({ _tag: "Acked", status: 204 })
      expect(receiver.attempts(idOf(7)).map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7])
      expect(receiver.requests().every((r) => r.verified)).toBe(true)
      expect(receiver.events()).toEqual([eventFor(idOf(7))])
    }).pipe(Effect.provide(SinkLive)))
})
