import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import type * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"

/**
 * In-process notice that the outbox has new due entries for a destination,
 * so delivery workers wake at once instead of waiting for their next poll.
 * Purely an optimisation: workers still poll, so a notice lost (or written by
 * another process) delays delivery, never loses it.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface OutboxSignalService {
  readonly notify: (destinationId: string) => Effect.Effect<void>
  readonly subscribe: Effect.Effect<Queue.Dequeue<string>, never, Scope.Scope>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class OutboxSignal extends Context.Tag("@weft/core/OutboxSignal")<OutboxSignal, OutboxSignalService>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<OutboxSignal> = Layer.scoped(
  OutboxSignal,
  Effect.gen(function*() {
    // Sliding: a burst of notices collapses; only "something is due" matters.
    const hub = yield* Effect.acquireRelease(PubSub.sliding<string>(1024), PubSub.shutdown)
    return {
      notify: (destinationId) => Effect.asVoid(PubSub.publish(hub, destinationId)),
      subscribe: PubSub.subscribe(hub)
    }
  })
)
