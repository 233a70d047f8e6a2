import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import { OutboxSignal } from "@weft/core/store"
import { StorePostgres } from "@weft/store-sql/postgres"
import { freshPgUrl } from "./layers.js"

/** A process: its own pool and its own LISTEN connection. */
const processOn = (url: string) =>
  Effect.map(
    Layer.build(StorePostgres.layerSignal({ channel: "weft_test_outbox" }).pipe(Layer.provideMerge(StorePostgres.layer({ url, maxConnections: 2 })))),
    (context) => Context.get(context, OutboxSignal.OutboxSignal)
  )

/** Takes notices until `value` comes (true), within a generous bound. */
const hears = (queue: Queue.Dequeue<string>, value: string) =>
  Queue.take(queue).pipe(
    Effect.repeat({ until: (got) => got === value }),
    Effect.as(true),
    Effect.timeoutTo({ duration: "60 seconds", onTimeout: () => false, onSuccess: (ok) => ok })
  )

describe("StorePostgres.layerSignal", () => {
  it.live("a notice from one client reaches the subscribers of another over LISTEN/pg_notify", () =>
    Effect.scoped(Effect.gen(function*() {
      const url = yield* freshPgUrl
      const a = yield* processOn(url)
      const b = yield* processOn(url)
      const heard = yield* b.subscribe
      // LISTEN starts in the background: notify until b hears it (bounded, a safety net).
      let got: Option.Option<string> = Option.none()
      for (let i = 0; i < 600 && Option.isNone(got); i++) {
        yield* a.notify("dst_from_a")
        got = yield* Effect.timeoutOption(Queue.take(heard), "100 millis")
      }
      expect(got).toEqual(Option.some("dst_from_a"))
      // And the other way, plus the local fast path.
      const heardA = yield* a.subscribe
      yield* b.notify("dst_from_b")
      // Earlier notices (a's own among them) may still arrive first: wait for this one.
      expect(yield* hears(heardA, "dst_from_b")).toBe(true)
      yield* a.notify("dst_again")
      expect(yield* hears(heard, "dst_again")).toBe(true)
    })), 120_000)
})
