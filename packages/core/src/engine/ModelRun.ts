import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
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
  RunIssue,
  RunRow,
  RunType,
  SyncModel,
  SyncRow
} from "../store/Rows.js"
import { Store, type StoreError } from "../store/Store.js"
import * as Audit from "./Audit.js"
import * as ChangeDetector from "./ChangeDetector.js"
import type { EventWriter } from "../outbox/Envelope.js"
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
  /** Completed when the run must stop: the read ends after the page in hand is committed. */
  readonly stop: Deferred.Deferred<RunStop>
  /** Pages one read may take before it is ended as runaway (`ReadLimits.maxPages`). */
  readonly maxPages: number
}

/**
 * Why a run is told to stop before its reads finish.
 *
 * - `Cancelled`: the host disconnected the integration, deleted or paused
 *   the sync. Models still reading end `cancelled`.
 * - `DeadlineExceeded`: the run took longer than its deadline. Models still
 *   reading end `failed`.
 *
 * @since 0.1.0
 * @category models
 */
export type RunStop =
  | { readonly _tag: "Cancelled"; readonly reason: string }
  | { readonly _tag: "DeadlineExceeded"; readonly deadline: Duration.Duration }

/**
 * How a stop reads in a model's audit.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeStop = (stop: RunStop, model: string): string =>
  stop._tag === "Cancelled"
    ? `Cancelled: ${stop.reason} The read of ${model} stopped; what it committed stays, and deletes are only swept after a read that finishes.`
    : `The run passed its deadline of ${Duration.format(stop.deadline)}, so the read of ${model} was stopped; nothing was swept and ` +
      `the next run continues from what was committed. The deadline counts the provider's answers and any wait for the ` +
      `destination's backlog to drain: if either is this slow, raise the run deadline (limits.runDeadline).`

// A read ends early for one of these, besides a provider failure.
class Stopped {
  readonly _tag = "Stopped"
  constructor(readonly stop: RunStop) {}
}
class PageBudgetExceeded {
  readonly _tag = "PageBudgetExceeded"
  constructor(readonly pages: number) {}
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
const DUPLICATE_SAMPLE = 20

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
 * What to do about a `reauth_required` run problem.
 *
 * @since 0.1.0
 * @category errors
 */
export const REAUTH_RESOLUTION = "Ask the account owner to connect the account again (integrations.reconnect with new credentials)."

/**
 * A read failure as a run problem: the message of {@link describeReadError},
 * with the error's `code` and `resolution` when it carries them (a
 * `ConnectionError`). A revoked authorization (`ReauthRequiredError`) is
 * `reauth_required`, resolved by connecting again.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeReadIssue = (error: Connector.ReadError): RunIssue => {
  const issue = Audit.issueOf(error, describeReadError(error))
  return issue.code === undefined && error._tag === "ReauthRequiredError"
    ? { ...issue, code: "reauth_required", resolution: REAUTH_RESOLUTION }
    : issue
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

    const end = (status: "failed" | "cancelled", error: RunIssue) =>
      Effect.gen(function*() {
        audit = { ...audit, status, error, finishedAt: yield* Clock.currentTimeMillis }
        yield* store.commit({ scope, upserts: [], deletes: [], events: [], run: { runId: run.id, audit } })
        yield* input.onCommitted(audit)
        return audit
      })
    const fail = (error: string | RunIssue) => end("failed", typeof error === "string" ? { message: error } : error)

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
      includeInactive: sync.includeInactive,
      fullRead: full
    }
    audit = { ...audit, fullRead: full }
    // Ids returned more than once in this read: how many, and the first few for the audit.
    const duplicates = { count: 0, sample: new Set<string>() }
    // A delta read's generation does not move, so its ids are remembered to spot one coming back.
    // Deltas are small; a full read needs no such set (the generation tells).
    const seenInDelta = full ? undefined : new Set<string>()
    const noted = new Set<string>()
    const noteDuplicates = (ids: ReadonlyArray<string>) => {
      for (const id of ids) {
        if (noted.has(id)) continue
        noted.add(id)
        duplicates.count += 1
        if (duplicates.sample.size < DUPLICATE_SAMPLE) duplicates.sample.add(id)
      }
    }
    let state: ModelState = { ...previous, generation }

    // A page is committed whole or not at all: a stop waits for the commit in hand.
    const commit = (upserts: ChangeDetector.PageResult["upserts"], deletes: ReadonlyArray<string>, events: ReadonlyArray<OutboxEntry>) =>
      Effect.gen(function*() {
        yield* store.commit({ scope, upserts, deletes, state, events, run: { runId: run.id, audit } })
        yield* input.onCommitted(audit)
        if (events.length > 0) yield* input.onEnqueued
      }).pipe(Effect.uninterruptible)

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

    let pages = 0
    const page = (records: Connector.RecordPage) =>
      Effect.gen(function*() {
        if (++pages > input.maxPages) return yield* Effect.fail(new PageBudgetExceeded(input.maxPages))
        if (input.backpressure !== undefined) yield* roomInOutbox(input.backpressure)
        const deleted = records.deleted ?? []
        const ids = ChangeDetector.idsOf(records.records, deleted)
        const stored = yield* store.fingerprints.getMany(scope, ids)
        const result = ChangeDetector.detect(policy, records.records, deleted, stored)
        if (result.duplicates.length > 0) noteDuplicates(result.duplicates)
        if (seenInDelta !== undefined) {
          // A delta read's generation does not move: remember its ids to spot one coming back.
          const again = new Set(result.duplicates)
          const repeated: Array<string> = []
          for (const id of ids) {
            if (seenInDelta.has(id) && !again.has(id)) repeated.push(id)
            seenInDelta.add(id)
          }
          if (repeated.length > 0) noteDuplicates([...new Set(repeated)])
        }
        const now = yield* Clock.currentTimeMillis
        const events = writer.records(name, result.changes, now)
        if (records.cursor !== undefined) state = { ...state, cursor: records.cursor }
        audit = Audit.addPage(audit, result.counters, result.invalid)
        yield* commit(result.upserts, result.deletes, events)
      })

    const stopped = yield* Deferred.poll(input.stop)
    if (Option.isSome(stopped)) return yield* endStopped(yield* stopped.value)

    const stream = full ? reader.readAll(opened.context) : reader.readChanges!(opened.context, previous.cursor!)
    // Buffer one page: the next one is fetched while this one is detected and committed.
    const read = yield* stream.pipe(
      Stream.buffer({ capacity: 1 }),
      Stream.runForEach(page),
      // A stop interrupts the provider request in flight; a commit in hand completes first.
      Effect.raceFirst(Effect.flatMap(Deferred.await(input.stop), (stop) => Effect.fail(new Stopped(stop)))),
      Effect.either
    )
    const withDuplicates = () => {
      if (duplicates.count === 0) return
      audit = {
        ...audit,
        warnings: [
          ...audit.warnings,
          `${duplicates.count} record id(s) came more than once in the read of ${name}; the last occurrence of each was used: ` +
          `${[...duplicates.sample].join(", ")}${duplicates.count > duplicates.sample.size ? ", …" : ""}.`
        ]
      }
    }
    if (Either.isLeft(read)) {
      const error = read.left
      withDuplicates()
      if (error._tag === "StoreError") return yield* Effect.fail(error)
      if (error._tag === "Stopped") return yield* endStopped(error.stop)
      if (error._tag === "PageBudgetExceeded") {
        return yield* fail(
          `The read of ${name} reached its budget of ${error.pages} pages without finishing, so it was stopped and nothing was swept. ` +
          `A provider that hands out a new cursor on every page never ends; if the collection really is this large, raise limits.maxPages.`
        )
      }
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
      return yield* fail(describeReadIssue(error))
    }

    withDuplicates()
    const swept = full ? yield* sweep() : "done"
    if (typeof swept === "object") return yield* endStopped(swept)
    const heldBack = swept === "heldBack"
    const finishedAt = yield* Clock.currentTimeMillis
    if (full) state = { ...state, lastFullReadAt: startedAt }
    audit = { ...audit, status: heldBack ? "partial" : "succeeded", finishedAt }
    yield* commit([], [], [writer.processed(audit, startedAt, finishedAt)])
    return audit

    function endStopped(stop: RunStop) {
      return end(stop._tag === "Cancelled" ? "cancelled" : "failed", { message: describeStop(stop, name) })
    }

    // Applies the deletes a complete full read found, a batch at a time; a stop ends it between batches.
    function sweep() {
      return Effect.gen(function*(): Effect.fn.Return<"done" | "heldBack" | RunStop, StoreError> {
        const stale = yield* store.fingerprints.countStale(scope, generation)
        if (stale.active + stale.inactive === 0) return "done"
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
          return "heldBack"
        }
        while (true) {
          const stopped = yield* Deferred.poll(input.stop)
          if (Option.isSome(stopped)) return yield* stopped.value
          const batch = yield* store.fingerprints.stale(scope, generation, SWEEP_BATCH)
          if (batch.length === 0) return "done"
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
