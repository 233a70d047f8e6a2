import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { Connector } from "@weft/core/connector"
import { Connectors, Integrations, SyncEngine } from "@weft/core/engine"
import { Event } from "@weft/core/events"
import { Ids } from "@weft/core/ground"
import { Payloads } from "@weft/core/outbox"
import { OutboxSignal, type Rows, Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"

/** A fixed test key (never used outside tests). */
export const testKeys: Vault.VaultKeys = {
  current: { id: "test", key: Redacted.make(Buffer.alloc(32, 7).toString("base64")) }
}

/** Engine tests never reach the network: any request fails. */
export const NoHttp = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) =>
    Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", description: "no network in engine tests" }))
  )
)

export const engineLayer = (connector: Connector.Any, options: SyncEngine.SyncEngineOptions = {}) =>
  SyncEngine.layer(options).pipe(
    Layer.provideMerge(Integrations.layer),
    Layer.provideMerge(Connectors.layer([connector])),
    Layer.provideMerge(OutboxSignal.layer),
    Layer.provideMerge(StoreMemory.layer),
    Layer.provideMerge(Vault.layer(testKeys)),
    Layer.provideMerge(NoHttp)
  )

/** Stores an integration, a destination and a sync for the engine to run. */
export const setupSync = (
  connector: Connector.Any,
  options: {
    readonly models?: ReadonlyArray<Rows.SyncModel>
    readonly includeInactive?: boolean
    readonly credentials?: unknown
  } = {}
) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const vault = yield* Vault.Vault
    const integrations = yield* Integrations.Integrations
    const now = yield* Clock.currentTimeMillis
    const integrationId = Ids.at("int", now)
    const credentials = yield* integrations.decode(connector, options.credentials ?? { token: "good" })
    yield* store.integrations.put({
      id: integrationId,
      tenant: "acme",
      connector: connector.id,
      status: "active",
      credentials: yield* integrations.seal(connector, integrationId, credentials),
      createdAt: now,
      updatedAt: now
    })
    const destinationId = Ids.at("dst", now)
    yield* store.destinations.put({
      id: destinationId,
      url: "https://hooks.example.com/weft",
      secrets: vault.sealJson(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], destinationId),
      enabled: true,
      options: {},
      maxConcurrency: 32,
      createdAt: now,
      updatedAt: now
    })
    const sync: Rows.SyncRow = {
      id: Ids.at("syn", now),
      integrationId,
      destinationId,
      models: options.models ?? connector.readers.map((r) => ({ model: r.model.name })),
      frequencyMs: 3_600_000,
      status: "active",
      includeInactive: options.includeInactive ?? false,
      createdAt: now,
      updatedAt: now
    }
    yield* store.syncs.put(sync)
    return sync
  })

const decodeEvent = Schema.decodeUnknownSync(Event.WeftEvent)

/** The events of a run, decrypted and validated against the wire schema, oldest first. */
export const eventsOf = (runId: string) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const vault = yield* Vault.Vault
    const entries = yield* store.outbox.list({ runId, limit: 1_000_000 })
    const payloads = Payloads.opener({ store, vault })
    return yield* Effect.forEach(entries, (entry) =>
      Effect.map(Effect.orDie(payloads.body(entry)), (body) => decodeEvent(JSON.parse(Buffer.from(body!).toString()))))
  })

export const recordEvents = (events: ReadonlyArray<Event.WeftEvent>) =>
  events.filter(Event.isRecordEvent).map((e) =>
    e.type === "record.deleted" ? `${e.type}:${e.recordId}:${e.data.reason}` : `${e.type}:${e.recordId}`
  ).sort()

export const T0 = Date.UTC(2026, 10, 26, 18, 0, 0)
