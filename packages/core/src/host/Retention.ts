import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import { Store } from "../store/Store.js"

/**
 * Outbox retention: settled events are kept for a while (for `events.list`
 * and replays) and then forgotten, so the outbox does not grow forever.
 * Pending events are never removed.
 *
 * @since 0.1.0
 */

/**
 * How long settled events stay listable and replayable: 7 days.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_RETENTION: Duration.Duration = Duration.days(7)

/**
 * A background fiber that purges events settled more than `retention` ago,
 * once an hour, in the layer's scope.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (retention: Duration.DurationInput = DEFAULT_RETENTION): Layer.Layer<never, never, Store> =>
  Layer.scopedDiscard(
    Effect.gen(function*() {
      const store = yield* Store
      const keepMs = Duration.toMillis(retention)
      const purge = Effect.flatMap(Clock.currentTimeMillis, (now) => store.outbox.purge(now - keepMs)).pipe(
        Effect.catchAll((error) => Effect.logWarning(`Outbox retention: purge failed (${error.message}); will try again`))
      )
      yield* purge.pipe(Effect.repeat(Schedule.spaced("1 hour")), Effect.delay("1 hour"), Effect.forkScoped)
    })
  )
