import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"

/**
 * Waiting in real time, even under the TestClock: a loopback server answers
 * in real time whatever the test's Clock says. Waits are for an outcome; the
 * bound is a safety net against a hang, far above what any machine needs,
 * never a claim about speed.
 */

/** How long a real-time wait may last before the test gives up on it. */
export const GENEROUS_MS = 120_000

const realSleep = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

/** Waits in real time until `condition()` holds; dies naming `what` if it never does. */
export const realTimeUntil = (condition: () => boolean, what: string, timeoutMs = GENEROUS_MS): Effect.Effect<void> =>
  Effect.gen(function*() {
    const deadline = performance.now() + timeoutMs
    while (!condition()) {
      if (performance.now() > deadline) return yield* Effect.dieMessage(`timed out waiting for ${what} (after ${timeoutMs} ms)`)
      yield* realSleep(5)
    }
  })

/**
 * Under the TestClock: waits in real time until some fiber sleeps on the
 * TestClock (e.g. a retry that got its answer over loopback and now waits),
 * and returns the pending wake-up times. With `wakeUpAt`, waits for a sleep
 * ending exactly then (others, such as a request's timeout, may be pending).
 */
export const untilSleeping = (what: string, wakeUpAt?: number, timeoutMs = GENEROUS_MS) =>
  Effect.gen(function*() {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const sleeps = yield* TestClock.sleeps()
      if (wakeUpAt === undefined ? !Chunk.isEmpty(sleeps) : Chunk.some(sleeps, (at) => at === wakeUpAt)) return sleeps
      if (performance.now() > deadline) return yield* Effect.dieMessage(`timed out waiting for ${what} to sleep on the TestClock (after ${timeoutMs} ms)`)
      yield* realSleep(5)
    }
  })

/** Gives the loopback side a little real time to do what it should not (a window, not a bound). */
export const realPause = realSleep
