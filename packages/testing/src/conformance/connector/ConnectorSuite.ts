import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { Connectors, Integrations, SyncEngine } from "@weft/core/engine"
import { Event } from "@weft/core/events"
import { Ids } from "@weft/core/ground"
import { Payloads } from "@weft/core/outbox"
import { OutboxSignal, type Rows, Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import type { Connector } from "@weft/core/connector"
import type { ConnectorFixture, ExpectedEvent, FixtureInstance } from "./Fixture.js"

/**
 * The Connector conformance suite: runs a connector against its provider fake
 * through the real sync engine and checks what every connector must do —
 * refuse bad credentials with the right code, read valid records across
 * pages, stay quiet when nothing changed, emit exactly the changes after
 * mutations, survive throttling, never sweep after a failed read, and send
 * the right auth.
 *
 * @example
 * ```ts
 * // test/myConnector.conformance.test.ts
 * import { type ConnectorFixture, ConnectorSuite } from "@weft/testing/conformance"
 * declare const fixture: ConnectorFixture.ConnectorFixture<unknown> // your connector and its provider fake
 * ConnectorSuite.connectorConformance(fixture)
 * ```
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface SuiteOptions {
  /** Records per model in the fake (default 250; the fixture picks page sizes so that is several pages). */
  readonly size?: number
  readonly seed?: number
  /** Per-test timeout (default 60 s). */
  readonly timeout?: number
}

const suiteKeys: Vault.VaultKeys = {
  current: { id: "conformance", key: Redacted.make(Buffer.alloc(32, 11).toString("base64")) }
}

const engineLayer = (connector: Connector.Any) =>
  SyncEngine.layer().pipe(
    Layer.provideMerge(Integrations.layer),
    Layer.provideMerge(Connectors.layer([connector])),
    Layer.provideMerge(OutboxSignal.layer),
    Layer.provideMerge(StoreMemory.layer),
    Layer.provideMerge(Vault.layer(suiteKeys)),
    Layer.provideMerge(NodeHttpClient.layerUndici)
  )

type Env = Store.Store | Vault.Vault | Integrations.Integrations | SyncEngine.SyncEngine

const setupSync = (instance: FixtureInstance<unknown>) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const vault = yield* Vault.Vault
    const integrations = yield* Integrations.Integrations
    const now = yield* Clock.currentTimeMillis
    const integrationId = Ids.at("int", now)
    const credentials = yield* Effect.orDie(integrations.decode(instance.connector, instance.credentials))
    yield* store.integrations.put({
      id: integrationId,
      tenant: "conformance",
      connector: instance.connector.id,
      status: "active",
      credentials: yield* Effect.orDie(integrations.seal(instance.connector, integrationId, credentials)),
      createdAt: now,
      updatedAt: now
    })
    const destinationId = Ids.at("dst", now)
    yield* store.destinations.put({
      id: destinationId,
      url: "https://receiver.invalid/weft",
      secrets: vault.sealJson([], destinationId),
      // Nothing is delivered: the suite reads the outbox.
      enabled: false,
      options: {},
      maxConcurrency: 1,
      createdAt: now,
      updatedAt: now
    })
    const models = instance.models ?? instance.connector.readers.map((r) => r.model.name)
    const sync: Rows.SyncRow = {
      id: Ids.at("syn", now),
      integrationId,
      destinationId,
      models: models.map((model) => ({ model })),
      frequencyMs: 3_600_000,
      status: "active",
      includeInactive: false,
      createdAt: now,
      updatedAt: now
    }
    yield* store.syncs.put(sync)
    return sync
  })

const recordEventsOf = (runId: string) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const vault = yield* Vault.Vault
    const entries = yield* store.outbox.list({ runId, limit: Number.MAX_SAFE_INTEGER })
    const payloads = Payloads.opener({ store, vault })
    const out: Array<ExpectedEvent> = []
    for (const entry of entries) {
      if (entry.kind !== "record" || entry.payload === null) continue
      const body = yield* Effect.orDie(payloads.body(entry))
      if (body === undefined) continue
      const event = JSON.parse(Buffer.from(body).toString()) as Event.WeftEvent
      if (!Event.isRecordEvent(event)) continue
      out.push(event.type === "record.deleted"
        ? { model: event.model, type: event.type, recordId: event.recordId, reason: event.data.reason }
        : { model: event.model, type: event.type, recordId: event.recordId })
    }
    return out
  })

const key = (e: ExpectedEvent) => `${e.model} ${e.type} ${e.recordId}${e.reason === undefined ? "" : ` (${e.reason})`}`
const keys = (events: ReadonlyArray<ExpectedEvent>) => events.map(key).sort()

/** The secret strings of decoded credentials: whatever the schema made `Redacted`. */
const secretsOf = (value: unknown): Array<string> => {
  if (Redacted.isRedacted(value)) {
    const secret = Redacted.value(value)
    return typeof secret === "string" ? [secret] : []
  }
  if (value === null || typeof value !== "object") return []
  return Object.values(value).flatMap(secretsOf)
}

/**
 * Registers the conformance suite of one connector fixture.
 *
 * @since 0.1.0
 * @category suites
 */
export const connectorConformance = <C>(fixture: ConnectorFixture<C>, options: SuiteOptions = {}): void => {
  const size = options.size ?? 250
  const seed = options.seed ?? 42
  const timeout = options.timeout ?? 60_000

  const withFixture = <A, E>(
    body: (instance: FixtureInstance<unknown>) => Effect.Effect<A, E, Env | Scope.Scope>
  ) =>
    Effect.gen(function*() {
      const instance = (yield* fixture.setup({ size, seed })) as unknown as FixtureInstance<unknown>
      return yield* body(instance).pipe(Effect.provide(engineLayer(instance.connector)))
    }).pipe(Effect.scoped)

  describe(`${fixture.name} connector conformance`, () => {
    it.live("good credentials pass check", () =>
      withFixture((instance) =>
        Effect.gen(function*() {
          const integrations = yield* Integrations.Integrations
          const credentials = yield* Effect.orDie(integrations.decode(instance.connector, instance.credentials))
          const context = yield* integrations.contextFor(instance.connector, { integrationId: "int_check", tenant: "t", credentials })
          yield* instance.connector.check(context)
        })), timeout)

    it.live("each bad-credential case gives its ConnectionError code, with a message and a resolution that hold no secret", () =>
      withFixture((instance) =>
        Effect.gen(function*() {
          const integrations = yield* Integrations.Integrations
          expect(instance.badCredentials.length).toBeGreaterThan(0)
          for (const bad of instance.badCredentials) {
            const credentials = yield* Effect.orDie(integrations.decode(instance.connector, bad.credentials))
            const context = yield* integrations.contextFor(instance.connector, { integrationId: "int_check", tenant: "t", credentials })
            const error = yield* Effect.flip(instance.connector.check(context))
            expect({ case: bad.name, code: error.code }).toEqual({ case: bad.name, code: bad.code })
            expect(error.message.length).toBeGreaterThan(10)
            expect(error.resolution.length).toBeGreaterThan(10)
            for (const secret of secretsOf(credentials)) {
              expect(`${error.message} ${error.resolution} ${String(error)}`).not.toContain(secret)
            }
          }
        })), timeout)

    it.live("every record read validates against its model, and reads span more than one page", () =>
      withFixture((instance) =>
        Effect.gen(function*() {
          const sync = yield* setupSync(instance)
          const before = instance.requestCount()
          const run = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
          expect(run.errors).toEqual([])
          expect(run.status).toBe("succeeded")
          for (const audit of Object.values(run.models)) {
            expect({ model: audit.model, invalid: audit.counters.invalid, samples: audit.invalidRecords })
              .toEqual({ model: audit.model, invalid: 0, samples: [] })
            expect(audit.counters.processed).toBeGreaterThan(instance.pageSize)
          }
          expect(instance.requestCount() - before).toBeGreaterThan(sync.models.length)
        })), timeout)

    it.live("two consecutive syncs with no mutation emit nothing the second time", () =>
      withFixture((instance) =>
        Effect.gen(function*() {
          const sync = yield* setupSync(instance)
          const engine = yield* SyncEngine.SyncEngine
          yield* engine.run(sync.id, { type: "initial" })
          const delta = yield* engine.run(sync.id, { type: "delta" })
          expect(delta.status).toBe("succeeded")
          expect(keys(yield* recordEventsOf(delta.id))).toEqual([])
          const full = yield* engine.run(sync.id, { type: "manual" })
          expect(full.status).toBe("succeeded")
          expect(keys(yield* recordEventsOf(full.id))).toEqual([])
        })), timeout)

    it.live("after scripted mutations the next delta emits exactly those events", () =>
      withFixture((instance) =>
        Effect.gen(function*() {
          const sync = yield* setupSync(instance)
          const engine = yield* SyncEngine.SyncEngine
          yield* engine.run(sync.id, { type: "initial" })
          const expected = yield* instance.mutate()
          const models = new Set(expected.map((e) => e.model))
          for (const model of sync.models) expect([...models]).toContain(model.model)
          const delta = yield* engine.run(sync.id, { type: "delta" })
          expect(delta.status).toBe("succeeded")
          expect(keys(yield* recordEventsOf(delta.id))).toEqual(keys(expected))
          const quiet = yield* engine.run(sync.id, { type: "delta" })
          expect(keys(yield* recordEventsOf(quiet.id))).toEqual([])
        })), timeout)

    it.live("a throttling burst is survived", () =>
      withFixture((instance) =>
        Effect.gen(function*() {
          const sync = yield* setupSync(instance)
          yield* instance.throttle()
          const run = yield* (yield* SyncEngine.SyncEngine).run(sync.id, { type: "initial" })
          expect(run.errors).toEqual([])
          expect(run.status).toBe("succeeded")
        })), timeout)

    it.live("a failure mid-read sweeps nothing, and the next run recovers", () =>
      withFixture((instance) =>
        Effect.gen(function*() {
          const sync = yield* setupSync(instance)
          const engine = yield* SyncEngine.SyncEngine
          const store = yield* Store.Store
          yield* engine.run(sync.id, { type: "initial" })
          for (const { model } of sync.models) {
            const scope = { syncId: sync.id, model }
            const known = yield* store.fingerprints.count(scope)
            yield* instance.failMidRead(model)
            // A manual run reads in full: a completed read would sweep, a failed one must not.
            const failed = yield* engine.run(sync.id, { type: "manual" })
            expect(failed.models[model]!.status).toBe("failed")
            expect((yield* recordEventsOf(failed.id)).filter((e) => e.type === "record.deleted")).toEqual([])
            expect(yield* store.fingerprints.count(scope)).toEqual(known)
          }
          const recovered = yield* engine.run(sync.id, { type: "manual" })
          expect(recovered.status).toBe("succeeded")
          expect(keys(yield* recordEventsOf(recovered.id))).toEqual([])
        })), timeout)

    it.live("the fake saw the right auth on every request", () =>
      withFixture((instance) =>
        Effect.gen(function*() {
          const sync = yield* setupSync(instance)
          const engine = yield* SyncEngine.SyncEngine
          yield* engine.run(sync.id, { type: "initial" })
          yield* instance.mutate()
          yield* engine.run(sync.id, { type: "delta" })
          expect(instance.requestCount()).toBeGreaterThan(0)
          expect(instance.authProblems()).toEqual([])
        })), timeout)
  })
}
