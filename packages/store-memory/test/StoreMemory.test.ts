import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Store } from "@weft/core/store"
import { StoreMemory } from "@weft/store-memory"
import { StoreSuite } from "@weft/testing/conformance"

const {
  defaultScope,
  expectStoreError,
  makeClose,
  makeCommit,
  makeDestination,
  makeEntry,
  makeFingerprint,
  makeIntegration,
  makePage,
  makeRun,
  makeSync
} = StoreSuite

StoreSuite.storeConformance("StoreMemory", () => StoreMemory.layer)

const test = StoreSuite.storeTest(() => StoreMemory.layer)
const upsert = (recordId: string, fingerprint: ReturnType<typeof makeFingerprint>) => ({ recordId, fingerprint })

describe("StoreMemory specifics", () => {
  it.effect("every build of the layer starts empty", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Store.Store, (store) => store.integrations.put(makeIntegration())).pipe(
        Effect.provide(StoreMemory.layer)
      )
      const again = yield* Effect.flatMap(Store.Store, (store) => store.integrations.list()).pipe(
        Effect.provide(StoreMemory.layer)
      )
      expect(again).toEqual([])
    }))

  test("the compact fingerprint table survives slot reuse after deletes", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const first = Array.from({ length: 1_000 }, (_, i) => upsert(String(i), makeFingerprint(i, { generation: 1, inactive: i % 7 === 0 })))
      yield* store.commit(makeCommit({ upserts: first }))
      const evens = first.filter((_, i) => i % 2 === 0).map((u) => u.recordId)
      yield* store.commit(makeCommit({ deletes: evens }))
      // The 500 new records land in the freed slots.
      const second = Array.from({ length: 700 }, (_, i) => upsert(`n${i}`, makeFingerprint(`n${i}`, { generation: 2, inactive: i % 5 === 0 })))
      yield* store.commit(makeCommit({ upserts: second }))

      const all = [...first, ...second]
      const found = yield* store.fingerprints.getMany(defaultScope, all.map((u) => u.recordId))
      expect(found.size).toBe(500 + 700)
      for (const [i, u] of first.entries()) {
        if (i % 2 === 0) expect(found.has(u.recordId)).toBe(false)
        else expect(found.get(u.recordId)).toEqual(u.fingerprint)
      }
      for (const u of second) expect(found.get(u.recordId)).toEqual(u.fingerprint)
      const inactive = first.filter((_, i) => i % 2 === 1 && i % 7 === 0).length + second.filter((_, i) => i % 5 === 0).length
      expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 1_200 - inactive, inactive })

      const stale = new Set<string>()
      for (;;) {
        const batch = yield* store.fingerprints.stale(defaultScope, 2, 64)
        if (batch.length === 0) break
        for (const s of batch) stale.add(s.recordId)
        yield* store.commit(makeCommit({ deletes: batch.map((s) => s.recordId) }))
      }
      expect([...stale].sort()).toEqual(first.filter((_, i) => i % 2 === 1).map((u) => u.recordId).sort())
      expect((yield* store.fingerprints.getMany(defaultScope, second.map((u) => u.recordId))).size).toBe(700)
    }))

  test("a commit with a malformed fingerprint applies nothing", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const e = makeEntry()
      const short = { hash: new Uint8Array(8), generation: 1, inactive: false }
      const error = yield* expectStoreError(store.commit(makeCommit({ upserts: [upsert("a", makeFingerprint("a")), upsert("b", short)], events: [e] })))
      expect(error.message).toContain("16-byte hash")
      const negative = { ...makeFingerprint("c"), generation: -1 }
      yield* expectStoreError(store.commit(makeCommit({ upserts: [upsert("c", negative)] })))
      const fractional = { ...makeFingerprint("c"), generation: 1.5 }
      yield* expectStoreError(store.commit(makeCommit({ upserts: [upsert("c", fractional)] })))
      expect((yield* store.fingerprints.getMany(defaultScope, ["a", "b", "c"])).size).toBe(0)
      expect(Option.isNone(yield* store.outbox.get(e.id))).toBe(true)
      expect(Option.getOrThrow(yield* store.runs.get("run_test")).delivery.recordEvents).toBe(0)
    }))

  test("a run is created once and closed once; a closed run takes no more record events", (store) =>
    Effect.gen(function*() {
      const run = makeRun()
      yield* store.runs.create(run)
      yield* expectStoreError(store.runs.create(run))
      yield* store.runs.close(makeClose(run))
      yield* expectStoreError(store.runs.close(makeClose(run)))
      const late = makeEntry()
      yield* expectStoreError(store.commit(makeCommit({ events: [late] })))
      yield* expectStoreError(store.outbox.enqueue([late]))
      expect(Option.isNone(yield* store.outbox.get(late.id))).toBe(true)
      // Replays are still welcome.
      yield* store.outbox.enqueue([{ ...late, replay: true }])
      expect(Option.isSome(yield* store.outbox.get(late.id))).toBe(true)
    }))

  test("a record event enqueued outside a commit without replay counts towards its open run", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      yield* store.outbox.enqueue([makeEntry(), makeEntry({ replay: true })])
      expect(Option.getOrThrow(yield* store.runs.get("run_test")).delivery.recordEvents).toBe(1)
      yield* expectStoreError(store.outbox.enqueue([makeEntry({ runId: "run_missing" })]))
    }))

  test("a page's record events must belong to the run it commits", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      yield* store.runs.create(makeRun({ id: "run_other" }))
      yield* expectStoreError(store.commit(makeCommit({ events: [makeEntry({ runId: "run_other" })] })))
    }))

  test("closing a run of a deleted sync with initialCompletedAt fails and applies nothing", (store) =>
    Effect.gen(function*() {
      const run = makeRun()
      yield* store.runs.create(run)
      const close = makeClose(run, { sync: { initialCompletedAt: 5_000 } })
      yield* expectStoreError(store.runs.close(close))
      expect(Option.isNone(yield* store.outbox.get(close.allEmitted.id))).toBe(true)
      expect(Option.getOrThrow(yield* store.runs.get(run.id)).status).toBe("running")
    }))

  test("an integration with syncs cannot be deleted", (store) =>
    Effect.gen(function*() {
      yield* store.integrations.put(makeIntegration())
      yield* store.syncs.put(makeSync())
      const error = yield* expectStoreError(store.integrations.delete("int_test"))
      expect(error.message).toContain("delete its syncs first")
      yield* store.syncs.delete(defaultScope.syncId)
      yield* store.integrations.delete("int_test")
      expect(Option.isNone(yield* store.integrations.get("int_test"))).toBe(true)
    }))

  test("bad claim arguments are refused", (store) =>
    Effect.gen(function*() {
      yield* expectStoreError(store.outbox.claimDue({ now: 0, limit: -1, leaseMs: 10 }))
      yield* expectStoreError(store.outbox.claimDue({ now: 0, limit: 1.5, leaseMs: 10 }))
      yield* expectStoreError(store.outbox.claimDue({ now: Number.NaN, limit: 1, leaseMs: 10 }))
      yield* expectStoreError(store.outbox.claimDue({ now: 0, limit: 1, leaseMs: -5 }))
    }))

  test("a claim at an earlier now than the previous one sees only what is due then", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const early = makeEntry({ nextAttemptAt: 100 })
      const late = makeEntry({ nextAttemptAt: 900 })
      const later = makeEntry({ nextAttemptAt: 950 })
      yield* store.commit(makeCommit({ events: [early, late, later] }))
      const first = yield* store.outbox.claimDue({ now: 1_000, limit: 1, leaseMs: 10_000 })
      expect(first.map((e) => e.id)).toEqual([early.id])
      expect(yield* store.outbox.claimDue({ now: 500, limit: 10, leaseMs: 10_000 })).toEqual([])
      expect(Option.getOrThrow(yield* store.outbox.nextDueAt("dst_test"))).toBe(900)
      const second = yield* store.outbox.claimDue({ now: 920, limit: 10, leaseMs: 10_000 })
      expect(second.map((e) => e.id)).toEqual([late.id])
    }))

  test("payload bytes are kept and handed out as given, never copied; a page's entries share one", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const page = makePage(3, {}, "pay_page")
      yield* store.commit(makeCommit({ events: page }))
      expect(Option.getOrThrow(yield* store.outbox.payload("pay_page"))).toBe(page[0].payload!.sealed)
      const [a, b] = yield* store.outbox.list({})
      // References are frozen and carry no bytes.
      expect(Object.isFrozen(a.payload)).toBe(true)
      expect(a.payload).toEqual({ id: "pay_page", offset: 0, length: page[0].payload!.length })
      expect(b.payload!.offset).toBe(page[0].payload!.length)
    }))

  test("destinations.get hands out the options frozen on put, not a copy per read", (store) =>
    Effect.gen(function*() {
      const options = { timeoutMs: 5_000, allow: ["127.0.0.1"] }
      yield* store.destinations.put(makeDestination({ options }))
      const first = Option.getOrThrow(yield* store.destinations.get("dst_test"))
      const second = Option.getOrThrow(yield* store.destinations.get("dst_test"))
      expect(second.options).toBe(first.options)
      expect(Object.isFrozen(first.options.allow)).toBe(true)
      // The kept copy is the store's own: the caller's object stays theirs, and unfrozen.
      expect(first.options).not.toBe(options)
      expect(Object.isFrozen(options)).toBe(false)
    }))
})
