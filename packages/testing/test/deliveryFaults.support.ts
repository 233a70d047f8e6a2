import { Delivery } from "@weft/core/delivery"
import type { ChangeDetector } from "@weft/core/engine"
import { Envelope, RunEvents } from "@weft/core/outbox"
import { Ids } from "@weft/core/ground"
import { Sink } from "@weft/core/sink"
import { OutboxSignal, Rows, Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StoreMemory } from "@weft/store-memory"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * End-to-end delivery for tests: StoreMemory, the Vault, the delivery
 * workers and the real webhook sink over undici, with runs of record events
 * committed straight into the outbox as the engine would.
 */

export const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

const keys: Vault.VaultKeys = { current: { id: "test", key: Redacted.make(Buffer.alloc(32, 9).toString("base64")) } }

export const MODEL = "hris.employee"

/** One attempt as the delivery workers saw it, timed on the sink's side. */
export interface SinkCall {
  readonly eventId: string
  readonly startedAt: number
  readonly endedAt: number
  readonly outcome: Sink.Outcome
}

/** The sink's side of the test: every finished call, and how many are under way. */
export interface SinkLog {
  readonly calls: Array<SinkCall>
  inFlight: number
}

/**
 * The real webhook sink, with every call logged: the receiver sees a request
 * when it arrives, which on a loaded machine can be well after it was sent
 * (even after the sink gave up on it), so timing is judged from this side.
 */
const loggedSink = (options: SinkWebhook.Options, log: SinkLog) =>
  Layer.scoped(
    Sink.Sink,
    Effect.map(SinkWebhook.make(options), (inner) =>
      Sink.Sink.of({
        validate: inner.validate,
        deliver: (destination, attempt) =>
          Effect.acquireUseRelease(
            Effect.sync(() => log.inFlight++),
            () =>
              Effect.gen(function*() {
                const startedAt = yield* Clock.currentTimeMillis
                const outcome = yield* inner.deliver(destination, attempt)
                log.calls.push({ eventId: attempt.eventId, startedAt, endedAt: yield* Clock.currentTimeMillis, outcome })
                return outcome
              }),
            () => Effect.sync(() => log.inFlight--)
          )
      }))
  )

/** Delivery over the real sink (each attempt limited to `sinkTimeout`), and the log of its calls. */
export const layer = (options: { readonly delivery: Delivery.DeliveryOptions; readonly sinkTimeout: Duration.DurationInput }) => {
  const log: SinkLog = { calls: [], inFlight: 0 }
  const live = Delivery.layer(options.delivery).pipe(
    Layer.provideMerge(loggedSink({ allowHosts: ["127.0.0.1"], timeout: options.sinkTimeout }, log)),
    Layer.provideMerge(Layer.mergeAll(StoreMemory.layer, Vault.layer(keys), OutboxSignal.layer))
  )
  return { layer: live, log, calls: log.calls }
}

/**
 * Whether nothing is being delivered to `destinationId`: no outbox entry is
 * claimed by a worker and no sink call is under way.
 */
export const idle = (destinationId: string, log: SinkLog) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const pending = yield* store.outbox.list({ status: "pending", limit: 100_000 })
    return log.inFlight === 0 && pending.every((e) => e.destinationId !== destinationId || e.leaseUntil === undefined)
  })

/** Stores a destination pointing at `url`, signing with {@link secret}. */
export const addDestination = (url: string, maxConcurrency = 32) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const vault = yield* Vault.Vault
    const now = yield* Clock.currentTimeMillis
    const id = Ids.at("dst", now)
    yield* store.destinations.put({
      id,
      url: `${url}/hooks/weft`,
      secrets: vault.sealJson([secret], id),
      enabled: true,
      options: {},
      maxConcurrency,
      createdAt: now,
      updatedAt: now
    })
    return id
  })

/** A normalised employee with some bulk, revision `rev`. */
export const employeeRecord = (recordId: string, rev: number) => ({
  id: recordId,
  remoteUpdatedAt: new Date(Date.UTC(2026, 0, 1) + rev * 60_000).toISOString(),
  profile: { firstName: `First${recordId}`, lastName: `Last${recordId}`, workEmail: `person${recordId}@example.com` },
  employment: { status: "active", type: "full_time", startDate: "2024-01-01" },
  orgStructure: { jobTitle: `Engineer L${rev}`, department: "R&D" }
})

/**
 * One run, as the engine writes it: record events committed in pages, then
 * the run closed (allEmitted, and allConsumed once every record event settles).
 */
export const commitRun = (options: {
  readonly destinationId: string
  readonly syncId: string
  readonly changes: ReadonlyArray<ChangeDetector.Change>
  readonly pageSize?: number
}) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const vault = yield* Vault.Vault
    const signal = yield* OutboxSignal.OutboxSignal
    const startedAt = yield* Clock.currentTimeMillis
    const run: Rows.RunRow = {
      id: Ids.at("run", startedAt),
      syncId: options.syncId,
      integrationId: "int_faults",
      connector: "memory",
      tenant: "acme",
      type: "delta",
      status: "running",
      startedAt,
      models: {},
      warnings: [],
      errors: [],
      delivery: Rows.emptyDelivery
    }
    yield* store.runs.create(run)
    const writer = Envelope.writer(vault, Envelope.ofRun(run, options.destinationId))
    const pageSize = options.pageSize ?? 50
    const audit: Rows.ModelAudit = {
      model: MODEL,
      status: "succeeded",
      counters: Rows.emptyCounters,
      fullRead: false,
      invalidRecords: [],
      warnings: []
    }
    for (let i = 0; i < options.changes.length; i += pageSize) {
      const now = yield* Clock.currentTimeMillis
      yield* store.commit({
        scope: { syncId: options.syncId, model: MODEL },
        upserts: [],
        deletes: [],
        events: writer.records(MODEL, options.changes.slice(i, i + pageSize), now),
        run: { runId: run.id, audit }
      })
      yield* signal.notify(options.destinationId)
    }
    const finishedAt = yield* Clock.currentTimeMillis
    yield* store.runs.close({
      run: { ...run, status: "succeeded", finishedAt },
      allEmitted: writer.run("sync.events.allEmitted", {
        status: "succeeded",
        processed: options.changes.length,
        emitted: { new: 0, changed: options.changes.length, deleted: 0, total: options.changes.length },
        invalid: 0,
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString()
      }, finishedAt)
    })
    yield* RunEvents.consume({ store, vault }, run.id, options.destinationId, finishedAt)
    yield* signal.notify(options.destinationId)
    return run.id
  })
