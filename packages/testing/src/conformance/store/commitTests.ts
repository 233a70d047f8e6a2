import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Rows } from "@weft/core/store"
import {
  asStored,
  defaultScope,
  makeAudit,
  makeCommit,
  makeEntry,
  makeFingerprint,
  makeRun,
  makeRunEvent,
  makeSync
} from "./Builders.js"
import { expectStoreError, ids, settleLeased, some, storeTest, type StoreLayer } from "./Harness.js"

/**
 * Conformance tests for fingerprints, model state and page commits.
 *
 * @since 0.1.0
 */

const upsert = (recordId: string, fingerprint: Rows.Fingerprint): Rows.FingerprintUpsert => ({ recordId, fingerprint })

/**
 * @since 0.1.0
 * @category tests
 */
export const commitTests = (layer: StoreLayer): void => {
  const test = storeTest(layer)

  test("a commit upserts fingerprints and getMany returns only the ids that have one", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const a = makeFingerprint("a")
      const b = makeFingerprint("b", { generation: 3, inactive: true })
      yield* store.commit(makeCommit({ upserts: [upsert("a", a), upsert("b", b)] }))
      const found = yield* store.fingerprints.getMany(defaultScope, ["a", "b", "missing"])
      expect(found.size).toBe(2)
      expect(found.has("missing")).toBe(false)
      expect(found.get("a")).toEqual(a)
      expect(found.get("b")).toEqual(b)
      expect((yield* store.fingerprints.getMany(defaultScope, [])).size).toBe(0)
      expect((yield* store.fingerprints.getMany({ syncId: "syn_other", model: "x" }, ["a"])).size).toBe(0)
    }))

  test("an upsert replaces, a delete removes, deleting an absent id is fine", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      yield* store.commit(makeCommit({ upserts: [upsert("a", makeFingerprint("a1")), upsert("b", makeFingerprint("b"))] }))
      const replaced = makeFingerprint("a2", { generation: 2, inactive: true })
      yield* store.commit(makeCommit({ upserts: [upsert("a", replaced)], deletes: ["b", "never-seen"] }))
      const found = yield* store.fingerprints.getMany(defaultScope, ["a", "b"])
      expect([...found.keys()]).toEqual(["a"])
      expect(found.get("a")).toEqual(replaced)
      expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 0, inactive: 1 })
    }))

  test("fingerprints are scoped by sync and model", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const other = { syncId: defaultScope.syncId, model: "ats.candidate" }
      const otherSync = { syncId: "syn_other", model: defaultScope.model }
      yield* store.commit(makeCommit({ upserts: [upsert("1", makeFingerprint("here"))] }))
      yield* store.commit(makeCommit({ scope: other, upserts: [upsert("1", makeFingerprint("there"))] }))
      expect((yield* store.fingerprints.getMany(defaultScope, ["1"])).get("1")).toEqual(makeFingerprint("here"))
      expect((yield* store.fingerprints.getMany(other, ["1"])).get("1")).toEqual(makeFingerprint("there"))
      expect((yield* store.fingerprints.getMany(otherSync, ["1"])).size).toBe(0)
      yield* store.commit(makeCommit({ scope: other, deletes: ["1"] }))
      expect((yield* store.fingerprints.getMany(defaultScope, ["1"])).size).toBe(1)
    }))

  test("fingerprints are copied in and out", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const written = makeFingerprint("a")
      const expected = new Uint8Array(written.hash)
      yield* store.commit(makeCommit({ upserts: [upsert("a", written)] }))
      written.hash.fill(0)
      const first = some(Option.fromNullable((yield* store.fingerprints.getMany(defaultScope, ["a"])).get("a")))
      expect(first.hash).toEqual(expected)
      first.hash.fill(7)
      const second = some(Option.fromNullable((yield* store.fingerprints.getMany(defaultScope, ["a"])).get("a")))
      expect(second.hash).toEqual(expected)
    }))

  test("count splits active and inactive fingerprints", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 0, inactive: 0 })
      yield* store.commit(makeCommit({
        upserts: [
          upsert("a", makeFingerprint("a")),
          upsert("b", makeFingerprint("b")),
          upsert("c", makeFingerprint("c", { inactive: true }))
        ]
      }))
      expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 2, inactive: 1 })
      yield* store.commit(makeCommit({ upserts: [upsert("a", makeFingerprint("a", { inactive: true }))] }))
      expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 1, inactive: 2 })
      yield* store.commit(makeCommit({ upserts: [upsert("c", makeFingerprint("c"))], deletes: ["b"] }))
      expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 1, inactive: 1 })
    }))

  test("stale and countStale walk through 2,500 stale fingerprints with limit 1,000", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      // 3,000 records seen in generation 1 (every 10th inactive), 500 of them seen again in generation 2.
      for (let page = 0; page < 3; page++) {
        const upserts = Array.from({ length: 1_000 }, (_, i) => {
          const n = page * 1_000 + i
          return upsert(String(n), makeFingerprint(n, { generation: 1, inactive: n % 10 === 0 }))
        })
        yield* store.commit(makeCommit({ upserts }))
      }
      const seenAgain = Array.from({ length: 500 }, (_, i) => String(i * 6))
      yield* store.commit(makeCommit({
        upserts: seenAgain.map((id) => upsert(id, makeFingerprint(Number(id), { generation: 2 })))
      }))
      const staleIds = new Set(Array.from({ length: 3_000 }, (_, n) => String(n)))
      for (const id of seenAgain) staleIds.delete(id)
      let staleInactive = 0
      for (const id of staleIds) if (Number(id) % 10 === 0) staleInactive++
      expect(yield* store.fingerprints.countStale(defaultScope, 2)).toEqual({
        active: 2_500 - staleInactive,
        inactive: staleInactive
      })
      expect(yield* store.fingerprints.countStale(defaultScope, 1)).toEqual({ active: 0, inactive: 0 })

      const walked = new Set<string>()
      let rounds = 0
      for (;;) {
        const batch = yield* store.fingerprints.stale(defaultScope, 2, 1_000)
        if (batch.length === 0) break
        rounds++
        expect(rounds).toBeLessThanOrEqual(3)
        expect(batch.length).toBeLessThanOrEqual(1_000)
        for (const { fingerprint, recordId } of batch) {
          expect(fingerprint.generation).toBeLessThan(2)
          expect(fingerprint).toEqual(makeFingerprint(Number(recordId), { generation: 1, inactive: Number(recordId) % 10 === 0 }))
          expect(walked.has(recordId)).toBe(false)
          walked.add(recordId)
        }
        yield* store.commit(makeCommit({ deletes: batch.map((s) => s.recordId) }))
      }
      expect(rounds).toBe(3)
      expect([...walked].sort()).toEqual([...staleIds].sort())
      expect(yield* store.fingerprints.countStale(defaultScope, 2)).toEqual({ active: 0, inactive: 0 })
      expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 500, inactive: 0 })
    }), 60_000)

  test("stale returns at most limit fingerprints, all older than the generation", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      yield* store.commit(makeCommit({
        upserts: [
          upsert("old1", makeFingerprint(1, { generation: 1 })),
          upsert("old2", makeFingerprint(2, { generation: 4 })),
          upsert("new", makeFingerprint(3, { generation: 5 }))
        ]
      }))
      const two = yield* store.fingerprints.stale(defaultScope, 5, 2)
      expect(two.map((s) => s.recordId).sort()).toEqual(["old1", "old2"])
      const one = yield* store.fingerprints.stale(defaultScope, 5, 1)
      expect(one.length).toBe(1)
      expect(["old1", "old2"]).toContain(one[0].recordId)
      expect(yield* store.fingerprints.stale(defaultScope, 1, 10)).toEqual([])
      expect(yield* store.fingerprints.stale({ syncId: "syn_none", model: "x" }, 9, 10)).toEqual([])
    }))

  test("model state: absent, replaced by a commit that carries one, kept by a commit that does not", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      expect(Option.isNone(yield* store.syncs.modelState(defaultScope))).toBe(true)
      yield* store.commit(makeCommit({ state: { cursor: "c1", generation: 1, lastFullReadAt: 500 } }))
      expect(some(yield* store.syncs.modelState(defaultScope))).toEqual({ cursor: "c1", generation: 1, lastFullReadAt: 500 })
      yield* store.commit(makeCommit({ upserts: [upsert("a", makeFingerprint("a"))] }))
      expect(some(yield* store.syncs.modelState(defaultScope)).cursor).toBe("c1")
      yield* store.commit(makeCommit({ state: { cursor: "c2", generation: 2 } }))
      const state = some(yield* store.syncs.modelState(defaultScope))
      expect(state.cursor).toBe("c2")
      expect(state.generation).toBe(2)
      expect(state.lastFullReadAt).toBeUndefined()
      expect(Option.isNone(yield* store.syncs.modelState({ ...defaultScope, model: "crm.contact" }))).toBe(true)
    }))

  test("run counters: recordEvents counts the record events of commits; audits are replaced per model", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const auditA1 = makeAudit("hris.employee", { counters: { processed: 2, new: 2, changed: 0, deleted: 0, invalid: 0 } })
      yield* store.commit(makeCommit({
        audit: auditA1,
        events: [makeEntry(), makeEntry(), makeRunEvent("run_test", "sync.events.processed")]
      }))
      let run = some(yield* store.runs.get("run_test"))
      expect(run.delivery.recordEvents).toBe(2)
      expect(run.models["hris.employee"]).toEqual(auditA1)
      const auditA2 = makeAudit("hris.employee", { status: "succeeded", counters: { processed: 3, new: 2, changed: 1, deleted: 0, invalid: 0 } })
      const auditB = makeAudit("ats.candidate", {
        invalidRecords: [{ recordId: "x", error: "emails[0].value: Expected string", path: "emails[0].value" }, { error: "(record): Expected object" }],
        error: { message: "GET /candidates failed (HTTP 403)", code: "insufficient_permissions", resolution: "Grant the key read access." }
      })
      yield* store.commit(makeCommit({ audit: auditA2, events: [makeEntry(), makeEntry({ replay: true })] }))
      yield* store.commit(makeCommit({ scope: { ...defaultScope, model: "ats.candidate" }, audit: auditB }))
      run = some(yield* store.runs.get("run_test"))
      expect(run.delivery).toEqual({ recordEvents: 3, acked: 0, deadLettered: 0, emissionClosed: false, consumedEnqueued: false })
      expect(run.models).toEqual({ "hris.employee": auditA2, "ats.candidate": auditB })
    }))

  test("a commit appends its events to the outbox in order", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const events = [makeEntry(), makeRunEvent("run_test", "sync.events.processed"), makeEntry()]
      yield* store.commit(makeCommit({ events }))
      const listed = yield* store.outbox.list({})
      expect(ids(listed)).toEqual(ids(events))
      expect(listed).toEqual(events.map(asStored))
    }))

  test("a commit for an unknown run applies nothing", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      yield* store.syncs.put(makeSync())
      const kept = makeFingerprint("kept")
      const first = makeEntry()
      yield* store.commit(makeCommit({ upserts: [upsert("kept", kept)], state: { cursor: "c1", generation: 1 }, events: [first] }))
      const runBefore = some(yield* store.runs.get("run_test"))

      yield* expectStoreError(store.commit(makeCommit({
        runId: "run_missing",
        upserts: [upsert("new", makeFingerprint("new")), upsert("kept", makeFingerprint("changed"))],
        deletes: ["kept"],
        state: { cursor: "c2", generation: 2 },
        events: [makeEntry({ runId: "run_missing" })]
      })))

      const found = yield* store.fingerprints.getMany(defaultScope, ["kept", "new"])
      expect([...found.keys()]).toEqual(["kept"])
      expect(found.get("kept")).toEqual(kept)
      expect(some(yield* store.syncs.modelState(defaultScope))).toEqual({ cursor: "c1", generation: 1 })
      expect(ids(yield* store.outbox.list({}))).toEqual([first.id])
      expect(some(yield* store.runs.get("run_test"))).toEqual(runBefore)
      expect(Option.isNone(yield* store.runs.get("run_missing"))).toBe(true)
    }))

  test("a commit whose event id is already used applies nothing", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const first = makeEntry()
      yield* store.commit(makeCommit({ upserts: [upsert("kept", makeFingerprint("kept"))], state: { generation: 1 }, events: [first] }))
      const runBefore = some(yield* store.runs.get("run_test"))

      const fresh = makeEntry()
      yield* expectStoreError(store.commit(makeCommit({
        upserts: [upsert("new", makeFingerprint("new"))],
        deletes: ["kept"],
        state: { cursor: "c2", generation: 2 },
        events: [fresh, { ...makeEntry(), id: first.id }],
        audit: makeAudit(defaultScope.model, { status: "failed" })
      })))

      expect([...(yield* store.fingerprints.getMany(defaultScope, ["kept", "new"])).keys()]).toEqual(["kept"])
      expect(some(yield* store.syncs.modelState(defaultScope))).toEqual({ generation: 1 })
      expect(ids(yield* store.outbox.list({}))).toEqual([first.id])
      expect(Option.isNone(yield* store.outbox.get(fresh.id))).toBe(true)
      expect(some(yield* store.runs.get("run_test"))).toEqual(runBefore)
    }))

  test("concurrent commits of different pages all land", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      yield* Effect.forEach(
        Array.from({ length: 20 }, (_, page) => page),
        (page) =>
          store.commit(makeCommit({
            upserts: Array.from({ length: 50 }, (_, i) => upsert(`${page}-${i}`, makeFingerprint(page * 50 + i))),
            events: [makeEntry()]
          })),
        { concurrency: "unbounded", discard: true }
      )
      expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 1_000, inactive: 0 })
      expect(some(yield* store.runs.get("run_test")).delivery.recordEvents).toBe(20)
      expect((yield* store.outbox.list({})).length).toBe(20)
    }))

  test("outbox.list filters by type and pages with `after`, in insertion order", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const events = Array.from({ length: 7 }, (_, i) => makeEntry({ type: i % 2 === 0 ? "record.new" : "record.deleted" }))
      yield* store.commit(makeCommit({ events }))
      expect(ids(yield* store.outbox.list({ type: "record.deleted" }))).toEqual([events[1]!.id, events[3]!.id, events[5]!.id])
      const first = yield* store.outbox.list({ limit: 3 })
      expect(ids(first)).toEqual(events.slice(0, 3).map((e) => e.id))
      const second = yield* store.outbox.list({ limit: 3, after: first[2]!.id })
      expect(ids(second)).toEqual(events.slice(3, 6).map((e) => e.id))
      const last = yield* store.outbox.list({ limit: 3, after: second[2]!.id, runId: "run_test" })
      expect(ids(last)).toEqual([events[6]!.id])
      expect(yield* store.outbox.list({ after: events[6]!.id })).toEqual([])
    }))

  test("outbox.pendingCount counts a destination's entries until they are acked or dead-lettered, and replays again", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const events = Array.from({ length: 4 }, () => makeEntry())
      const elsewhere = makeEntry({ destinationId: "dst_other" })
      yield* store.commit(makeCommit({ events: [...events, elsewhere] }))
      expect(yield* store.outbox.pendingCount("dst_test")).toBe(4)
      expect(yield* store.outbox.pendingCount("dst_other")).toBe(1)
      expect(yield* store.outbox.pendingCount("dst_none")).toBe(0)
      // Leasing does not change the count.
      expect((yield* store.outbox.claimDue({ now: 2_000, limit: 10, leaseMs: 30_000, destinationId: "dst_test" })).length).toBe(4)
      expect(yield* store.outbox.pendingCount("dst_test")).toBe(4)
      yield* settleLeased(store, events[0]!.id, { _tag: "Acked", at: 2_000, attempts: 1, firstAttemptAt: 2_000 })
      yield* settleLeased(store, events[1]!.id, { _tag: "DeadLettered", at: 2_000, attempts: 1, error: "HTTP 422" })
      yield* settleLeased(store, events[2]!.id, {
        _tag: "Retry", at: 2_000, attempts: 1, firstAttemptAt: 2_000, nextAttemptAt: 9_000, error: "HTTP 500"
      })
      expect(yield* store.outbox.pendingCount("dst_test")).toBe(2)
      yield* store.outbox.requeue([events[1]!.id], 3_000)
      expect(yield* store.outbox.pendingCount("dst_test")).toBe(3)
    }))
}
