import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Rows, type Store } from "@weft/core/store"
import {
  makeClose,
  makeCommit,
  makeConsumed,
  makeEntry,
  makeRun,
  makeRunEvent,
  makeSync,
  asStored,
  payloadOf,
  sealedRef,
  settlement,
  storedRef,
  seedPage
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
 * Conformance tests for settlements, run closing, `allConsumed`, replays and
 * payload bytes.
 *
 * @since 0.1.0
 */

const LEASE = 30_000

const delivery = (store: Store.StoreService, runId = "run_test") =>
  Effect.map(store.runs.get(runId), (run) => some(run, "run").delivery)

const typesOfRun = (store: Store.StoreService, runId = "run_test") =>
  Effect.map(store.outbox.list({ runId }), (rows) => rows.map((row) => row.type))

/**
 * @since 0.1.0
 * @category tests
 */
export const settleTests = (layer: StoreLayer): void => {
  const test = storeTest(layer)

  test("Acked: status acked, payload removed, attempt fields set, lease cleared, run counted", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      yield* store.outbox.claimDue({ now: 2_000, limit: 1, leaseMs: LEASE })
      expectSettle(yield* settleLeased(store, e.id, settlement.acked(2_500, 2, 1_500)), settled())
      const row = some(yield* store.outbox.get(e.id))
      expect(row.status).toBe("acked")
      expect(row.payload).toBeNull()
      expect(row.settledAt).toBe(2_500)
      expect(row.attempts).toBe(2)
      expect(row.firstAttemptAt).toBe(1_500)
      expect(row.leaseUntil).toBeUndefined()
      expect(row.leaseToken).toBeUndefined()
      expect(yield* delivery(store)).toMatchObject({ recordEvents: 1, acked: 1, deadLettered: 0 })
    }))

  test("Retry: stays pending with its new schedule and error, lease cleared, run not counted", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      yield* store.outbox.claimDue({ now: 2_000, limit: 1, leaseMs: LEASE })
      expectSettle(yield* settleLeased(store, e.id, settlement.retry(2_100, 7_100, "HTTP 503 Service Unavailable", 1, 2_000)), settled())
      const row = some(yield* store.outbox.get(e.id))
      expect(row.status).toBe("pending")
      expect(row.attempts).toBe(1)
      expect(row.firstAttemptAt).toBe(2_000)
      expect(row.nextAttemptAt).toBe(7_100)
      expect(row.lastError).toBe("HTTP 503 Service Unavailable")
      expect(row.leaseUntil).toBeUndefined()
      expect(row.leaseToken).toBeUndefined()
      expect(row.payload).toEqual(storedRef(e.payload))
      expect(yield* delivery(store)).toMatchObject({ acked: 0, deadLettered: 0 })
      expect(yield* store.outbox.claimDue({ now: 7_099, limit: 1, leaseMs: LEASE })).toEqual([])
      expect(ids(yield* store.outbox.claimDue({ now: 7_100, limit: 1, leaseMs: LEASE }))).toEqual([e.id])
    }))

  test("DeadLettered: status dead, payload kept for replay, run counted, next event of the key unblocked", (store) =>
    Effect.gen(function*() {
      const e = makeEntry({ recordId: "r1" })
      const next = makeEntry({ recordId: "r1" })
      yield* seedPage(store, [e, next])
      yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: LEASE })
      expectSettle(yield* settleLeased(store, e.id, settlement.dead(3_000, "HTTP 400 Bad Request", 7, 1_000)), settled())
      const row = some(yield* store.outbox.get(e.id))
      expect(row.status).toBe("dead")
      expect(row.payload).toEqual(storedRef(e.payload))
      expect(row.settledAt).toBe(3_000)
      expect(row.lastError).toBe("HTTP 400 Bad Request")
      expect(row.attempts).toBe(7)
      expect(row.leaseUntil).toBeUndefined()
      expect(yield* delivery(store)).toMatchObject({ acked: 0, deadLettered: 1 })
      expect(ids(yield* store.outbox.claimDue({ now: 3_000, limit: 10, leaseMs: LEASE }))).toEqual([next.id])
    }))

  test("settling an unknown id is Stale", (store) =>
    Effect.gen(function*() {
      yield* seedPage(store, [])
      expectSettle(yield* store.outbox.settle("evt_missing", "lease_missing", settlement.acked(1)), stale)
      expect(yield* store.outbox.list({})).toEqual([])
    }))

  test("run events and replays do not move the run's counters", (store) =>
    Effect.gen(function*() {
      const processed = makeRunEvent("run_test", "sync.events.processed")
      const record = makeEntry()
      yield* seedPage(store, [processed, record])
      expect(ids(yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: LEASE }))).toEqual([processed.id, record.id])
      expectSettle(yield* settleLeased(store, processed.id, settlement.acked(2_000)), settled())
      expect(yield* delivery(store)).toMatchObject({ recordEvents: 1, acked: 0, deadLettered: 0 })
      const replay = makeEntry({ replay: true })
      yield* store.outbox.enqueue([replay])
      expect(ids(yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: LEASE }))).toEqual([replay.id])
      expectSettle(yield* settleLeased(store, replay.id, settlement.dead(2_000)), settled())
      expect(yield* delivery(store)).toMatchObject({ recordEvents: 1, acked: 0, deadLettered: 0 })
    }))

  test("runs.close writes the final fields, keeps the store's counters, returns them and sets the sync's initialCompletedAt", (store) =>
    Effect.gen(function*() {
      yield* store.syncs.put(makeSync())
      const run = yield* seedPage(store, [makeEntry(), makeEntry()])
      const final: Rows.RunRow = {
        ...run,
        status: "partial",
        finishedAt: 9_000,
        warnings: ["sweep skipped: would delete 80% of records"],
        errors: [
          { message: "Cancelled: the sync was paused." },
          { message: "HTTP 401: the API key was revoked", code: "invalid_credentials", resolution: "Connect the account again.", model: "ats.candidate" }
        ],
        models: {
          "hris.employee": { model: "hris.employee", status: "succeeded", counters: { processed: 2, new: 2, changed: 0, deleted: 0, invalid: 0 }, fullRead: true, invalidRecords: [], warnings: [] },
          "ats.candidate": {
            model: "ats.candidate",
            status: "failed",
            counters: { processed: 0, new: 0, changed: 0, deleted: 0, invalid: 0 },
            fullRead: true,
            invalidRecords: [],
            warnings: [],
            error: { message: "HTTP 401: the API key was revoked", code: "invalid_credentials", resolution: "Connect the account again." }
          }
        },
        delivery: { recordEvents: 99, acked: 99, deadLettered: 0, emissionClosed: false, consumedEnqueued: true }
      }
      const close = makeClose(run, { run: final, sync: { initialCompletedAt: 9_000 } })
      const returned = yield* store.runs.close(close)
      const expected: Rows.RunDelivery = { recordEvents: 2, acked: 0, deadLettered: 0, emissionClosed: true, consumedEnqueued: false }
      expect(returned).toEqual(expected)
      const row = some(yield* store.runs.get(run.id))
      expect(row.status).toBe("partial")
      expect(row.finishedAt).toBe(9_000)
      expect(row.warnings).toEqual(final.warnings)
      expect(row.errors).toEqual(final.errors)
      expect(row.models).toEqual(final.models)
      expect(row.startedAt).toBe(run.startedAt)
      expect(row.delivery).toEqual(expected)
      // close never enqueues allConsumed itself.
      expect(yield* typesOfRun(store)).toEqual(["record.changed", "record.changed", "sync.events.allEmitted"])
      expect(some(yield* store.outbox.get(close.allEmitted.id)).type).toBe("sync.events.allEmitted")
      expect(some(yield* store.syncs.get(run.syncId)).initialCompletedAt).toBe(9_000)
    }))

  test("runs.close of an unknown run fails and enqueues nothing", (store) =>
    Effect.gen(function*() {
      const close = makeClose(makeRun({ id: "run_missing" }))
      yield* expectStoreError(store.runs.close(close))
      expect(Option.isNone(yield* store.outbox.get(close.allEmitted.id))).toBe(true)
      expect(Option.isNone(yield* store.runs.get("run_missing"))).toBe(true)
    }))

  test("allConsumed: closed first; the last record event's settle reports it due, enqueueConsumed enqueues it once", (store) =>
    Effect.gen(function*() {
      const [a, b] = [makeEntry(), makeEntry()]
      const run = yield* seedPage(store, [a, b])
      yield* store.runs.close(makeClose(run))
      expect(yield* typesOfRun(store)).toEqual(["record.changed", "record.changed", "sync.events.allEmitted"])
      yield* store.outbox.claimDue({ now: 3_000, limit: 10, leaseMs: LEASE })
      expectSettle(yield* settleLeased(store, a.id, settlement.acked(3_000)), settled())
      expect(yield* delivery(store)).toMatchObject({ acked: 1, consumedEnqueued: false })
      expect(yield* store.runs.consumptionDue(10)).toEqual([])
      expectSettle(yield* settleLeased(store, b.id, settlement.dead(3_001)), settled(run.id))
      // Due, not yet enqueued: nothing is in the outbox until someone enqueues it.
      expect(yield* delivery(store)).toEqual({ recordEvents: 2, acked: 1, deadLettered: 1, emissionClosed: true, consumedEnqueued: false })
      expect(yield* typesOfRun(store)).toEqual(["record.changed", "record.changed", "sync.events.allEmitted"])
      expect(yield* store.runs.consumptionDue(10)).toEqual([run.id])

      const consumed = makeConsumed(run)
      expect(yield* store.runs.enqueueConsumed(consumed)).toBe(true)
      expect(yield* delivery(store)).toEqual({ recordEvents: 2, acked: 1, deadLettered: 1, emissionClosed: true, consumedEnqueued: true })
      expect(yield* typesOfRun(store)).toEqual([
        "record.changed",
        "record.changed",
        "sync.events.allEmitted",
        "sync.events.allConsumed"
      ])
      expect(yield* store.runs.consumptionDue(10)).toEqual([])
      // A second enqueue (another observer) does nothing.
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run))).toBe(false)
      // A replay settling later reports nothing more.
      expect(yield* store.outbox.requeue([b.id], 4_000)).toEqual([b.id])
      expect(ids(yield* store.outbox.claimDue({ now: 4_000, limit: 10, leaseMs: LEASE, destinationId: "dst_test" }))).toContain(b.id)
      expectSettle(yield* settleLeased(store, b.id, settlement.acked(4_001)), settled())
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run))).toBe(false)
      expect((yield* typesOfRun(store)).filter((t) => t === "sync.events.allConsumed").length).toBe(1)
      expect(yield* delivery(store)).toMatchObject({ acked: 1, deadLettered: 1 })
    }))

  test("allConsumed: all settled first; close returns counters that show it due, then enqueued after allEmitted", (store) =>
    Effect.gen(function*() {
      const [a, b] = [makeEntry(), makeEntry()]
      const run = yield* seedPage(store, [a, b])
      yield* store.outbox.claimDue({ now: 3_000, limit: 10, leaseMs: LEASE })
      expectSettle(yield* settleLeased(store, a.id, settlement.acked(3_000)), settled())
      // Emission is still open: not due, however many are settled.
      expectSettle(yield* settleLeased(store, b.id, settlement.acked(3_001)), settled())
      expect(yield* typesOfRun(store)).toEqual(["record.changed", "record.changed"])
      expect(yield* store.runs.consumptionDue(10)).toEqual([])
      const close = makeClose(run)
      const closed = yield* store.runs.close(close)
      expect(closed).toEqual({ recordEvents: 2, acked: 2, deadLettered: 0, emissionClosed: true, consumedEnqueued: false })
      expect(Rows.consumptionDue(closed)).toBe(true)
      expect(yield* store.runs.consumptionDue(10)).toEqual([run.id])
      const consumed = makeConsumed(run)
      expect(yield* store.runs.enqueueConsumed(consumed)).toBe(true)
      expect(yield* delivery(store)).toMatchObject({ emissionClosed: true, consumedEnqueued: true })
      expect(yield* typesOfRun(store)).toEqual([
        "record.changed",
        "record.changed",
        "sync.events.allEmitted",
        "sync.events.allConsumed"
      ])
      // Both run events share the run's ordering key: allConsumed goes out strictly after allEmitted.
      const first = yield* store.outbox.claimDue({ now: 4_000, limit: 10, leaseMs: LEASE })
      expect(ids(first)).toEqual([close.allEmitted.id])
      expectSettle(yield* settleClaimed(store, first[0], settlement.acked(4_001)), settled())
      const second = yield* store.outbox.claimDue({ now: 4_001, limit: 10, leaseMs: LEASE })
      expect(ids(second)).toEqual([consumed.id])
      // Settling run events reports nothing.
      expectSettle(yield* settleClaimed(store, second[0], settlement.acked(4_002)), settled())
      expect(some(yield* store.outbox.get(consumed.id)).payload).toEqual(storedRef(consumed.payload))
    }))

  test("allConsumed: a run without record events is due right at close", (store) =>
    Effect.gen(function*() {
      const run = yield* seedPage(store, [])
      const closed = yield* store.runs.close(makeClose(run))
      expect(closed).toEqual({ recordEvents: 0, acked: 0, deadLettered: 0, emissionClosed: true, consumedEnqueued: false })
      expect(yield* store.runs.consumptionDue(10)).toEqual([run.id])
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run))).toBe(true)
      expect(yield* typesOfRun(store)).toEqual(["sync.events.allEmitted", "sync.events.allConsumed"])
    }))

  test("allConsumed is not due while emission is open, even when every event so far is settled", (store) =>
    Effect.gen(function*() {
      const a = makeEntry()
      const run = yield* seedPage(store, [a])
      yield* store.outbox.claimDue({ now: 3_000, limit: 10, leaseMs: LEASE })
      expectSettle(yield* settleLeased(store, a.id, settlement.acked(3_000)), settled())
      const b = makeEntry()
      yield* store.commit(makeCommit({ events: [b] }))
      yield* store.outbox.claimDue({ now: 3_001, limit: 10, leaseMs: LEASE })
      expectSettle(yield* settleLeased(store, b.id, settlement.acked(3_001)), settled())
      expect(yield* delivery(store)).toEqual({ recordEvents: 2, acked: 2, deadLettered: 0, emissionClosed: false, consumedEnqueued: false })
      expect(yield* store.runs.consumptionDue(10)).toEqual([])
      const consumed = makeConsumed(run)
      expect(yield* store.runs.enqueueConsumed(consumed)).toBe(false)
      expect(Option.isNone(yield* store.outbox.get(consumed.id))).toBe(true)
      expect(yield* delivery(store)).toMatchObject({ consumedEnqueued: false })
    }))

  test("requeue: dead entries come back as replays at the back of their key; acked ones are not requeued", (store) =>
    Effect.gen(function*() {
      const dead = makeEntry({ recordId: "r1" })
      const acked = makeEntry({ recordId: "r2" })
      yield* seedPage(store, [dead, acked])
      yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: LEASE })
      yield* settleLeased(store, dead.id, settlement.dead(2_000, "HTTP 422"))
      yield* settleLeased(store, acked.id, settlement.acked(2_000))
      const later = makeEntry({ recordId: "r1" })
      yield* store.commit(makeCommit({ events: [later] }))
      const before = yield* delivery(store)

      const requeued = yield* store.outbox.requeue([dead.id, acked.id, "evt_missing"], 5_000)
      expect(requeued).toEqual([dead.id])
      const row = some(yield* store.outbox.get(dead.id))
      expect(row.status).toBe("pending")
      expect(row.replay).toBe(true)
      expect(row.attempts).toBe(0)
      expect(row.firstAttemptAt).toBeUndefined()
      expect(row.nextAttemptAt).toBe(5_000)
      expect(row.leaseUntil).toBeUndefined()
      expect(row.payload).toEqual(storedRef(dead.payload))
      expect(some(yield* store.outbox.get(acked.id)).status).toBe("acked")
      expect(yield* delivery(store)).toEqual(before)

      // The replay went to the back: `later` (same record) goes first.
      expect(ids(yield* store.outbox.claimDue({ now: 5_000, limit: 10, leaseMs: LEASE }))).toEqual([later.id])
      yield* settleLeased(store, later.id, settlement.acked(5_001))
      expect(ids(yield* store.outbox.claimDue({ now: 5_001, limit: 10, leaseMs: LEASE }))).toEqual([dead.id])
      expectSettle(yield* settleLeased(store, dead.id, settlement.acked(5_002)), settled())
      expect(yield* delivery(store)).toEqual({ ...before, acked: before.acked + 1 })
      expect(some(yield* store.outbox.get(dead.id)).payload).toBeNull()
    }))

  test("requeue leaves pending entries alone: they are already on their way", (store) =>
    Effect.gen(function*() {
      const first = makeEntry({ recordId: "r1" })
      const second = makeEntry({ recordId: "r1" })
      yield* seedPage(store, [first, second])
      yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: LEASE })
      expect(yield* store.outbox.requeue([first.id, second.id], 1_500)).toEqual([])
      expect(some(yield* store.outbox.get(first.id)).replay).toBeUndefined()
    }))

  test("acking removes the payload only of events that carry record data; the others replay as sent", (store) =>
    Effect.gen(function*() {
      const changed = makeEntry({ recordId: "r1", type: "record.changed" })
      const created = makeEntry({ recordId: "r2", type: "record.new" })
      const deleted = makeEntry({ recordId: "r3", type: "record.deleted" })
      yield* seedPage(store, [changed, created, deleted])
      yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: LEASE })
      for (const entry of [changed, created, deleted]) yield* settleLeased(store, entry.id, settlement.acked(2_000))
      expect(some(yield* store.outbox.get(changed.id)).payload).toBeNull()
      expect(some(yield* store.outbox.get(created.id)).payload).toBeNull()
      expect(some(yield* store.outbox.get(deleted.id)).payload).toEqual(storedRef(deleted.payload))
      expect(yield* store.outbox.requeue([changed.id, deleted.id], 3_000)).toEqual([deleted.id])
      expect(some(yield* store.outbox.get(deleted.id))).toMatchObject({ status: "pending", replay: true })
    }))

  test("purge forgets entries settled before the cutoff and never a pending one", (store) =>
    Effect.gen(function*() {
      const old = makeEntry({ recordId: "r1" })
      const dead = makeEntry({ recordId: "r2" })
      const recent = makeEntry({ recordId: "r3" })
      const waiting = makeEntry({ recordId: "r4" })
      yield* seedPage(store, [old, dead, recent, waiting])
      expect(ids(yield* store.outbox.claimDue({ now: 2_000, limit: 3, leaseMs: LEASE }))).toEqual([old.id, dead.id, recent.id])
      yield* settleLeased(store, old.id, settlement.acked(2_000))
      yield* settleLeased(store, dead.id, settlement.dead(2_500, "HTTP 422"))
      yield* settleLeased(store, recent.id, settlement.acked(9_000))
      expect(yield* store.outbox.purge(5_000)).toBe(2)
      expect(Option.isNone(yield* store.outbox.get(old.id))).toBe(true)
      expect(Option.isNone(yield* store.outbox.get(dead.id))).toBe(true)
      expect(ids(yield* store.outbox.list({ runId: "run_test" }))).toEqual([recent.id, waiting.id])
      expect(yield* store.outbox.purge(5_000)).toBe(0)
      expect(yield* store.outbox.purge(Number.MAX_SAFE_INTEGER)).toBe(1)
      expect(ids(yield* store.outbox.claimDue({ now: 10_000, limit: 10, leaseMs: LEASE }))).toEqual([waiting.id])
    }))

  test("a requeued entry is ordered as if newly inserted, behind entries of other keys", (store) =>
    Effect.gen(function*() {
      const old = makeEntry({ recordId: "r1" })
      const newer = makeEntry({ recordId: "r2", nextAttemptAt: 4_000 })
      yield* seedPage(store, [old, newer])
      expect(ids(yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: LEASE }))).toEqual([old.id])
      yield* settleLeased(store, old.id, settlement.dead(2_000))
      yield* store.outbox.requeue([old.id], 3_000)
      expect(ids(yield* store.outbox.claimDue({ now: 5_000, limit: 1, leaseMs: LEASE }))).toEqual([newer.id])
      expect(ids(yield* store.outbox.claimDue({ now: 5_000, limit: 1, leaseMs: LEASE }))).toEqual([old.id])
    }))

  test("enqueue appends replays outside a commit; they are claimable and keep their bytes", (store) =>
    Effect.gen(function*() {
      yield* seedPage(store, [])
      const replay = makeEntry({ replay: true, createdAt: 8_000, nextAttemptAt: 8_000 })
      yield* store.outbox.enqueue([replay])
      expect(some(yield* store.outbox.get(replay.id))).toEqual(asStored(replay))
      const claimed = yield* store.outbox.claimDue({ now: 8_000, limit: 10, leaseMs: LEASE })
      expect(ids(claimed)).toEqual([replay.id])
      expect(claimed[0].payload).toEqual(storedRef(replay.payload))
      expect(yield* delivery(store)).toMatchObject({ recordEvents: 0 })
    }))

  test("payloads: the bytes given are the bytes returned, never changed; acked removes them", (store) =>
    Effect.gen(function*() {
      const bytes = new Uint8Array(256)
      for (let i = 0; i < 256; i++) bytes[i] = 255 - i
      const e = makeEntry({ payload: sealedRef("bytes", bytes) })
      const expected = new Uint8Array(bytes)
      const empty = makeEntry({ payload: sealedRef("empty", new Uint8Array(0)) })
      yield* seedPage(store, [e, empty])
      expect(some(yield* store.outbox.get(e.id)).payload).toEqual({ id: "pay_bytes", offset: 0, length: 256 })
      expect((yield* store.outbox.list({}))[0].payload).toEqual({ id: "pay_bytes", offset: 0, length: 256 })
      expect(some(yield* store.outbox.payload("pay_bytes"))).toEqual(expected)
      expect(some(yield* store.outbox.payload("pay_empty"))).toEqual(new Uint8Array(0))
      const claimed = yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: LEASE })
      expect(claimed.map((c) => c.payload)).toEqual([storedRef(e.payload), storedRef(empty.payload)])
      expectSettle(yield* settleClaimed(store, claimed[0], settlement.acked(1_001)), settled())
      expect(some(yield* store.outbox.get(e.id)).payload).toBeNull()
      expect(Option.isNone(yield* store.outbox.payload("pay_bytes"))).toBe(true)
      expect(yield* store.outbox.requeue([e.id], 2_000)).toEqual([])
      // Nothing the store did changed the bytes it was given.
      expect(bytes).toEqual(expected)
    }))

  test("list: oldest first, filters combined, limit 1,000 by default", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      yield* store.runs.create(makeRun({ id: "run_two", syncId: "syn_two" }))
      const many = Array.from({ length: 1_100 }, (_, i) => makeEntry({ createdAt: 1_000 + i }))
      yield* store.commit(makeCommit({ events: many }))
      const other = Array.from({ length: 5 }, (_, i) =>
        makeEntry({ runId: "run_two", syncId: "syn_two", createdAt: 5_000 + i })
      )
      yield* store.commit(makeCommit({ runId: "run_two", scope: { syncId: "syn_two", model: "hris.employee" }, events: other }))
      expect((yield* store.outbox.claimDue({ now: 9_000, limit: 2_000, leaseMs: LEASE })).length).toBe(1_105)
      yield* settleLeased(store, many[1].id, settlement.acked(9_000))
      yield* settleLeased(store, other[2].id, settlement.dead(9_000))

      const all = yield* store.outbox.list({})
      expect(all.length).toBe(1_000)
      expect(ids(all)).toEqual(ids(many.slice(0, 1_000)))
      expect((yield* store.outbox.list({ limit: 2_000 })).length).toBe(1_105)
      expect(ids(yield* store.outbox.list({ runId: "run_two" }))).toEqual(ids(other))
      expect(ids(yield* store.outbox.list({ syncId: "syn_two", status: "pending" }))).toEqual(
        ids([other[0], other[1], other[3], other[4]])
      )
      expect(ids(yield* store.outbox.list({ status: "acked" }))).toEqual([many[1].id])
      expect(ids(yield* store.outbox.list({ from: 1_010, to: 1_013 }))).toEqual(ids(many.slice(10, 13)))
      expect(ids(yield* store.outbox.list({ runId: "run_test", from: 2_098 }))).toEqual(ids(many.slice(1_098)))
      expect(ids(yield* store.outbox.list({ runId: "run_two", status: "dead", from: 5_000, to: 6_000 }))).toEqual([other[2].id])
      expect(ids(yield* store.outbox.list({ limit: 3 }))).toEqual(ids(many.slice(0, 3)))
      expect(yield* store.outbox.list({ runId: "run_none" })).toEqual([])
    }))

  test("the payload of an allEmitted entry round-trips byte-exact", (store) =>
    Effect.gen(function*() {
      const run = yield* seedPage(store, [])
      const close = makeClose(run, {
        allEmitted: makeRunEvent(run.id, "sync.events.allEmitted", { payload: sealedRef("emitted", payloadOf("allEmitted ✓")) })
      })
      yield* store.runs.close(close)
      expect(some(yield* store.outbox.get(close.allEmitted.id)).payload).toEqual(storedRef(close.allEmitted.payload))
      expect(some(yield* store.outbox.payload("pay_emitted"))).toEqual(payloadOf("allEmitted ✓"))
    }))
}
