import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Store } from "@weft/core/store"
import { StoreSuite } from "@weft/testing/conformance"
import { pgLayer, sqliteLayer } from "./layers.js"

const { defaultScope, expectStoreError, makeCommit, makeEntry, makeFingerprint, makeRun } = StoreSuite

/**
 * A page commit is all or nothing even when the database itself fails its
 * last statement: a trigger makes the run counter update (the commit's final
 * write) fail after the fingerprints, model state, outbox entries and audit
 * were written in the same transaction.
 */
const failLastStatement = {
  sqlite: `CREATE TRIGGER weft_test_fail BEFORE UPDATE OF record_events ON weft_runs
BEGIN SELECT RAISE(ABORT, 'injected failure of the last statement'); END`,
  pg: [
    `CREATE FUNCTION weft_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'injected failure of the last statement'; END $$`,
    `CREATE TRIGGER weft_test_fail BEFORE UPDATE OF record_events ON weft_runs FOR EACH ROW EXECUTE FUNCTION weft_test_fail()`
  ]
}

const cases = [
  ["SQLite", () => sqliteLayer(), [failLastStatement.sqlite]],
  ["Postgres", () => pgLayer(), failLastStatement.pg]
] as const

for (const [name, layer, trigger] of cases) {
  describe(`StoreSql (${name}) commits`, () => {
    it.effect("a commit whose last statement fails leaves nothing behind", () =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const sql = yield* SqlClient.SqlClient
        yield* store.runs.create(makeRun())
        const kept = makeFingerprint("kept")
        const first = makeEntry()
        yield* store.commit(makeCommit({ upserts: [{ recordId: "kept", fingerprint: kept }], state: { cursor: "c1", generation: 1 }, events: [first] }))
        const before = yield* store.runs.get("run_test")
        for (const statement of trigger) yield* sql.unsafe(statement)

        const error = yield* expectStoreError(store.commit(makeCommit({
          upserts: Array.from({ length: 600 }, (_, i) => ({ recordId: `new-${i}`, fingerprint: makeFingerprint(i) })),
          deletes: ["kept"],
          state: { cursor: "c2", generation: 2 },
          events: Array.from({ length: 600 }, () => makeEntry()),
          audit: StoreSuite.makeAudit(defaultScope.model, { status: "failed" })
        })))
        expect(error.op).toBe("commit")
        expect(error.detail).toContain("injected failure of the last statement")

        expect([...(yield* store.fingerprints.getMany(defaultScope, ["kept", "new-0", "new-599"])).keys()]).toEqual(["kept"])
        expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 1, inactive: 0 })
        expect(Option.getOrThrow(yield* store.syncs.modelState(defaultScope))).toEqual({ cursor: "c1", generation: 1 })
        expect((yield* store.outbox.list({})).map((e) => e.id)).toEqual([first.id])
        expect(yield* store.runs.get("run_test")).toEqual(before)
      }).pipe(Effect.provide(Layer.orDie(layer()))))

    it.effect("a commit of 5,000 records and events is chunked under the parameter limits", () =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        yield* store.runs.create(makeRun())
        const n = 5_000
        const upserts = Array.from({ length: n }, (_, i) => ({ recordId: `r${i}`, fingerprint: makeFingerprint(i) }))
        const events = Array.from({ length: n }, (_, i) => makeEntry({ recordId: `r${i}` }))
        yield* store.commit(makeCommit({ upserts, events }))
        expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: n, inactive: 0 })
        expect((yield* store.fingerprints.getMany(defaultScope, upserts.map((u) => u.recordId))).size).toBe(n)
        expect((yield* store.outbox.list({ limit: 10_000 })).map((e) => e.id)).toEqual(events.map((e) => e.id))
        yield* store.commit(makeCommit({ deletes: upserts.map((u) => u.recordId) }))
        expect(yield* store.fingerprints.count(defaultScope)).toEqual({ active: 0, inactive: 0 })
        expect(Option.getOrThrow(yield* store.runs.get("run_test")).delivery.recordEvents).toBe(n)
      }).pipe(Effect.provide(Layer.orDie(layer()))), 120_000)
  })
}
