import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import type { Connector } from "@weft/core/connector"
import { Delivery } from "@weft/core/delivery"
import { SyncEngine } from "@weft/core/engine"
import type { Sink } from "@weft/core/sink"
import { Weft } from "@weft/core/host"
import { type Rows, Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { engineLayer, NoHttp, setupSync, T0, testKeys } from "./harness.js"
import { employee, MemoryProvider } from "./MemoryProvider.js"
import * as RecordingSink from "./RecordingSink.js"

/**
 * Delivery tests: the delivery workers over the engine layer (StoreMemory,
 * Vault, OutboxSignal) and a scripted Sink, under the TestClock.
 */

/** The Delivery layer with everything it needs, all of it exposed to the test. */
export const deliveryLayer = (
  connector: Connector.Any,
  sink: Layer.Layer<Sink.Sink>,
  options: Delivery.DeliveryOptions = {}
) => Delivery.layer(options).pipe(Layer.provideMerge(sink), Layer.provideMerge(engineLayer(connector)))

/** Everything a delivery test can use: Delivery, Sink, Store, SyncEngine, Vault, OutboxSignal… */
export type DeliveryServices = Layer.Layer.Success<ReturnType<typeof deliveryLayer>>

/** The same without the delivery workers. */
export type EngineServices = Layer.Layer.Success<ReturnType<typeof engineLayer>> | Sink.Sink

/**
 * Workers re-check the outbox at least every `pollInterval`; a long one keeps
 * multi-day TestClock jumps from stepping through thousands of idle polls.
 * Due times and wake-ups still drive every attempt.
 */
export const testDeliveryOptions: Delivery.DeliveryOptions = { pollInterval: "1 hour" }

export type RecordingSinkHandle = Effect.Effect.Success<typeof RecordingSink.make>

/** A provider holding employees 1..n. */
export const seeded = (n: number, pageSize = 10) => {
  const provider = new MemoryProvider()
  provider.employees.pageSize = pageSize
  for (let i = 1; i <= n; i++) provider.employees.put(employee(i))
  return provider
}

/**
 * Runs `body` with the clock at {@link T0}, a recording sink, the engine and
 * the delivery workers.
 */
export const withDelivery = <A, E>(
  provider: MemoryProvider,
  body: (ctx: { readonly sink: RecordingSinkHandle; readonly connector: Connector.Any }) => Effect.Effect<A, E, DeliveryServices>,
  options: Delivery.DeliveryOptions = testDeliveryOptions
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const sink = yield* RecordingSink.make
    const connector = provider.connector()
    return yield* Effect.provide(body({ sink, connector }), deliveryLayer(connector, sink.layer, options))
  })

/** The Weft host (its own engine, scheduler and delivery workers) over StoreMemory and a scripted Sink. */
export const weftLayer = (connector: Connector.Any, sink: Layer.Layer<Sink.Sink>, delivery = testDeliveryOptions) =>
  Weft.layer({ connectors: [connector], delivery }).pipe(
    Layer.provideMerge(StoreMemory.layer),
    Layer.provideMerge(sink),
    Layer.provideMerge(Vault.layer(testKeys)),
    Layer.provideMerge(NoHttp)
  )

/** Runs `body` against the Weft host with the clock at {@link T0}. */
export const withWeft = <A, E>(
  provider: MemoryProvider,
  body: (ctx: { readonly weft: Weft.WeftService; readonly sink: RecordingSinkHandle }) => Effect.Effect<
    A,
    E,
    Layer.Layer.Success<ReturnType<typeof weftLayer>>
  >
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(T0)
    const sink = yield* RecordingSink.make
    return yield* Effect.provide(
      Effect.flatMap(Weft.Weft, (weft) => body({ weft, sink })),
      weftLayer(provider.connector(), sink.layer)
    )
  })

/**
 * Lets background fibers work, without moving the clock, until `check`
 * holds; fails if it never does.
 */
export const until = <A, E, R>(effect: Effect.Effect<A, E, R>, check: (a: A) => boolean, tries = 100) =>
  Effect.gen(function*() {
    let value = yield* effect
    for (let i = 0; i < tries; i++) {
      if (check(value)) return value
      yield* TestClock.adjust(0)
      value = yield* effect
    }
    if (check(value)) return value
    const shown = JSON.stringify(value, (_, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))
    return yield* Effect.dieMessage(`the condition never held while background fibers ran; last value: ${shown.slice(0, 2000)}`)
  })

/** Lets background fibers settle without moving the clock. */
export const quiesce = Effect.repeatN(TestClock.adjust(0), 3)

/** Moves the clock to an absolute time, running everything due on the way. */
export const advanceTo = (at: number) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => (at > now ? TestClock.adjust(at - now) : TestClock.adjust(0)))

/** Sets up a sync and runs it once; the run's events enter the outbox. */
export const syncAndRun = (connector: Connector.Any, type: "initial" | "delta" | "manual" = "initial") =>
  Effect.gen(function*() {
    const sync = yield* setupSync(connector)
    const run = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type })
    return { sync, run }
  })

/** The outbox entry of an event. */
export const entry = (id: string) =>
  Effect.flatMap(Store.Store, (store) => store.outbox.get(id)).pipe(
    Effect.map(Option.getOrThrowWith(() => new Error(`no outbox entry ${id}`)))
  )

/** Every outbox entry of a run, oldest first. */
export const entriesOf = (runId: string) =>
  Effect.flatMap(Store.Store, (store) => store.outbox.list({ runId, limit: 100_000 }))

/** Record events only. */
export const records = (entries: ReadonlyArray<Rows.OutboxEntry>) => entries.filter((e) => e.kind === "record")

/** Deliveries of one event id, in order. */
export const attemptsOf = (deliveries: ReadonlyArray<RecordingSink.Delivered>, eventId: string) =>
  deliveries.filter((d) => d.eventId === eventId)

/** Deliveries of record `recordId`'s events, in order. */
export const recordDeliveries = (deliveries: ReadonlyArray<RecordingSink.Delivered>, recordId: string) =>
  deliveries.filter((d) => "recordId" in d.event && d.event.recordId === recordId)

export { T0 }
