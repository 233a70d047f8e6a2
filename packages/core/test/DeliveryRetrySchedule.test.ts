import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import { RetrySchedule } from "@weft/core/delivery"

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const nominal = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 12 * HOUR, 12 * HOUR, 12 * HOUR, 12 * HOUR]

const some = (option: Option.Option<number>): number => Option.getOrThrowWith(option, () => new Error("expected a delay"))

describe("RetrySchedule", () => {
  it.effect("delayFor(standard, n) is the n-th wait of 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 12 h…, within ±20 %", () =>
    Effect.gen(function*() {
      for (let seed = 0; seed < 20; seed++) {
        for (let retry = 1; retry <= nominal.length; retry++) {
          const delay = some(yield* RetrySchedule.delayFor(RetrySchedule.standard, retry).pipe(Effect.withRandom(Random.make(seed))))
          const expected = nominal[retry - 1]!
          expect(delay, `retry ${retry}, seed ${seed}`).toBeGreaterThanOrEqual(0.8 * expected)
          expect(delay, `retry ${retry}, seed ${seed}`).toBeLessThanOrEqual(1.2 * expected)
        }
      }
    }))

  it.effect("the standard schedule is jittered: waits spread across the ±20 % band", () =>
    Effect.gen(function*() {
      const ratios: Array<number> = []
      for (let seed = 0; seed < 200; seed++) {
        const delay = some(yield* RetrySchedule.delayFor(RetrySchedule.standard, 3).pipe(Effect.withRandom(Random.make(seed))))
        ratios.push(delay / (30 * MINUTE))
      }
      expect(Math.min(...ratios)).toBeLessThan(0.85)
      expect(Math.max(...ratios)).toBeGreaterThan(1.15)
      expect(new Set(ratios).size).toBeGreaterThan(150)
    }))

  it.effect("delayFor is None once a finite schedule is done, exact for an unjittered one", () =>
    Effect.gen(function*() {
      const schedule = Schedule.fromDelays("1 second", "2 seconds", "3 seconds")
      expect(yield* RetrySchedule.delayFor(schedule, 1)).toEqual(Option.some(1_000))
      expect(yield* RetrySchedule.delayFor(schedule, 3)).toEqual(Option.some(3_000))
      expect(yield* RetrySchedule.delayFor(schedule, 4)).toEqual(Option.none())
      const spaced = Schedule.spaced("50 millis")
      expect(yield* RetrySchedule.delayFor(spaced, 100)).toEqual(Option.some(50))
    }))

  it("the defaults are a 4-day window and a 24-hour Retry-After cap", () => {
    expect(Duration.toMillis(RetrySchedule.DEFAULT_WINDOW)).toBe(4 * DAY)
    expect(Duration.toMillis(RetrySchedule.MAX_RETRY_AFTER)).toBe(DAY)
  })

  describe("nextAttemptAt", () => {
    const fixed = Schedule.fromDelays("5 seconds", "5 minutes").pipe(Schedule.andThen(Schedule.spaced("12 hours")))
    const base = { schedule: fixed, window: "4 days", maxRetryAfter: "24 hours", firstAttemptAt: 0 } as const

    it.effect("is now + the schedule's wait for this retry", () =>
      Effect.gen(function*() {
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, attempts: 1, nowMs: 0 })).toEqual(Option.some(5_000))
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, attempts: 2, nowMs: 5_000 })).toEqual(Option.some(5_000 + 5 * MINUTE))
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, attempts: 3, nowMs: HOUR })).toEqual(Option.some(13 * HOUR))
      }))

    it.effect("takes Retry-After when it is longer, the schedule when it is shorter", () =>
      Effect.gen(function*() {
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, attempts: 1, nowMs: 0, retryAfterMs: 90_000 })).toEqual(Option.some(90_000))
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, attempts: 2, nowMs: 0, retryAfterMs: 1_000 })).toEqual(Option.some(5 * MINUTE))
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, attempts: 1, nowMs: 0, retryAfterMs: 0 })).toEqual(Option.some(5_000))
      }))

    it.effect("caps Retry-After at maxRetryAfter", () =>
      Effect.gen(function*() {
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, attempts: 1, nowMs: 0, retryAfterMs: 3 * DAY })).toEqual(Option.some(DAY))
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, maxRetryAfter: "1 hour", attempts: 1, nowMs: 0, retryAfterMs: DAY })).toEqual(
          Option.some(HOUR)
        )
      }))

    it.effect("is None when the next attempt would fall past the window after the first attempt", () =>
      Effect.gen(function*() {
        const first = 1_000_000
        // 12 h from now lands exactly at the window's end: still allowed.
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, firstAttemptAt: first, attempts: 9, nowMs: first + 84 * HOUR })).toEqual(
          Option.some(first + 4 * DAY)
        )
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, firstAttemptAt: first, attempts: 9, nowMs: first + 84 * HOUR + 1 })).toEqual(
          Option.none()
        )
        // A capped Retry-After past the window dead-letters too.
        expect(
          yield* RetrySchedule.nextAttemptAt({ ...base, firstAttemptAt: first, attempts: 3, nowMs: first + 3 * DAY + 1, retryAfterMs: DAY })
        ).toEqual(Option.none())
      }))

    it.effect("is a whole millisecond, never earlier than the jittered wait", () =>
      Effect.gen(function*() {
        for (let seed = 0; seed < 50; seed++) {
          const options = { schedule: RetrySchedule.standard, window: "4 days", maxRetryAfter: "24 hours", firstAttemptAt: 0, attempts: 2, nowMs: 1_000 } as const
          const delay = some(yield* RetrySchedule.delayFor(RetrySchedule.standard, 2).pipe(Effect.withRandom(Random.make(seed))))
          const at = some(yield* RetrySchedule.nextAttemptAt(options).pipe(Effect.withRandom(Random.make(seed))))
          expect(Number.isInteger(at)).toBe(true)
          expect(at).toBeGreaterThanOrEqual(1_000 + delay)
          expect(at).toBeLessThan(1_000 + delay + 1)
        }
      }))

    it.effect("is None when the schedule itself is done", () =>
      Effect.gen(function*() {
        const twice = Schedule.fromDelays("1 second", "1 second")
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, schedule: twice, attempts: 2, nowMs: 0 })).toEqual(Option.some(1_000))
        expect(yield* RetrySchedule.nextAttemptAt({ ...base, schedule: twice, attempts: 3, nowMs: 0 })).toEqual(Option.none())
      }))
  })
})
