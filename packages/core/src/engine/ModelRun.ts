import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Stream from "effect/Stream"
import * as Connector from "../connector/Connector.js"
import * as Model from "../models/Model.js"
import type {
  FingerprintScope,
  ModelAudit,
  ModelState,
  OutboxEntry,
  RunRow,
  RunType,
  SyncModel,
  SyncRow
} from "../store/Rows.js"
import { Store, type StoreError } from "../store/Store.js"
import * as Audit from "./Audit.js"
import * as ChangeDetector from "./ChangeDetector.js"
import type { EventWriter } from "./Envelope.js"
import type { OpenedIntegration } from "./Integrations.js"

/**
 * One model's part of a run: read (full or incremental), detect, commit page
 * by page, sweep deletes after a complete full read, and emit
 * `sync.events.processed`.
 *
 * @since 0.1.0
 */

/**
 * When a sweep is too large to trust: more than `ratio` of the known active
 * records *and* more than `min` of them.
 *
 * @since 0.1.0
 * @category models
 */
export interface MassDeleteGuard {
  readonly ratio: number
  readonly min: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ModelRunInput {
  readonly run: RunRow
  readonly type: RunType
  readonly sync: SyncRow
  readonly syncModel: SyncModel
  readonly opened: OpenedIntegration
  readonly writer: EventWriter
  readonly guard: MassDeleteGuard
  /** Apply a sweep even past the guard (a `manual` run confirming deletes). */
  readonly confirmDeletes: boolean
  /** Read everything (and sweep) even for an incremental reader. */
  readonly fullRead: boolean
  /** Called after every commit with the audit as committed. */
  readonly onCommitted: (audit: ModelAudit) => Effect.Effect<void>
  /** Called after a commit that enqueued events. */
  readonly onEnqueued: Effect.Effect<void>
  /** Pause reading while the destination has this many events pending (see {@link Backpressure}). */
  readonly backpressure?: Backpressure | undefined
}

/**
 * Reading waits while the sync's destination has `highWater` or more events
 * pending, until it is down to `lowWater`: a provider read faster than the
 * receiver takes events does not pile the whole collection up in the
 * outbox. A disabled destination never makes a run wait (its events are held
 * for as long as it stays disabled).
 *
 * @since 0.1.0
 * @category models
 */
export interface Backpressure {
  readonly highWater: number
  readonly lowWater: number
}

const SWEEP_BATCH = 1000

/**
 * A read failure as an operator reads it.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeReadError = (error: Connector.ReadError): string => {
  if (ParseResult.isParseError(error)) return `the provider's answer did not have the expected shape: ${Model.describeParseError(error)}`
  return error.message
}

/**
 * Reads one model of a run. Read failures end up in the returned audit
 * (status `failed`); only store failures fail the effect.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runModel = (input: ModelRunInput): Effect.Effect<ModelAudit, StoreError, Store> =>
  Effect.gen(function*() {
    const store = yield* Store
    const { opened, run, sync, syncModel, writer } = input
    const name = syncModel.model
    const scope: FingerprintScope = { syncId: sync.id, model: name }
    const startedAt = yield* Clock.currentTimeMillis
    let audit: ModelAudit = { ...Audit.pending(name), status: "running", startedAt }

    const fail = (error: string) =>
      Effect.gen(function*() {
        audit = { ...audit, status: "failed", error, finishedAt: yield* Clock.currentTimeMillis }
        yield* store.commit({ scope, upserts: [], deletes: [], events: [], run: { runId: run.id, audit } })
        yield* input.onCommitted(audit)
        return audit
      })

    const reader = Connector.readerFor(opened.connector, name)
    if (reader === undefined) return yield* fail(`The ${opened.connector.name} connector has no reader for model ${name}.`)
    const projection = Model.projection(reader.model, syncModel.fieldGroups, reader.volatileFields)
    if (Either.isLeft(projection)) return yield* fail(projection.left.message)

    const previous: ModelState = Option.getOrElse(yield* store.syncs.modelState(scope), () => ({ generation: 0 }))
    const fullReadDue = reader.fullReadEvery !== undefined &&
      (previous.lastFullReadAt === undefined ||
        startedAt - previous.lastFullReadAt >= Duration.toMillis(reader.fullReadEvery))
    const full = reader.mode === "full" || input.type === "initial" || input.fullRead ||
      previous.cursor === undefined || fullReadDue || reader.readChanges === undefined
    const generation = full ? previous.generation + 1 : previous.generation
    const policy: ChangeDetector.Policy = {
      model: reader.model,
      projection: projection.right,
      generation,
      includeInactive: sync.includeInactive
    }
    audit = { ...audit, fullRead: full }
    let state: ModelState = { ...previous, generation }

    const commit = (upserts: ChangeDetector.PageResult["upserts"], deletes: ReadonlyArray<string>, events: ReadonlyArray<OutboxEntry>) =>
      Effect.gen(function*() {
        yield* store.commit({ scope, upserts, deletes, state, events, run: { runId: run.id, audit } })
        yield* input.onCommitted(audit)
        if (events.length > 0) yield* input.onEnqueued
      })

    const roomInOutbox = (bounds: Backpressure) =>
      Effect.gen(function*() {
        let pending = yield* store.outbox.pendingCount(sync.destinationId)
        if (pending < bounds.highWater) return
        while (pending > bounds.lowWater) {
          const destination = yield* store.destinations.get(sync.destinationId)
          if (Option.isNone(destination) || !destination.value.enabled) return
          yield* Effect.sleep("50 millis")
          pending = yield* store.outbox.pendingCount(sync.destinationId)
        }
      })

    const page = (records: Connector.RecordPage) =>
      Effect.gen(function*() {
        if (input.backpressure !== undefined) yield* roomInOutbox(input.backpressure)
        const deleted = records.deleted ?? []
        const stored = yield* store.fingerprints.getMany(scope, ChangeDetector.idsOf(records.records, deleted))
        const result = ChangeDetector.detect(policy, records.records, deleted, stored)
        const now = yield* Clock.currentTimeMillis
        const events = writer.records(name, result.changes, now)
        if (records.cursor !== undefined) state = { ...state, cursor: records.cursor }
        audit = Audit.addPage(audit, result.counters, result.invalid)
        yield* commit(result.upserts, result.deletes, events)
      })

    const stream = full ? reader.readAll(opened.context) : reader.readChanges!(opened.context, previous.cursor!)
    // Buffer one page: the next one is fetched while this one is detected and committed.
    const read = yield* stream.pipe(Stream.buffer({ capacity: 1 }), Stream.runForEach(page), Effect.either)
    if (Either.isLeft(read)) {
      const error = read.left
      if (error._tag === "StoreError") return yield* Effect.fail(error)
      if (error._tag === "ReauthRequiredError") {
        yield* store.integrations.get(opened.row.id).pipe(
          Effect.flatMap(Option.match({
            onNone: () => Effect.void,
            onSome: (row) =>
              Effect.flatMap(Clock.currentTimeMillis, (now) =>
                store.integrations.put({ ...row, status: "reauth_required", statusMessage: error.message, updatedAt: now }))
          }))
        )
      }
      return yield* fail(describeReadError(error))
    }

    if (full) yield* sweep()
    const finishedAt = yield* Clock.currentTimeMillis
    if (full) state = { ...state, lastFullReadAt: startedAt }
    audit = { ...audit, status: audit.warnings.length > 0 ? "partial" : "succeeded", finishedAt }
    yield* commit([], [], [writer.processed(audit, startedAt, finishedAt)])
    return audit

    function sweep() {
      return Effect.gen(function*() {
        const stale = yield* store.fingerprints.countStale(scope, generation)
        if (stale.active + stale.inactive === 0) return
        const known = yield* store.fingerprints.count(scope)
        const tooMany = stale.active > input.guard.min && stale.active > input.guard.ratio * known.active
        if (tooMany && !input.confirmDeletes) {
          const pct = Math.round((stale.active / Math.max(1, known.active)) * 100)
          audit = {
            ...audit,
            warnings: [
              ...audit.warnings,
              `Deletes not applied: the read of ${name} no longer returned ${stale.active} of ${known.active} known records (${pct}%), ` +
              `above the mass-delete guard (${Math.round(input.guard.ratio * 100)}% and more than ${input.guard.min}). ` +
              `If the provider really lost them, run a manual sync with confirmDeletes to apply the deletes.`
            ]
          }
          return
        }
        while (true) {
          const batch = yield* store.fingerprints.stale(scope, generation, SWEEP_BATCH)
          if (batch.length === 0) return
          const changes: Array<ChangeDetector.Change> = []
          for (const { fingerprint, recordId } of batch) {
            if (!fingerprint.inactive) changes.push({ type: "record.deleted", recordId, reason: "removed" })
          }
          const now = yield* Clock.currentTimeMillis
          audit = Audit.addPage(audit, { processed: 0, new: 0, changed: 0, deleted: changes.length, invalid: 0 }, [])
          yield* commit([], batch.map((b) => b.recordId), writer.records(name, changes, now))
        }
      })
    }
  })
