import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import type { Sink } from "@weft/core/sink"
import {
  advanceTo,
  attemptsOf,
  entriesOf,
  entry,
  quiesce,
  records,
  seeded,
  syncAndRun,
  T0,
  until,
  withDelivery
} from "./support/delivery.js"

/** The standard retry schedule, the retry window and `Retry-After`, attempt by attempt on the TestClock. */

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 12 h. */
const nominal = (retry: number): number =>
  [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR][retry - 1] ?? 12 * HOUR

const failing = (reason: string, retryAfterMs?: number): Sink.Outcome => ({ _tag: "Retry", status: 503, reason, retryAfterMs })

describe("Delivery retries", () => {
  it.effect("follow 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then 12 h (±20 %), and dead-letter 4 days after the first attempt", () =>
    withDelivery(seeded(1), ({ connector, sink }) =>
      Effect.gen(function*() {
        yield* sink.setScript((d) => (d.event.type === "record.new" ? failing("HTTP 503 Service Unavailable") : { _tag: "Acked", status: 200 }))
        const { run } = yield* syncAndRun(connector)
        const [event] = records(yield* entriesOf(run.id))
        const id = event!.id
        const times = () => Effect.map(sink.deliveries, (ds) => attemptsOf(ds, id).map((d) => d.at))

        const first = (yield* until(times(), (ts) => ts.length === 1))[0]!
        expect(first).toBe(T0)
        let retry = 1
        while ((yield* entry(id)).status === "pending") {
          const seen = yield* times()
          const last = seen[seen.length - 1]!
          const earliest = last + 0.8 * nominal(retry)
          const latest = last + 1.2 * nominal(retry) + 1
          // Nothing before the jitter's lower bound…
          yield* advanceTo(earliest - 1)
          expect(yield* times(), `retry ${retry} came before ${earliest - last} ms`).toHaveLength(seen.length)
          // …and the attempt (or the dead-letter) by its upper bound.
          yield* advanceTo(latest)
          const now = yield* times()
          const settled = (yield* entry(id)).status !== "pending"
          if (now.length === seen.length) {
            // The only reason not to retry: the next attempt would fall past the window.
            expect(settled).toBe(true)
            break
          }
          expect(now, `retry ${retry}`).toHaveLength(seen.length + 1)
          const at = now[now.length - 1]!
          expect(at - last, `wait before retry ${retry}`).toBeGreaterThanOrEqual(0.8 * nominal(retry))
          // (+1: attempt times are whole milliseconds, rounded up)
          expect(at - last, `wait before retry ${retry}`).toBeLessThanOrEqual(1.2 * nominal(retry) + 1)
          expect(at - first, `retry ${retry} is inside the 4-day window`).toBeLessThanOrEqual(4 * DAY)
          retry++
        }

        const dead = yield* entry(id)
        const attempts = yield* times()
        const lastAt = attempts[attempts.length - 1]!
        expect(dead.status).toBe("dead")
        expect(dead.attempts).toBe(attempts.length)
        // 1 + 6 (5 s … 10 h, ≈ 17.6 h) + 12-hourly retries until ≈ 4 days: about 13 attempts.
        expect(attempts.length).toBeGreaterThanOrEqual(11)
        expect(attempts.length).toBeLessThanOrEqual(15)
        expect(dead.firstAttemptAt).toBe(first)
        expect(dead.settledAt).toBe(lastAt)
        // It gave up only because the next retry (≤ 12 h + 20 %) could fall past the window.
        expect(lastAt + 1.2 * 12 * HOUR).toBeGreaterThan(first + 4 * DAY)
        expect(dead.lastError).toContain(`Gave up after ${attempts.length} attempts over 4d`)
        expect(dead.lastError).toContain("HTTP 503 Service Unavailable")
        expect(dead.payload).not.toBeNull()
        // Dead is final: no more attempts however far the clock moves.
        yield* TestClock.adjust("3 days")
        expect(yield* times()).toHaveLength(attempts.length)
      })))

  it.effect("Retry-After longer than the schedule wins", () =>
    withDelivery(seeded(1), ({ connector, sink }) =>
      Effect.gen(function*() {
        yield* sink.setScript((d) =>
          d.event.type === "record.new" && d.attempt === 1 ? failing("HTTP 429 (Retry-After 3600s)", HOUR) : { _tag: "Acked", status: 200 }
        )
        const { run } = yield* syncAndRun(connector)
        const id = records(yield* entriesOf(run.id))[0]!.id
        const pending = yield* until(entry(id), (e) => e.attempts === 1)
        // The schedule alone says ≈ 5 s; the receiver asked for an hour.
        expect(pending.nextAttemptAt).toBe(T0 + HOUR)
        yield* advanceTo(T0 + HOUR - 1)
        expect(attemptsOf(yield* sink.deliveries, id)).toHaveLength(1)
        yield* advanceTo(T0 + HOUR)
        yield* quiesce
        const attempts = attemptsOf(yield* sink.deliveries, id)
        expect(attempts.map((d) => d.at)).toEqual([T0, T0 + HOUR])
        expect((yield* entry(id)).status).toBe("acked")
      })))

  it.effect("Retry-After shorter than the schedule does not shorten it", () =>
    withDelivery(seeded(1), ({ connector, sink }) =>
      Effect.gen(function*() {
        // Two failures: the second wait is ≈ 5 min by the schedule; Retry-After asks for 1 s.
        yield* sink.setScript((d) =>
          d.event.type === "record.new" && d.attempt <= 2 ? failing("HTTP 429 (Retry-After 1s)", SECOND) : { _tag: "Acked", status: 200 }
        )
        const { run } = yield* syncAndRun(connector)
        const id = records(yield* entriesOf(run.id))[0]!.id
        const afterFirst = yield* until(entry(id), (e) => e.attempts === 1)
        yield* advanceTo(afterFirst.nextAttemptAt)
        const afterSecond = yield* until(entry(id), (e) => e.attempts === 2)
        const wait = afterSecond.nextAttemptAt - afterSecond.firstAttemptAt! - (afterFirst.nextAttemptAt - T0)
        expect(wait).toBeGreaterThanOrEqual(0.8 * 5 * MINUTE)
        expect(wait).toBeLessThanOrEqual(1.2 * 5 * MINUTE)
      })))

  it.effect("Retry-After is capped at 24 hours", () =>
    withDelivery(seeded(1), ({ connector, sink }) =>
      Effect.gen(function*() {
        yield* sink.setScript((d) =>
          d.event.type === "record.new" && d.attempt === 1 ? failing("HTTP 503 (Retry-After 172800s)", 2 * DAY) : { _tag: "Acked", status: 200 }
        )
        const { run } = yield* syncAndRun(connector)
        const id = records(yield* entriesOf(run.id))[0]!.id
        const pending = yield* until(entry(id), (e) => e.attempts === 1)
        expect(pending.nextAttemptAt).toBe(T0 + DAY)
        yield* advanceTo(T0 + DAY)
        yield* quiesce
        expect(attemptsOf(yield* sink.deliveries, id).map((d) => d.at)).toEqual([T0, T0 + DAY])
        expect((yield* entry(id)).status).toBe("acked")
      })))
})
