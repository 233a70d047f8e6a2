import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { SyncEngine } from "@weft/core/engine"
import type { Sink } from "@weft/core/sink"
import { Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { employee } from "./support/MemoryProvider.js"
import { attemptsOf, entriesOf, entry, records, seeded, syncAndRun, until, withDelivery } from "./support/delivery.js"

/** Acked, aborted and disabled outcomes, settled by the delivery workers. */

const retry = (reason = "HTTP 500 Internal Server Error"): Sink.Outcome => ({ _tag: "Retry", status: 500, reason })

describe("Delivery settles each outcome", () => {
  it.effect("acked → settled: status acked, record data removed, attempts and times recorded", () =>
    withDelivery(seeded(3), ({ connector, sink }) =>
      Effect.gen(function*() {
        const { run } = yield* syncAndRun(connector)
        const all = yield* until(entriesOf(run.id), (es) => es.length > 0 && es.every((e) => e.status === "acked"))
        // 3 record events + processed + allEmitted + allConsumed
        expect(all.map((e) => e.type)).toEqual([
          "record.new",
          "record.new",
          "record.new",
          "sync.events.processed",
          "sync.events.allEmitted",
          "sync.events.allConsumed"
        ])
        for (const e of all) {
          // Only events carrying record data lose their payload; run events keep theirs for replays.
          if (e.kind === "record") expect(e.payload).toBeNull()
          else expect(e.payload).not.toBeNull()
          expect(e.attempts).toBe(1)
          expect(e.settledAt).toBeTypeOf("number")
          expect(e.firstAttemptAt).toBe(e.settledAt)
          expect(e.leaseUntil).toBeUndefined()
        }
        // As one entry reads back on its own.
        const first = records(all)[0]!
        expect(yield* entry(first.id)).toMatchObject({ status: "acked", payload: null, attempts: 1 })
        const deliveries = yield* sink.deliveries
        expect(deliveries.map((d) => d.eventId).sort()).toEqual(all.map((e) => e.id).sort())
        expect(deliveries.every((d) => d.attempt === 1)).toBe(true)
      })))

  it.effect("abort → dead-lettered at once, with the receiver's reason; never attempted again", () =>
    withDelivery(seeded(3), ({ connector, sink }) =>
      Effect.gen(function*() {
        yield* sink.setScript((d) =>
          d.event.type === "record.new" && d.event.recordId === "2"
            ? { _tag: "Abort", status: 400, reason: "the receiver answered \"webhook-delivery: abort-message\"" }
            : { _tag: "Acked", status: 200 }
        )
        const { run } = yield* syncAndRun(connector)
        const aborted = records(yield* entriesOf(run.id)).find((e) => e.recordId === "2")!
        const dead = yield* until(entry(aborted.id), (e) => e.status !== "pending")
        expect(dead.status).toBe("dead")
        expect(dead.attempts).toBe(1)
        expect(dead.lastError).toMatch(/Receiver aborted the event: .*abort-message/)
        // A dead event keeps its payload: it can be replayed.
        expect(dead.payload).not.toBeNull()
        yield* TestClock.adjust("5 days")
        expect(attemptsOf(yield* sink.deliveries, aborted.id)).toHaveLength(1)
        expect((yield* entry(aborted.id)).status).toBe("dead")
      })))

  it.effect("a retry is not a settlement: the entry stays pending with its error and next attempt time", () =>
    withDelivery(seeded(1), ({ connector, sink }) =>
      Effect.gen(function*() {
        yield* sink.setScript((d) => (d.event.type === "record.new" ? retry() : { _tag: "Acked", status: 200 }))
        const { run } = yield* syncAndRun(connector)
        const [event] = records(yield* entriesOf(run.id))
        const pending = yield* until(entry(event!.id), (e) => e.attempts === 1)
        expect(pending.status).toBe("pending")
        expect(pending.lastError).toBe("HTTP 500 Internal Server Error")
        expect(pending.payload).not.toBeNull()
        expect(pending.firstAttemptAt).toBe(pending.createdAt)
        expect(pending.nextAttemptAt - pending.firstAttemptAt!).toBeGreaterThanOrEqual(4_000)
        expect(pending.nextAttemptAt - pending.firstAttemptAt!).toBeLessThanOrEqual(6_000)
      })))

  it.effect("signing secrets replaced on the destination are used from the next attempt on, even within the same millisecond", () => {
    const provider = seeded(1)
    return withDelivery(provider, ({ connector, sink }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const vault = yield* Vault.Vault
        const { run, sync } = yield* syncAndRun(connector)
        yield* until(entriesOf(run.id), (es) => es.length === 4 && es.every((e) => e.status === "acked"))
        expect((yield* sink.deliveries).map((d) => d.secretCount)).toEqual([1, 1, 1, 1])
        // Rotation: old and new both sign. The clock does not move.
        const row = Option.getOrThrow(yield* store.destinations.get(sync.destinationId))
        const secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_b2xkc2VjcmV0b2xkc2VjcmV0b2xkc2VjcmV0"]
        yield* store.destinations.put({ ...row, secrets: vault.sealJson(secrets, row.id) })
        provider.employees.put(employee(2))
        const delta = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "delta" })
        // record.new of 2, processed, allEmitted, allConsumed
        yield* until(entriesOf(delta.id), (es) => es.length === 4 && es.every((e) => e.status === "acked"))
        const later = (yield* sink.deliveries).filter((d) => d.event.syncRunId === delta.id)
        expect(later.map((d) => d.secretCount)).toEqual([2, 2, 2, 2])
      }))
  })
})
