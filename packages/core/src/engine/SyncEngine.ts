import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Connector from "../connector/Connector.js"
import * as Fingerprint from "../ground/Fingerprint.js"
import * as Ids from "../ground/Ids.js"
import * as Model from "../models/Model.js"
import type { ModelAudit, RunIssue, RunRow, RunType, SyncRow } from "../store/Rows.js"
import { emptyDelivery } from "../store/Rows.js"
import { OutboxSignal } from "../store/OutboxSignal.js"
import { NotFoundError, Store, type StoreError } from "../store/Store.js"
import { Vault } from "../vault/Vault.js"
import * as Audit from "./Audit.js"
import * as ChangeDetector from "./ChangeDetector.js"
import * as Envelope from "../outbox/Envelope.js"
import * as RunEvents from "../outbox/RunEvents.js"
import * as Sleep from "../ground/internal/sleep.js"
import * as Recovery from "./Recovery.js"
import { type OpenedIntegration, Integrations } from "./Integrations.js"
import * as Inflight from "../ground/internal/inflight.js"
import * as ReadLimits from "../connector/ReadLimits.js"
import { describeReadIssue, describeStop, type MassDeleteGuard, REAUTH_RESOLUTION, type RunStop, runModel } from "./ModelRun.js"

/**
 * The sync engine: executes one run of a sync — every model read with
 * bounded memory, one atomic store commit per page, deletes swept only after
 * complete reads — and writes the run's audit and events.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface RunOptions {
  readonly type: RunType
  /** Apply a sweep the mass-delete guard held back (manual runs). */
  readonly confirmDeletes?: boolean | undefined
  /** Read every model in full (with sweep), incremental ones included. Default: `type === "manual"`. */
  readonly fullRead?: boolean | undefined
  /** Completing it stops the run as {@link SyncEngineService.cancel} does (for a caller that holds the run). */
  readonly stop?: Deferred.Deferred<RunStop> | undefined
  /**
   * For scheduled runs: if a run of the sync started after this time (in
   * this or another process) by the time this one holds the sync's lease, no
   * run starts and that run is returned instead. A schedule then fires once
   * per frequency however many processes run it.
   */
  readonly unlessRunSince?: number | undefined
}

/**
 * The connector cannot re-read single records of this model.
 *
 * @since 0.1.0
 * @category errors
 */
export class ResyncUnsupportedError extends Schema.TaggedError<ResyncUnsupportedError>()("ResyncUnsupportedError", {
  connector: Schema.String,
  model: Schema.String
}) {
  override get message(): string {
    return `The ${this.connector} connector cannot re-read single ${this.model} records. Trigger a manual sync instead.`
  }
}

/**
 * A paused (or stopped) sync was asked to run.
 *
 * @since 0.1.0
 * @category errors
 */
export class SyncPausedError extends Schema.TaggedError<SyncPausedError>()("SyncPausedError", {
  syncId: Schema.String,
  /** Why the sync is not running, when it was stopped rather than paused. */
  reason: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.reason === undefined
      ? `Sync ${this.syncId} is paused; resume it before triggering a run.`
      : `Sync ${this.syncId} is not running: ${this.reason}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export type EngineError = StoreError | NotFoundError

/**
 * @since 0.1.0
 * @category models
 */
export interface SyncEngineService {
  /**
   * Executes one run and returns its final audit. Read failures are in the
   * audit, not the error channel. Waits while a run of the sync goes on (in
   * this or another process): one run per sync at a time. A cancel while it
   * waits fails it with `SyncPausedError`.
   */
  readonly run: (syncId: string, options: RunOptions) => Effect.Effect<RunRow, EngineError | SyncPausedError>
  /**
   * Re-reads records in one `manual` run and emits an event for each that
   * changed (each one, with `force`): `record.changed`/`record.new`, or
   * `record.deleted` if the provider no longer has it.
   */
  readonly resyncRecords: (
    syncId: string,
    model: string,
    recordIds: ReadonlyArray<string>,
    options?: { readonly force?: boolean | undefined }
  ) => Effect.Effect<RunRow, EngineError | ResyncUnsupportedError | SyncPausedError>
  /**
   * Stops every run of the sync in flight: each read ends after the page in
   * hand is committed (the provider request in flight is abandoned), and the
   * run closes `cancelled`, its run events sent with true counts. Completes
   * once every such run is closed, so no provider request of theirs follows.
   */
  readonly cancel: (syncId: string, reason: string) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class SyncEngine extends Context.Tag("@weft/core/SyncEngine")<SyncEngine, SyncEngineService>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface SyncEngineOptions {
  /** Models of one run read at once (default 4). */
  readonly modelConcurrency?: number
  /** Default: more than 50 % of known records and more than 10. */
  readonly massDeleteGuard?: MassDeleteGuard
  /**
   * Pause reading while a destination has this many events pending (default
   * 5,000, resuming at half); `false` never pauses. A few pages ahead of
   * delivery keep it busy; more only holds events (and their payloads) in
   * the outbox for longer.
   */
  readonly outboxHighWater?: number | false
  /**
   * Bounds on provider reads, for every connector: request timeout, run
   * deadline, page budget. A connector's own `limits`, then an integration's,
   * override them.
   */
  readonly limits?: ReadLimits.ReadLimits | undefined
  /**
   * The run lease (default 30 seconds): how long a sync stays taken by a run
   * whose process stopped renewing it, before another process takes over and
   * closes that run. Runs renew it every third of this.
   */
  readonly runLease?: Duration.DurationInput | undefined
}


/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: SyncEngineOptions = {}
): Layer.Layer<SyncEngine, never, Store | Vault | Integrations | OutboxSignal> =>
  Layer.effect(
    SyncEngine,
    Effect.gen(function*() {
      const store = yield* Store
      const vault = yield* Vault
      const integrations = yield* Integrations
      const signal = yield* OutboxSignal
      const guard = options.massDeleteGuard ?? { ratio: 0.5, min: 10 }
      const concurrency = options.modelConcurrency ?? 4
      const highWater = options.outboxHighWater ?? 5_000
      const backpressure = highWater === false ? undefined : { highWater, lowWater: Math.floor(highWater / 2) }
      // Every run (scheduled, triggered, a record re-read) is registered from its first step.
      const runs = Inflight.make<string, RunStop>()
      const deps: RunEvents.Deps = { store, vault }
      const leaseMs = Duration.toMillis(options.runLease ?? Recovery.DEFAULT_LEASE)
      // Runs of one sync in this process queue here; the store's run lease orders them across processes.
      const locks = new Map<string, Effect.Semaphore>()
      const lockOf = (syncId: string) => {
        let lock = locks.get(syncId)
        if (lock === undefined) {
          lock = Effect.unsafeMakeSemaphore(1)
          locks.set(syncId, lock)
        }
        return lock
      }

      /**
       * Runs `body` holding the sync's run lease, as holder `runId` (the id the
       * run will get): waits while another run holds it, closes runs a dead
       * process left behind, and renews the lease while `body` goes on. A
       * lease lost to another process (this one stalled past it) stops the run.
       */
      const leased = <A, E>(
        syncId: string,
        stop: Deferred.Deferred<RunStop>,
        body: (runId: string) => Effect.Effect<A, E>
      ): Effect.Effect<A, E | StoreError | SyncPausedError> =>
        lockOf(syncId).withPermits(1)(Effect.gen(function*() {
          const runId = Ids.at("run", yield* Clock.currentTimeMillis)
          while (true) {
            const stopped = yield* Deferred.poll(stop)
            if (Option.isSome(stopped)) {
              const reason = yield* stopped.value
              return yield* new SyncPausedError({ syncId, reason: reason._tag === "Cancelled" ? reason.reason : runError(reason).message })
            }
            const now = yield* Clock.currentTimeMillis
            if (yield* store.runLeases.acquire({ syncId, holder: runId, now, ttlMs: leaseMs })) break
            yield* Effect.raceFirst(Sleep.sleep(Math.max(10, Math.floor(leaseMs / 6))), Deferred.await(stop))
          }
          const release = Effect.ignore(store.runLeases.release(syncId, runId))
          const heartbeat = Effect.gen(function*() {
            while (true) {
              yield* Effect.sleep(Math.max(1, Math.floor(leaseMs / 3)))
              const now = yield* Clock.currentTimeMillis
              // A renewal the store could not answer is tried again; only a lease taken by another stops the run.
              const held = yield* store.runLeases.acquire({ syncId, holder: runId, now, ttlMs: leaseMs }).pipe(
                Effect.orElseSucceed(() => true)
              )
              if (!held) {
                yield* Deferred.succeed(stop, {
                  _tag: "Cancelled",
                  reason: "another process took the sync over: this one did not renew its run lease in time"
                })
                return
              }
            }
          })
          return yield* Effect.gen(function*() {
            const destinations = yield* Recovery.recoverSync(deps, syncId, yield* Clock.currentTimeMillis)
            for (const destinationId of destinations) yield* signal.notify(destinationId)
            return yield* body(runId)
          }).pipe(
            Effect.raceFirst(Effect.zipRight(heartbeat, Effect.never)),
            Effect.ensuring(release)
          )
        }))

      const cancel: SyncEngineService["cancel"] = (syncId, reason) => runs.stopAll(syncId, { _tag: "Cancelled", reason })

      const limitsFor = (opened: OpenedIntegration) => ReadLimits.resolve(opened.row.limits, opened.connector.limits, options.limits)

      const load = (syncId: string) =>
        Effect.gen(function*() {
          const sync = yield* store.syncs.get(syncId).pipe(
            Effect.flatMap(Option.match({
              onNone: () => Effect.fail(new NotFoundError({ entity: "sync", id: syncId })),
              onSome: Effect.succeed
            }))
          )
          const integration = yield* store.integrations.get(sync.integrationId).pipe(
            Effect.flatMap(Option.match({
              onNone: () => Effect.fail(new NotFoundError({ entity: "integration", id: sync.integrationId })),
              onSome: Effect.succeed
            }))
          )
          return { sync, integration }
        })

      const begin = (id: string, sync: SyncRow, connector: string, tenant: string, type: RunType, models: ReadonlyArray<string>) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const run: RunRow = {
            id,
            syncId: sync.id,
            destinationId: sync.destinationId,
            integrationId: sync.integrationId,
            connector,
            tenant,
            type,
            status: "running",
            startedAt: now,
            models: Object.fromEntries(models.map((m) => [m, Audit.pending(m)])),
            warnings: [],
            errors: [],
            delivery: emptyDelivery
          }
          yield* store.runs.create(run)
          return run
        })

      const close = (
        run: RunRow,
        sync: SyncRow,
        audits: ReadonlyArray<ModelAudit>,
        errors: ReadonlyArray<RunIssue>
      ) =>
        Effect.gen(function*() {
          const finishedAt = yield* Clock.currentTimeMillis
          const final = Audit.finish(run, audits, errors, finishedAt)
          yield* RunEvents.close(deps, {
            run: final,
            destinationId: sync.destinationId,
            // A cancelled initial sync is not complete: the next run reads everything again.
            sync: run.type === "initial" && (final.status === "succeeded" || final.status === "partial")
              ? { initialCompletedAt: finishedAt }
              : undefined
          })
          yield* signal.notify(sync.destinationId)
          return Option.getOrElse(yield* store.runs.get(run.id), () => final)
        }).pipe(Effect.uninterruptible)

      const openFor = (run: RunRow, sync: SyncRow, integration: OpenedIntegration["row"]) =>
        Effect.gen(function*() {
          if (integration.status !== "active") {
            const why = integration.statusMessage === undefined ? "" : `: ${integration.statusMessage}`
            return Either.left<RunIssue>({
              message: `Integration ${integration.id} is ${integration.status}${why}`,
              code: integration.status,
              resolution: integration.status === "disabled"
                ? "Connect the account again to enable the integration (integrations.reconnect)."
                : REAUTH_RESOLUTION
            })
          }
          return yield* integrations.open(integration).pipe(
            Effect.map(Either.right),
            Effect.catchTags({
              CredentialsUnavailableError: (e) => Effect.succeed(Either.left(Audit.issueOf(e))),
              UnknownConnectorError: (e) => Effect.succeed(Either.left(Audit.issueOf(e)))
            })
          )
        }).pipe(Effect.map((opened) => ({ opened, run, sync })))

      const run: SyncEngineService["run"] = (syncId, runOptions) =>
        runs.track(syncId, ({ armDeadline, stop }) =>
          leased(syncId, stop, (runId) => Effect.gen(function*() {
            const { integration, sync } = yield* load(syncId)
            if (runOptions.unlessRunSince !== undefined) {
              const [latest] = yield* store.runs.list({ syncId, limit: 1 })
              if (latest !== undefined && latest.startedAt > runOptions.unlessRunSince) return latest
            }
            const models = sync.models.map((m) => m.model)
            const started = yield* begin(runId, sync, integration.connector, integration.tenant, runOptions.type, models)
            const { opened } = yield* openFor(started, sync, integration)
            if (Either.isLeft(opened)) return yield* close(started, sync, models.map(Audit.pending), [opened.left])
            const limits = limitsFor(opened.right)
            yield* armDeadline(limits.runDeadline, { _tag: "DeadlineExceeded", deadline: limits.runDeadline })
            return yield* readModels(started, sync, models, opened.right, runOptions, stop, limits.maxPages)
          })), runOptions.stop)

      const readModels = (
        started: RunRow,
        sync: SyncRow,
        models: ReadonlyArray<string>,
        opened: OpenedIntegration,
        runOptions: RunOptions,
        stop: Deferred.Deferred<RunStop>,
        maxPages: number
      ) =>
        Effect.gen(function*() {

          const writer = Envelope.writer(vault, Envelope.ofRun(started, sync.destinationId))
          const committed = new Map<string, ModelAudit>(models.map((m) => [m, Audit.pending(m)]))
          const current = () => models.map((m) => committed.get(m)!)
          const interrupted = (a: ModelAudit): ModelAudit =>
            a.status === "running" || a.status === "pending"
              ? { ...a, status: "failed", error: { message: "The run was interrupted before this model finished; the next run continues from what was committed." } }
              : a

          return yield* Effect.forEach(sync.models, (syncModel) =>
            runModel({
              run: started,
              type: runOptions.type,
              sync,
              syncModel,
              opened,
              writer,
              guard,
              confirmDeletes: runOptions.confirmDeletes === true,
              fullRead: runOptions.fullRead ?? runOptions.type === "manual",
              onCommitted: (audit) => Effect.sync(() => committed.set(audit.model, audit)),
              onEnqueued: signal.notify(sync.destinationId),
              backpressure,
              stop,
              maxPages
            }).pipe(Effect.provideService(Store, store)), { concurrency }).pipe(
              Effect.flatMap((audits) =>
                Effect.flatMap(Deferred.poll(stop), (stopped) =>
                  Option.isNone(stopped)
                    ? close(started, sync, audits, [])
                    : Effect.flatMap(stopped.value, (reason) =>
                      // Only a stop that ended some model's read is the run's news.
                      close(started, sync, audits, audits.some((a) => a.error?.message === describeStop(reason, a.model)) ? [runError(reason)] : [])))
              ),
              Effect.onInterrupt(() => Effect.ignore(close(started, sync, current().map(interrupted), [{ message: "The run was interrupted." }]))),
              Effect.catchTag("StoreError", (error) =>
                Effect.zipRight(
                  // The store failed mid-run: closing may need it back first. Past a minute, the run is
                  // left to crash recovery, which closes it once its lease lapses.
                  Effect.ignore(close(started, sync, current().map(interrupted), [{ message: `Store failure: ${error.message}` }]).pipe(
                    Effect.retry(Schedule.exponential("200 millis").pipe(Schedule.upTo("1 minute")))
                  )),
                  Effect.fail(error)
                ))
            )
        })

      const resyncRecords: SyncEngineService["resyncRecords"] = (syncId, modelName, recordIds, resyncOptions) =>
        runs.track(syncId, ({ armDeadline, stop }) =>
          leased(syncId, stop, (runId) => Effect.gen(function*() {
            const { integration, sync } = yield* load(syncId)
            if (sync.status === "paused") return yield* new SyncPausedError({ syncId })
            const syncModel = sync.models.find((m) => m.model === modelName)
            if (syncModel === undefined) return yield* new NotFoundError({ entity: "sync", id: `${syncId} (model ${modelName})` })
            const started = yield* begin(runId, sync, integration.connector, integration.tenant, "manual", [modelName])
            const { opened } = yield* openFor(started, sync, integration)
            if (Either.isLeft(opened)) return yield* close(started, sync, [Audit.pending(modelName)], [opened.left])
            const reader = Connector.readerFor(opened.right.connector, modelName)
            if (reader?.readOne === undefined) {
              yield* close(started, sync, [Audit.pending(modelName)], [{ message: `${opened.right.connector.name} cannot re-read single records.` }])
              return yield* new ResyncUnsupportedError({ connector: opened.right.connector.id, model: modelName })
            }
            const readOne = reader.readOne.bind(reader)
            const projection = Model.projection(reader.model, syncModel.fieldGroups, reader.volatileFields)
            if (Either.isLeft(projection)) return yield* close(started, sync, [Audit.pending(modelName)], [Audit.issueOf(projection.left)])

            const scope = { syncId: sync.id, model: modelName }
            const startedAt = yield* Clock.currentTimeMillis
            const limits = limitsFor(opened.right)
            yield* armDeadline(limits.runDeadline, { _tag: "DeadlineExceeded", deadline: limits.runDeadline })
            const stoppedEarly = yield* Deferred.poll(stop)
            const found = Option.isSome(stoppedEarly)
              ? Either.left(yield* stoppedEarly.value)
              : yield* Effect.forEach(recordIds, (id) => readOne(opened.right.context, id), { concurrency: 4 }).pipe(
                Effect.mapError(describeReadIssue),
                // A stop abandons the reads in flight; the commit below is not interrupted.
                Effect.raceFirst(Effect.flatMap(Deferred.await(stop), (reason) => Effect.fail(reason))),
                Effect.either
              )
            if (Either.isLeft(found)) {
              const failure = found.left
              const failed: ModelAudit = !("_tag" in failure)
                ? { ...Audit.pending(modelName), status: "failed", startedAt, error: failure }
                : {
                  ...Audit.pending(modelName),
                  status: failure._tag === "Cancelled" ? "cancelled" : "failed",
                  startedAt,
                  error: { message: describeStop(failure, modelName) }
                }
              return yield* close(started, sync, [failed], !("_tag" in failure) ? [] : [runError(failure)])
            }
            const state = yield* store.syncs.modelState(scope)
            const policy: ChangeDetector.Policy = {
              model: reader.model,
              projection: projection.right,
              generation: Option.match(state, { onNone: () => 0, onSome: (s) => s.generation }),
              includeInactive: sync.includeInactive
            }
            const stored = yield* store.fingerprints.getMany(scope, recordIds)
            const present = found.right.flatMap((o) => (Option.isSome(o) ? [o.value] : []))
            const presentIds = new Set(present.flatMap((r) => {
              const id = ChangeDetector.idOf(r)
              return id === undefined ? [] : [id]
            }))
            const gone = recordIds.filter((id) => !presentIds.has(id))
            const result = ChangeDetector.detect(policy, present, gone, stored)
            const emitted = new Set(result.changes.map((c) => c.recordId))
            const changes = resyncOptions?.force === true
              ? [...result.changes, ...present.flatMap((r) => {
                const id = ChangeDetector.idOf(r)
                return id === undefined || emitted.has(id) ? [] : forced(policy, r, stored.get(id))
              })]
              : result.changes
            const now = yield* Clock.currentTimeMillis
            const writer = Envelope.writer(vault, Envelope.ofRun(started, sync.destinationId))
            const audit: ModelAudit = {
              ...Audit.addPage({ ...Audit.pending(modelName), startedAt }, {
                ...result.counters,
                new: changes.filter((c) => c.type === "record.new").length,
                changed: changes.filter((c) => c.type === "record.changed").length,
                deleted: changes.filter((c) => c.type === "record.deleted").length
              }, result.invalid),
              status: "succeeded",
              finishedAt: now
            }
            // Like any run's model, a re-read reports that it finished reading.
            const processed = writer.processed(audit, startedAt, now)
            yield* store.commit({
              scope,
              upserts: result.upserts,
              deletes: result.deletes,
              events: [...writer.records(modelName, changes, now), processed],
              run: { runId: started.id, audit }
            })
            yield* signal.notify(sync.destinationId)
            return yield* close(started, sync, [audit], [])
          })))

      return { run, resyncRecords, cancel } satisfies SyncEngineService
    })
  )

// The run-level line of a stopped run's audit.
const runError = (stop: RunStop): RunIssue => ({
  message: stop._tag === "Cancelled" ? `Cancelled: ${stop.reason}` : `The run passed its deadline of ${Duration.format(stop.deadline)}.`
})

// A forced resync re-sends what the receiver should hold now, changed or not.
const forced = (
  policy: ChangeDetector.Policy,
  record: unknown,
  known: { readonly inactive: boolean } | undefined
): ReadonlyArray<ChangeDetector.Change> => {
  const decoded = policy.model.validate(record)
  if (Either.isLeft(decoded)) return []
  const value = decoded.right
  if (!policy.includeInactive && policy.model.isInactive(value)) return []
  const { json } = Fingerprint.withJson(value, policy.projection)
  return [{ type: known === undefined || known.inactive ? "record.new" : "record.changed", recordId: value.id, data: json }]
}
