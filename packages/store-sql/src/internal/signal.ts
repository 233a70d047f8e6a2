import { PgClient } from "@effect/sql-pg"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { OutboxSignal } from "@weft/core/store"

/**
 * The outbox signal across processes: `notify` sends `pg_notify(channel,
 * destinationId)` (as bound parameters: sql-pg's own `notify` sends `NOTIFY
 * chan, $1`, which Postgres rejects), and one `LISTEN` connection per layer
 * feeds every local subscriber. A notice also reaches the local subscribers
 * directly, so a wake-up in the same process never waits for the round trip.
 *
 * @internal
 */

/** @internal */
export interface SignalOptions {
  readonly channel?: string | undefined
}

/** @internal */
export const layerSignal = (options: SignalOptions = {}): Layer.Layer<OutboxSignal.OutboxSignal, never, PgClient.PgClient> =>
  Layer.scoped(
    OutboxSignal.OutboxSignal,
    Effect.gen(function*() {
      const pg = yield* PgClient.PgClient
      const channel = options.channel ?? "weft_outbox"
      // Sliding: a burst of notices collapses; only "something is due" matters.
      const hub = yield* Effect.acquireRelease(PubSub.sliding<string>(1024), PubSub.shutdown)
      yield* pg.listen(channel).pipe(
        Stream.runForEach((destinationId) => PubSub.publish(hub, destinationId)),
        Effect.tapErrorCause((cause) => Effect.logDebug("outbox signal: LISTEN failed; retrying", cause)),
        // Lost notices only delay delivery (workers poll), so listening is retried for as long as the layer lives.
        Effect.retry(Schedule.exponential("200 millis").pipe(Schedule.either(Schedule.spaced("30 seconds")))),
        Effect.forkScoped
      )
      return OutboxSignal.OutboxSignal.of({
        notify: (destinationId) =>
          PubSub.publish(hub, destinationId).pipe(
            Effect.zipRight(pg`SELECT pg_notify(${channel}, ${destinationId})`),
            Effect.catchAllCause((cause) => Effect.logDebug("outbox signal: pg_notify failed", cause)),
            Effect.asVoid
          ),
        subscribe: PubSub.subscribe(hub)
      })
    })
  )
