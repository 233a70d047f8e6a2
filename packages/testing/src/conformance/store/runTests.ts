import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Rows, Store } from "@weft/core/store"
import {
  asStored,
  makeClose,
  makeCommit,
  makeConsumed,
  makeEntry,
  makeRun,
  makeRunEvent,
  settlement
} from "./Builders.js"
import {
  expectSettle,
  expectStoreError,
  ids,
  settleClaimed,
  settled,
  settleLeased,
  some,
  stale,
  storeTest,
  type StoreLayer
} from "./Harness.js"

/**
 * Conformance tests for a run's end: `consumptionDue` from settles, the
 * `allConsumed` compare-and-set, `runs.consumptionDue`, run status queries and
 * run leases.
 *
 * @since 0.1.0
 */

const LEASE = 30_000

const seed = (store: Store.StoreService, run: Rows.RunRow, events: ReadonlyArray<Rows.OutboxEntry>) =>
  Effect.gen(function*() {
    yield* store.runs.create(run)
    yield* store.commit(makeCommit({ runId: run.id, scope: { syncId: run.syncId, model: "hris.employee" }, events }))
    return run
  })

const entryOf = (run: Rows.RunRow, overrides: Partial<Rows.OutboxEntry> = {}) =>
  makeEntry({ runId: run.id, syncId: run.syncId, ...overrides })

const delivery = (store: Store.StoreService, runId: string) =>
  Effect.map(store.runs.get(runId), (run) => some(run, "run").delivery)

const allConsumedOf = (store: Store.StoreService, runId: string) =>
  store.outbox.list({ runId, type: "sync.events.allConsumed" })

/**
 * @since 0.1.0
 * @category tests
 */
export const runTests = (layer: StoreLayer): void => {
  const test = storeTest(layer)

  test("consumptionDue: only the settle that settles a closed run's last record event reports it", (store) =>
    Effect.gen(function*() {
      const run = makeRun()
      const [a, b, c] = [entryOf(run), entryOf(run), entryOf(run)]
      const processed = makeRunEvent(run.id, "sync.events.processed")
      yield* seed(store, run, [a, processed, b, c])
      yield* store.runs.close(makeClose(run))
      yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: LEASE })
      expectSettle(yield* settleLeased(store, a.id, settlement.acked(1_001)), settled())
      // A run event settling reports nothing, even with one record event left.
      expectSettle(yield* settleLeased(store, processed.id, settlement.acked(1_001)), settled())
      expectSettle(yield* settleLeased(store, b.id, settlement.dead(1_002)), settled())
      // The last record event retried or released: not settled, not due.
      expectSettle(yield* settleLeased(store, c.id, settlement.retry(1_003, 1_003)), settled())
      const again = yield* store.outbox.claimDue({ now: 1_003, limit: 10, leaseMs: LEASE })
      expect(ids(again)).toContain(c.id)
      expectSettle(yield* settleLeased(store, c.id, settlement.released), settled())
      expect(yield* store.runs.consumptionDue(10)).toEqual([])
      const last = some(Option.fromNullable((yield* store.outbox.claimDue({ now: 1_004, limit: 10, leaseMs: LEASE })).find((e) => e.id === c.id)))
      // Its settle reports the run, once; a stale repeat reports nothing.
      expectSettle(yield* settleClaimed(store, last, settlement.acked(1_005)), settled(run.id))
      expectSettle(yield* settleClaimed(store, last, settlement.acked(1_006)), stale)
      expect(yield* delivery(store, run.id)).toEqual({ recordEvents: 3, acked: 2, deadLettered: 1, emissionClosed: true, consumedEnqueued: false })
    }))

  test("enqueueConsumed: true once, then false; the entry it inserted is claimable", (store) =>
    Effect.gen(function*() {
      const run = yield* seed(store, makeRun(), [])
      yield* store.runs.close(makeClose(run))
      const consumed = makeConsumed(run)
      expect(yield* store.runs.enqueueConsumed(consumed)).toBe(true)
      const again = makeConsumed(run)
      expect(yield* store.runs.enqueueConsumed(again)).toBe(false)
      expect(Option.isNone(yield* store.outbox.get(again.id))).toBe(true)
      expect(ids(yield* allConsumedOf(store, run.id))).toEqual([consumed.id])
      expect(some(yield* store.outbox.get(consumed.id))).toEqual(asStored(consumed))
      expect(yield* delivery(store, run.id)).toMatchObject({ emissionClosed: true, consumedEnqueued: true })
      // allEmitted goes first on the run's key, then allConsumed.
      const [emitted] = yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: LEASE })
      expect(emitted.type).toBe("sync.events.allEmitted")
      yield* settleClaimed(store, emitted, settlement.acked(2_001))
      expect(ids(yield* store.outbox.claimDue({ now: 2_001, limit: 10, leaseMs: LEASE }))).toEqual([consumed.id])
    }))

  test("enqueueConsumed: false while the run is open or has unsettled record events", (store) =>
    Effect.gen(function*() {
      const run = makeRun()
      const [a, b] = [entryOf(run), entryOf(run)]
      yield* seed(store, run, [a, b])
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run))).toBe(false)
      yield* store.runs.close(makeClose(run))
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run))).toBe(false)
      yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: LEASE })
      yield* settleLeased(store, a.id, settlement.acked(1_001))
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run))).toBe(false)
      expect(yield* allConsumedOf(store, run.id)).toEqual([])
      expect(yield* delivery(store, run.id)).toMatchObject({ consumedEnqueued: false })
      expectSettle(yield* settleLeased(store, b.id, settlement.acked(1_002)), settled(run.id))
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run))).toBe(true)
    }))

  test("enqueueConsumed of an unknown run fails; a used entry id fails and applies nothing", (store) =>
    Effect.gen(function*() {
      yield* expectStoreError(store.runs.enqueueConsumed(makeConsumed("run_missing")))
      const run = yield* seed(store, makeRun(), [])
      const close = makeClose(run)
      yield* store.runs.close(close)
      yield* expectStoreError(store.runs.enqueueConsumed(makeConsumed(run, { id: close.allEmitted.id })))
      expect(yield* delivery(store, run.id)).toMatchObject({ consumedEnqueued: false })
      expect(yield* allConsumedOf(store, run.id)).toEqual([])
      expect(yield* store.runs.consumptionDue(10)).toEqual([run.id])
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run))).toBe(true)
    }))

  test("enqueueConsumed: of many concurrent calls exactly one enqueues", (store) =>
    Effect.gen(function*() {
      const run = yield* seed(store, makeRun(), [])
      yield* store.runs.close(makeClose(run))
      const results = yield* Effect.forEach(
        Array.from({ length: 10 }, () => makeConsumed(run)),
        (entry) => store.runs.enqueueConsumed(entry),
        { concurrency: "unbounded" }
      )
      expect(results.filter((r) => r).length).toBe(1)
      expect((yield* allConsumedOf(store, run.id)).length).toBe(1)
    }))

  test("runs.consumptionDue lists the runs whose allConsumed is due, up to the limit, until it is enqueued", (store) =>
    Effect.gen(function*() {
      const open = yield* seed(store, makeRun({ id: "run_open", startedAt: 1_000 }), [])
      const busy = makeRun({ id: "run_busy", startedAt: 2_000 })
      const pendingEvent = entryOf(busy)
      yield* seed(store, busy, [pendingEvent])
      yield* store.runs.close(makeClose(busy))
      const due = ["run_due1", "run_due2", "run_due3"]
      for (const [i, id] of due.entries()) {
        const run = yield* seed(store, makeRun({ id, startedAt: 3_000 + i }), [])
        yield* store.runs.close(makeClose(run))
      }
      expect([...(yield* store.runs.consumptionDue(10))].sort()).toEqual(due)
      const two = yield* store.runs.consumptionDue(2)
      expect(two.length).toBe(2)
      for (const id of two) expect(due).toContain(id)
      expect(yield* store.runs.consumptionDue(0)).toEqual([])

      expect(yield* store.runs.enqueueConsumed(makeConsumed("run_due2"))).toBe(true)
      expect([...(yield* store.runs.consumptionDue(10))].sort()).toEqual(["run_due1", "run_due3"])
      // The busy run joins once its last event settles.
      yield* store.outbox.claimDue({ now: 5_000, limit: 10, leaseMs: LEASE, destinationId: pendingEvent.destinationId })
      expectSettle(yield* settleLeased(store, pendingEvent.id, settlement.dead(5_001)), settled(busy.id))
      expect([...(yield* store.runs.consumptionDue(10))].sort()).toEqual(["run_busy", "run_due1", "run_due3"])
      expect(yield* store.runs.consumptionDue(10)).not.toContain(open.id)
    }))

  test("runs.list filters by status", (store) =>
    Effect.gen(function*() {
      const a = yield* seed(store, makeRun({ id: "run_a", startedAt: 1_000 }), [])
      const b = yield* seed(store, makeRun({ id: "run_b", startedAt: 2_000 }), [])
      yield* seed(store, makeRun({ id: "run_c", startedAt: 3_000 }), [])
      const d = yield* seed(store, makeRun({ id: "run_d", startedAt: 4_000, syncId: "syn_other" }), [])
      yield* store.runs.close(makeClose(a, { run: { ...a, status: "succeeded", finishedAt: 5_000 } }))
      yield* store.runs.close(makeClose(b, { run: { ...b, status: "failed", finishedAt: 5_000 } }))
      yield* store.runs.close(makeClose(d, { run: { ...d, status: "succeeded", finishedAt: 5_000 } }))
      expect(ids(yield* store.runs.list({ status: "running" }))).toEqual(["run_c"])
      expect(ids(yield* store.runs.list({ status: "succeeded" }))).toEqual(["run_d", "run_a"])
      expect(ids(yield* store.runs.list({ status: "succeeded", syncId: "syn_test" }))).toEqual(["run_a"])
      expect(ids(yield* store.runs.list({ status: "succeeded", limit: 1 }))).toEqual(["run_d"])
      expect(ids(yield* store.runs.list({ status: "failed" }))).toEqual(["run_b"])
      expect(yield* store.runs.list({ status: "partial" })).toEqual([])
    }))

  test("run leases: acquire a free lease, refused to others until it lapses, renewed by its holder", (store) =>
    Effect.gen(function*() {
      expect(Option.isNone(yield* store.runLeases.get("syn_a"))).toBe(true)
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_1", now: 1_000, ttlMs: 500 })).toBe(true)
      expect(some(yield* store.runLeases.get("syn_a"))).toEqual({ syncId: "syn_a", holder: "run_1", until: 1_500 })
      // Held: refused to another holder, and the lease is left as it was.
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_2", now: 1_000, ttlMs: 500 })).toBe(false)
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_2", now: 1_499, ttlMs: 10_000 })).toBe(false)
      expect(some(yield* store.runLeases.get("syn_a"))).toEqual({ syncId: "syn_a", holder: "run_1", until: 1_500 })
      // Other syncs are independent.
      expect(yield* store.runLeases.acquire({ syncId: "syn_b", holder: "run_2", now: 1_000, ttlMs: 500 })).toBe(true)
      // Renewal by the holder moves `until`.
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_1", now: 1_400, ttlMs: 500 })).toBe(true)
      expect(some(yield* store.runLeases.get("syn_a"))).toEqual({ syncId: "syn_a", holder: "run_1", until: 1_900 })
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_2", now: 1_899, ttlMs: 500 })).toBe(false)
      // Lapsed (until <= now): another holder takes it over.
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_2", now: 1_900, ttlMs: 500 })).toBe(true)
      expect(some(yield* store.runLeases.get("syn_a"))).toEqual({ syncId: "syn_a", holder: "run_2", until: 2_400 })
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_1", now: 2_000, ttlMs: 500 })).toBe(false)
      // Long after it lapsed, too.
      expect(yield* store.runLeases.acquire({ syncId: "syn_b", holder: "run_3", now: 99_000, ttlMs: 500 })).toBe(true)
      expect(some(yield* store.runLeases.get("syn_b"))).toEqual({ syncId: "syn_b", holder: "run_3", until: 99_500 })
    }))

  test("run leases: only the holder releases; a released lease is free", (store) =>
    Effect.gen(function*() {
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_1", now: 1_000, ttlMs: 60_000 })).toBe(true)
      yield* store.runLeases.release("syn_a", "run_2")
      expect(some(yield* store.runLeases.get("syn_a"))).toEqual({ syncId: "syn_a", holder: "run_1", until: 61_000 })
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_2", now: 2_000, ttlMs: 60_000 })).toBe(false)
      yield* store.runLeases.release("syn_a", "run_1")
      expect(Option.isNone(yield* store.runLeases.get("syn_a"))).toBe(true)
      expect(yield* store.runLeases.acquire({ syncId: "syn_a", holder: "run_2", now: 2_000, ttlMs: 60_000 })).toBe(true)
      // Releasing what is not held, or twice, is fine.
      yield* store.runLeases.release("syn_none", "run_1")
      yield* store.runLeases.release("syn_a", "run_1")
      expect(some(yield* store.runLeases.get("syn_a")).holder).toBe("run_2")
    }))

  test("run leases: of many concurrent acquires of a free lease exactly one wins", (store) =>
    Effect.gen(function*() {
      const results = yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => `run_${i}`),
        (holder) => store.runLeases.acquire({ syncId: "syn_a", holder, now: 1_000, ttlMs: 60_000 }),
        { concurrency: "unbounded" }
      )
      expect(results.filter((r) => r).length).toBe(1)
      expect(some(yield* store.runLeases.get("syn_a")).holder).toBe(`run_${results.indexOf(true)}`)
    }))
}
