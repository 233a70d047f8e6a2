import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import type { Sink } from "@weft/core/sink"
import { Delivery } from "@weft/core/delivery"
import { Store } from "@weft/core/store"
import { engineLayer, T0 } from "./support/harness.js"
import * as RecordingSink from "./support/RecordingSink.js"
import {
  advanceTo,
  attemptsOf,
  entriesOf,
  type EngineServices,
  entry,
  quiesce,
  type RecordingSinkHandle,
  records,
  seeded,
  syncAndRun,
  testDeliveryOptions,
  until
} from "./support/delivery.js"

/** A worker that dies holding a claim never strands the event: the lease runs out and another worker takes it. */

const LEASE = 2 * 60_000
const ack: Sink.Outcome = { _tag: "Acked", status: 200 }

/** Engine + sink without delivery workers, so the test decides when workers start and stop. */
const withoutWorkers = <A, E>(
  body: (ctx: { readonly sink: RecordingSinkHandle; readonly provider: ReturnType<typeof seeded> }) => Effect.Effect<A, E, EngineServices>
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const sink = yield* RecordingSink.make
    const provider = seeded(4)
    return yield* Effect.provide(body({ sink, provider }), Layer.merge(engineLayer(provider.connector()), sink.layer))
  })

/** Starts delivery workers in a scope of their own; closing it kills them mid-flight. */
const startWorkers = Effect.gen(function*() {
  const scope = yield* Scope.make()
  yield* Layer.buildWithScope(Delivery.layer(testDeliveryOptions), scope)
  return Scope.close(scope, Exit.void)
})

describe("Delivery leases", () => {
  it.effect("an entry claimed by a worker that crashed is delivered once its lease expires", () =>
    withoutWorkers(({ sink, provider }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const { run, sync } = yield* syncAndRun(provider.connector())
        // A worker claims the oldest entry, then dies without settling it.
        const [stranded] = yield* store.outbox.claimDue({ now: T0, limit: 1, leaseMs: LEASE, destinationId: sync.destinationId })
        expect(stranded!.recordId).toBe("1")

        yield* startWorkers
        yield* until(entriesOf(run.id), (es) => records(es).filter((e) => e.status === "acked").length === 3)
        yield* quiesce
        expect(attemptsOf(yield* sink.deliveries, stranded!.id)).toHaveLength(0)
        expect(yield* entry(stranded!.id)).toMatchObject({ status: "pending", leaseUntil: T0 + LEASE, attempts: 0 })
        // allConsumed waits for it too.
        expect((yield* entriesOf(run.id)).some((e) => e.type === "sync.events.allConsumed")).toBe(false)

        yield* advanceTo(T0 + LEASE - 1)
        expect(attemptsOf(yield* sink.deliveries, stranded!.id)).toHaveLength(0)
        yield* advanceTo(T0 + LEASE)
        const delivered = yield* until(entry(stranded!.id), (e) => e.status === "acked")
        expect(delivered.attempts).toBe(1)
        expect(attemptsOf(yield* sink.deliveries, stranded!.id).map((d) => d.at)).toEqual([T0 + LEASE])
        yield* until(entriesOf(run.id), (es) => es.some((e) => e.type === "sync.events.allConsumed" && e.status === "acked"))
      })))

  it.effect("an attempt cut off mid-flight (the workers stop) is taken over by the next workers after the lease", () =>
    withoutWorkers(({ sink, provider }) =>
      Effect.gen(function*() {
        const started = yield* Deferred.make<string>()
        // Record 2's first attempt never answers. (The cut-off attempt was never settled, so the
        // next one is numbered 1 again: count here instead.)
        let seen = 0
        yield* sink.setScript((d) =>
          "recordId" in d.event && d.event.recordId === "2" && seen++ === 0
            ? Effect.zipRight(Deferred.succeed(started, d.eventId), Effect.never)
            : ack
        )
        const { run } = yield* syncAndRun(provider.connector())
        const stop = yield* startWorkers
        const id = yield* Deferred.await(started)
        yield* until(entriesOf(run.id), (es) => records(es).filter((e) => e.status === "acked").length === 3)
        // The process dies: its workers go, the claim stays.
        yield* stop
        expect(yield* entry(id)).toMatchObject({ status: "pending", leaseUntil: T0 + LEASE, attempts: 0 })

        yield* startWorkers
        yield* advanceTo(T0 + LEASE - 1)
        expect(attemptsOf(yield* sink.deliveries, id)).toHaveLength(1)
        yield* advanceTo(T0 + LEASE)
        const done = yield* until(entry(id), (e) => e.status === "acked")
        expect(done.attempts).toBe(1)
        expect(attemptsOf(yield* sink.deliveries, id).map((d) => d.at)).toEqual([T0, T0 + LEASE])
      })))

  it.effect("an attempt that outlasts its lease is not started a second time by the same workers", () =>
    withoutWorkers(({ sink, provider }) =>
      Effect.gen(function*() {
        // The receiver takes 90 s to answer record 1; the lease is 1 minute.
        yield* sink.setScript((d) =>
          "recordId" in d.event && d.event.recordId === "1" ? Effect.as(Effect.sleep("90 seconds"), ack) : ack
        )
        const { run } = yield* syncAndRun(provider.connector())
        const slow = records(yield* entriesOf(run.id)).find((e) => e.recordId === "1")!
        const scope = yield* Scope.make()
        yield* Layer.buildWithScope(Delivery.layer({ ...testDeliveryOptions, lease: "1 minute" }), scope)
        yield* until(Effect.map(sink.deliveries, (ds) => attemptsOf(ds, slow.id)), (ds) => ds.length === 1)
        yield* advanceTo(T0 + 60_000)
        yield* quiesce
        yield* advanceTo(T0 + 90_000)
        const done = yield* until(entry(slow.id), (e) => e.status === "acked")
        expect(done.attempts).toBe(1)
        yield* TestClock.adjust("10 minutes")
        expect(attemptsOf(yield* sink.deliveries, slow.id)).toHaveLength(1)
        expect((yield* entry(slow.id)).status).toBe("acked")
        yield* Scope.close(scope, Exit.void)
      })))
})
