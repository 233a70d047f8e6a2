import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Sleep from "./sleep.js"

/**
 * Work in flight, by key (a sync, an integration), that can be told to stop
 * and waited for: `stopAll` signals every piece of work under a key and
 * completes once each has ended, so nothing of theirs happens afterwards.
 */

/** What a tracked piece of work gets. */
export interface Handle<S> {
  /** Completed with a signal when the work must stop. */
  readonly stop: Deferred.Deferred<S>
  /** Completes `stop` with `signal` once `after` has passed, unless the work ended first. */
  readonly armDeadline: (after: Duration.Duration, signal: S) => Effect.Effect<void>
}

interface Entry<S> {
  readonly stop: Deferred.Deferred<S>
  readonly done: Deferred.Deferred<void>
  readonly timers: Array<Fiber.RuntimeFiber<void>>
}

export interface Registry<K, S> {
  /**
   * Runs `body` registered under `key` from its first step to its last, so a
   * `stopAll` at any point either reaches it or comes before it started.
   * `given` is a stop handle the caller already holds.
   */
  readonly track: <A, E, R>(
    key: K,
    body: (handle: Handle<S>) => Effect.Effect<A, E, R>,
    given?: Deferred.Deferred<S>
  ) => Effect.Effect<A, E, R>
  /** Signals every piece of work under `key` and waits until each has ended. */
  readonly stopAll: (key: K, signal: S) => Effect.Effect<void>
}

export const make = <K, S>(): Registry<K, S> => {
  const byKey = new Map<K, Set<Entry<S>>>()

  const track: Registry<K, S>["track"] = (key, body, given) =>
    // Registration and clean-up cannot be cut in half by an interruption: a
    // half-registered entry would leave `stopAll` waiting for good.
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const entry: Entry<S> = { stop: given ?? (yield* Deferred.make<S>()), done: yield* Deferred.make<void>(), timers: [] }
        const entries = byKey.get(key) ?? new Set<Entry<S>>()
        entries.add(entry)
        byKey.set(key, entries)
        const handle: Handle<S> = {
          stop: entry.stop,
          // Forked and recorded in one step; the timer itself stays interruptible (a fiber forked in an
          // uninterruptible region would otherwise inherit that, and clean-up would wait out its sleep).
          armDeadline: (after, signal) =>
            Effect.uninterruptible(Effect.flatMap(
              Effect.fork(Effect.interruptible(Effect.asVoid(Effect.zipRight(Sleep.sleep(after), Deferred.succeed(entry.stop, signal))))),
              (timer) => Effect.sync(() => entry.timers.push(timer))
            ))
        }
        return yield* restore(body(handle)).pipe(
          Effect.ensuring(Effect.suspend(() => {
            entries.delete(entry)
            if (entries.size === 0 && byKey.get(key) === entries) byKey.delete(key)
            return Effect.zipRight(Fiber.interruptAll(entry.timers), Deferred.succeed(entry.done, undefined))
          }))
        )
      })
    )

  const stopAll: Registry<K, S>["stopAll"] = (key, signal) =>
    Effect.suspend(() =>
      Effect.forEach(
        [...(byKey.get(key) ?? [])],
        (entry) => Effect.zipRight(Deferred.succeed(entry.stop, signal), Deferred.await(entry.done)),
        { discard: true, concurrency: "unbounded" }
      )
    )

  return { track, stopAll }
}
