import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Rows, Store } from "@weft/core/store"
import {
  makeClose,
  makeCommit,
  makeConsumed,
  makeEntry,
  makePage,
  makeRun,
  makeRunEvent,
  payloadOf,
  sealedRef,
  settlement,
  storedRef,
  seedPage
} from "./Builders.js"
import { expectStoreError, ids, some, storeTest, type StoreLayer } from "./Harness.js"

/**
 * Conformance tests for payloads: kept once per payload however many
 * entries share it, read back as given, and removed exactly when no entry
 * holds it any more.
 *
 * @since 0.1.0
 */

const LEASE = 30_000

const kept = (store: Store.StoreService, id: string) => Effect.map(store.outbox.payload(id), Option.isSome)

/** The page's sealed bytes, as its entries brought them. */
const sealedOf = (page: ReadonlyArray<Rows.OutboxEntry>): Uint8Array => page[0].payload!.sealed!

/** Claims everything due at `now` and settles each entry with `outcome(entry)`. */
const settleAll = (
  store: Store.StoreService,
  now: number,
  outcome: (entry: Rows.OutboxEntry) => Rows.Settlement
) =>
  Effect.gen(function*() {
    const claimed = yield* store.outbox.claimDue({ now, limit: 10_000, leaseMs: LEASE })
    for (const entry of claimed) yield* store.outbox.settle(entry.id, entry.leaseToken!, outcome(entry))
    return claimed
  })

/**
 * @since 0.1.0
 * @category tests
 */
export const payloadTests = (layer: StoreLayer): void => {
  const test = storeTest(layer)

  test("a page's payload is kept once and read back as given; each entry refers to its slice", (store) =>
    Effect.gen(function*() {
      const page = makePage(5, {}, "pay_page")
      const given = new Uint8Array(sealedOf(page))
      yield* seedPage(store, page)
      expect(some(yield* store.outbox.payload("pay_page"))).toEqual(given)
      const listed = yield* store.outbox.list({})
      expect(listed.map((e) => e.payload)).toEqual(page.map((e) => storedRef(e.payload)))
      // The slices tile the payload, in order: each is its event's own bytes.
      const bytes = some(yield* store.outbox.payload("pay_page"))
      for (const entry of listed) {
        const ref = entry.payload!
        expect(bytes.subarray(ref.offset, ref.offset + ref.length)).toEqual(payloadOf(entry.id))
      }
      const claimed = yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: LEASE })
      expect(claimed.map((e) => e.payload)).toEqual(page.map((e) => storedRef(e.payload)))
      expect(yield* store.outbox.payload("pay_none")).toEqual(Option.none())
      // Nothing the store did changed the bytes it was given.
      expect(sealedOf(page)).toEqual(given)
    }))

  test("a payload goes with the ack of the last record event that holds it, not before", (store) =>
    Effect.gen(function*() {
      const page = makePage(3, {}, "pay_page")
      yield* seedPage(store, page)
      const claimed = yield* store.outbox.claimDue({ now: 1_000, limit: 10, leaseMs: LEASE })
      expect(ids(claimed)).toEqual(ids(page))
      yield* store.outbox.settle(claimed[0].id, claimed[0].leaseToken!, settlement.acked(1_001))
      // A retry and a release change no hold.
      yield* store.outbox.settle(claimed[1].id, claimed[1].leaseToken!, settlement.retry(1_001, 1_500))
      yield* store.outbox.settle(claimed[2].id, claimed[2].leaseToken!, settlement.released)
      expect(yield* kept(store, "pay_page")).toBe(true)
      yield* settleAll(store, 2_000, () => settlement.acked(2_000))
      expect(yield* kept(store, "pay_page")).toBe(false)
      expect((yield* store.outbox.list({})).map((e) => e.payload)).toEqual([null, null, null])
    }))

  test("a record.deleted or a dead-lettered event keeps the payload; a requeue keeps it; purging releases it", (store) =>
    Effect.gen(function*() {
      const deletes = makePage(2, { type: "record.deleted" }, "pay_deletes")
      const changes = makePage(3, {}, "pay_changes")
      yield* seedPage(store, [...deletes, ...changes])
      const dead = changes[1].id
      yield* settleAll(store, 1_000, (e) => (e.id === dead ? settlement.dead(1_000) : settlement.acked(1_000)))
      expect(yield* kept(store, "pay_deletes")).toBe(true)
      expect(yield* kept(store, "pay_changes")).toBe(true)
      expect(some(yield* store.outbox.get(dead)).payload).toEqual(storedRef(changes[1].payload))

      // Only entries that still hold their payload are requeued; the requeue changes no hold.
      expect(yield* store.outbox.requeue([changes[0].id, dead, deletes[0].id], 2_000)).toEqual([dead, deletes[0].id])
      expect(yield* kept(store, "pay_changes")).toBe(true)
      yield* settleAll(store, 2_000, () => settlement.acked(2_500))
      // The replayed record.changed was acked: its payload is gone; the replayed record.deleted keeps its own.
      expect(yield* kept(store, "pay_changes")).toBe(false)
      expect(some(yield* store.outbox.get(deletes[0].id)).payload).toEqual(storedRef(deletes[0].payload))

      // Retention: the first delete was settled at 1,000 and the replayed one at 2,500.
      expect(yield* store.outbox.purge(2_000)).toBe(3)
      expect(yield* kept(store, "pay_deletes")).toBe(true)
      expect(yield* store.outbox.purge(3_000)).toBe(2)
      expect(yield* kept(store, "pay_deletes")).toBe(false)
      expect(yield* store.outbox.list({})).toEqual([])
    }))

  test("purging settled entries leaves the payload of their pending page mates", (store) =>
    Effect.gen(function*() {
      const page = makePage(2, { type: "record.deleted" }, "pay_page")
      yield* seedPage(store, page)
      const [first] = yield* store.outbox.claimDue({ now: 1_000, limit: 1, leaseMs: LEASE })
      yield* store.outbox.settle(first.id, first.leaseToken!, settlement.acked(1_000))
      expect(yield* store.outbox.purge(5_000)).toBe(1)
      expect(some(yield* store.outbox.payload("pay_page"))).toEqual(sealedOf(page))
      yield* settleAll(store, 5_000, () => settlement.dead(5_000))
      expect(yield* kept(store, "pay_page")).toBe(true)
      expect(yield* store.outbox.purge(6_000)).toBe(1)
      expect(yield* kept(store, "pay_page")).toBe(false)
    }))

  test("run events bring their own payloads: allEmitted on close, allConsumed only when enqueued", (store) =>
    Effect.gen(function*() {
      const run = yield* seedPage(store, [])
      const close = makeClose(run, { allEmitted: makeRunEvent(run.id, "sync.events.allEmitted", { payload: sealedRef("emitted") }) })
      yield* store.runs.close(close)
      expect(some(yield* store.outbox.payload("pay_emitted"))).toEqual(payloadOf("emitted"))
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run, { payload: sealedRef("consumed") }))).toBe(true)
      expect(some(yield* store.outbox.payload("pay_consumed"))).toEqual(payloadOf("consumed"))
      // A call that does not enqueue keeps nothing.
      expect(yield* store.runs.enqueueConsumed(makeConsumed(run, { payload: sealedRef("again") }))).toBe(false)
      expect(yield* kept(store, "pay_again")).toBe(false)
      // Acked run events keep their payloads: they replay as sent.
      yield* settleAll(store, 3_000, () => settlement.acked(3_000))
      yield* settleAll(store, 3_001, () => settlement.acked(3_001))
      expect(yield* kept(store, "pay_emitted")).toBe(true)
      expect(yield* kept(store, "pay_consumed")).toBe(true)
      expect(yield* store.outbox.purge(4_000)).toBe(2)
      expect(yield* kept(store, "pay_emitted")).toBe(false)
      expect(yield* kept(store, "pay_consumed")).toBe(false)
    }))

  test("a write may refer to a payload the store holds without bringing it; one it does not hold fails the write", (store) =>
    Effect.gen(function*() {
      const page = makePage(2, { type: "record.deleted" }, "pay_page")
      yield* seedPage(store, page)
      const ref: Rows.PayloadRef = { id: "pay_page", offset: 0, length: 3 }
      const replay = makeEntry({ replay: true, payload: ref, createdAt: 5_000, nextAttemptAt: 5_000 })
      yield* store.outbox.enqueue([replay])
      expect(some(yield* store.outbox.get(replay.id)).payload).toEqual(ref)
      // The page's own entries go; the replay still holds the payload.
      yield* settleAll(store, 1_000, () => settlement.acked(1_000))
      expect(yield* store.outbox.purge(2_000)).toBe(2)
      expect(some(yield* store.outbox.payload("pay_page"))).toEqual(sealedOf(page))
      yield* settleAll(store, 5_000, () => settlement.dead(5_000))
      expect(yield* store.outbox.purge(6_000)).toBe(1)
      expect(yield* kept(store, "pay_page")).toBe(false)

      // Neither held nor brought: the whole write fails and keeps nothing.
      const fine = makeEntry({ replay: true, payload: sealedRef("fine") })
      const orphan = makeEntry({ replay: true, payload: { id: "pay_page", offset: 0, length: 3 } })
      yield* expectStoreError(store.outbox.enqueue([fine, orphan]))
      expect(Option.isNone(yield* store.outbox.get(fine.id))).toBe(true)
      expect(yield* kept(store, "pay_fine")).toBe(false)
      yield* expectStoreError(store.commit(makeCommit({ events: [makeEntry({ payload: { id: "pay_gone", offset: 0, length: 1 } })] })))
      expect(yield* store.outbox.list({})).toEqual([])
    }))

  test("a failed commit keeps none of the payloads its events brought", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const page = makePage(2, {}, "pay_page")
      // The second event belongs to another run: the whole page is refused.
      yield* expectStoreError(store.commit(makeCommit({ events: [page[0], { ...page[1], runId: "run_other" }] })))
      expect(yield* kept(store, "pay_page")).toBe(false)
      yield* expectStoreError(store.commit(makeCommit({ runId: "run_none", events: makePage(2, { runId: "run_none" }, "pay_other") })))
      expect(yield* kept(store, "pay_other")).toBe(false)
    }))

  test("payload bytes are the same bytes however often they are read, and reading never changes them", (store) =>
    Effect.gen(function*() {
      const bytes = new Uint8Array(4096)
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff
      const given = new Uint8Array(bytes)
      const page = Array.from({ length: 4 }, (_, i) =>
        makeEntry({ type: "record.deleted", payload: { id: "pay_big", offset: i * 1024, length: 1024, sealed: bytes } }))
      yield* seedPage(store, page)
      for (let i = 0; i < 3; i++) expect(some(yield* store.outbox.payload("pay_big"))).toEqual(given)
      yield* settleAll(store, 1_000, () => settlement.acked(1_000))
      expect(yield* store.outbox.requeue(ids(page), 2_000)).toEqual(ids(page))
      yield* settleAll(store, 2_000, (e) => (e.id === page[0].id ? settlement.dead(2_000) : settlement.acked(2_000)))
      expect(some(yield* store.outbox.payload("pay_big"))).toEqual(given)
      expect(bytes).toEqual(given)
    }))
}
