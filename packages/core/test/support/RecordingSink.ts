import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import { Sink } from "@weft/core/sink"
import type { Event } from "@weft/core/events"

/**
 * A Sink for tests: records every attempt and answers what a script says
 * (acked by default).
 */
export interface Delivered {
  readonly eventId: string
  readonly attempt: number
  readonly event: Event.WeftEvent
  /** When the attempt reached the sink, on the test's `Clock`. */
  readonly at: number
  /** The destination it was sent to. */
  readonly destinationId: string
  /** How many signing secrets the destination had for this attempt. */
  readonly secretCount: number
}

export type Script = (delivery: Delivered) => Sink.Outcome | Effect.Effect<Sink.Outcome>

export const make = Effect.gen(function*() {
  const deliveries = yield* Ref.make<ReadonlyArray<Delivered>>([])
  const script = yield* Ref.make<Script>(() => ({ _tag: "Acked", status: 200 }))
  const service: Sink.SinkService = {
    validate: () => Effect.void,
    deliver: (destination, attempt) =>
      Effect.gen(function*() {
        const delivered: Delivered = {
          eventId: attempt.eventId,
          attempt: attempt.attempt,
          event: JSON.parse(Buffer.from(attempt.body).toString()) as Event.WeftEvent,
          at: yield* Clock.currentTimeMillis,
          destinationId: destination.id,
          secretCount: destination.secrets.length
        }
        yield* Ref.update(deliveries, (all) => [...all, delivered])
        const outcome = (yield* Ref.get(script))(delivered)
        return Effect.isEffect(outcome) ? yield* outcome : outcome
      })
  }
  return {
    layer: Layer.succeed(Sink.Sink, service),
    /** Every attempt so far, in order. */
    deliveries: Ref.get(deliveries),
    setScript: (f: Script) => Ref.set(script, f)
  }
})
