import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Rows } from "@weft/core/store"
import { Store } from "@weft/core/store"
import { StoreSuite } from "@weft/testing/conformance"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { freshPgUrl, sqliteFile } from "./layers.js"

const { makeCommit, makeEntry, makePage, makeRun, makeRunEvent, settlement, storedRef } = StoreSuite

/**
 * Two stores on one database, as two worker processes would have: on
 * Postgres two pools, on SQLite two connections to one file.
 */
const twoStores = {
  Postgres: Effect.gen(function*() {
    const url = yield* freshPgUrl
    const a = yield* Layer.build(StorePostgres.layer({ url, maxConnections: 4 }))
    const b = yield* Layer.build(StorePostgres.layer({ url, maxConnections: 4 }))
    return [Context.get(a, Store.Store), Context.get(b, Store.Store)] as const
  }),
  SQLite: Effect.gen(function*() {
    const filename = sqliteFile()
    const a = yield* Layer.build(StoreSqlite.layer({ filename }))
    const b = yield* Layer.build(StoreSqlite.layer({ filename }))
    return [Context.get(a, Store.Store), Context.get(b, Store.Store)] as const
  })
}

const KEYS = 60
const PER_KEY = 4

for (const [name, stores] of Object.entries(twoStores)) {
  describe(`StoreSql (${name}) under concurrency`, () => {
    it.scoped("parallel claims from two clients never hand out one entry twice and only ever the head of a key", () =>
      Effect.gen(function*() {
        const [a, b] = yield* stores
        yield* a.runs.create(makeRun())
        // Key k's i-th event is inserted in round i: the heads are always round i's events.
        const rounds: Array<Array<Rows.OutboxEntry>> = []
        for (let i = 0; i < PER_KEY; i++) {
          rounds.push(Array.from({ length: KEYS }, (_, k) => makeEntry({ recordId: `k${k}` })))
          yield* a.commit(makeCommit({ events: rounds[i] }))
        }
        for (let i = 0; i < PER_KEY; i++) {
          const claimer = (store: Store.StoreService) =>
            Effect.gen(function*() {
              const got: Array<Rows.OutboxEntry> = []
              for (;;) {
                const batch = yield* store.outbox.claimDue({ now: 1_000 + i, limit: 7, leaseMs: 1_000_000_000 })
                if (batch.length === 0) return got
                got.push(...batch)
              }
            })
          const batches = yield* Effect.all([claimer(a), claimer(b), claimer(a), claimer(b)], { concurrency: "unbounded" })
          const claimed = batches.flat()
          expect(new Set(claimed.map((e) => e.id)).size).toBe(claimed.length)
          expect(claimed.map((e) => e.id).sort()).toEqual(rounds[i].map((e) => e.id).sort())
          yield* Effect.forEach(claimed, (e) => a.outbox.settle(e.id, e.leaseToken!, settlement.acked(2_000)), { concurrency: 8, discard: true })
        }
        expect(yield* a.outbox.pendingCount("dst_test")).toBe(0)
        expect(Option.getOrThrow(yield* b.runs.get("run_test")).delivery).toMatchObject({ recordEvents: KEYS * PER_KEY, acked: KEYS * PER_KEY })
      }), 120_000)

    it.scoped("fencing: a settle with the token of a lapsed lease changes nothing once another claim holds the entry", () =>
      Effect.gen(function*() {
        const [a, b] = yield* stores
        yield* a.runs.create(makeRun())
        const e = makeEntry()
        yield* a.commit(makeCommit({ events: [e] }))
        const [first] = yield* a.outbox.claimDue({ now: 1_000, limit: 1, leaseMs: 500 })
        // The first worker stalls; its lease lapses and another worker claims the entry.
        const [second] = yield* b.outbox.claimDue({ now: 1_500, limit: 1, leaseMs: 500 })
        expect(second.id).toBe(e.id)
        expect(second.leaseToken).not.toBe(first.leaseToken)
        for (const late of [settlement.acked(1_600), settlement.dead(1_600), settlement.retry(1_600, 9_000), settlement.released]) {
          expect(yield* a.outbox.settle(e.id, first.leaseToken!, late)).toEqual({ _tag: "Stale" })
        }
        const row = Option.getOrThrow(yield* a.outbox.get(e.id))
        expect(row).toMatchObject({ status: "pending", attempts: 0, leaseUntil: 2_000, leaseToken: second.leaseToken })
        expect(row.payload).toEqual(storedRef(e.payload))
        expect(Option.getOrThrow(yield* a.runs.get("run_test")).delivery).toMatchObject({ acked: 0, deadLettered: 0 })
        expect(yield* b.outbox.settle(e.id, second.leaseToken!, settlement.acked(1_700))).toEqual({ _tag: "Settled" })
        expect(yield* b.outbox.settle(e.id, second.leaseToken!, settlement.acked(1_700))).toEqual({ _tag: "Stale" })
        expect(Option.getOrThrow(yield* a.runs.get("run_test")).delivery).toMatchObject({ acked: 1, deadLettered: 0 })
      }))

    it.scoped("a page's payload goes with the last of its record events acked, however concurrently they settle", () =>
      Effect.gen(function*() {
        const [a, b] = yield* stores
        yield* a.runs.create(makeRun())
        const pages = Array.from({ length: 4 }, (_, i) => makePage(40, {}, `pay_concurrent_${i}`))
        yield* a.commit(makeCommit({ events: pages.flat() }))
        const claimed = yield* a.outbox.claimDue({ now: 1_000, limit: 1_000, leaseMs: 60_000 })
        expect(claimed.length).toBe(160)
        // Page 3 keeps one event dead-lettered: its payload stays for a replay.
        const dead = pages[3][17].id
        yield* Effect.forEach(claimed, (e, i) =>
          (i % 2 === 0 ? a : b).outbox.settle(e.id, e.leaseToken!, e.id === dead ? settlement.dead(2_000) : settlement.acked(2_000)), {
          concurrency: 16,
          discard: true
        })
        for (let i = 0; i < 3; i++) expect(Option.isNone(yield* b.outbox.payload(`pay_concurrent_${i}`))).toBe(true)
        expect(Option.isSome(yield* b.outbox.payload("pay_concurrent_3"))).toBe(true)
        expect(yield* a.outbox.purge(3_000)).toBe(160)
        expect(Option.isNone(yield* b.outbox.payload("pay_concurrent_3"))).toBe(true)
      }), 120_000)

    it.scoped("enqueueConsumed: of many concurrent callers on two clients exactly one enqueues", () =>
      Effect.gen(function*() {
        const [a, b] = yield* stores
        const run = makeRun()
        yield* a.runs.create(run)
        const e = makeEntry()
        yield* a.commit(makeCommit({ events: [e] }))
        yield* a.runs.close(StoreSuite.makeClose(run))
        const [claimed] = yield* a.outbox.claimDue({ now: 1_000, limit: 1, leaseMs: 1_000 })
        expect(yield* b.outbox.settle(e.id, claimed.leaseToken!, settlement.acked(1_001))).toEqual({ _tag: "Settled", consumptionDue: run.id })
        expect(yield* a.runs.consumptionDue(10)).toEqual([run.id])
        const attempts = Array.from({ length: 16 }, (_, i) => [i % 2 === 0 ? a : b, makeRunEvent(run.id, "sync.events.allConsumed")] as const)
        const results = yield* Effect.all(attempts.map(([store, entry]) => store.runs.enqueueConsumed(entry)), { concurrency: "unbounded" })
        expect(results.filter((r) => r).length).toBe(1)
        const consumed = (yield* a.outbox.list({ runId: run.id, type: "sync.events.allConsumed" }))
        expect(consumed.map((c) => c.id)).toEqual([attempts[results.indexOf(true)][1].id])
        expect(yield* b.runs.consumptionDue(10)).toEqual([])
        expect(Option.getOrThrow(yield* b.runs.get(run.id)).delivery.consumedEnqueued).toBe(true)
      }))

    it.scoped("run leases: one holder at a time across clients, renewal, release and lapse", () =>
      Effect.gen(function*() {
        const [a, b] = yield* stores
        const results = yield* Effect.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).runLeases.acquire({ syncId: "syn_1", holder: `h${i}`, now: 1_000, ttlMs: 500 })),
          { concurrency: "unbounded" }
        )
        expect(results.filter((r) => r).length).toBe(1)
        const holder = `h${results.indexOf(true)}`
        expect(Option.getOrThrow(yield* b.runLeases.get("syn_1"))).toEqual({ syncId: "syn_1", holder, until: 1_500 })
        // Renewal by the holder, refusal of others while it holds.
        expect(yield* b.runLeases.acquire({ syncId: "syn_1", holder, now: 1_400, ttlMs: 500 })).toBe(true)
        expect(yield* a.runLeases.acquire({ syncId: "syn_1", holder: "other", now: 1_899, ttlMs: 500 })).toBe(false)
        // Lapsed at `until`: anyone may take it.
        expect(yield* a.runLeases.acquire({ syncId: "syn_1", holder: "other", now: 1_900, ttlMs: 500 })).toBe(true)
        yield* b.runLeases.release("syn_1", holder)
        expect(Option.getOrThrow(yield* a.runLeases.get("syn_1")).holder).toBe("other")
        yield* b.runLeases.release("syn_1", "other")
        expect(Option.isNone(yield* a.runLeases.get("syn_1"))).toBe(true)
        expect(yield* a.runLeases.acquire({ syncId: "syn_1", holder: "third", now: 0, ttlMs: 10 })).toBe(true)
      }))
  })
}
