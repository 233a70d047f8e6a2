import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Sink } from "@weft/core/sink"
import { SyncEngine } from "@weft/core/engine"
import { Store } from "@weft/core/store"
import { setupSync } from "./support/harness.js"
import { employee } from "./support/MemoryProvider.js"
import { advanceTo, entriesOf, entry, quiesce, records, seeded, until, withDelivery } from "./support/delivery.js"

/** `sync.events.allConsumed`: once per run, after every record event of the run settled, delivered last. */

const ack: Sink.Outcome = { _tag: "Acked", status: 200 }

describe("Delivery and sync.events.allConsumed", () => {
  it.effect("is enqueued once, only after every record event settled, with { acked, deadLettered }, and delivered after them", () => {
    const provider = seeded(6)
    return withDelivery(provider, ({ connector, sink }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        // Records 2 and 5 are refused for good; record 4 fails twice before it is acked.
        yield* sink.setScript((d) => {
          if (!("recordId" in d.event)) return ack
          if (d.event.recordId === "2" || d.event.recordId === "5") return { _tag: "Abort", status: 422, reason: "unprocessable" }
          if (d.event.recordId === "4" && d.attempt <= 2) return { _tag: "Retry", status: 502, reason: "HTTP 502" }
          return ack
        })
        const sync = yield* setupSync(connector)
        const run = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
        const slow = records(yield* entriesOf(run.id)).find((e) => e.recordId === "4")!

        // Everything but record 4 is settled: no allConsumed yet.
        yield* until(entriesOf(run.id), (es) => records(es).filter((e) => e.status !== "pending").length === 5)
        yield* quiesce
        expect((yield* entriesOf(run.id)).some((e) => e.type === "sync.events.allConsumed")).toBe(false)
        expect(Option.getOrThrow(yield* store.runs.get(run.id)).delivery).toMatchObject({
          recordEvents: 6,
          acked: 3,
          deadLettered: 2,
          emissionClosed: true,
          consumedEnqueued: false
        })

        yield* advanceTo((yield* until(entry(slow.id), (e) => e.attempts === 1 && e.leaseUntil === undefined)).nextAttemptAt)
        yield* advanceTo((yield* until(entry(slow.id), (e) => e.attempts === 2 && e.leaseUntil === undefined)).nextAttemptAt)
        const all = yield* until(entriesOf(run.id), (es) => es.some((e) => e.type === "sync.events.allConsumed" && e.status === "acked"))

        const consumed = all.filter((e) => e.type === "sync.events.allConsumed")
        expect(consumed).toHaveLength(1)
        const recordEvents = records(all)
        expect(recordEvents.map((e) => e.status).sort()).toEqual(["acked", "acked", "acked", "acked", "dead", "dead"])
        const lastSettled = Math.max(...recordEvents.map((e) => e.settledAt!))
        expect(consumed[0]!.createdAt).toBeGreaterThanOrEqual(lastSettled)

        const deliveries = yield* sink.deliveries
        const consumedAt = deliveries.findIndex((d) => d.event.type === "sync.events.allConsumed")
        const lastRecordAt = Math.max(...deliveries.flatMap((d, i) => ("recordId" in d.event ? [i] : [])))
        expect(consumedAt).toBeGreaterThan(lastRecordAt)
        expect(consumedAt).toBeGreaterThan(deliveries.findIndex((d) => d.event.type === "sync.events.allEmitted"))
        const event = deliveries[consumedAt]!.event
        expect(event.data).toEqual({ acked: 4, deadLettered: 2 })
        expect(event).toMatchObject({ syncRunId: run.id, syncId: sync.id, syncType: "initial_sync" })
        expect(deliveries.filter((d) => d.event.type === "sync.events.allConsumed")).toHaveLength(1)
        expect(Option.getOrThrow(yield* store.runs.get(run.id)).delivery.consumedEnqueued).toBe(true)
      }))
  })

  it.effect("comes once per run: a later run gets its own, and a run without record events gets one at once", () => {
    const provider = seeded(3)
    return withDelivery(provider, ({ connector, sink }) =>
      Effect.gen(function*() {
        const sync = yield* setupSync(connector)
        const engine = yield* SyncEngine.SyncEngine
        const first = yield* engine.run(sync.id, { type: "initial" })
        provider.employees.put(employee(4))
        const second = yield* engine.run(sync.id, { type: "delta" })
        const quiet = yield* engine.run(sync.id, { type: "delta" })
        for (const [run, acked] of [[first, 3], [second, 1], [quiet, 0]] as const) {
          const all = yield* until(entriesOf(run.id), (es) => es.length > 0 && es.every((e) => e.status === "acked"))
          const consumed = all.filter((e) => e.type === "sync.events.allConsumed")
          expect(consumed, run.id).toHaveLength(1)
          const delivered = (yield* sink.deliveries).filter((d) => d.eventId === consumed[0]!.id)
          expect(delivered.map((d) => d.event.data)).toEqual([{ acked, deadLettered: 0 }])
          // The run's own events keep their order: processed, allEmitted, allConsumed.
          expect(all.filter((e) => e.kind === "run").map((e) => e.type)).toEqual([
            "sync.events.processed",
            "sync.events.allEmitted",
            "sync.events.allConsumed"
          ])
        }
      }))
  })
})
