import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Rows } from "@weft/core/store"
import {
  defaultScope,
  makeCommit,
  makeDestination,
  makeEntry,
  makeFingerprint,
  makeIntegration,
  makeRun,
  makeSync
} from "./Builders.js"
import { ids, some, storeTest, type StoreLayer } from "./Harness.js"

/**
 * Conformance tests for the keyed tables: integrations, destinations, syncs
 * and runs.
 *
 * @since 0.1.0
 */

const byId = <A extends { readonly id: string }>(rows: ReadonlyArray<A>): Array<A> =>
  [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

/**
 * @since 0.1.0
 * @category tests
 */
export const tableTests = (layer: StoreLayer): void => {
  const test = storeTest(layer)

  test("integrations: put, get, list by tenant, replace, delete; sealed credentials round-trip byte-exact", (store) =>
    Effect.gen(function*() {
      const credentials = new Uint8Array(64)
      for (let i = 0; i < credentials.length; i++) credentials[i] = (i * 37 + 11) % 256
      const a = makeIntegration({ id: "int_a", tenant: "acme", credentials })
      const b = makeIntegration({ id: "int_b", tenant: "globex" })
      const c = makeIntegration({ id: "int_c", tenant: "acme", status: "reauth_required", statusMessage: "Refresh token revoked; reconnect the account" })
      yield* Effect.forEach([a, b, c], store.integrations.put, { discard: true })
      const expected = new Uint8Array(credentials)
      credentials.fill(0)
      const got = some(yield* store.integrations.get("int_a"))
      expect(got.credentials).toEqual(expected)
      expect(got).toEqual({ ...a, credentials: expected })
      got.credentials.fill(9)
      expect(some(yield* store.integrations.get("int_a")).credentials).toEqual(expected)
      expect(some(yield* store.integrations.get("int_c"))).toEqual(c)
      expect(Option.isNone(yield* store.integrations.get("int_missing"))).toBe(true)
      expect(ids(byId(yield* store.integrations.list({ tenant: "acme" })))).toEqual(["int_a", "int_c"])
      expect(ids(byId(yield* store.integrations.list()))).toEqual(["int_a", "int_b", "int_c"])
      expect(yield* store.integrations.list({ tenant: "nobody" })).toEqual([])

      yield* store.integrations.put({ ...b, status: "invalid_credentials", updatedAt: 2_000 })
      expect(some(yield* store.integrations.get("int_b"))).toMatchObject({ status: "invalid_credentials", updatedAt: 2_000 })
      yield* store.integrations.delete("int_b")
      expect(Option.isNone(yield* store.integrations.get("int_b"))).toBe(true)
      expect(ids(byId(yield* store.integrations.list()))).toEqual(["int_a", "int_c"])
    }))

  test("destinations: put, get, list; sealed secrets and options round-trip", (store) =>
    Effect.gen(function*() {
      const secrets = new Uint8Array([0, 1, 2, 250, 255, 128])
      const a = makeDestination({ id: "dst_a", secrets, options: { timeoutMs: 5_000, ackMode: "200", allow: ["127.0.0.1"] } })
      const b = makeDestination({ id: "dst_b", enabled: false, disabledReason: "410 Gone" })
      yield* store.destinations.put(a)
      yield* store.destinations.put(b)
      secrets.fill(0)
      const got = some(yield* store.destinations.get("dst_a"))
      expect(got.secrets).toEqual(new Uint8Array([0, 1, 2, 250, 255, 128]))
      expect(got.options).toEqual({ timeoutMs: 5_000, ackMode: "200", allow: ["127.0.0.1"] })
      expect(some(yield* store.destinations.get("dst_b"))).toEqual(b)
      expect(ids(byId(yield* store.destinations.list()))).toEqual(["dst_a", "dst_b"])
      expect(Option.isNone(yield* store.destinations.get("dst_missing"))).toBe(true)
    }))

  test("syncs: put, get, list by integration, replace", (store) =>
    Effect.gen(function*() {
      const s1 = makeSync({ id: "syn_1", integrationId: "int_a", models: [{ model: "hris.employee", fieldGroups: ["personal", "employment"] }] })
      const s2 = makeSync({ id: "syn_2", integrationId: "int_b" })
      const s3 = makeSync({ id: "syn_3", integrationId: "int_a", status: "paused" })
      yield* Effect.forEach([s1, s2, s3], store.syncs.put, { discard: true })
      expect(some(yield* store.syncs.get("syn_1"))).toEqual(s1)
      expect(ids(byId(yield* store.syncs.list({ integrationId: "int_a" })))).toEqual(["syn_1", "syn_3"])
      expect(ids(byId(yield* store.syncs.list()))).toEqual(["syn_1", "syn_2", "syn_3"])
      yield* store.syncs.put({ ...s2, status: "paused", initialCompletedAt: 5_000 })
      expect(some(yield* store.syncs.get("syn_2"))).toMatchObject({ status: "paused", initialCompletedAt: 5_000 })
      expect(Option.isNone(yield* store.syncs.get("syn_missing"))).toBe(true)
    }))

  test("syncs.delete removes the sync with its fingerprints and model states; runs, outbox and other syncs stay", (store) =>
    Effect.gen(function*() {
      const doomed = makeSync({ id: "syn_doomed" })
      const kept = makeSync({ id: "syn_kept" })
      yield* store.syncs.put(doomed)
      yield* store.syncs.put(kept)
      yield* store.runs.create(makeRun({ id: "run_doomed", syncId: doomed.id }))
      yield* store.runs.create(makeRun({ id: "run_kept", syncId: kept.id }))
      const scopes: Array<Rows.FingerprintScope> = [
        { syncId: doomed.id, model: "hris.employee" },
        { syncId: doomed.id, model: "ats.candidate" },
        { syncId: kept.id, model: "hris.employee" }
      ]
      const event = makeEntry({ runId: "run_doomed", syncId: doomed.id })
      for (const scope of scopes) {
        yield* store.commit(makeCommit({
          runId: scope.syncId === doomed.id ? "run_doomed" : "run_kept",
          scope,
          upserts: [{ recordId: "1", fingerprint: makeFingerprint(1) }],
          state: { cursor: `${scope.syncId}/${scope.model}`, generation: 1 },
          events: scope === scopes[0] ? [event] : []
        }))
      }
      yield* store.syncs.delete(doomed.id)
      expect(Option.isNone(yield* store.syncs.get(doomed.id))).toBe(true)
      for (const scope of scopes.slice(0, 2)) {
        expect((yield* store.fingerprints.getMany(scope, ["1"])).size).toBe(0)
        expect(yield* store.fingerprints.count(scope)).toEqual({ active: 0, inactive: 0 })
        expect(Option.isNone(yield* store.syncs.modelState(scope))).toBe(true)
      }
      expect((yield* store.fingerprints.getMany(scopes[2], ["1"])).size).toBe(1)
      expect(some(yield* store.syncs.modelState(scopes[2])).cursor).toBe("syn_kept/hris.employee")
      expect(Option.isSome(yield* store.syncs.get(kept.id))).toBe(true)
      expect(Option.isSome(yield* store.runs.get("run_doomed"))).toBe(true)
      expect(Option.isSome(yield* store.outbox.get(event.id))).toBe(true)
    }))

  test("rows are copied in and out: changing what was written or read changes nothing stored (or what is read is frozen)", (store) =>
    Effect.gen(function*() {
      const run = makeRun({ warnings: ["w1"] })
      yield* store.runs.create(run)
      ;(run.warnings as Array<string>).push("written later")
      const read = some(yield* store.runs.get(run.id))
      ;(read.warnings as Array<string>).push("read later")
      expect(some(yield* store.runs.get(run.id)).warnings).toEqual(["w1"])

      const sync = makeSync({ models: [{ model: "hris.employee", fieldGroups: ["personal"] }] })
      yield* store.syncs.put(sync)
      ;(sync.models as Array<Rows.SyncModel>).push({ model: "written.later" })
      ;(some(yield* store.syncs.get(sync.id)).models as Array<Rows.SyncModel>).push({ model: "read.later" })
      expect(some(yield* store.syncs.get(sync.id)).models).toEqual([{ model: "hris.employee", fieldGroups: ["personal"] }])

      const destination = makeDestination({ options: { allow: ["127.0.0.1"] } })
      yield* store.destinations.put(destination)
      ;(destination.options.allow as Array<string>).push("10.0.0.1")
      // A store may hand out frozen options (read on every delivery, not copied each time).
      const readOptions = some(yield* store.destinations.get(destination.id)).options
      try {
        ;(readOptions.allow as Array<string>).push("10.0.0.2")
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError)
      }
      expect(some(yield* store.destinations.get(destination.id)).options).toEqual({ allow: ["127.0.0.1"] })
    }))

  test("runs: create and get; a new run's delivery counters start at zero", (store) =>
    Effect.gen(function*() {
      const run = makeRun({ id: "run_a", type: "manual" })
      yield* store.runs.create(run)
      expect(some(yield* store.runs.get("run_a"))).toEqual(run)
      expect(Option.isNone(yield* store.runs.get("run_missing"))).toBe(true)
    }))

  test("runs.list: newest first by startedAt then id, filtered, 100 by default", (store) =>
    Effect.gen(function*() {
      // Created out of order on purpose: run_04 before run_01, both started at 3,000.
      const runs = [
        makeRun({ id: "run_04", syncId: "syn_c", integrationId: "int_b", startedAt: 3_000 }),
        makeRun({ id: "run_01", syncId: "syn_a", integrationId: "int_a", startedAt: 3_000 }),
        makeRun({ id: "run_02", syncId: "syn_a", integrationId: "int_a", startedAt: 1_000 }),
        makeRun({ id: "run_03", syncId: "syn_b", integrationId: "int_a", startedAt: 2_000 })
      ]
      yield* Effect.forEach(runs, store.runs.create, { discard: true })
      expect(ids(yield* store.runs.list())).toEqual(["run_04", "run_01", "run_03", "run_02"])
      expect(ids(yield* store.runs.list({ syncId: "syn_a" }))).toEqual(["run_01", "run_02"])
      expect(ids(yield* store.runs.list({ integrationId: "int_a" }))).toEqual(["run_01", "run_03", "run_02"])
      expect(ids(yield* store.runs.list({ integrationId: "int_a", syncId: "syn_b" }))).toEqual(["run_03"])
      expect(ids(yield* store.runs.list({ limit: 2 }))).toEqual(["run_04", "run_01"])
      expect(yield* store.runs.list({ syncId: "syn_none" })).toEqual([])

      yield* Effect.forEach(
        Array.from({ length: 110 }, (_, i) => makeRun({ id: `run_m${String(i).padStart(3, "0")}`, syncId: "syn_m", startedAt: 10_000 + i })),
        store.runs.create,
        { discard: true }
      )
      const page = yield* store.runs.list({ syncId: "syn_m" })
      expect(page.length).toBe(100)
      expect(page[0].id).toBe("run_m109")
      expect(page[99].id).toBe("run_m010")
    }))

  test("runs.list pages with before: older runs only, newest first, ties on startedAt by id, with the filters", (store) =>
    Effect.gen(function*() {
      // Created out of order; three share a start time.
      const runs = [
        makeRun({ id: "run_c", startedAt: 2_000 }),
        makeRun({ id: "run_e", startedAt: 3_000, status: "failed" }),
        makeRun({ id: "run_a", startedAt: 1_000, status: "failed" }),
        makeRun({ id: "run_d", startedAt: 2_000, syncId: "syn_other" }),
        makeRun({ id: "run_b", startedAt: 2_000, status: "failed" }),
        makeRun({ id: "run_f", startedAt: 4_000 })
      ]
      yield* Effect.forEach(runs, store.runs.create, { discard: true })
      const pages: Array<Array<string>> = []
      let before: string | undefined
      for (;;) {
        const page = yield* store.runs.list({ limit: 2, before })
        if (page.length === 0) break
        pages.push(ids(page))
        before = page[page.length - 1].id
      }
      expect(pages).toEqual([["run_f", "run_e"], ["run_d", "run_c"], ["run_b", "run_a"]])
      expect(ids(yield* store.runs.list({ before: "run_d" }))).toEqual(["run_c", "run_b", "run_a"])
      expect(ids(yield* store.runs.list({ before: "run_c", limit: 1 }))).toEqual(["run_b"])
      expect(ids(yield* store.runs.list({ before: "run_a" }))).toEqual([])
      // With filters: the cursor need not match them.
      expect(ids(yield* store.runs.list({ status: "failed", before: "run_e" }))).toEqual(["run_b", "run_a"])
      expect(ids(yield* store.runs.list({ syncId: "syn_test", before: "run_d" }))).toEqual(["run_c", "run_b", "run_a"])
      expect(ids(yield* store.runs.list({ syncId: "syn_other", before: "run_d" }))).toEqual([])
      // A cursor that is no run: no runs.
      expect(yield* store.runs.list({ before: "run_missing" })).toEqual([])
    }))

  test("a commit to one run leaves other runs untouched", (store) =>
    Effect.gen(function*() {
      yield* store.runs.create(makeRun())
      const other = makeRun({ id: "run_other" })
      yield* store.runs.create(other)
      yield* store.commit(makeCommit({ events: [makeEntry(), makeEntry()] }))
      expect(some(yield* store.runs.get("run_other"))).toEqual(other)
      expect(some(yield* store.runs.get("run_test")).delivery.recordEvents).toBe(2)
      expect((yield* store.fingerprints.getMany(defaultScope, ["x"])).size).toBe(0)
    }))
}
