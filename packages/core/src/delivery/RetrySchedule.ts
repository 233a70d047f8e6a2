import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as Intervals from "effect/ScheduleIntervals"

/**
 * When a failed delivery is tried again. Retries are persisted (the outbox
 * holds each event's attempt count), so the schedule is evaluated afresh for
 * each retry rather than run as one long-lived `Effect.retry`.
 *
 * @since 0.1.0
 */

/**
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 12 h, each ±20 % jitter.
 * Delivery stops retrying {@link DEFAULT_WINDOW} after the first attempt.
 *
 * @since 0.1.0
 * @category constants
 */
export const standard: Schedule.Schedule<unknown> = Schedule.fromDelays(
  "5 seconds",
  "5 minutes",
  "30 minutes",
  "2 hours",
  "5 hours",
  "10 hours"
).pipe(Schedule.andThen(Schedule.spaced("12 hours")), Schedule.jittered)

/**
 * Retries stop this long after an event's first attempt: 4 days.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_WINDOW: Duration.Duration = Duration.days(4)

/**
 * `Retry-After` is honoured up to this: 24 hours.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_RETRY_AFTER: Duration.Duration = Duration.hours(24)

/**
 * The wait before retry number `retry` (1 = after the first failed attempt)
 * of a schedule, or `None` if the schedule is done by then.
 *
 * @example
 * ```ts
 * import { RetrySchedule } from "@weft/core/delivery"
 * RetrySchedule.delayFor(RetrySchedule.standard, 1) // Effect of Option.some(≈ 5000): 4–6 s with jitter
 * ```
 * @since 0.1.0
 * @category combinators
 */
export const delayFor = <Out, R>(schedule: Schedule.Schedule<Out, unknown, R>, retry: number): Effect.Effect<Option.Option<number>, never, R> =>
  Effect.gen(function*() {
    let state = schedule.initial
    let now = 0
    let delay = 0
    for (let i = 0; i < retry; i++) {
      const [next, , decision] = yield* schedule.step(now, undefined, state)
      if (ScheduleDecision.isDone(decision)) return Option.none()
      const start = Math.max(now, Intervals.start(decision.intervals))
      delay = start - now
      now = start
      state = next
    }
    return Option.some(delay)
  })

/**
 * The time of the next attempt after a failure at `nowMs`: the schedule's
 * delay, or the receiver's `Retry-After` if longer (capped), unless that is
 * past the retry window — then `None` (dead-letter).
 *
 * @since 0.1.0
 * @category combinators
 */
export const nextAttemptAt = <Out, R>(options: {
  readonly schedule: Schedule.Schedule<Out, unknown, R>
  readonly window: Duration.DurationInput
  readonly maxRetryAfter: Duration.DurationInput
  readonly attempts: number
  readonly firstAttemptAt: number
  readonly nowMs: number
  readonly retryAfterMs?: number | undefined
}): Effect.Effect<Option.Option<number>, never, R> =>
  Effect.map(delayFor(options.schedule, options.attempts), (delay) =>
    Option.flatMap(delay, (d) => {
      const asked = options.retryAfterMs === undefined ? 0 : Math.min(options.retryAfterMs, Duration.toMillis(options.maxRetryAfter))
      // Whole milliseconds (rounded up, never early): jitter yields fractions, stores keep integers.
      const at = Math.ceil(options.nowMs + Math.max(d, asked))
      return at > options.firstAttemptAt + Duration.toMillis(options.window) ? Option.none() : Option.some(at)
    }))
