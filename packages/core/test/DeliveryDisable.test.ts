import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { Delivery } from "@weft/core/delivery"
import { SyncEngine } from "@weft/core/engine"
import { Store } from "@weft/core/store"
import { setupSync } from "./support/harness.js"
import { employee } from "./support/MemoryProvider.js"
import { attemptsOf, entriesOf, entry, records, seeded, syncAndRun, until, withDelivery } from "./support/delivery.js"

/** A destination disabled by its receiver holds every pending event until it is enabled again. */

const GONE = "HTTP 410 Gone: the receiver is gone; deliveries are held until the destination is re-enabled"

describe("Delivery to a disabled destination", () => {
  it.effect("Disable (410) disables the destination with the reason and holds its events, however far the clock moves; enable + wake delivers them all", () => {
    const provider = seeded(5)
    return withDelivery(provider, ({ connector, sink }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        yield* sink.setScript((d) =>
          d.event.type === "record.new" && d.event.recordId === "3"
            ? { _tag: "Disable", status: 410, reason: GONE }
            : { _tag: "Acked", status: 200 }
        )
        const { run, sync } = yield* syncAndRun(connector)
        const destination = yield* until(
          Effect.map(store.destinations.get(sync.destinationId), Option.getOrThrow),
          (row) => !row.enabled
        )
        expect(destination.disabledReason).toBe(GONE)

        // The event that met the 410 is held, untouched: its attempt did not count.
        const gone = records(yield* entriesOf(run.id)).find((e) => e.recordId === "3")!
        const held = yield* until(entry(gone.id), (e) => e.leaseUntil === undefined)
        expect(held).toMatchObject({ status: "pending", attempts: 0 })
        expect(held.payload).not.toBeNull()

        // Events enqueued while disabled wait too: a delta with a change and a hire.
        provider.employees.put(employee(1, { orgStructure: { jobTitle: "Manager", department: "R&D" } }))
        provider.employees.put(employee(6))
        const delta = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "delta" })
        const before = (yield* sink.deliveries).length
        yield* TestClock.adjust("10 days")
        expect((yield* sink.deliveries).length).toBe(before)
        const first = yield* entriesOf(run.id)
        const second = yield* entriesOf(delta.id)
        // Nothing of the delta went out, nor anything of the first run but what was acked before the 410.
        expect(second.map((e) => e.type)).toEqual(["record.changed", "record.new", "sync.events.processed", "sync.events.allEmitted"])
        const waiting = [...first, ...second].filter((e) => e.status === "pending")
        expect(waiting.map((e) => e.id)).toContain(gone.id)
        for (const e of second) expect(waiting).toContainEqual(e)
        expect(first.filter((e) => e.status !== "pending").every((e) => e.status === "acked" && e.type === "record.new")).toBe(true)
        expect(first.some((e) => e.type === "sync.events.allConsumed")).toBe(false)
        // Held events were never attempted (workers already holding one released it unsent) and keep their payload.
        expect(waiting.every((e) => e.attempts === 0 && e.payload !== null && e.leaseUntil === undefined)).toBe(true)
        for (const e of waiting) expect(attemptsOf(yield* sink.deliveries, e.id)).toHaveLength(e.id === gone.id ? 1 : 0)
        expect((yield* Effect.map(store.destinations.get(sync.destinationId), Option.getOrThrow)).enabled).toBe(false)

        // Back: everything held is delivered, and each run's allConsumed follows.
        yield* sink.setScript(() => ({ _tag: "Acked", status: 200 }))
        yield* store.destinations.setEnabled(sync.destinationId, true, undefined, yield* Clock.currentTimeMillis)
        yield* (yield* Delivery.Delivery).wake(sync.destinationId)
        const all = yield* until(
          Effect.map(Effect.all([entriesOf(run.id), entriesOf(delta.id)]), ([a, b]) => [...a, ...b]),
          (es) => es.length === 13 && es.every((e) => e.status === "acked")
        )
        expect(all.filter((e) => e.type === "sync.events.allConsumed")).toHaveLength(2)
        const deliveries = yield* sink.deliveries
        expect(attemptsOf(deliveries, gone.id)).toHaveLength(2)
        for (const e of waiting) expect(attemptsOf(deliveries, e.id)).toHaveLength(e.id === gone.id ? 2 : 1)
        const row = yield* Effect.map(store.destinations.get(sync.destinationId), Option.getOrThrow)
        expect(row.enabled).toBe(true)
        expect(row.disabledReason).toBeUndefined()
      }))
  })

  it.effect("a destination disabled by the host is held too, and resumes on enable without losing an event", () =>
    withDelivery(seeded(4), ({ connector, sink }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const sync = yield* setupSync(connector)
        yield* store.destinations.setEnabled(sync.destinationId, false, "maintenance", yield* Clock.currentTimeMillis)
        const run = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
        yield* TestClock.adjust("2 days")
        expect(yield* sink.deliveries).toHaveLength(0)
        yield* store.destinations.setEnabled(sync.destinationId, true, undefined, yield* Clock.currentTimeMillis)
        yield* (yield* Delivery.Delivery).wake(sync.destinationId)
        const all = yield* until(entriesOf(run.id), (es) => es.length === 7 && es.every((e) => e.status === "acked"))
        expect(all.every((e) => e.attempts === 1)).toBe(true)
        expect(new Set((yield* sink.deliveries).map((d) => d.eventId)).size).toBe(7)
      })))
})
