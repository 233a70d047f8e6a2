import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * Waiting in real time for an outcome. The bound is a safety net against a
 * hang, never a claim about speed: it is set far above what the slowest
 * machine needs, and tests assert on what happened, not on how long it took.
 */

/** How long a real-time wait may last before the test gives up on it. */
export const GENEROUS_MS = 120_000

const poll = <A, E, R>(check: Effect.Effect<Option.Option<A>, E, R>, what: () => string, timeoutMs: number) =>
  Effect.gen(function*() {
    const deadline = (yield* Clock.currentTimeMillis) + timeoutMs
    for (;;) {
      const value = yield* check
      if (Option.isSome(value)) return value.value
      if ((yield* Clock.currentTimeMillis) > deadline) return yield* Effect.dieMessage(`${what()} (gave up after ${timeoutMs} ms)`)
      yield* Effect.sleep("20 millis")
    }
  })

/**
 * Polls `check` until it gives a value; dies with `what()` once `timeoutMs`
 * of real time have passed without one.
 */
export const pollUntil = <A, E, R>(
  check: Effect.Effect<A | undefined, E, R>,
  what: () => string,
  timeoutMs: number = GENEROUS_MS
): Effect.Effect<A, E, R> => poll(Effect.map(check, Option.fromNullable), what, timeoutMs)

/** Polls `effect` until `holds` accepts its value, and returns that value. */
export const waitUntil = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  holds: (a: A) => boolean,
  what: string,
  timeoutMs: number = GENEROUS_MS
): Effect.Effect<A, E, R> => poll(Effect.map(effect, (a) => (holds(a) ? Option.some(a) : Option.none())), () => what, timeoutMs)
