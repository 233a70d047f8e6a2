import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Sink } from "@weft/core/sink"
import { Delivery } from "@weft/core/delivery"
import { SyncEngine } from "@weft/core/engine"
import { Store } from "@weft/core/store"
import { setupSync, T0 } from "./support/harness.js"
import { employee } from "./support/MemoryProvider.js"
import { advanceTo, entriesOf, entry, quiesce, recordDeliveries, records, seeded, until, withDelivery } from "./support/delivery.js"

/** Per-record order, parallelism across records, and the destination's concurrency bound. */

const ack: Sink.Outcome = { _tag: "Acked", status: 200 }

/** A sink gate: attempts of record events block until it opens; in-flight counts are tracked. */
const gate = Effect.gen(function*() {
  const open = yield* Deferred.make<void>()
  const state = { inFlight: 0, max: 0, started: 0 }
  const script = (d: { readonly event: { readonly type: string } }) =>
    d.event.type.startsWith("record.")
      ? Effect.gen(function*() {
        state.inFlight += 1
        state.started += 1
        state.max = Math.max(state.max, state.inFlight)
        yield* Deferred.await(open)
        return ack
      }).pipe(Effect.ensuring(Effect.sync(() => (state.inFlight -= 1))))
      : Effect.succeed(ack)
  return { state, script, open: Deferred.succeed(open, undefined) }
})

describe("Delivery order and concurrency", () => {
  it.effect("an event is not attempted while an earlier event of its record is unsettled; other records go on", () => {
    const provider = seeded(3)
    return withDelivery(provider, ({ connector, sink }) =>
      Effect.gen(function*() {
        // record.new of record 1 fails twice, then is acked.
        yield* sink.setScript((d) =>
          d.event.type === "record.new" && d.event.recordId === "1" && d.attempt <= 2
            ? { _tag: "Retry", status: 500, reason: "HTTP 500" }
            : ack
        )
        const sync = yield* setupSync(connector)
        const engine = yield* SyncEngine.SyncEngine
        const initial = yield* engine.run(sync.id, { type: "initial" })
        const first = records(yield* entriesOf(initial.id)).find((e) => e.recordId === "1")!
        yield* until(entry(first.id), (e) => e.attempts === 1 && e.leaseUntil === undefined)

        // A second event for record 1, and one for record 2, while record 1's first is retrying.
        provider.employees.put(employee(1, { orgStructure: { jobTitle: "Lead", department: "R&D" } }))
        provider.employees.put(employee(2, { orgStructure: { jobTitle: "Lead", department: "R&D" } }))
        const delta = yield* engine.run(sync.id, { type: "delta" })
        const [second, other] = records(yield* entriesOf(delta.id))
        expect([second!.recordId, other!.recordId]).toEqual(["1", "2"])
        // Record 2's change goes out at once; record 1's waits.
        yield* until(entry(other!.id), (e) => e.status === "acked")
        yield* quiesce
        expect(recordDeliveries(yield* sink.deliveries, "1").map((d) => d.event.type)).toEqual(["record.new"])

        // Second attempt (≈ 5 s later) fails again: still waiting.
        const retry1 = yield* entry(first.id)
        yield* advanceTo(retry1.nextAttemptAt)
        yield* until(entry(first.id), (e) => e.attempts === 2 && e.leaseUntil === undefined)
        yield* quiesce
        expect(recordDeliveries(yield* sink.deliveries, "1").map((d) => d.event.type)).toEqual(["record.new", "record.new"])
        expect((yield* entry(second!.id)).attempts).toBe(0)

        // Third attempt is acked; only then the change of record 1 is attempted.
        const retry2 = yield* entry(first.id)
        yield* advanceTo(retry2.nextAttemptAt)
        yield* until(entry(second!.id), (e) => e.status === "acked")
        const ofRecord1 = recordDeliveries(yield* sink.deliveries, "1")
        expect(ofRecord1.map((d) => `${d.event.type}#${d.attempt}`)).toEqual(["record.new#1", "record.new#2", "record.new#3", "record.changed#1"])
        const settled = yield* entry(first.id)
        expect(ofRecord1[3]!.at).toBeGreaterThanOrEqual(settled.settledAt!)
        // Records 2 and 3 never waited for record 1.
        for (const id of ["2", "3"]) {
          expect(recordDeliveries(yield* sink.deliveries, id)[0]!.at).toBe(T0)
        }
      }))
  })

  it.effect("different records go in parallel, bounded by the destination's maxConcurrency", () =>
    withDelivery(seeded(20), ({ connector, sink }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const g = yield* gate
        yield* sink.setScript(g.script)
        const sync = yield* setupSync(connector)
        const destination = Option.getOrThrow(yield* store.destinations.get(sync.destinationId))
        yield* store.destinations.put({ ...destination, maxConcurrency: 3, updatedAt: destination.updatedAt + 1 })
        const run = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
        yield* until(Effect.sync(() => g.state.inFlight), (n) => n === 3)
        // Wake-ups while full must not start more.
        const delivery = yield* Delivery.Delivery
        for (let i = 0; i < 5; i++) yield* delivery.wake(sync.destinationId)
        yield* quiesce
        expect(g.state.inFlight).toBe(3)
        expect(g.state.started).toBe(3)
        yield* g.open
        const all = yield* until(entriesOf(run.id), (es) => es.length === 23 && es.every((e) => e.status === "acked"))
        expect(records(all)).toHaveLength(20)
        expect(g.state.max).toBe(3)
        expect(g.state.started).toBe(20)
      })))

  it.effect("the default bound is 32 in flight", () =>
    withDelivery(seeded(45), ({ connector, sink }) =>
      Effect.gen(function*() {
        const g = yield* gate
        yield* sink.setScript(g.script)
        const sync = yield* setupSync(connector)
        expect(Option.getOrThrow(yield* (yield* Store.Store).destinations.get(sync.destinationId)).maxConcurrency).toBe(32)
        const run = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
        yield* until(Effect.sync(() => g.state.inFlight), (n) => n === 32)
        yield* quiesce
        expect(g.state.started).toBe(32)
        yield* g.open
        yield* until(entriesOf(run.id), (es) => es.length === 48 && es.every((e) => e.status === "acked"))
        expect(g.state.max).toBe(32)
      })))

  it.effect("a worker at its bound waits for a free slot instead of polling the store", () =>
    withDelivery(seeded(10), ({ connector, sink }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const g = yield* gate
        yield* sink.setScript(g.script)
        const sync = yield* setupSync(connector)
        const destination = Option.getOrThrow(yield* store.destinations.get(sync.destinationId))
        yield* store.destinations.put({ ...destination, maxConcurrency: 2, updatedAt: destination.updatedAt + 1 })
        yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
        yield* until(Effect.sync(() => g.state.inFlight), (n) => n === 2)
        // Count the worker's store reads while it is full and is woken repeatedly.
        const reads = yield* countingReads
        const delivery = yield* Delivery.Delivery
        for (let i = 0; i < 20; i++) {
          yield* delivery.wake(sync.destinationId)
          yield* quiesce
        }
        expect(reads()).toBeLessThanOrEqual(2 * 20 + 2)
        yield* g.open
      })))
})

/** How many outbox reads (claims and due-time queries) happened since this was created. */
const countingReads = Effect.gen(function*() {
  const store = yield* Store.Store
  let n = 0
  const outbox = store.outbox as { -readonly [K in keyof typeof store.outbox]: (typeof store.outbox)[K] }
  const claimDue = outbox.claimDue
  const nextDueAt = outbox.nextDueAt
  outbox.claimDue = (options) => Effect.zipRight(Effect.sync(() => n++), claimDue(options))
  outbox.nextDueAt = (id) => Effect.zipRight(Effect.sync(() => n++), nextDueAt(id))
  return () => n
})
