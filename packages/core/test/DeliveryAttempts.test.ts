import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as TestClock from "effect/TestClock"
import type { Sink } from "@weft/core/sink"
import { Store } from "@weft/core/store"
import {
  advanceTo,
  attemptsOf,
  entriesOf,
  entry,
  records,
  seeded,
  syncAndRun,
  T0,
  testDeliveryOptions,
  until,
  withDelivery,
  withWeft
} from "./support/delivery.js"

/**
 * The attempt log: every attempt's start, duration, the receiver's status or
 * the failure, and its outcome, as delivery reports them with each settle.
 */

const SECOND = 1_000
const DAY = 24 * 3_600 * SECOND

/** An outcome the sink reaches after `ms` on the TestClock (the time the receiver took). */
const after = (ms: number, outcome: Sink.Outcome) => Effect.as(Effect.sleep(ms), outcome)

const attemptsOfEvent = (id: string) => Effect.flatMap(Store.Store, (store) => store.outbox.attempts(id))

describe("Delivery attempts", () => {
  it.effect("an event retried then acked: each attempt with its start, duration, status code or error, and outcome", () =>
    withDelivery(seeded(1), ({ connector, sink }) =>
      Effect.gen(function*() {
        yield* sink.setScript((d) => {
          if (d.event.type !== "record.new") return { _tag: "Acked", status: 200 }
          switch (d.attempt) {
            case 1:
              return after(40, { _tag: "Retry", status: 503, reason: "HTTP 503 Service Unavailable" })
            case 2:
              // No answer at all: a transport failure has no status.
              return after(1_500, { _tag: "Retry", reason: "connect ECONNREFUSED 127.0.0.1:9" })
            default:
              return after(12, { _tag: "Acked", status: 204 })
          }
        })
        const { run } = yield* syncAndRun(connector)
        const id = records(yield* entriesOf(run.id))[0]!.id

        yield* advanceTo(T0 + 40)
        const first = yield* until(entry(id), (e) => e.attempts === 1)
        yield* advanceTo(first.nextAttemptAt)
        yield* TestClock.adjust(1_500)
        const second = yield* until(entry(id), (e) => e.attempts === 2)
        yield* advanceTo(second.nextAttemptAt)
        yield* TestClock.adjust(12)
        yield* until(entry(id), (e) => e.status === "acked")

        const sent = attemptsOf(yield* sink.deliveries, id).map((d) => d.at)
        expect(sent).toEqual([T0, first.nextAttemptAt, second.nextAttemptAt])
        expect(yield* attemptsOfEvent(id)).toEqual([
          { at: sent[0], durationMs: 40, statusCode: 503, error: "HTTP 503 Service Unavailable", outcome: "retry" },
          { at: sent[1], durationMs: 1_500, error: "connect ECONNREFUSED 127.0.0.1:9", outcome: "retry" },
          { at: sent[2], durationMs: 12, statusCode: 204, outcome: "acked" }
        ])
      })))

  it.effect("a dead-lettered event: refused for good, or given up at the end of the retry window, its last attempt is dead", () =>
    withDelivery(seeded(2), ({ connector, sink }) =>
      Effect.gen(function*() {
        yield* sink.setScript((d) => {
          if (!("recordId" in d.event) || d.event.type !== "record.new") return { _tag: "Acked", status: 200 }
          return d.event.recordId === "1"
            ? after(7, { _tag: "Abort", status: 422, reason: "HTTP 422 Unprocessable Entity" })
            : { _tag: "Retry", status: 500, reason: "HTTP 500 Internal Server Error" }
        })
        const { run } = yield* syncAndRun(connector)
        const [refused, failing] = records(yield* entriesOf(run.id))
        yield* advanceTo(T0 + 7)
        yield* until(entry(refused!.id), (e) => e.status === "dead")
        expect(yield* attemptsOfEvent(refused!.id)).toEqual([
          { at: T0, durationMs: 7, statusCode: 422, error: "HTTP 422 Unprocessable Entity", outcome: "dead" }
        ])

        // Past the 4-day window every retry has happened and the last one dead-lettered the event.
        while ((yield* entry(failing!.id)).status === "pending") {
          const { nextAttemptAt } = yield* entry(failing!.id)
          yield* advanceTo(Math.min(nextAttemptAt, T0 + 5 * DAY))
          yield* TestClock.adjust(0)
        }
        const dead = yield* entry(failing!.id)
        const sent = attemptsOf(yield* sink.deliveries, failing!.id).map((d) => d.at)
        const log = yield* attemptsOfEvent(failing!.id)
        expect(dead.status).toBe("dead")
        expect(log).toHaveLength(dead.attempts)
        expect(log.map((a) => a.at)).toEqual(sent)
        expect(log.map((a) => a.outcome)).toEqual([...Array.from({ length: sent.length - 1 }, () => "retry"), "dead"])
        for (const a of log) expect(a).toMatchObject({ durationMs: 0, statusCode: 500, error: "HTTP 500 Internal Server Error" })
      })))

  it.effect("the host API lists an event's attempts, and an unknown event id is a NotFoundError", () =>
    withWeft(seeded(1), ({ sink, weft }) =>
      Effect.gen(function*() {
        yield* sink.setScript((d) =>
          d.event.type === "record.new" && d.attempt === 1 ? { _tag: "Retry", status: 429, reason: "HTTP 429 Too Many Requests" } : { _tag: "Acked", status: 200 }
        )
        const { syncs } = yield* weft.integrations.connect({
          connector: "memory",
          tenant: "acme",
          credentials: { token: "good" },
          syncs: [{ destination: { url: "https://hooks.example.com/weft", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }, frequency: "1 day" }]
        })
        const [run] = yield* until(weft.runs.list({ syncId: syncs[0]!.id }), (rs) => rs.length === 1 && rs[0]!.status !== "running")
        const event = (yield* weft.events.list({ runId: run!.id, type: "record.new" }))[0]!
        const retried = yield* until(weft.events.list({ runId: run!.id, type: "record.new" }), (es) => es[0]!.attempts === 1)
        yield* advanceTo(retried[0]!.nextAttemptAt)
        yield* TestClock.adjust(testDeliveryOptions.pollInterval!)
        yield* until(weft.events.list({ runId: run!.id, type: "record.new" }), (es) => es[0]!.status === "acked")

        const attempts = yield* weft.events.attempts(event.id)
        expect(attempts.map((a) => [a.outcome, a.statusCode, a.error])).toEqual([
          ["retry", 429, "HTTP 429 Too Many Requests"],
          ["acked", 200, undefined]
        ])
        expect(attempts[0]!.at).toBe(T0)

        const missing = yield* Effect.either(weft.events.attempts("evt_0000000000000000000000000000dead"))
        expect(Either.isLeft(missing) && missing.left).toMatchObject({ _tag: "NotFoundError", entity: "event", id: "evt_0000000000000000000000000000dead" })
        const bad = yield* Effect.either(weft.events.attempts(""))
        expect(Either.isLeft(bad) && bad.left).toMatchObject({ _tag: "InvalidInputError", field: "eventId" })
      })))
})
