import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { Rows, Store } from "@weft/core/store"
import {
  asStored,
  makeEntry,
  settlement,
  seedPage
} from "./Builders.js"
import {
  claimOne,
  expectSettle,
  ids,
  leaseTokenOf,
  settleClaimed,
  settled,
  some,
  stale,
  storeTest,
  type StoreLayer
} from "./Harness.js"

/**
 * Conformance tests for lease tokens: a settle applies only with the token of
 * the entry's current claim, so a worker whose lease lapsed and passed to
 * another cannot overwrite the new owner's outcome.
 *
 * @since 0.1.0
 */

const LEASE = 1_000

/** The entry and its run's counters: what a stale settle must leave alone. */
const snapshot = (store: Store.StoreService, id: string) =>
  Effect.gen(function*() {
    const entry = some(yield* store.outbox.get(id), `outbox entry ${id}`)
    const run = some(yield* store.runs.get(entry.runId), `run ${entry.runId}`)
    return { entry, delivery: run.delivery, pending: yield* store.outbox.pendingCount(entry.destinationId) }
  })

const everySettlement: ReadonlyArray<Rows.Settlement> = [
  settlement.acked(9_000, 3, 1_000),
  settlement.dead(9_000, "HTTP 400", 3, 1_000),
  settlement.retry(9_000, 99_000, "HTTP 503", 3, 1_000),
  settlement.released
]

/**
 * @since 0.1.0
 * @category tests
 */
export const fencingTests = (layer: StoreLayer): void => {
  const test = storeTest(layer)

  test("every claim carries a new lease token, also visible on the stored entry", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      expect(some(yield* store.outbox.get(e.id)).leaseToken).toBeUndefined()
      const first = yield* claimOne(store, 1_000, { leaseMs: LEASE })
      expect(typeof first.leaseToken).toBe("string")
      expect(first.leaseToken).not.toBe("")
      expect(yield* leaseTokenOf(store, e.id)).toBe(first.leaseToken)
      const second = yield* claimOne(store, 1_000 + LEASE, { leaseMs: LEASE })
      const third = yield* claimOne(store, 1_000 + 2 * LEASE, { leaseMs: LEASE })
      expect(new Set([first.leaseToken, second.leaseToken, third.leaseToken]).size).toBe(3)
      expect(yield* leaseTokenOf(store, e.id)).toBe(third.leaseToken)
    }))

  test("fencing: after the lease lapsed and the entry was claimed again, the old token's settle is Stale and changes nothing", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      const lost = yield* claimOne(store, 1_000, { leaseMs: LEASE })
      // The first worker is slow: its lease lapses and a second worker claims the entry.
      const owner = yield* claimOne(store, 1_000 + LEASE, { leaseMs: LEASE })
      expect(owner.id).toBe(e.id)
      expect(owner.leaseToken).not.toBe(lost.leaseToken)
      const before = yield* snapshot(store, e.id)
      expect(before.entry.leaseUntil).toBe(1_000 + 2 * LEASE)
      for (const late of everySettlement) {
        expectSettle(yield* settleClaimed(store, lost, late), stale)
        expect(yield* snapshot(store, e.id)).toEqual(before)
      }
      // The entry is still leased to the owner: nobody else can claim it.
      expect(yield* store.outbox.claimDue({ now: 1_500 + LEASE, limit: 10, leaseMs: LEASE })).toEqual([])
      expectSettle(yield* settleClaimed(store, owner, settlement.acked(2_500, 2, 1_000)), settled())
      const after = yield* snapshot(store, e.id)
      expect(after.entry).toMatchObject({ status: "acked", attempts: 2, settledAt: 2_500, payload: null })
      expect(after.delivery).toMatchObject({ recordEvents: 1, acked: 1, deadLettered: 0 })
      // The slow worker's late outcome still changes nothing.
      expectSettle(yield* settleClaimed(store, lost, settlement.dead(3_000)), stale)
      expect(yield* snapshot(store, e.id)).toEqual(after)
    }))

  test("a lease that lapsed but was not claimed again still settles with its token", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      const claimed = yield* claimOne(store, 1_000, { leaseMs: LEASE })
      expectSettle(yield* settleClaimed(store, claimed, settlement.acked(1_000 + 5 * LEASE)), settled())
      expect(some(yield* store.outbox.get(e.id)).status).toBe("acked")
    }))

  test("settling an acked or dead-lettered entry again is Stale and moves no counter", (store) =>
    Effect.gen(function*() {
      const [a, d] = [makeEntry(), makeEntry()]
      yield* seedPage(store, [a, d])
      const [ca, cd] = yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: LEASE })
      expectSettle(yield* settleClaimed(store, ca, settlement.acked(1_100)), settled())
      expectSettle(yield* settleClaimed(store, cd, settlement.dead(1_100, "HTTP 422")), settled())
      const beforeA = yield* snapshot(store, a.id)
      const beforeD = yield* snapshot(store, d.id)
      expect(beforeA.delivery).toMatchObject({ acked: 1, deadLettered: 1 })
      for (const again of everySettlement) {
        expectSettle(yield* settleClaimed(store, ca, again), stale)
        expectSettle(yield* settleClaimed(store, cd, again), stale)
      }
      expect(yield* snapshot(store, a.id)).toEqual(beforeA)
      expect(yield* snapshot(store, d.id)).toEqual(beforeD)
    }))

  test("a settle with a token never issued, or of an entry never claimed, is Stale", (store) =>
    Effect.gen(function*() {
      const [claimedEntry, idle] = [makeEntry(), makeEntry()]
      yield* seedPage(store, [claimedEntry, idle])
      const claimed = yield* claimOne(store, 1_000, { leaseMs: LEASE })
      expect(claimed.id).toBe(claimedEntry.id)
      const before = yield* snapshot(store, claimedEntry.id)
      for (const s of everySettlement) {
        expectSettle(yield* store.outbox.settle(claimedEntry.id, `${claimed.leaseToken}-forged`, s), stale)
        expectSettle(yield* store.outbox.settle(claimedEntry.id, "", s), stale)
        // A token of another entry's claim is no token for this one.
        expectSettle(yield* store.outbox.settle(idle.id, claimed.leaseToken ?? "", s), stale)
      }
      expect(yield* snapshot(store, claimedEntry.id)).toEqual(before)
      expect(some(yield* store.outbox.get(idle.id))).toEqual(asStored(idle))
    }))

  test("Released and Retry end the claim: the same token settles nothing after them", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      const released = yield* claimOne(store, 1_000, { leaseMs: LEASE })
      expectSettle(yield* settleClaimed(store, released, settlement.released), settled())
      expect(some(yield* store.outbox.get(e.id)).leaseToken).toBeUndefined()
      const afterRelease = yield* snapshot(store, e.id)
      expectSettle(yield* settleClaimed(store, released, settlement.acked(1_001)), stale)
      expectSettle(yield* settleClaimed(store, released, settlement.released), stale)
      expect(yield* snapshot(store, e.id)).toEqual(afterRelease)

      const retried = yield* claimOne(store, 1_000, { leaseMs: LEASE })
      expect(retried.leaseToken).not.toBe(released.leaseToken)
      expectSettle(yield* settleClaimed(store, retried, settlement.retry(1_002, 5_000, "HTTP 503", 1, 1_002)), settled())
      const afterRetry = yield* snapshot(store, e.id)
      expect(afterRetry.entry).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 5_000, lastError: "HTTP 503" })
      expect(afterRetry.entry.leaseToken).toBeUndefined()
      // A duplicate of the worker's retry, or a late ack, changes nothing: the schedule stays.
      expectSettle(yield* settleClaimed(store, retried, settlement.retry(1_003, 60_000, "HTTP 500", 2, 1_002)), stale)
      expectSettle(yield* settleClaimed(store, retried, settlement.acked(1_003)), stale)
      expect(yield* snapshot(store, e.id)).toEqual(afterRetry)
      expect(yield* store.outbox.claimDue({ now: 4_999, limit: 10, leaseMs: LEASE })).toEqual([])
      expect(ids(yield* store.outbox.claimDue({ now: 5_000, limit: 10, leaseMs: LEASE }))).toEqual([e.id])
    }))

  test("Released and Retry with a stale token change nothing: the new owner keeps its lease", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      const lost = yield* claimOne(store, 1_000, { leaseMs: LEASE })
      const owner = yield* claimOne(store, 1_000 + LEASE, { leaseMs: LEASE })
      const before = yield* snapshot(store, e.id)
      expectSettle(yield* settleClaimed(store, lost, settlement.released), stale)
      expectSettle(yield* settleClaimed(store, lost, settlement.retry(2_001, 2_001)), stale)
      expect(yield* snapshot(store, e.id)).toEqual(before)
      // Had the release applied, the entry would be claimable now.
      expect(yield* store.outbox.claimDue({ now: 2_001, limit: 10, leaseMs: LEASE })).toEqual([])
      expectSettle(yield* settleClaimed(store, owner, settlement.released), settled())
      expect(ids(yield* store.outbox.claimDue({ now: 2_001, limit: 10, leaseMs: LEASE }))).toEqual([e.id])
    }))

  test("requeue clears the token: the token of the settled claim stays stale, a new claim gets a new one", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      const first = yield* claimOne(store, 1_000, { leaseMs: LEASE })
      expectSettle(yield* settleClaimed(store, first, settlement.dead(1_100, "HTTP 422")), settled())
      expect(yield* store.outbox.requeue([e.id], 2_000)).toEqual([e.id])
      const requeued = some(yield* store.outbox.get(e.id))
      expect(requeued).toMatchObject({ status: "pending", replay: true })
      expect(requeued.leaseToken).toBeUndefined()
      expect(requeued.leaseUntil).toBeUndefined()
      expectSettle(yield* settleClaimed(store, first, settlement.acked(2_000)), stale)
      expect(some(yield* store.outbox.get(e.id))).toEqual(requeued)
      const second = yield* claimOne(store, 2_000, { leaseMs: LEASE })
      expect(second.leaseToken).not.toBe(first.leaseToken)
      expectSettle(yield* settleClaimed(store, first, settlement.acked(2_001)), stale)
      expectSettle(yield* settleClaimed(store, second, settlement.acked(2_001)), settled())
      // A replay's settle moves no counter.
      expect(some(yield* store.runs.get("run_test")).delivery).toMatchObject({ recordEvents: 1, acked: 0, deadLettered: 1 })
    }))

  test("concurrent settles of one claim and a stale one: exactly the owner's applies", (store) =>
    Effect.gen(function*() {
      const events = Array.from({ length: 20 }, () => makeEntry())
      yield* seedPage(store, events)
      const lost = yield* store.outbox.claimDue({ now: 1_000, limit: 100, leaseMs: LEASE })
      const owners = yield* store.outbox.claimDue({ now: 1_000 + LEASE, limit: 100, leaseMs: LEASE })
      expect(ids(owners)).toEqual(ids(lost))
      const results = yield* Effect.forEach(
        [...lost.map((c) => [c, settlement.dead(2_100)] as const), ...owners.map((c) => [c, settlement.acked(2_100)] as const)],
        ([claimed, s]) => settleClaimed(store, claimed, s),
        { concurrency: "unbounded" }
      )
      expect(results.slice(0, 20).every((r) => r._tag === "Stale")).toBe(true)
      expect(results.slice(20).every((r) => r._tag === "Settled")).toBe(true)
      expect(some(yield* store.runs.get("run_test")).delivery).toMatchObject({ recordEvents: 20, acked: 20, deadLettered: 0 })
      expect((yield* store.outbox.list({ status: "acked" })).length).toBe(20)
    }))
}
