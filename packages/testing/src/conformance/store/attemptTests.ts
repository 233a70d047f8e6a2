import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Rows, type Store } from "@weft/core/store"
import { makeEntry, makeRun, seedPage, settlement, withAttempt } from "./Builders.js"
import { claimOne, expectSettle, expectStoreError, settleClaimed, settled, some, stale, storeTest, type StoreLayer } from "./Harness.js"

/**
 * Conformance tests for the delivery attempt log: the attempts settles
 * report, kept per entry (the latest `Rows.ATTEMPTS_KEPT`), oldest first,
 * through requeues, and gone with the entry when it is purged.
 *
 * @since 0.1.0
 */

const LEASE = 30_000

/** Claims the entry due at `now` (it must be the only one) and settles it with `s`. */
const attemptAt = (store: Store.StoreService, now: number, s: Rows.Settlement) =>
  Effect.flatMap(claimOne(store, now), (claimed) => settleClaimed(store, claimed, s))

/**
 * @since 0.1.0
 * @category tests
 */
export const attemptTests = (layer: StoreLayer): void => {
  const test = storeTest(layer)

  test("settles record the attempts they report, oldest first, with the outcome of each settle", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      expect(yield* store.outbox.attempts(e.id)).toEqual([])
      const failed = withAttempt(settlement.retry(2_040, 7_000, "HTTP 503 Service Unavailable", 1, 2_000), {
        at: 2_000,
        durationMs: 40,
        statusCode: 503,
        error: "HTTP 503 Service Unavailable"
      })
      expectSettle(yield* attemptAt(store, 2_000, failed), settled())
      const dropped = withAttempt(settlement.retry(7_900, 60_000, "connection reset", 2, 2_000), {
        at: 7_000,
        durationMs: 900,
        error: "connection reset"
      })
      expectSettle(yield* attemptAt(store, 7_000, dropped), settled())
      const acked = withAttempt(settlement.acked(60_012, 3, 2_000), { at: 60_000, durationMs: 12, statusCode: 204 })
      expectSettle(yield* attemptAt(store, 60_000, acked), settled())
      expect(yield* store.outbox.attempts(e.id)).toEqual([
        { at: 2_000, durationMs: 40, statusCode: 503, error: "HTTP 503 Service Unavailable", outcome: "retry" },
        { at: 7_000, durationMs: 900, error: "connection reset", outcome: "retry" },
        { at: 60_000, durationMs: 12, statusCode: 204, outcome: "acked" }
      ])
      expect(some(yield* store.outbox.get(e.id)).status).toBe("acked")

      // A dead letter records its attempt as `dead`; a settle without a report records nothing.
      const gone = makeEntry({ runId: "run_dead" })
      const plain = makeEntry({ runId: "run_dead" })
      yield* seedPage(store, [gone, plain], makeRun({ id: "run_dead" }))
      const [first, second] = yield* store.outbox.claimDue({ now: 70_000, limit: 2, leaseMs: LEASE })
      expect([first!.id, second!.id]).toEqual([gone.id, plain.id])
      const refused = withAttempt(settlement.dead(70_003, "Receiver aborted the event: HTTP 400", 1, 70_000), {
        at: 70_000,
        durationMs: 3,
        statusCode: 400,
        error: "HTTP 400"
      })
      expectSettle(yield* settleClaimed(store, first!, refused), settled())
      expectSettle(yield* settleClaimed(store, second!, settlement.acked(70_004)), settled())
      expect(yield* store.outbox.attempts(gone.id)).toEqual([{ at: 70_000, durationMs: 3, statusCode: 400, error: "HTTP 400", outcome: "dead" }])
      expect(yield* store.outbox.attempts(plain.id)).toEqual([])
      expect(yield* store.outbox.attempts("evt_missing")).toEqual([])
    }))

  test("a settle that does not apply records no attempt; a malformed report fails and changes nothing", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      const claimed = yield* claimOne(store, 2_000)
      const report = { at: 2_000, durationMs: 5, statusCode: 200 }
      expectSettle(yield* store.outbox.settle(e.id, "lease_not_this_one", withAttempt(settlement.acked(2_005), report)), stale)
      expect(yield* store.outbox.attempts(e.id)).toEqual([])

      yield* expectStoreError(settleClaimed(store, claimed, withAttempt(settlement.acked(2_005), { at: 2_000, durationMs: -1 })))
      yield* expectStoreError(settleClaimed(store, claimed, withAttempt(settlement.retry(2_005, 9_000), { at: Number.NaN, durationMs: 1 })))
      const row = some(yield* store.outbox.get(e.id))
      expect(row.status).toBe("pending")
      expect(row.leaseToken).toBe(claimed.leaseToken)
      expect(yield* store.outbox.attempts(e.id)).toEqual([])

      expectSettle(yield* settleClaimed(store, claimed, withAttempt(settlement.acked(2_005), report)), settled())
      // Settled already: the same settle again is stale and adds nothing.
      expectSettle(yield* settleClaimed(store, claimed, withAttempt(settlement.acked(2_006), report)), stale)
      expect(yield* store.outbox.attempts(e.id)).toEqual([{ ...report, outcome: "acked" }])
    }))

  test(`an entry keeps its latest ${Rows.ATTEMPTS_KEPT} attempts`, (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      yield* seedPage(store, [e])
      const total = Rows.ATTEMPTS_KEPT + 5
      for (let i = 1; i <= total; i++) {
        const at = i * 1_000
        expectSettle(
          yield* attemptAt(store, at, withAttempt(settlement.retry(at + 1, (i + 1) * 1_000, `failure ${i}`, i, 1_000), { at, durationMs: 1, error: `failure ${i}` })),
          settled()
        )
      }
      const kept = yield* store.outbox.attempts(e.id)
      expect(kept).toHaveLength(Rows.ATTEMPTS_KEPT)
      expect(kept[0]).toEqual({ at: 6_000, durationMs: 1, error: "failure 6", outcome: "retry" })
      expect(kept.map((a) => a.at)).toEqual(Array.from({ length: Rows.ATTEMPTS_KEPT }, (_, i) => (i + 6) * 1_000))
    }), 120_000)

  test("attempts survive a requeue (a replay's follow them) and go with the entry when it is purged", (store) =>
    Effect.gen(function*() {
      const e = makeEntry()
      const other = makeEntry()
      yield* seedPage(store, [e, other])
      const [claimed, otherClaim] = yield* store.outbox.claimDue({ now: 2_000, limit: 2, leaseMs: LEASE })
      yield* settleClaimed(store, claimed!, withAttempt(settlement.dead(2_010, "HTTP 422"), { at: 2_000, durationMs: 10, statusCode: 422, error: "HTTP 422" }))
      yield* settleClaimed(store, otherClaim!, withAttempt(settlement.acked(2_020), { at: 2_000, durationMs: 20, statusCode: 200 }))

      expect(yield* store.outbox.requeue([e.id], 3_000)).toEqual([e.id])
      expect(yield* store.outbox.attempts(e.id)).toHaveLength(1)
      yield* attemptAt(store, 3_000, withAttempt(settlement.acked(3_004), { at: 3_000, durationMs: 4, statusCode: 200 }))
      expect(yield* store.outbox.attempts(e.id)).toEqual([
        { at: 2_000, durationMs: 10, statusCode: 422, error: "HTTP 422", outcome: "dead" },
        { at: 3_000, durationMs: 4, statusCode: 200, outcome: "acked" }
      ])

      // `other` settled at 2,020, `e` at 3,004: a purge before 3,000 takes `other` and its attempts only.
      expect(yield* store.outbox.purge(3_000)).toBe(1)
      expect(Option.isNone(yield* store.outbox.get(other.id))).toBe(true)
      expect(yield* store.outbox.attempts(other.id)).toEqual([])
      expect(yield* store.outbox.attempts(e.id)).toHaveLength(2)
      expect(yield* store.outbox.purge(4_000)).toBe(1)
      expect(yield* store.outbox.attempts(e.id)).toEqual([])
    }))
}
