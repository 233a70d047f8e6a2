import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/**
 * The longest wait JavaScript timers take (2^31 − 1 ms, about 24.8 days).
 * Effect's live clock treats a longer `Effect.sleep` as infinite: it never
 * wakes.
 */
export const MAX_TIMER_MILLIS = 2 ** 31 - 1

/** Waits are cut into steps of at most a day, well under the timer limit. */
const STEP_MILLIS = 24 * 60 * 60 * 1000

/**
 * Sleeps until the clock reads `target` (epoch ms), however far away: in steps
 * that every timer can take, re-reading the clock after each one.
 */
export const sleepUntil = (target: number): Effect.Effect<void> =>
  Effect.gen(function*() {
    while (true) {
      const remaining = target - (yield* Clock.currentTimeMillis)
      if (remaining <= 0) return
      yield* Effect.sleep(Duration.millis(Math.min(remaining, STEP_MILLIS)))
    }
  })

/** `Effect.sleep` that also wakes after waits longer than {@link MAX_TIMER_MILLIS}. */
export const sleep = (duration: Duration.DurationInput): Effect.Effect<void> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => sleepUntil(now + Duration.toMillis(duration)))
