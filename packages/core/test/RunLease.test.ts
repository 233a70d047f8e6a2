import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import type { Connector } from "@weft/core/connector"
import { Connectors, Integrations, Recovery, SyncEngine } from "@weft/core/engine"
import { Payloads, RunEvents } from "@weft/core/outbox"
import { OutboxSignal, Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { eventsOf, NoHttp, recordEvents, setupSync, T0, testKeys } from "./support/harness.js"
import { employee, MemoryProvider } from "./support/MemoryProvider.js"
import { switchable } from "./support/storeFaults.js"

/**
 * One run per sync across processes, and crash recovery. A "process" here is
 * an engine layer of its own over a store shared with the others; a process
 * that dies is one whose store goes dark (every write fails), so that what
 * it left behind is exactly what a killed process leaves: a run still
 * `running`, its committed pages, a lease nobody renews.
 */

const LEASE = 30_000

const seeded = (n: number, pageSize = 10) => {
  const provider = new MemoryProvider()
  provider.employees.pageSize = pageSize
  for (let i = 1; i <= n; i++) provider.employees.put(employee(i))
  return provider
}

/** The store of a process that can be killed: after `die()`, nothing it does reaches the shared store. */
const mortal = (inner: Store.StoreService) => {
  const { state, store } = switchable(inner, "the process is gone")
  return { store, die: () => (state.down = true) }
}

/** An engine ("process") over `store`. */
const processLayer = (connector: Connector.Any, store: Store.StoreService, options: SyncEngine.SyncEngineOptions = {}) =>
  SyncEngine.layer({ runLease: LEASE, ...options }).pipe(
    Layer.provideMerge(Integrations.layer),
    Layer.provideMerge(Connectors.layer([connector])),
    Layer.provideMerge(OutboxSignal.layer),
    Layer.provideMerge(Layer.succeed(Store.Store, store)),
    Layer.provideMerge(Vault.layer(testKeys)),
    Layer.provideMerge(NoHttp)
  )

/** Builds a process's engine in the current scope. */
const engineOf = (connector: Connector.Any, store: Store.StoreService, options?: SyncEngine.SyncEngineOptions) =>
  Effect.map(Layer.build(processLayer(connector, store, options)), (context) => ({
    engine: context.unsafeMap.get(SyncEngine.SyncEngine.key) as SyncEngine.SyncEngineService
  }))

/**
 * Process A starts a run of the sync and dies while reading page `page` (the
 * pages before it committed). Returns the run it left `running`.
 */
const dieAtPage = (
  provider: MemoryProvider,
  a: { readonly engine: SyncEngine.SyncEngineService },
  process: { readonly die: () => void },
  shared: Store.StoreService,
  syncId: string,
  page: number
) =>
  Effect.gen(function*() {
    const reached = yield* Deferred.make<void>()
    const release = yield* Deferred.make<void>()
    provider.employees.holdAtPage = { page, reached, release }
    yield* Effect.fork(a.engine.run(syncId, { type: "initial" }))
    yield* Deferred.await(reached)
    process.die()
    provider.employees.holdAtPage = undefined
    yield* Deferred.succeed(release, undefined)
    const [dead] = yield* shared.runs.list({ syncId })
    expect(dead!.status).toBe("running")
    return dead!
  })

/** The recovery sweep of another process over `shared`, running in the test's scope. */
const sweeper = (shared: Store.StoreService, options: Recovery.RecoveryOptions = {}) =>
  Layer.build(Recovery.layer({ lease: LEASE, ...options }).pipe(
    Layer.provide(Layer.mergeAll(Layer.succeed(Store.Store, shared), Vault.layer(testKeys), OutboxSignal.layer))
  ))

/**
 * A sync over a shared store, and process A: an engine whose store can be
 * killed (`first.die()`), with `n` employees at the provider.
 */
const withProcessA = (n: number) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const provider = seeded(n)
    const connector = provider.connector()
    const shared = yield* StoreMemory.make
    const first = mortal(shared)
    const a = yield* engineOf(connector, first.store)
    const sync = yield* setupSync(connector).pipe(Effect.provide(processLayer(connector, shared)))
    return { provider, connector, shared, first, a, sync }
  })

describe("Run leases and crash recovery", () => {
  it.scoped("a run holds its sync's lease while it goes on and gives it back when it ends", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const provider = seeded(30)
      const connector = provider.connector()
      const store = yield* StoreMemory.make
      const { engine } = yield* engineOf(connector, store)
      const sync = yield* setupSync(connector).pipe(Effect.provide(processLayer(connector, store)))
      const reached = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      provider.employees.holdAtPage = { page: 2, reached, release }
      const fiber = yield* Effect.fork(engine.run(sync.id, { type: "initial" }))
      yield* Deferred.await(reached)
      const [running] = yield* store.runs.list({ syncId: sync.id })
      const lease = yield* store.runLeases.get(sync.id)
      expect(Option.map(lease, (l) => l.holder)).toEqual(Option.some(running!.id))
      // Renewed while the run goes on: an hour later it is still held.
      yield* TestClock.adjust("1 hour")
      expect(Option.getOrThrow(yield* store.runLeases.get(sync.id)).until).toBeGreaterThan(T0 + 3_600_000)
      yield* Deferred.succeed(release, undefined)
      const done = yield* Fiber.join(fiber)
      expect(done.status).toBe("succeeded")
      expect(yield* store.runLeases.get(sync.id)).toEqual(Option.none())
    }))

  it.scoped("a process that died mid-run: the next run waits for its lease to lapse, closes it with true counts, and continues without emitting anything twice", () =>
    Effect.gen(function*() {
      const { a, connector, first, provider, shared, sync } = yield* withProcessA(50)
      const b = yield* engineOf(connector, shared)

      // Process A commits three pages, then dies while reading the fourth.
      const dead = yield* dieAtPage(provider, a, first, shared, sync.id, 3)
      const committed = recordEvents(yield* eventsOf(dead.id).pipe(Effect.provide(Vault.layer(testKeys)), Effect.provideService(Store.Store, shared)))
      // Held while fetching page 3, with the pages before it committed.
      expect(committed.length).toBe(30)

      // Process B's run waits while the dead run's lease holds, then takes over.
      const next = yield* Effect.fork(b.engine.run(sync.id, { type: "initial" }))
      yield* TestClock.adjust(LEASE / 2)
      expect(yield* shared.runs.list({ syncId: sync.id })).toHaveLength(1)
      yield* TestClock.adjust(LEASE)
      const second = yield* Fiber.join(next)
      expect(second.status).toBe("succeeded")

      const closed = Option.getOrThrow(yield* shared.runs.get(dead.id))
      expect(closed.status).toBe("failed")
      expect(closed.errors[0]).toEqual({ message: Recovery.ABANDONED })
      expect(closed.models["hris.employee"]).toMatchObject({ status: "failed", counters: { new: 30 } })
      const deadEvents = yield* eventsOf(dead.id).pipe(Effect.provide(Vault.layer(testKeys)), Effect.provideService(Store.Store, shared))
      const allEmitted = deadEvents.find((e) => e.type === "sync.events.allEmitted")
      expect(allEmitted?.data).toMatchObject({ status: "failed", emitted: { new: 30, total: 30 } })
      // Every record once, across the two runs.
      const all = [...committed, ...recordEvents(yield* eventsOf(second.id).pipe(Effect.provide(Vault.layer(testKeys)), Effect.provideService(Store.Store, shared)))]
      expect(all.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `record.new:${i + 1}`).sort())
      // The dead run's allConsumed follows once its record events settle.
      const vault = yield* Effect.provide(Vault.Vault, Vault.layer(testKeys))
      const now = yield* Clock.currentTimeMillis
      for (;;) {
        const claimed = yield* shared.outbox.claimDue({ now, limit: 1000, leaseMs: 60_000 })
        if (claimed.length === 0) break
        for (const entry of claimed) yield* RunEvents.settle({ store: shared, vault }, entry, { _tag: "Acked", at: now, attempts: 1, firstAttemptAt: now }, now)
      }
      const types = (yield* shared.outbox.list({ runId: dead.id, type: "sync.events.allConsumed" }))
      expect(types).toHaveLength(1)
    }))

  it.scoped("a scheduled run is skipped when another process ran the slot while it waited for the lease", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const provider = seeded(5)
      const connector = provider.connector()
      const store = yield* StoreMemory.make
      const a = yield* engineOf(connector, store)
      const b = yield* engineOf(connector, store)
      const sync = yield* setupSync(connector).pipe(Effect.provide(processLayer(connector, store)))
      const reached = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      provider.employees.holdAtPage = { page: 1, reached, release }
      // Both processes find the slot due (no run yet); A gets there first.
      const fromA = yield* Effect.fork(a.engine.run(sync.id, { type: "initial", unlessRunSince: Number.NEGATIVE_INFINITY }))
      yield* Deferred.await(reached)
      const fromB = yield* Effect.fork(b.engine.run(sync.id, { type: "initial", unlessRunSince: Number.NEGATIVE_INFINITY }))
      yield* Deferred.succeed(release, undefined)
      const ranA = yield* Fiber.join(fromA)
      yield* TestClock.adjust(LEASE)
      const ranB = yield* Fiber.join(fromB)
      expect(ranB.id).toBe(ranA.id)
      expect(yield* store.runs.list({ syncId: sync.id })).toHaveLength(1)
    }))

  it.scoped("a run that loses its lease to another process stops within a page, cancelled", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const provider = seeded(30)
      const connector = provider.connector()
      const inner = yield* StoreMemory.make
      // This process's renewals stop reaching the store (a long pause), and meanwhile another takes the sync.
      let renewals = true
      const store: Store.StoreService = {
        ...inner,
        runLeases: {
          ...inner.runLeases,
          acquire: (lease) => (renewals || lease.holder.startsWith("rcv") ? inner.runLeases.acquire(lease) : Effect.succeed(false))
        }
      }
      const { engine } = yield* engineOf(connector, store)
      const sync = yield* setupSync(connector).pipe(Effect.provide(processLayer(connector, inner)))
      const reached = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      provider.employees.holdAtPage = { page: 2, reached, release }
      const fiber = yield* Effect.fork(engine.run(sync.id, { type: "initial" }))
      yield* Deferred.await(reached)
      renewals = false
      yield* TestClock.adjust(LEASE)
      yield* Deferred.succeed(release, undefined)
      const run = yield* Fiber.join(fiber)
      expect(run.status).toBe("cancelled")
      expect(run.errors.map((e) => e.message).join(" ")).toMatch(/another process took the sync over/)
    }))

  it.scoped("a cancel while the run waits for another process's lease fails it with SyncPausedError, and no run is created", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const provider = seeded(5)
      const connector = provider.connector()
      const store = yield* StoreMemory.make
      const { engine } = yield* engineOf(connector, store)
      const sync = yield* setupSync(connector).pipe(Effect.provide(processLayer(connector, store)))
      expect(yield* store.runLeases.acquire({ syncId: sync.id, holder: "run_elsewhere", now: T0, ttlMs: LEASE })).toBe(true)
      const waiting = yield* Effect.fork(engine.run(sync.id, { type: "delta" }))
      yield* TestClock.adjust(LEASE / 3)
      yield* engine.cancel(sync.id, "the sync was paused")
      const exit = yield* Fiber.await(waiting)
      expect(exit._tag).toBe("Failure")
      expect(JSON.stringify(exit)).toMatch(/SyncPausedError/)
      expect(yield* store.runs.list({ syncId: sync.id })).toHaveLength(0)
    }))

  it.scoped("the recovery sweep closes a dead process's run, and enqueues an allConsumed a dying settle left due", () =>
    Effect.gen(function*() {
      const { a, first, provider, shared, sync } = yield* withProcessA(10)
      const run = yield* dieAtPage(provider, a, first, shared, sync.id, 1)

      // Another process starts with the recovery sweep; nothing else touches the sync.
      yield* sweeper(shared, { idleSweep: "1 minute" })
      yield* TestClock.adjust(LEASE + LEASE / 3)
      const closed = Option.getOrThrow(yield* shared.runs.get(run.id))
      expect(closed.status).toBe("failed")
      expect(closed.errors).toEqual([
        { message: Recovery.ABANDONED },
        { message: "not finished: the process running the run stopped", model: "hris.employee" }
      ])
      expect(closed.delivery).toMatchObject({ recordEvents: 10, emissionClosed: true, consumedEnqueued: false })

      // A process settles the last record events and dies before enqueuing allConsumed.
      const now = yield* Clock.currentTimeMillis
      for (;;) {
        const claimed = yield* shared.outbox.claimDue({ now, limit: 1000, leaseMs: 60_000 })
        if (claimed.length === 0) break
        for (const entry of claimed) {
          yield* shared.outbox.settle(entry.id, entry.leaseToken!, { _tag: "Acked", at: now, attempts: 1, firstAttemptAt: now })
        }
      }
      expect(yield* shared.runs.consumptionDue(10)).toEqual([run.id])
      yield* TestClock.adjust("1 minute")
      expect(yield* shared.runs.consumptionDue(10)).toEqual([])
      const consumed = yield* shared.outbox.list({ runId: run.id, type: "sync.events.allConsumed" })
      expect(consumed).toHaveLength(1)
      const vault = yield* Effect.provide(Vault.Vault, Vault.layer(testKeys))
      const body = yield* Payloads.opener({ store: shared, vault }).body(consumed[0]!)
      const event = JSON.parse(Buffer.from(body!).toString())
      expect(event).toMatchObject({ type: "sync.events.allConsumed", data: { acked: 10, deadLettered: 0 } })
    }))

  it.scoped("a dead run of a sync deleted since is still closed: its run events go to the destination it recorded", () =>
    Effect.gen(function*() {
      const { a, first, provider, shared, sync } = yield* withProcessA(10)
      // Dies before its first page is committed: the run wrote no event at all.
      const run = yield* dieAtPage(provider, a, first, shared, sync.id, 0)
      expect(yield* shared.outbox.list({ runId: run.id })).toEqual([])
      yield* shared.syncs.delete(sync.id)

      yield* sweeper(shared)
      yield* TestClock.adjust(LEASE + LEASE / 3)
      const closed = Option.getOrThrow(yield* shared.runs.get(run.id))
      expect(closed.status).toBe("failed")
      const events = yield* shared.outbox.list({ runId: run.id })
      expect(events.map((e) => [e.type, e.destinationId])).toEqual([
        ["sync.events.allEmitted", sync.destinationId],
        ["sync.events.allConsumed", sync.destinationId]
      ])
    }))
})
