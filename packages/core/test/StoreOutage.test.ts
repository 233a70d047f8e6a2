import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { Connectors, Integrations, SyncEngine } from "@weft/core/engine"
import { Weft } from "@weft/core/host"
import { OutboxSignal, Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { eventsOf, NoHttp, recordEvents, setupSync, T0, testKeys } from "./support/harness.js"
import { employee, MemoryProvider } from "./support/MemoryProvider.js"
import * as RecordingSink from "./support/RecordingSink.js"
import { switchable } from "./support/storeFaults.js"
import { destination, eventually } from "./support/weft.js"

/**
 * The store goes away for a while (a database restart) and comes back: a run
 * in progress fails cleanly and is closed once the store answers again, the
 * next run continues from what was committed, and the scheduler keeps the
 * sync going.
 */

const seeded = (n: number) => {
  const provider = new MemoryProvider()
  for (let i = 1; i <= n; i++) provider.employees.put(employee(i))
  return provider
}

describe("Store outage", () => {
  it.scoped("a run whose commit fails is closed failed with the store's error once it is back; the next run emits the rest, nothing twice", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const provider = seeded(30)
      const connector = provider.connector()
      const inner = yield* StoreMemory.make
      const { state, store } = switchable(inner)
      const context = yield* Layer.build(SyncEngine.layer().pipe(
        Layer.provideMerge(Integrations.layer),
        Layer.provideMerge(Connectors.layer([connector])),
        Layer.provideMerge(OutboxSignal.layer),
        Layer.provideMerge(Layer.succeed(Store.Store, store)),
        Layer.provideMerge(Vault.layer(testKeys)),
        Layer.provideMerge(NoHttp)
      ))
      const engine = context.unsafeMap.get(SyncEngine.SyncEngine.key) as SyncEngine.SyncEngineService
      const sync = yield* setupSync(connector).pipe(Effect.provide(Layer.succeedContext(context)))
      const reached = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      provider.employees.holdAtPage = { page: 2, reached, release }
      const fiber = yield* Effect.fork(engine.run(sync.id, { type: "initial" }))
      yield* Deferred.await(reached)
      state.down = true
      provider.employees.holdAtPage = undefined
      yield* Deferred.succeed(release, undefined)
      // The close is retried while the store is away…
      yield* eventually(Effect.sync(() => state.refused), (n) => n >= 2)
      yield* TestClock.adjust("3 seconds")
      const [stuck] = yield* inner.runs.list({ syncId: sync.id })
      expect(stuck!.status).toBe("running")
      // …and goes through once it is back.
      state.down = false
      yield* TestClock.adjust("10 seconds")
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toMatch(/StoreError/)
      const closed = Option.getOrThrow(yield* inner.runs.get(stuck!.id))
      expect(closed.status).toBe("failed")
      expect(closed.errors.map((e) => e.message).join(" ")).toMatch(/Store failure: .*connection refused/)

      const next = yield* engine.run(sync.id, { type: "initial" })
      expect(next.status).toBe("succeeded")
      const read = Effect.provide(Layer.succeedContext(context))
      const all = [...recordEvents(yield* read(eventsOf(closed.id))), ...recordEvents(yield* read(eventsOf(next.id)))]
      expect(all.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `record.new:${i + 1}`).sort())
    }))

  it.scoped("the scheduler keeps a sync going through an outage: its next delta runs once the store is back", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const provider = seeded(5)
      const inner = yield* StoreMemory.make
      const { state, store } = switchable(inner)
      const sink = yield* RecordingSink.make
      const context = yield* Layer.build(Weft.layer({ connectors: [provider.connector()] }).pipe(
        Layer.provideMerge(Layer.succeed(Store.Store, store)),
        Layer.provideMerge(sink.layer),
        Layer.provideMerge(Vault.layer(testKeys)),
        Layer.provideMerge(NoHttp)
      ))
      const weft = context.unsafeMap.get(Weft.Weft.key) as Weft.WeftService
      const { syncs } = yield* weft.integrations.connect({
        connector: "memory",
        tenant: "acme",
        credentials: { token: "good" },
        syncs: [{ destination, frequency: "1 hour" }]
      })
      const syncId = syncs[0]!.id
      yield* eventually(inner.runs.list({ syncId }), (runs) => runs.length === 1 && runs[0]!.status === "succeeded")
      state.down = true
      yield* TestClock.adjust("1 hour")
      yield* TestClock.adjust("5 minutes")
      expect(state.refused).toBeGreaterThan(0)
      expect(yield* inner.runs.list({ syncId })).toHaveLength(1)
      state.down = false
      yield* TestClock.adjust("2 minutes")
      const runs = yield* eventually(inner.runs.list({ syncId }), (r) => r.length === 2 && r[0]!.status === "succeeded")
      expect(runs[0]!.type).toBe("delta")
    }))
})
