import { describe, expect, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { Weft } from "@weft/core/host"
import type { Sink } from "@weft/core/sink"
import type { Connector } from "@weft/core/connector"
import type { SyncEngine } from "@weft/core/engine"
import { Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { quiesce, seeded, T0, testDeliveryOptions, until } from "./support/delivery.js"
import type { RecordingSinkHandle } from "./support/delivery.js"
import { NoHttp, testKeys } from "./support/harness.js"
import type { MemoryProvider } from "./support/MemoryProvider.js"
import * as RecordingSink from "./support/RecordingSink.js"

/**
 * Runs that must stop before their reads end: disconnect, deletion and pause
 * cancel a run in progress; a run deadline ends a read the provider never
 * finishes answering.
 */

const HOUR = 3_600_000
const destination = { url: "https://hooks.example.com/weft", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }
const retryLater: Sink.Outcome = { _tag: "Retry", reason: "receiver busy", status: 503 }
const ack: Sink.Outcome = { _tag: "Acked", status: 200 }

const withHost = <A, E>(
  provider: MemoryProvider,
  body: (ctx: { readonly weft: Weft.WeftService; readonly sink: RecordingSinkHandle }) => Effect.Effect<A, E>,
  engine: SyncEngine.SyncEngineOptions = {},
  wiring: {
    readonly connector?: Connector.Any
    readonly http?: Layer.Layer<HttpClient.HttpClient>
    readonly store?: Layer.Layer<Store.Store>
  } = {}
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const sink = yield* RecordingSink.make
    const layer = Weft.layer({ connectors: [wiring.connector ?? provider.connector()], delivery: testDeliveryOptions, engine }).pipe(
      Layer.provide(Layer.mergeAll(wiring.store ?? StoreMemory.layer, sink.layer, Vault.layer(testKeys), wiring.http ?? NoHttp))
    )
    return yield* Effect.provide(Effect.flatMap(Weft.Weft, (weft) => body({ weft, sink })), layer)
  })

/** A provider HTTP API that takes every request and never answers; `sent` counts them. */
const silentHttp = () => {
  const sent = { count: 0 }
  const layer = Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.zipRight(Effect.sync(() => sent.count++), Effect.never)))
  return { sent, layer }
}

/** The memory connector whose single-record reads never answer. */
const stuckReadOne = (provider: MemoryProvider, reads: { count: number }): Connector.Any => {
  const base = provider.connector()
  return {
    ...base,
    readers: base.readers.map((reader) => ({ ...reader, readOne: () => Effect.zipRight(Effect.sync(() => reads.count++), Effect.never) }))
  }
}

/** Connects; the initial run reads pages 0 and 1, then the provider stops answering page 2. */
const connectStuckAtPage2 = (weft: Weft.WeftService, provider: MemoryProvider) =>
  Effect.gen(function*() {
    const reached = yield* Deferred.make<void>()
    const release = yield* Deferred.make<void>()
    provider.employees.holdAtPage = { page: 2, reached, release }
    const { integration, syncs } = yield* weft.integrations.connect({
      connector: "memory",
      tenant: "acme",
      credentials: { token: "good" },
      syncs: [{ destination, frequency: "1 hour" }]
    })
    yield* Deferred.await(reached)
    const [run] = yield* weft.runs.list({ syncId: syncs[0]!.id })
    expect(run!.status).toBe("running")
    return { integration, sync: syncs[0]!, run: run!, release }
  })

/** Connects with a daily sync and waits for its initial run to end. */
const connectAndSync = (weft: Weft.WeftService) =>
  Effect.gen(function*() {
    const { syncs } = yield* weft.integrations.connect({
      connector: "memory",
      tenant: "acme",
      credentials: { token: "good" },
      syncs: [{ destination, frequency: "1 day" }]
    })
    const syncId = syncs[0]!.id
    yield* until(weft.runs.list({ syncId }), (rs) => rs.length === 1 && rs[0]!.status !== "running")
    return syncId
  })

const runEvent = <T extends string>(sink: RecordingSinkHandle, runId: string, type: T) =>
  Effect.map(sink.deliveries, (all) =>
    all.filter((d) => d.event.type === type && d.event.syncRunId === runId && d.attempt === 1).map((d) => d.event))

describe("Stopping runs", () => {
  it.effect("disconnect cancels the run in progress within a page; its run events carry true counts; its events already emitted are still delivered", () => {
    const provider = seeded(50)
    return withHost(provider, ({ sink, weft }) =>
      Effect.gen(function*() {
        yield* sink.setScript(() => retryLater)
        const { integration, release, run } = yield* connectStuckAtPage2(weft, provider)
        const served = provider.employees.pagesServed

        yield* weft.integrations.disconnect(integration.id)
        // When disconnect returns, the run is closed: cancelled, and it says why.
        const closed = yield* weft.runs.get(run.id)
        expect(closed.status).toBe("cancelled")
        expect(closed.errors.map((e) => e.message).join(" ")).toContain("disconnected")
        expect(closed.models["hris.employee"]!.status).toBe("cancelled")
        expect(closed.models["hris.employee"]!.counters.new).toBe(20)

        // The provider is asked nothing more, even once it would answer again, and no run follows.
        yield* Deferred.succeed(release, undefined)
        yield* TestClock.adjust(2 * HOUR)
        expect(provider.employees.pagesServed).toBe(served)
        expect(yield* weft.runs.list({ integrationId: integration.id })).toHaveLength(1)

        // The rule: events already in the outbox are delivered, then allConsumed with true counts.
        yield* sink.setScript(() => ack)
        // Each event's next attempt is on its own (jittered) retry schedule: move on an hour at a time.
        const settled = (es: ReadonlyArray<{ readonly status: string; readonly type: string }>) =>
          es.length > 0 && es.every((e) => e.status === "acked") && es.some((e) => e.type === "sync.events.allConsumed")
        for (let hours = 0; hours < 48 && !settled(yield* weft.events.list({ runId: run.id })); hours++) yield* TestClock.adjust(HOUR)
        yield* until(weft.events.list({ runId: run.id }), settled)
        const acked = (yield* weft.events.list({ runId: run.id, type: "record.new", status: "acked" }))
        expect(acked).toHaveLength(20)
        const [emitted] = yield* runEvent(sink, run.id, "sync.events.allEmitted")
        expect(emitted!.data).toMatchObject({ status: "cancelled", emitted: { new: 20, changed: 0, deleted: 0, total: 20 } })
        const [consumed] = yield* runEvent(sink, run.id, "sync.events.allConsumed")
        expect(consumed!.data).toEqual({ acked: 20, deadLettered: 0 })
      }))
  })

  it.effect("deleting a sync cancels its run in progress; the integration stays", () => {
    const provider = seeded(50)
    return withHost(provider, ({ weft }) =>
      Effect.gen(function*() {
        const { integration, release, run, sync } = yield* connectStuckAtPage2(weft, provider)
        yield* weft.syncs.delete(sync.id)
        const closed = yield* weft.runs.get(run.id)
        expect(closed.status).toBe("cancelled")
        expect(closed.errors.map((e) => e.message).join(" ")).toContain("deleted")
        yield* Deferred.succeed(release, undefined)
        yield* quiesce
        expect((yield* weft.integrations.get(integration.id)).status).toBe("active")
        expect(yield* weft.syncs.list({ integrationId: integration.id })).toEqual([])
      }))
  })

  it.effect("pause frees a run stuck on a provider that stopped answering; resume continues without duplicates", () => {
    const provider = seeded(50)
    return withHost(provider, ({ sink, weft }) =>
      Effect.gen(function*() {
        const { release, run, sync } = yield* connectStuckAtPage2(weft, provider)
        yield* weft.syncs.pause(sync.id)
        const closed = yield* weft.runs.get(run.id)
        expect(closed.status).toBe("cancelled")
        expect(closed.errors.map((e) => e.message).join(" ")).toContain("paused")
        yield* Deferred.succeed(release, undefined)

        yield* weft.syncs.resume(sync.id)
        const [next] = yield* until(weft.runs.list({ syncId: sync.id }), (rs) => rs.length === 2 && rs[0]!.status !== "running")
        expect(next!.status).toBe("succeeded")
        // The cancelled initial sync left no mark: the next run is an initial sync again.
        expect(next!.type).toBe("initial")
        yield* until(sink.deliveries, (ds) => ds.filter((d) => d.event.type === "record.new").length >= 50)
        const ids = (yield* sink.deliveries).filter((d) => d.event.type === "record.new").map((d) => "recordId" in d.event ? d.event.recordId : "")
        expect(ids).toHaveLength(50)
        expect(new Set(ids).size).toBe(50)
      }))
  })

  it.effect("a trigger still gets its run after a stuck read was ended by pause and resume", () => {
    const provider = seeded(30)
    return withHost(provider, ({ weft }) =>
      Effect.gen(function*() {
        const { sync } = yield* connectStuckAtPage2(weft, provider)
        const waiting = yield* Effect.fork(weft.syncs.triggerAndWait(sync.id))
        yield* weft.syncs.pause(sync.id)
        // A paused sync refuses the queued run rather than leaving its caller waiting.
        const refused = yield* Effect.flip(waiting.await.pipe(Effect.flatten))
        expect(refused._tag).toBe("SyncPausedError")
        yield* weft.syncs.resume(sync.id)
        const run = yield* weft.syncs.triggerAndWait(sync.id)
        expect(run.status).toBe("succeeded")
      }))
  })

  it.effect("a run past its deadline ends the stuck read with a clear audit error, and later triggers run", () => {
    const provider = seeded(50)
    return withHost(
      provider,
      ({ weft }) =>
        Effect.gen(function*() {
          const { release, run, sync } = yield* connectStuckAtPage2(weft, provider)
          yield* TestClock.adjust("2 hours")
          const ended = yield* until(weft.runs.get(run.id), (r) => r.status !== "running")
          expect(ended.status).toBe("failed")
          expect(ended.models["hris.employee"]!.error?.message).toContain("deadline of 2h")
          expect(ended.models["hris.employee"]!.counters.new).toBe(20)
          // No sweep after the failed read: nothing was deleted.
          expect(ended.models["hris.employee"]!.counters.deleted).toBe(0)
          yield* Deferred.succeed(release, undefined)
          // The schedule is due again: the next run reads everything and finds the 30 not yet committed.
          const [next] = yield* until(weft.runs.list({ syncId: sync.id }), (rs) => rs.length === 2 && rs[0]!.status !== "running")
          expect(next!.status).toBe("succeeded")
          expect(next!.models["hris.employee"]!.counters.new).toBe(30)
          const triggered = yield* weft.syncs.triggerAndWait(sync.id)
          expect(triggered.status).toBe("succeeded")
        }),
      { limits: { runDeadline: "2 hours" } }
    )
  })

  it.effect("disconnect stops a passthrough request in flight and refuses new ones: no request uses the credentials after it returns", () => {
    const provider = seeded(5)
    const http = silentHttp()
    return withHost(provider, ({ weft }) =>
      Effect.gen(function*() {
        const { integration } = yield* weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { token: "good" }, syncs: [] })
        const inFlight = yield* Effect.fork(weft.integrations.request(integration.id, HttpClientRequest.get("/employees")))
        yield* until(Effect.sync(() => http.sent.count), (n) => n === 1)
        yield* weft.integrations.disconnect(integration.id)
        const stopped = yield* Effect.flip(Fiber.join(inFlight))
        expect(stopped._tag).toBe("InvalidInputError")
        expect(stopped.message).toContain("disconnected")
        const after = yield* Effect.flip(weft.integrations.request(integration.id, HttpClientRequest.get("/employees")))
        expect(after._tag).toBe("NotFoundError")
        expect(http.sent.count).toBe(1)
      }), {}, { http: http.layer })
  })

  it.effect("pause cancels a record re-read in flight, and a paused sync refuses new ones", () => {
    const provider = seeded(5)
    const reads = { count: 0 }
    return withHost(provider, ({ weft }) =>
      Effect.gen(function*() {
        const syncId = yield* connectAndSync(weft)
        const reread = yield* Effect.fork(weft.syncs.resyncRecord(syncId, "hris.employee", "3"))
        yield* until(Effect.sync(() => reads.count), (n) => n === 1)
        yield* weft.syncs.pause(syncId)
        const run = yield* Fiber.join(reread)
        expect(run.status).toBe("cancelled")
        expect(run.errors.map((e) => e.message).join(" ")).toContain("paused")
        const refused = yield* Effect.flip(weft.syncs.resyncRecord(syncId, "hris.employee", "3"))
        expect(refused._tag).toBe("SyncPausedError")
        expect(reads.count).toBe(1)
      }), {}, { connector: stuckReadOne(provider, reads) })
  })

  it.effect("a stop during the sweep of deletes ends it between batches: no more deletes are emitted", () => {
    const provider = seeded(2_500, 500)
    const gate = { staleCalls: 0, reached: Deferred.unsafeMake<void>(FiberId.none), release: Deferred.unsafeMake<void>(FiberId.none) }
    // The store pauses before the sweep's second batch, until the test lets it go on.
    const store = Layer.effect(
      Store.Store,
      Effect.map(Store.Store, (inner) => ({
        ...inner,
        fingerprints: {
          ...inner.fingerprints,
          stale: (...args: Parameters<typeof inner.fingerprints.stale>) =>
            Effect.gen(function*() {
              if (++gate.staleCalls === 2) {
                yield* Deferred.succeed(gate.reached, undefined)
                yield* Deferred.await(gate.release)
              }
              return yield* inner.fingerprints.stale(...args)
            })
        }
      }))
    ).pipe(Layer.provide(StoreMemory.layer))
    return withHost(provider, ({ weft }) =>
      Effect.gen(function*() {
        const syncId = yield* connectAndSync(weft)
        for (let i = 1; i <= 2_400; i++) provider.employees.remove(String(i))
        const manual = yield* Effect.fork(weft.syncs.triggerAndWait(syncId, { type: "manual", confirmDeletes: true }))
        yield* Deferred.await(gate.reached)
        const pausing = yield* Effect.fork(weft.syncs.pause(syncId))
        yield* Deferred.succeed(gate.release, undefined)
        yield* Fiber.join(pausing)
        yield* Fiber.await(manual)
        const [run] = yield* weft.runs.list({ syncId })
        expect(run!.type).toBe("manual")
        expect(run!.status).toBe("cancelled")
        // The batch in hand when the stop came (the second of 1,000) was committed; the last 400
        // deletes wait for a read that finishes.
        expect(run!.models["hris.employee"]!.counters.deleted).toBe(2_000)
        expect(run!.models["hris.employee"]!.error?.message).toContain("deletes are only swept after a read that finishes")
      }), {}, { store })
  }, 60_000)
})
