import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { Errors } from "@weft/core/connector"
import { ModelRun, SyncEngine } from "@weft/core/engine"
import { RunEvents } from "@weft/core/outbox"
import { Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { engineLayer, eventsOf, recordEvents, setupSync, T0 } from "./support/harness.js"
import { employee, MemoryProvider } from "./support/MemoryProvider.js"

const seeded = (n: number, pageSize = 10) => {
  const provider = new MemoryProvider()
  provider.employees.pageSize = pageSize
  for (let i = 1; i <= n; i++) provider.employees.put(employee(i))
  return provider
}

describe("SyncEngine", () => {
  const run = (provider: MemoryProvider, mode: "full" | "incremental" = "full") => {
    const connector = provider.connector({ mode })
    return {
      connector,
      provide: <A, E, R>(self: Effect.Effect<A, E, R>) =>
        Effect.provide(Effect.zipRight(TestClock.setTime(T0), self), engineLayer(connector))
    }
  }

  it.effect("initial sync emits record.new for every active record, then processed and allEmitted", () => {
    const provider = seeded(35)
    provider.employees.put(employee(36, { employment: { status: "inactive", terminationDate: "2025-01-01" } }))
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      const result = yield* engine.run(sync.id, { type: "initial" })
      expect(result.status).toBe("succeeded")
      const audit = result.models["hris.employee"]!
      expect(audit.counters).toEqual({ processed: 36, new: 35, changed: 0, deleted: 0, invalid: 0 })
      expect(audit.fullRead).toBe(true)
      const events = yield* eventsOf(result.id)
      expect(events.filter((e) => e.type === "record.new")).toHaveLength(35)
      expect(events.some((e) => e.type === "record.new" && e.recordId === "36")).toBe(false)
      const processed = events.filter((e) => e.type === "sync.events.processed")
      expect(processed).toHaveLength(1)
      const allEmitted = events.find((e) => e.type === "sync.events.allEmitted")
      expect(allEmitted?.data).toMatchObject({ status: "succeeded", processed: 36, emitted: { new: 35, changed: 0, deleted: 0, total: 35 }, invalid: 0 })
      const first = events.find((e) => e.type === "record.new")!
      expect(first).toMatchObject({ integrationId: sync.integrationId, syncId: sync.id, syncRunId: result.id, syncType: "initial_sync", connector: "memory", tenant: "acme", model: "hris.employee" })
      const store = yield* Store.Store
      expect(yield* store.fingerprints.count({ syncId: sync.id, model: "hris.employee" })).toEqual({ active: 35, inactive: 1 })
    }))
  })

  it.effect("includeInactive emits inactive records too", () => {
    const provider = seeded(3)
    provider.employees.put(employee(4, { employment: { status: "inactive" } }))
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector, { includeInactive: true })
      const result = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
      expect(recordEvents(yield* eventsOf(result.id))).toContain("record.new:4")
    }))
  })

  it.effect("a delta emits exactly the changes: new, changed, removed; unchanged records emit nothing", () => {
    const provider = seeded(30)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      yield* engine.run(sync.id, { type: "initial" })
      const again = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(again.id))).toEqual([])

      provider.employees.put(employee(31))
      provider.employees.put(employee(5, { orgStructure: { jobTitle: "Staff Engineer", department: "R&D" } }))
      provider.employees.remove("7")
      const delta = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(delta.id))).toEqual(["record.changed:5", "record.deleted:7:removed", "record.new:31"])
      const changed = (yield* eventsOf(delta.id)).find((e) => e.type === "record.changed")!
      expect(changed.syncType).toBe("delta_sync")
      expect((changed.data as { orgStructure: { jobTitle: string } }).orgStructure.jobTitle).toBe("Staff Engineer")
    }))
  })

  it.effect("a change only outside the subscribed field groups, or only in a volatile field, emits nothing", () => {
    const provider = seeded(5)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector, { models: [{ model: "hris.employee", fieldGroups: ["profile"] }] })
      const engine = yield* SyncEngine.SyncEngine
      const initial = yield* engine.run(sync.id, { type: "initial" })
      const first = (yield* eventsOf(initial.id)).find((e) => e.type === "record.new")!
      expect(Object.keys(first.data).sort()).toEqual(["id", "profile", "remoteUpdatedAt"])

      provider.employees.put(employee(2, { compensation: { fixed: [{ amount: "2000.00", currency: "EUR" }] }, remoteUpdatedAt: "2026-02-01T00:00:00.000Z" }))
      const quiet = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(quiet.id))).toEqual([])

      provider.employees.put(employee(3, { profile: { firstName: "Renamed", lastName: "Last3" } }))
      const loud = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(loud.id))).toEqual(["record.changed:3"])
    }))
  })

  it.effect("active → inactive emits record.deleted (inactive); inactive → active emits record.new", () => {
    const provider = seeded(5)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      yield* engine.run(sync.id, { type: "initial" })
      provider.employees.put(employee(2, { employment: { status: "inactive", terminationDate: "2026-11-01" } }))
      const terminated = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(terminated.id))).toEqual(["record.deleted:2:inactive"])
      // Still inactive, and changed: nothing (the receiver no longer holds it).
      provider.employees.put(employee(2, { employment: { status: "inactive", terminationDate: "2026-11-02" } }))
      const quiet = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(quiet.id))).toEqual([])
      provider.employees.put(employee(2))
      const rehired = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(rehired.id))).toEqual(["record.new:2"])
      // Deleted while inactive: no event, fingerprint gone.
      provider.employees.put(employee(4, { employment: { status: "inactive" } }))
      yield* engine.run(sync.id, { type: "delta" })
      provider.employees.remove("4")
      const removed = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(removed.id))).toEqual([])
      const store = yield* Store.Store
      expect(yield* store.fingerprints.count({ syncId: sync.id, model: "hris.employee" })).toEqual({ active: 4, inactive: 0 })
    }))
  })

  it.effect("records failing the schema are counted invalid with id and first error, not fingerprinted, and the run goes on", () => {
    const provider = seeded(12)
    provider.employees.put({ ...employee(13), profile: { workEmail: "not-an-email" } })
    provider.employees.put({ profile: { firstName: "No id" } })
    provider.employees.put(employee(14, {
      compensation: { fixed: [{ amount: "1000.00", currency: "EUR", period: "month" }, { amount: "a lot", currency: "EUR", period: "month" }] }
    }))
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const result = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
      const audit = result.models["hris.employee"]!
      expect(result.status).toBe("succeeded")
      expect(audit.counters.invalid).toBe(3)
      expect(audit.counters.new).toBe(12)
      expect(audit.invalidRecords[0]).toMatchObject({ recordId: "13" })
      expect(audit.invalidRecords[0]!.error).toMatch(/^profile\.workEmail: /)
      expect(audit.invalidRecords[1]).toMatchObject({ recordId: undefined })
      expect(audit.invalidRecords[1]!.error).toMatch(/^id: /)
      // Each invalid record names where its first problem is, array items by index.
      expect(audit.invalidRecords.map((r) => r.path)).toEqual(["profile.workEmail", "id", "compensation.fixed[1].amount"])
      expect(audit.invalidRecords[2]).toMatchObject({ recordId: "14", error: expect.stringMatching(/^compensation\.fixed\[1\]\.amount: /) })
      const store = yield* Store.Store
      expect((yield* store.fingerprints.getMany({ syncId: sync.id, model: "hris.employee" }, ["13"])).size).toBe(0)
      const allEmitted = (yield* eventsOf(result.id)).find((e) => e.type === "sync.events.allEmitted")!
      expect(allEmitted.data).toMatchObject({ invalid: 3 })
    }))
  })

  it.effect("a read that fails part-way sweeps nothing; the other model still finishes; the next run recovers", () => {
    const provider = seeded(40)
    for (let i = 1; i <= 5; i++) provider.companies.put({ id: `c${i}`, name: `Company ${i}` })
    const connector = provider.connector({ withCompanies: true })
    return Effect.provide(Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      yield* engine.run(sync.id, { type: "initial" })
      provider.employees.failAfterPages = 2
      const failed = yield* engine.run(sync.id, { type: "delta" })
      expect(failed.status).toBe("partial")
      expect(failed.models["hris.employee"]).toMatchObject({ status: "failed", error: { message: expect.stringContaining("HTTP 500") } })
      expect(failed.models["crm.company"]!.status).toBe("succeeded")
      expect(failed.errors).toEqual([{ message: "GET /employees failed (HTTP 500): internal error", model: "hris.employee" }])
      expect(recordEvents(yield* eventsOf(failed.id))).toEqual([])
      const processed = (yield* eventsOf(failed.id)).filter((e) => e.type === "sync.events.processed")
      expect(processed.map((e) => e.type === "sync.events.processed" && e.data.model)).toEqual(["crm.company"])
      const store = yield* Store.Store
      expect((yield* store.fingerprints.count({ syncId: sync.id, model: "hris.employee" })).active).toBe(40)

      provider.employees.remove("39")
      const recovered = yield* engine.run(sync.id, { type: "delta" })
      expect(recovered.status).toBe("succeeded")
      expect(recordEvents(yield* eventsOf(recovered.id))).toEqual(["record.deleted:39:removed"])
    }), engineLayer(connector))
  })

  it.effect("the mass-delete guard holds back a large sweep until a manual run confirms it", () => {
    const provider = seeded(100)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      yield* engine.run(sync.id, { type: "initial" })
      for (let i = 1; i <= 60; i++) provider.employees.remove(String(i))
      const held = yield* engine.run(sync.id, { type: "delta" })
      expect(held.status).toBe("partial")
      expect(held.warnings.join()).toMatch(/60 of 100 known records/)
      expect(held.warnings.join()).toMatch(/confirmDeletes/)
      expect(recordEvents(yield* eventsOf(held.id))).toEqual([])
      const unconfirmed = yield* engine.run(sync.id, { type: "manual" })
      expect(unconfirmed.status).toBe("partial")
      const confirmed = yield* engine.run(sync.id, { type: "manual", confirmDeletes: true })
      expect(confirmed.status).toBe("succeeded")
      expect(recordEvents(yield* eventsOf(confirmed.id))).toHaveLength(60)
      // Small sweeps are never held.
      for (let i = 61; i <= 66; i++) provider.employees.remove(String(i))
      const small = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(small.id))).toHaveLength(6)
    }))
  })

  it.effect("incremental readers: changes since the saved cursor, tombstones become record.deleted (removed)", () => {
    const provider = seeded(25)
    const { connector, provide } = run(provider, "incremental")
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      const store = yield* Store.Store
      const initial = yield* engine.run(sync.id, { type: "initial" })
      expect(initial.models["hris.employee"]!.counters.new).toBe(25)
      const state = yield* store.syncs.modelState({ syncId: sync.id, model: "hris.employee" })
      expect(state._tag === "Some" && state.value.cursor).toBe(String(provider.employees.seq))

      provider.employees.put(employee(9, { profile: { firstName: "Nine" } }))
      provider.employees.remove("10")
      provider.employees.put(employee(26))
      const served = provider.employees.pagesServed
      const delta = yield* engine.run(sync.id, { type: "delta" })
      expect(delta.models["hris.employee"]!.fullRead).toBe(false)
      expect(provider.employees.pagesServed - served).toBeLessThan(5)
      expect(recordEvents(yield* eventsOf(delta.id))).toEqual(["record.changed:9", "record.deleted:10:removed", "record.new:26"])
      const quiet = yield* engine.run(sync.id, { type: "delta" })
      expect(recordEvents(yield* eventsOf(quiet.id))).toEqual([])
    }))
  })

  it.effect("interrupting a run mid-read and running again yields no gap and no duplicate", () => {
    const provider = seeded(50)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      const reached = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      provider.employees.holdAtPage = { page: 3, reached, release }
      const fiber = yield* Effect.fork(engine.run(sync.id, { type: "initial" }))
      yield* Deferred.await(reached)
      yield* Fiber.interrupt(fiber)
      const store = yield* Store.Store
      const [interrupted] = yield* store.runs.list({ syncId: sync.id })
      expect(interrupted!.status).toBe("failed")
      expect(interrupted!.errors.map((e) => e.message).join()).toMatch(/interrupted/)
      const firstEvents = recordEvents(yield* eventsOf(interrupted!.id))
      expect(firstEvents.length).toBeGreaterThan(0)
      expect(firstEvents.length).toBeLessThan(50)

      const second = yield* engine.run(sync.id, { type: "initial" })
      const all = [...firstEvents, ...recordEvents(yield* eventsOf(second.id))].sort()
      expect(all).toEqual(Array.from({ length: 50 }, (_, i) => `record.new:${i + 1}`).sort())
    }))
  })

  it.effect("reads page by page: at most one page is fetched ahead of the one being committed", () => {
    const provider = seeded(100, 10)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const store = yield* Store.Store
      const engine = yield* SyncEngine.SyncEngine
      const reached = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      provider.employees.holdAtPage = { page: 5, reached, release }
      const fiber = yield* Effect.fork(engine.run(sync.id, { type: "initial" }))
      yield* Deferred.await(reached)
      yield* Effect.yieldNow()
      // Pages 0-4 served; the engine can have committed at most those.
      expect(provider.employees.pagesServed).toBe(5)
      const count = yield* store.fingerprints.count({ syncId: sync.id, model: "hris.employee" })
      expect(count.active).toBeGreaterThanOrEqual(30)
      expect(count.active).toBeLessThanOrEqual(50)
      yield* Deferred.succeed(release, undefined)
      const result = yield* Fiber.join(fiber)
      expect(result.models["hris.employee"]!.counters.new).toBe(100)
    }))
  })

  it.effect("reading waits while the destination's backlog is above the high-water mark, and resumes as it drains", () => {
    const provider = seeded(100, 10)
    const connector = provider.connector()
    return Effect.provide(Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const sync = yield* setupSync(connector)
      const store = yield* Store.Store
      const fiber = yield* Effect.fork((yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" }))
      const waiting = yield* Effect.repeat(store.outbox.pendingCount(sync.destinationId), { until: (n) => n >= 30 })
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow()
      // Paused: at most the page that crossed the mark was committed.
      expect(waiting).toBeLessThanOrEqual(30)
      expect(yield* store.outbox.pendingCount(sync.destinationId)).toBe(30)
      // Ack everything pending, as delivery would; reading resumes at the next check.
      const vault = yield* Vault.Vault
      const drain = Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const claimed = yield* store.outbox.claimDue({ now, limit: 1000, leaseMs: 60_000, destinationId: sync.destinationId })
        for (const entry of claimed) {
          yield* RunEvents.settle({ store, vault }, entry, { _tag: "Acked", at: now, attempts: 1, firstAttemptAt: now }, now)
        }
      })
      while (fiber.unsafePoll() === null) {
        yield* drain
        yield* TestClock.adjust("50 millis")
      }
      const result = yield* Fiber.join(fiber)
      expect(result.models["hris.employee"]!.counters.new).toBe(100)
    }), engineLayer(connector, { outboxHighWater: 30 }))
  })

  it.effect("a disabled destination never makes a run wait (its events are held)", () => {
    const provider = seeded(100, 10)
    const connector = provider.connector()
    return Effect.provide(Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const sync = yield* setupSync(connector)
      const store = yield* Store.Store
      yield* store.destinations.setEnabled(sync.destinationId, false, "410 Gone", T0)
      const result = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
      expect(result.models["hris.employee"]!.counters.new).toBe(100)
      expect(yield* store.outbox.pendingCount(sync.destinationId)).toBeGreaterThanOrEqual(100)
    }), engineLayer(connector, { outboxHighWater: 30 }))
  })

  it.effect("models of one integration run concurrently", () => {
    const provider = seeded(20)
    for (let i = 1; i <= 20; i++) provider.companies.put({ id: `c${i}`, name: `Company ${i}` })
    const connector = provider.connector({ withCompanies: true })
    return Effect.provide(Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const sync = yield* setupSync(connector)
      const reached = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      provider.employees.holdAtPage = { page: 1, reached, release }
      const fiber = yield* Effect.fork((yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" }))
      yield* Deferred.await(reached)
      // Employees are held; companies finish meanwhile.
      const store = yield* Store.Store
      yield* Effect.repeat(store.fingerprints.count({ syncId: sync.id, model: "crm.company" }), { until: (c) => c.active === 20 })
      yield* Deferred.succeed(release, undefined)
      const result = yield* Fiber.join(fiber)
      expect(result.status).toBe("succeeded")
    }), engineLayer(connector))
  })

  it.effect("outbox payloads are sealed: the store holds no record data in clear", () => {
    const provider = seeded(5)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const result = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
      const store = yield* Store.Store
      const entries = yield* store.outbox.list({ runId: result.id })
      const sealed = new Map<string, Uint8Array>()
      for (const entry of entries) {
        const payload = yield* store.outbox.payload(entry.payload!.id)
        sealed.set(entry.payload!.id, Option.getOrThrow(payload))
      }
      // One payload for the page of record events, one per run event.
      expect(sealed.size).toBe(entries.filter((e) => e.kind === "run").length + 1)
      for (const raw of sealed.values()) {
        expect(Buffer.from(raw).toString("latin1")).not.toContain("person1@example.com")
        expect(Buffer.from(raw).toString("latin1")).not.toContain("First1")
      }
      // Sealed under its own id: moved to another id, it does not open.
      const vault = yield* Vault.Vault
      const moved = yield* Effect.flip(vault.open(sealed.get(entries[0]!.payload!.id)!, entries[0]!.id))
      expect(moved.reason).toBe("tampered")
    }))
  })

  it.effect("resyncRecords re-reads records: changed → event, unchanged → none unless forced, gone → deleted", () => {
    const provider = seeded(5)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      yield* engine.run(sync.id, { type: "initial" })
      const unchanged = yield* engine.resyncRecords(sync.id, "hris.employee", ["1"])
      expect(recordEvents(yield* eventsOf(unchanged.id))).toEqual([])
      const forced = yield* engine.resyncRecords(sync.id, "hris.employee", ["1"], { force: true })
      expect(recordEvents(yield* eventsOf(forced.id))).toEqual(["record.changed:1"])
      expect((yield* eventsOf(forced.id)).map((e) => e.type)).toEqual(["record.changed", "sync.events.processed", "sync.events.allEmitted"])
      expect(forced.type).toBe("manual")
      provider.employees.put(employee(2, { profile: { firstName: "Two" } }))
      provider.employees.remove("3")
      const both = yield* engine.resyncRecords(sync.id, "hris.employee", ["2", "3"])
      expect(recordEvents(yield* eventsOf(both.id))).toEqual(["record.changed:2", "record.deleted:3:removed"])
    }))
  })

  it.effect("a run for an integration that needs reauthorization fails with a message an operator can act on", () => {
    const provider = seeded(2)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const store = yield* Store.Store
      const row = yield* store.integrations.get(sync.integrationId)
      yield* store.integrations.put({ ...row.pipe((o) => (o._tag === "Some" ? o.value : undefined))!, status: "reauth_required", statusMessage: "token revoked" })
      const result = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "delta" })
      expect(result.status).toBe("failed")
      expect(result.errors).toEqual([{
        message: expect.stringContaining("is reauth_required: token revoked"),
        code: "reauth_required",
        resolution: ModelRun.REAUTH_RESOLUTION
      }])
    }))
  })

  it.effect("a read refused for its credentials or authorization records the code and the resolution with the message", () => {
    const provider = seeded(25)
    const { connector, provide } = run(provider)
    return provide(Effect.gen(function*() {
      const sync = yield* setupSync(connector)
      const engine = yield* SyncEngine.SyncEngine
      yield* engine.run(sync.id, { type: "initial" })

      // A connector that reports a refusal the way its check does: a ConnectionError.
      provider.employees.failAfterPages = 1
      provider.employees.failWith = new Errors.ConnectionError({
        code: "insufficient_permissions",
        message: "Memory HR refused to list employees.",
        resolution: "Give the token the employees:read scope."
      })
      const refused = yield* engine.run(sync.id, { type: "delta" })
      expect(refused.status).toBe("failed")
      expect(refused.models["hris.employee"]!.error).toEqual({
        message: "Memory HR refused to list employees.",
        code: "insufficient_permissions",
        resolution: "Give the token the employees:read scope."
      })
      expect(refused.errors).toEqual([{ ...refused.models["hris.employee"]!.error, model: "hris.employee" }])
      // Read back from the store as written.
      const store = yield* Store.Store
      expect(Option.getOrThrow(yield* store.runs.get(refused.id)).errors).toEqual(refused.errors)

      // A revoked authorization: reauth_required, resolved by connecting again.
      provider.employees.failAfterPages = 0
      provider.employees.failWith = new Errors.ReauthRequiredError({ connector: "memory", detail: "refresh token revoked" })
      const revoked = yield* engine.run(sync.id, { type: "delta" })
      expect(revoked.errors).toEqual([{
        message: expect.stringContaining("refresh token revoked"),
        code: "reauth_required",
        resolution: ModelRun.REAUTH_RESOLUTION,
        model: "hris.employee"
      }])
    }))
  })
})

