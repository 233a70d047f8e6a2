import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Rows, Store } from "@weft/core/store"
import { makeDestination, makeEntry, settlement,
  seedPage
} from "./Builders.js"
import { expectStoreError, ids, settleClaimed, settleLeased, some, storeTest, type StoreLayer } from "./Harness.js"

/**
 * Conformance tests for claiming: order, leases, per-record ordering,
 * destinations and `nextDueAt`.
 *
 * @since 0.1.0
 */

const LEASE = 30_000

const claim = (store: Store.StoreService, now: number, limit = 100, destinationId?: string) =>
  store.outbox.claimDue({ now, limit, leaseMs: LEASE, destinationId })

/**
 * @since 0.1.0
 * @category tests
 */
export const outboxTests = (layer: StoreLayer): void => {
  const test = storeTest(layer)

  test("claims oldest first, up to the limit, and leases what it claims", (store) =>
    Effect.gen(function*() {
      const [e1, e2, e3] = [makeEntry(), makeEntry(), makeEntry()]
      yield* seedPage(store, [e1, e2, e3])
      const first = yield* claim(store, 5_000, 2)
      expect(ids(first)).toEqual([e1.id, e2.id])
      for (const entry of first) {
        expect(entry.leaseUntil).toBe(5_000 + LEASE)
        expect(entry.status).toBe("pending")
      }
      expect(some(yield* store.outbox.get(e1.id)).leaseUntil).toBe(5_000 + LEASE)
      expect(ids(yield* claim(store, 5_000, 2))).toEqual([e3.id])
      expect(yield* claim(store, 5_000, 2)).toEqual([])
      expect(yield* claim(store, 5_000, 0)).toEqual([])
    }))

  test("a leased entry is invisible to other claims until its lease ends, then claimable again", (store) =>
    Effect.gen(function*() {
      const e1 = makeEntry()
      yield* seedPage(store, [e1])
      expect(ids(yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: 500 }))).toEqual([e1.id])
      expect(yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: 500 })).toEqual([])
      expect(yield* store.outbox.claimDue({ now: 1_499, limit: 10, leaseMs: 500 })).toEqual([])
      const again = yield* store.outbox.claimDue({ now: 1_500, limit: 10, leaseMs: 500 })
      expect(ids(again)).toEqual([e1.id])
      expect(again[0].leaseUntil).toBe(2_000)
    }))

  test("an entry is not claimable before its nextAttemptAt", (store) =>
    Effect.gen(function*() {
      const later = makeEntry({ nextAttemptAt: 5_000 })
      yield* seedPage(store, [later])
      expect(yield* claim(store, 4_999)).toEqual([])
      expect(ids(yield* claim(store, 5_000))).toEqual([later.id])
    }))

  test("oldest first means insertion order, not due time", (store) =>
    Effect.gen(function*() {
      const e1 = makeEntry()
      const e2 = makeEntry({ nextAttemptAt: 100 })
      const e3 = makeEntry()
      yield* seedPage(store, [e1, e2, e3])
      const [claimed] = yield* claim(store, 0, 1)
      expect(claimed.id).toBe(e1.id)
      yield* settleClaimed(store, claimed, settlement.retry(0, 2_000))
      // At 5,000 all three are due; e1 (retried, due last) is still the oldest.
      expect(ids(yield* claim(store, 5_000, 2))).toEqual([e1.id, e2.id])
      expect(ids(yield* claim(store, 5_000, 2))).toEqual([e3.id])
    }))

  test("per-record ordering: a key's next event waits until the earlier one is settled", (store) =>
    Effect.gen(function*() {
      const first = makeEntry({ recordId: "r1" })
      const other = makeEntry({ recordId: "r2" })
      const second = makeEntry({ recordId: "r1" })
      yield* seedPage(store, [first, other, second])
      expect(ids(yield* claim(store, 1_000))).toEqual([first.id, other.id])
      // Leases expired: the heads are claimable again, the second event still is not.
      expect(ids(yield* claim(store, 1_000 + LEASE))).toEqual([first.id, other.id])
      yield* settleLeased(store, first.id, settlement.acked(1_000 + LEASE))
      expect(ids(yield* claim(store, 1_000 + LEASE))).toEqual([second.id])
    }))

  test("per-record ordering holds while the earlier event waits for a retry", (store) =>
    Effect.gen(function*() {
      const first = makeEntry({ recordId: "r1" })
      const second = makeEntry({ recordId: "r1" })
      yield* seedPage(store, [first, second])
      expect(ids(yield* claim(store, 1_000))).toEqual([first.id])
      yield* settleLeased(store, first.id, settlement.retry(1_000, 60_000))
      expect(yield* claim(store, 2_000)).toEqual([])
      expect(yield* claim(store, 59_999)).toEqual([])
      expect(ids(yield* claim(store, 60_000))).toEqual([first.id])
      yield* settleLeased(store, first.id, settlement.dead(60_001))
      expect(ids(yield* claim(store, 60_001))).toEqual([second.id])
    }))

  test("different ordering keys are claimed in parallel", (store) =>
    Effect.gen(function*() {
      const heads: Array<Rows.OutboxEntry> = []
      const events: Array<Rows.OutboxEntry> = []
      for (let k = 0; k < 5; k++) {
        const head = makeEntry({ recordId: `k${k}` })
        heads.push(head)
        events.push(head)
      }
      for (let k = 0; k < 5; k++) events.push(makeEntry({ recordId: `k${k}` }))
      yield* seedPage(store, events)
      expect(ids(yield* claim(store, 1_000))).toEqual(ids(heads))
    }))

  test("claimDue can be limited to one destination", (store) =>
    Effect.gen(function*() {
      const a = makeEntry({ destinationId: "dst_a" })
      const b = makeEntry({ destinationId: "dst_b" })
      const a2 = makeEntry({ destinationId: "dst_a" })
      yield* seedPage(store, [a, b, a2])
      expect(ids(yield* claim(store, 1_000, 100, "dst_b"))).toEqual([b.id])
      expect(yield* claim(store, 1_000, 100, "dst_none")).toEqual([])
      expect(ids(yield* claim(store, 1_000))).toEqual([a.id, a2.id])
    }))

  test("a disabled destination's entries are held: not claimed, no nextDueAt; re-enabled they are claimable", (store) =>
    Effect.gen(function*() {
      yield* store.destinations.put(makeDestination({ id: "dst_a" }))
      const a = makeEntry({ destinationId: "dst_a" })
      const b = makeEntry({ destinationId: "dst_b" })
      yield* seedPage(store, [a, b])
      yield* store.destinations.setEnabled("dst_a", false, "Receiver answered 410 Gone", 2_000)
      const row = some(yield* store.destinations.get("dst_a"))
      expect(row.enabled).toBe(false)
      expect(row.disabledReason).toBe("Receiver answered 410 Gone")
      expect(row.updatedAt).toBe(2_000)
      expect(ids(yield* claim(store, 3_000))).toEqual([b.id])
      expect(yield* claim(store, 3_000, 100, "dst_a")).toEqual([])
      expect(Option.isNone(yield* store.outbox.nextDueAt("dst_a"))).toBe(true)
      expect(some(yield* store.outbox.get(a.id)).status).toBe("pending")

      yield* store.destinations.setEnabled("dst_a", true, undefined, 4_000)
      expect(some(yield* store.destinations.get("dst_a")).enabled).toBe(true)
      expect(some(yield* store.outbox.nextDueAt("dst_a"))).toBe(0)
      expect(ids(yield* claim(store, 4_000, 100, "dst_a"))).toEqual([a.id])
    }))

  test("an entry released after its destination was disabled is held until re-enabled", (store) =>
    Effect.gen(function*() {
      yield* store.destinations.put(makeDestination({ id: "dst_a" }))
      const a = makeEntry({ destinationId: "dst_a" })
      yield* seedPage(store, [a])
      expect(ids(yield* claim(store, 1_000))).toEqual([a.id])
      yield* store.destinations.setEnabled("dst_a", false, "webhook-delivery: disable", 1_001)
      yield* settleLeased(store, a.id, settlement.released)
      expect(some(yield* store.outbox.get(a.id)).leaseUntil).toBeUndefined()
      expect(yield* claim(store, 1_000 + 2 * LEASE)).toEqual([])
      yield* store.destinations.setEnabled("dst_a", true, undefined, 1_002)
      expect(ids(yield* claim(store, 1_002))).toEqual([a.id])
    }))

  test("setEnabled of an unknown destination fails", (store) =>
    Effect.gen(function*() {
      yield* expectStoreError(store.destinations.setEnabled("dst_missing", false, "gone", 1_000))
      expect(Option.isNone(yield* store.destinations.get("dst_missing"))).toBe(true)
    }))

  test("Released gives the lease back without an attempt", (store) =>
    Effect.gen(function*() {
      const a = makeEntry()
      yield* seedPage(store, [a])
      yield* claim(store, 1_000)
      yield* settleLeased(store, a.id, settlement.released)
      const row = some(yield* store.outbox.get(a.id))
      expect(row.leaseUntil).toBeUndefined()
      expect(row.status).toBe("pending")
      expect(row.attempts).toBe(0)
      expect(ids(yield* claim(store, 1_000))).toEqual([a.id])
    }))

  test("nextDueAt: earliest nextAttemptAt or lease end among the heads of a destination", (store) =>
    Effect.gen(function*() {
      expect(Option.isNone(yield* store.outbox.nextDueAt("dst_test"))).toBe(true)
      const late = makeEntry({ recordId: "r1", nextAttemptAt: 5_000 })
      const blocked = makeEntry({ recordId: "r1", nextAttemptAt: 1_000 })
      const early = makeEntry({ recordId: "r2", nextAttemptAt: 3_000 })
      const elsewhere = makeEntry({ destinationId: "dst_other", nextAttemptAt: 10 })
      yield* seedPage(store, [late, blocked, early, elsewhere])
      // `blocked` is due earliest but waits behind `late`, so it does not count.
      expect(some(yield* store.outbox.nextDueAt("dst_test"))).toBe(3_000)
      expect(some(yield* store.outbox.nextDueAt("dst_other"))).toBe(10)
      expect(ids(yield* claim(store, 3_000, 100, "dst_test"))).toEqual([early.id])
      // `early` is leased until 33,000; `late` is due at 5,000.
      expect(some(yield* store.outbox.nextDueAt("dst_test"))).toBe(5_000)
      expect(ids(yield* claim(store, 5_000, 100, "dst_test"))).toEqual([late.id])
      expect(some(yield* store.outbox.nextDueAt("dst_test"))).toBe(3_000 + LEASE)
      yield* settleLeased(store, early.id, settlement.acked(5_001))
      expect(some(yield* store.outbox.nextDueAt("dst_test"))).toBe(5_000 + LEASE)
      yield* settleLeased(store, late.id, settlement.retry(5_002, 7_000))
      expect(some(yield* store.outbox.nextDueAt("dst_test"))).toBe(7_000)
      expect(ids(yield* claim(store, 7_000, 100, "dst_test"))).toEqual([late.id])
      yield* settleLeased(store, late.id, settlement.acked(7_000))
      expect(some(yield* store.outbox.nextDueAt("dst_test"))).toBe(1_000)
      expect(ids(yield* claim(store, 7_001, 100, "dst_test"))).toEqual([blocked.id])
      yield* settleLeased(store, blocked.id, settlement.dead(7_001))
      expect(Option.isNone(yield* store.outbox.nextDueAt("dst_test"))).toBe(true)
    }))

  test("nextDueAt counts heads that are already due", (store) =>
    Effect.gen(function*() {
      yield* seedPage(store, [makeEntry({ nextAttemptAt: 200 }), makeEntry({ nextAttemptAt: 100 }), makeEntry({ nextAttemptAt: 300 })])
      const [claimed] = yield* claim(store, 1_000, 1)
      expect(claimed.nextAttemptAt).toBe(200)
      expect(some(yield* store.outbox.nextDueAt("dst_test"))).toBe(100)
      yield* settleClaimed(store, claimed, settlement.acked(1_000))
      expect(some(yield* store.outbox.nextDueAt("dst_test"))).toBe(100)
    }))

  test("claims never hand out one entry twice under concurrent claimers", (store) =>
    Effect.gen(function*() {
      const events = Array.from({ length: 200 }, () => makeEntry())
      yield* seedPage(store, events)
      const batches = yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => i),
        () => claim(store, 1_000, 30),
        { concurrency: "unbounded" }
      )
      const claimed = batches.flatMap(ids)
      expect(claimed.length).toBe(200)
      expect(new Set(claimed).size).toBe(200)
    }))
}
