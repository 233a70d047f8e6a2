import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { Weft, WeftClient } from "@weft/core/host"
import { Sink } from "@weft/core/sink"
import { StoreMemory } from "@weft/store-memory"
import { NoHttp, T0, testKeys } from "./support/harness.js"
import { employee, MemoryProvider } from "./support/MemoryProvider.js"
import * as RecordingSink from "./support/RecordingSink.js"
import { destination, eventually, weftLayer } from "./support/weft.js"

const HOUR = 3_600_000

const seeded = (n: number) => {
  const provider = new MemoryProvider()
  for (let i = 1; i <= n; i++) provider.employees.put(employee(i))
  return provider
}

const withWeft = <A, E>(
  provider: MemoryProvider,
  body: (weft: Weft.WeftService, sink: Effect.Effect.Success<typeof RecordingSink.make>) => Effect.Effect<A, E, Weft.Weft>,
  mode: "full" | "incremental" = "full"
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const sink = yield* RecordingSink.make
    return yield* Effect.provide(
      Effect.flatMap(Weft.Weft, (weft) => body(weft, sink)),
      weftLayer(provider.connector({ mode }), sink.layer)
    )
  })

const connectGood = (weft: Weft.WeftService, frequency: Duration.DurationInput = "1 hour") =>
  weft.integrations.connect({
    connector: "memory",
    tenant: "acme",
    credentials: { token: "good" },
    syncs: [{ destination, frequency }]
  })

describe("Weft host API", () => {
  it.effect("connect with refused credentials returns the connector's ConnectionError and stores nothing", () =>
    withWeft(seeded(3), (weft) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { token: "bad" }, syncs: [{ destination }] }))
        expect(error._tag).toBe("ConnectionError")
        if (error._tag === "ConnectionError") {
          expect(error.code).toBe("invalid_credentials")
          expect(error.resolution).toMatch(/new token/)
        }
        expect(yield* weft.integrations.list()).toEqual([])
        expect(yield* weft.syncs.list()).toEqual([])
        expect(yield* weft.destinations.list()).toEqual([])
      })))

  it.effect("connect refuses malformed credentials and unknown connectors with typed errors", () =>
    withWeft(seeded(1), (weft) =>
      Effect.gen(function*() {
        const shape = yield* Effect.flip(weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { tokn: "x" } }))
        expect(shape._tag).toBe("InvalidCredentialsError")
        expect(shape.message).toMatch(/token/)
        const unknown = yield* Effect.flip(weft.integrations.connect({ connector: "nope", tenant: "acme", credentials: {} }))
        expect(unknown._tag).toBe("UnknownConnectorError")
        expect(unknown.message).toContain("memory")
      })))

  it.effect("connect stores credentials encrypted and starts the initial sync at once, then deltas every frequency", () => {
    const provider = seeded(12)
    return withWeft(provider, (weft) =>
      Effect.gen(function*() {
        const { integration, syncs } = yield* connectGood(weft)
        expect(integration).not.toHaveProperty("credentials")
        expect(syncs).toHaveLength(1)
        const [initial] = yield* eventually(weft.runs.list({ syncId: syncs[0]!.id }), (runs) => runs.length === 1 && runs[0]!.status !== "running")
        expect(initial!.type).toBe("initial")
        expect(initial!.models["hris.employee"]!.counters.new).toBe(12)

        provider.employees.put(employee(13))
        yield* TestClock.adjust(HOUR / 2)
        expect(yield* weft.runs.list({ syncId: syncs[0]!.id })).toHaveLength(1)
        yield* TestClock.adjust(HOUR / 2)
        const runs = yield* eventually(weft.runs.list({ syncId: syncs[0]!.id }), (r) => r.length === 2 && r[0]!.status !== "running")
        expect(runs[0]!.type).toBe("delta")
        expect(runs[0]!.models["hris.employee"]!.counters.new).toBe(1)
        yield* TestClock.adjust(HOUR)
        yield* eventually(weft.runs.list({ syncId: syncs[0]!.id }), (r) => r.length === 3)
      }))
  })

  it.effect("events reach the sink, and allConsumed comes after every record event of its run", () =>
    withWeft(seeded(8), (weft, sink) =>
      Effect.gen(function*() {
        yield* connectGood(weft)
        const deliveries = yield* eventually(sink.deliveries, (d) => d.some((x) => x.event.type === "sync.events.allConsumed"))
        const types = deliveries.map((d) => d.event.type)
        const consumedAt = types.indexOf("sync.events.allConsumed")
        expect(types.filter((t) => t === "record.new")).toHaveLength(8)
        expect(types.lastIndexOf("record.new")).toBeLessThan(consumedAt)
        expect(types.indexOf("sync.events.allEmitted")).toBeLessThan(consumedAt)
        const consumed = deliveries[consumedAt]!.event
        expect(consumed.data).toEqual({ acked: 8, deadLettered: 0 })
      })))

  it.effect("a paused sync never runs; resume continues from its cursor with a delta at once", () => {
    const provider = seeded(5)
    return withWeft(provider, (weft) =>
      Effect.gen(function*() {
        const { syncs } = yield* connectGood(weft)
        const syncId = syncs[0]!.id
        yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 1 && r[0]!.status !== "running")
        yield* weft.syncs.pause(syncId)
        expect((yield* weft.syncs.get(syncId)).status).toBe("paused")
        const paused = yield* Effect.flip(weft.syncs.trigger(syncId))
        expect(paused._tag).toBe("SyncPausedError")
        yield* TestClock.adjust(5 * HOUR)
        expect(yield* weft.runs.list({ syncId })).toHaveLength(1)

        provider.employees.put(employee(6))
        yield* weft.syncs.resume(syncId)
        const runs = yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 2 && r[0]!.status !== "running")
        expect(runs[0]!.type).toBe("delta")
        expect(runs[0]!.models["hris.employee"]!.fullRead).toBe(false)
        expect(runs[0]!.models["hris.employee"]!.counters).toMatchObject({ processed: 1, new: 1 })
      }), "incremental")
  })

  it.effect("a trigger during a run queues one follow-up run, never a parallel one", () => {
    const provider = seeded(30)
    return withWeft(provider, (weft) =>
      Effect.gen(function*() {
        const reached = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        provider.employees.holdAtPage = { page: 1, reached, release }
        const { syncs } = yield* connectGood(weft)
        const syncId = syncs[0]!.id
        yield* Deferred.await(reached)
        yield* weft.syncs.trigger(syncId)
        yield* weft.syncs.trigger(syncId)
        const waited = yield* Effect.fork(weft.syncs.triggerAndWait(syncId))
        yield* Deferred.succeed(release, undefined)
        const followUp = yield* waited.await.pipe(Effect.flatten)
        expect(followUp.type).toBe("delta")
        const runs = yield* weft.runs.list({ syncId })
        expect(runs).toHaveLength(2)
        expect(provider.employees.maxActive).toBe(1)
      }))
  })

  it.effect("a connector read failure fails that model's part of the run, and the schedule goes on", () => {
    const provider = seeded(30)
    return withWeft(provider, (weft) =>
      Effect.gen(function*() {
        const { syncs } = yield* connectGood(weft)
        const syncId = syncs[0]!.id
        yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 1 && r[0]!.status !== "running")
        provider.employees.failAfterPages = 1
        yield* TestClock.adjust(HOUR)
        const [failed] = yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 2 && r[0]!.status !== "running")
        expect(failed!.status).toBe("failed")
        expect(failed!.models["hris.employee"]!.error?.message).toMatch(/HTTP 500/)
        yield* TestClock.adjust(HOUR)
        const [next] = yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 3 && r[0]!.status !== "running")
        expect(next!.status).toBe("succeeded")
        const audit = yield* weft.runs.get(next!.id)
        expect(audit.models["hris.employee"]!.counters.processed).toBe(30)
      }))
  })

  it.effect("runs.list filters by status and pages newest first with before", () => {
    const provider = seeded(30)
    return withWeft(provider, (weft) =>
      Effect.gen(function*() {
        const { syncs } = yield* connectGood(weft)
        const syncId = syncs[0]!.id
        yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 1 && r[0]!.status !== "running")
        provider.employees.failAfterPages = 1
        yield* TestClock.adjust(HOUR)
        yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 2 && r[0]!.status !== "running")
        yield* TestClock.adjust(HOUR)
        const all = yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 3 && r[0]!.status !== "running")
        expect(all.map((r) => r.status)).toEqual(["succeeded", "failed", "succeeded"])

        const pages: Array<Array<string>> = []
        let before: string | undefined
        for (;;) {
          const page = yield* weft.runs.list(before === undefined ? { syncId, limit: 2 } : { syncId, limit: 2, before })
          if (page.length === 0) break
          pages.push(page.map((r) => r.id))
          before = page[page.length - 1]!.id
        }
        expect(pages).toEqual([[all[0]!.id, all[1]!.id], [all[2]!.id]])
        expect((yield* weft.runs.list({ status: "failed" })).map((r) => r.id)).toEqual([all[1]!.id])
        expect((yield* weft.runs.list({ status: "succeeded", before: all[0]!.id })).map((r) => r.id)).toEqual([all[2]!.id])
        expect(yield* weft.runs.list({ before: "run_missing" })).toEqual([])
      }))
  })

  it.effect("syncs.create validates models, field groups, frequency and the destination before storing", () =>
    withWeft(seeded(1), (weft) =>
      Effect.gen(function*() {
        const { integration } = yield* weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { token: "good" }, syncs: [] })
        const base = { integrationId: integration.id, destination }
        const model = yield* Effect.flip(weft.syncs.create({ ...base, models: ["crm.deal"] }))
        expect(model._tag).toBe("UnsupportedModelError")
        expect(model.message).toContain("hris.employee")
        const group = yield* Effect.flip(weft.syncs.create({ ...base, models: [{ model: "hris.employee", fieldGroups: ["salary"] }] }))
        expect(group._tag).toBe("UnknownFieldGroupError")
        const frequency = yield* Effect.flip(weft.syncs.create({ ...base, frequency: "soon" as Duration.DurationInput }))
        expect(frequency._tag).toBe("InvalidInputError")
        const missing = yield* Effect.flip(weft.syncs.create({ ...base, destination: "dst_missing" }))
        expect(missing._tag).toBe("NotFoundError")
        expect(yield* weft.syncs.list()).toEqual([])
        const created = yield* weft.syncs.create({ ...base, models: [{ model: "hris.employee", fieldGroups: ["profile"] }], paused: true })
        expect(created.status).toBe("paused")
      })))

  it.effect("a refused destination is a clear error at sync creation", () => {
    const refusing = Layer.succeed(Sink.Sink, {
      validate: (spec) =>
        Effect.fail(new Sink.DestinationError({ url: spec.url, reason: "refused_address", detail: "it resolves to 10.0.0.5, a private address" })),
      deliver: () => Effect.succeed({ _tag: "Acked", status: 200 } as const)
    })
    return Effect.gen(function*() {
      const weft = yield* Weft.Weft
      const error = yield* Effect.flip(weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { token: "good" }, syncs: [{ destination }] }))
      expect(error._tag).toBe("DestinationError")
      expect(error.message).toContain("private address")
      expect(yield* weft.integrations.list()).toEqual([])
    }).pipe(Effect.provide(weftLayer(seeded(1).connector(), refusing)))
  })

  it.effect("disconnect stops and deletes the integration's syncs", () => {
    const provider = seeded(3)
    return withWeft(provider, (weft) =>
      Effect.gen(function*() {
        const { integration, syncs } = yield* connectGood(weft)
        yield* eventually(weft.runs.list({ syncId: syncs[0]!.id }), (r) => r.length === 1 && r[0]!.status !== "running")
        yield* weft.integrations.disconnect(integration.id)
        expect(yield* weft.integrations.list()).toEqual([])
        expect(yield* weft.syncs.list()).toEqual([])
        const served = provider.employees.pagesServed
        yield* TestClock.adjust(3 * HOUR)
        expect(provider.employees.pagesServed).toBe(served)
        expect((yield* Effect.flip(weft.integrations.get(integration.id)))._tag).toBe("NotFoundError")
      }))
  })

  it.effect("resyncRecord re-reads one record and emits only if it changed, or always with force", () => {
    const provider = seeded(4)
    return withWeft(provider, (weft) =>
      Effect.gen(function*() {
        const { syncs } = yield* connectGood(weft)
        const syncId = syncs[0]!.id
        yield* eventually(weft.runs.list({ syncId }), (r) => r.length === 1 && r[0]!.status !== "running")
        const same = yield* weft.syncs.resyncRecord(syncId, "hris.employee", "2")
        expect(same.models["hris.employee"]!.counters).toMatchObject({ new: 0, changed: 0 })
        const forced = yield* weft.syncs.resyncRecord(syncId, "hris.employee", "2", { force: true })
        expect(forced.models["hris.employee"]!.counters.changed).toBe(1)
      }))
  })

  it.effect("settled events are kept for the retention period, then purged; pending ones never", () =>
    withWeft(seeded(3), (weft, sink) =>
      Effect.gen(function*() {
        const { syncs } = yield* connectGood(weft, "30 days")
        yield* eventually(sink.deliveries, (d) => d.some((x) => x.event.type === "sync.events.allConsumed"))
        const [run] = yield* weft.runs.list({ syncId: syncs[0]!.id })
        const kept = yield* weft.events.list({ runId: run!.id })
        expect(kept.length).toBeGreaterThan(3)
        expect(kept.find((e) => e.type === "sync.events.allEmitted")!.payloadHeld).toBe(true)
        expect(kept.find((e) => e.type === "record.new")!.payloadHeld).toBe(false)
        yield* TestClock.adjust(6 * 24 * HOUR)
        expect(yield* weft.events.list({ runId: run!.id })).toHaveLength(kept.length)
        yield* TestClock.adjust(2 * 24 * HOUR)
        yield* eventually(weft.events.list({ runId: run!.id }), (events) => events.length === 0)
      })))

  it.effect("background fibers live in the layer's scope and stop with it", () => {
    const provider = seeded(3)
    return Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const sink = yield* RecordingSink.make
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(weftLayer(provider.connector(), sink.layer), scope)
      const weft = (yield* Effect.provide(Weft.Weft, Layer.succeedContext(context)))
      const { syncs } = yield* connectGood(weft)
      yield* eventually(weft.runs.list({ syncId: syncs[0]!.id }), (r) => r.length === 1 && r[0]!.status !== "running")
      yield* Scope.close(scope, Exit.void)
      const served = provider.employees.pagesServed
      yield* TestClock.adjust(5 * HOUR)
      expect(provider.employees.pagesServed).toBe(served)
    })
  })
})

describe("WeftClient (Promise facade)", () => {
  it.live("exposes the same operations as Promises and rejects with the typed errors", () =>
    Effect.promise(async () => {
      const provider = seeded(6)
      const recording = await Effect.runPromise(RecordingSink.make)
      const weft = WeftClient.make({
        connectors: [provider.connector()],
        store: StoreMemory.layer,
        sink: recording.layer,
        http: NoHttp,
        vault: testKeys
      })
      try {
        const refused = await weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { token: "bad" } }).catch((e: unknown) => e)
        expect(refused).toMatchObject({ _tag: "ConnectionError", code: "invalid_credentials" })
        expect(WeftClient.isError(refused, "ConnectionError") && refused.resolution).toMatch(/new token/)
        expect(WeftClient.isError(refused, "NotFoundError")).toBe(false)
        const { syncs } = await weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { token: "good" }, syncs: [{ destination }] })
        const run = await weft.syncs.triggerAndWait(syncs[0]!.id)
        expect(run.status).toBe("succeeded")
        const runs = await weft.runs.list({ syncId: syncs[0]!.id })
        expect(runs.length).toBeGreaterThanOrEqual(2)
        expect(runs.some((r) => r.type === "initial" && r.models["hris.employee"]!.counters.new === 6)).toBe(true)
      } finally {
        await weft.dispose()
      }
    }))
})
