import type { EventType, RunStatus } from "../events/Event.js"
import type { Hash } from "../ground/Fingerprint.js"

/**
 * What a {@link Store} keeps. Plain data: every store implementation persists
 * these rows as they are. Times are Unix milliseconds. Secret or personal data
 * (credentials, destination secrets, outbox payloads) arrives already sealed by
 * the Vault; a store never sees it in clear. Outbox payload bytes are never
 * mutated by anyone (see {@link PayloadRef}).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category integrations
 */
export type IntegrationStatus = "active" | "invalid_credentials" | "reauth_required" | "disabled"

/**
 * One end customer's connected account of one connector.
 *
 * @since 0.1.0
 * @category integrations
 */
export interface IntegrationRow {
  readonly id: string
  readonly tenant: string
  readonly connector: string
  readonly status: IntegrationStatus
  /** Why the status is not `active`, in words an operator can act on. */
  readonly statusMessage?: string | undefined
  /** The connector's credentials, sealed (AAD: the integration id). */
  readonly credentials: Uint8Array
  /** This integration's own read limits (they override the connector's and the host's). */
  readonly limits?: IntegrationLimits | undefined
  readonly createdAt: number
  readonly updatedAt: number
}

/**
 * An integration's read limits as stored: durations in milliseconds.
 *
 * @since 0.1.0
 * @category integrations
 */
export interface IntegrationLimits {
  readonly requestTimeout?: number | undefined
  readonly runDeadline?: number | undefined
  readonly maxPages?: number | undefined
}

/**
 * Where events go.
 *
 * @since 0.1.0
 * @category destinations
 */
export interface DestinationRow {
  readonly id: string
  readonly url: string
  /** JSON array of `whsec_…` secrets, sealed (AAD: the destination id). */
  readonly secrets: Uint8Array
  readonly enabled: boolean
  readonly disabledReason?: string | undefined
  /** Sink-specific options (timeout, ack mode, allow-list…), plain JSON. */
  readonly options: Readonly<Record<string, unknown>>
  /** Deliveries in flight at once for this destination. */
  readonly maxConcurrency: number
  readonly createdAt: number
  readonly updatedAt: number
}

/**
 * One model of a sync, with the field groups it subscribes to (all when
 * absent).
 *
 * @since 0.1.0
 * @category syncs
 */
export interface SyncModel {
  readonly model: string
  readonly fieldGroups?: ReadonlyArray<string> | undefined
}

/**
 * A subscription: integration + models (+ field groups) + destination +
 * frequency.
 *
 * @since 0.1.0
 * @category syncs
 */
export interface SyncRow {
  readonly id: string
  readonly integrationId: string
  readonly destinationId: string
  readonly models: ReadonlyArray<SyncModel>
  readonly frequencyMs: number
  readonly status: "active" | "paused"
  /** Emit inactive records (terminated, archived…) in the initial sync too. */
  readonly includeInactive: boolean
  /** Set once an initial run finished; later scheduled runs are deltas. */
  readonly initialCompletedAt?: number | undefined
  readonly createdAt: number
  readonly updatedAt: number
}

/**
 * Progress of one model of one sync between runs.
 *
 * @since 0.1.0
 * @category syncs
 */
export interface ModelState {
  /** Where the next incremental read starts; saved only with the data it covers. */
  readonly cursor?: string | undefined
  /** Generation of the last full read; fingerprints older than it are stale. */
  readonly generation: number
  readonly lastFullReadAt?: number | undefined
}

/**
 * Which fingerprints: one model of one sync.
 *
 * @since 0.1.0
 * @category fingerprints
 */
export interface FingerprintScope {
  readonly syncId: string
  readonly model: string
}

/**
 * What is kept per record instead of the record.
 *
 * @since 0.1.0
 * @category fingerprints
 */
export interface Fingerprint {
  readonly hash: Hash
  /** The generation of the full read that last saw the record. */
  readonly generation: number
  /** The record was inactive when last seen (no event was emitted for it then). */
  readonly inactive: boolean
}

/**
 * @since 0.1.0
 * @category fingerprints
 */
export interface FingerprintUpsert {
  readonly recordId: string
  readonly fingerprint: Fingerprint
}

/**
 * Fingerprint counts, split by the `inactive` flag.
 *
 * @since 0.1.0
 * @category fingerprints
 */
export interface FingerprintCounts {
  readonly active: number
  readonly inactive: number
}

/**
 * @since 0.1.0
 * @category runs
 */
export type RunType = "initial" | "delta" | "manual"

/**
 * @since 0.1.0
 * @category runs
 */
export interface RunCounters {
  readonly processed: number
  readonly new: number
  readonly changed: number
  readonly deleted: number
  readonly invalid: number
}

/**
 * A record that failed its model's Schema: not fingerprinted, not emitted.
 *
 * @since 0.1.0
 * @category runs
 */
export interface InvalidRecord {
  readonly recordId?: string | undefined
  /** The first parse error, as `path: message`. */
  readonly error: string
  /**
   * Where in the record the first parse error is, as `emails[0].value`
   * (`(record)` for the record as a whole). Absent from audits written
   * before it was recorded.
   */
  readonly path?: string | undefined
}

/**
 * One problem of a run, as its audit shows it: the message, and, when the
 * error that caused it carried them (a `ConnectionError`, for one), a stable
 * `code` and a `resolution` saying what to do about it. `model` names the
 * model whose read it ended, for a model's problem in `RunRow.errors`.
 *
 * Audits written before run problems had this form held strings; stores
 * read each such string back as `{ message }` (see {@link runIssueOf}).
 *
 * @since 0.1.0
 * @category runs
 */
export interface RunIssue {
  readonly message: string
  readonly code?: string | undefined
  readonly resolution?: string | undefined
  readonly model?: string | undefined
}

/**
 * A run problem as stored, in its current form or the older one (a plain
 * string), as a {@link RunIssue}. Unknown fields are dropped.
 *
 * @since 0.1.0
 * @category runs
 */
export const runIssueOf = (stored: unknown): RunIssue => {
  if (typeof stored === "string") return { message: stored }
  if (typeof stored !== "object" || stored === null) return { message: String(stored) }
  const { code, message, model, resolution } = stored as Record<string, unknown>
  const issue: { message: string; code?: string; resolution?: string; model?: string } = {
    message: typeof message === "string" ? message : String(message)
  }
  if (typeof code === "string") issue.code = code
  if (typeof resolution === "string") issue.resolution = resolution
  if (typeof model === "string") issue.model = model
  return issue
}

/**
 * The audit of one model within a run.
 *
 * @since 0.1.0
 * @category runs
 */
export interface ModelAudit {
  readonly model: string
  readonly status: RunStatus | "pending"
  readonly counters: RunCounters
  readonly startedAt?: number | undefined
  readonly finishedAt?: number | undefined
  readonly fullRead: boolean
  /** The first invalid records (capped), with their first parse error. */
  readonly invalidRecords: ReadonlyArray<InvalidRecord>
  readonly warnings: ReadonlyArray<string>
  /** Why the model's read did not finish, when it did not. */
  readonly error?: RunIssue | undefined
}

/**
 * Delivery progress of a run's record events; owned by the store.
 *
 * @since 0.1.0
 * @category runs
 */
export interface RunDelivery {
  readonly recordEvents: number
  readonly acked: number
  readonly deadLettered: number
  /** `sync.events.allEmitted` is in the outbox: no more record events will come. */
  readonly emissionClosed: boolean
  /** `sync.events.allConsumed` is in the outbox. */
  readonly consumedEnqueued: boolean
}

/**
 * One execution of a sync: the audit support teams read.
 *
 * @since 0.1.0
 * @category runs
 */
export interface RunRow {
  readonly id: string
  readonly syncId: string
  /** Where the run's events go: its sync's destination when it started. */
  readonly destinationId?: string | undefined
  readonly integrationId: string
  readonly connector: string
  readonly tenant: string
  readonly type: RunType
  readonly status: RunStatus
  readonly startedAt: number
  readonly finishedAt?: number | undefined
  readonly models: Readonly<Record<string, ModelAudit>>
  readonly warnings: ReadonlyArray<string>
  /** The run's problems: its own, then each failed model's (with `model` set). */
  readonly errors: ReadonlyArray<RunIssue>
  readonly delivery: RunDelivery
}

/**
 * @since 0.1.0
 * @category outbox
 */
export type OutboxStatus = "pending" | "acked" | "dead"

/**
 * One event in the outbox. Ordering: an entry is not claimed while an earlier
 * (by insertion) `pending` entry with the same `orderingKey` exists.
 *
 * @since 0.1.0
 * @category outbox
 */
export interface OutboxEntry {
  readonly id: string
  readonly type: EventType
  readonly kind: "record" | "run"
  readonly runId: string
  readonly syncId: string
  readonly destinationId: string
  /** `<syncId>/<model>/<recordId>` for record events, `run/<runId>` for run events. */
  readonly orderingKey: string
  readonly model?: string | undefined
  readonly recordId?: string | undefined
  readonly createdAt: number
  readonly status: OutboxStatus
  readonly attempts: number
  readonly nextAttemptAt: number
  readonly firstAttemptAt?: number | undefined
  readonly lastError?: string | undefined
  readonly settledAt?: number | undefined
  /** Lease end of the worker that claimed it (store-managed). */
  readonly leaseUntil?: number | undefined
  /**
   * The token of the claim that holds the lease (store-managed, new on every
   * claim). A settle must present it: one with a stale token changes nothing,
   * so a worker that lost its lease cannot overwrite the new owner's outcome.
   */
  readonly leaseToken?: string | undefined
  /** A replay of a settled event: does not move its run's delivery counters. */
  readonly replay?: boolean | undefined
  /**
   * Where the event's JSON is: a slice of a sealed payload (see
   * {@link PayloadRef}). The entry holds that payload while this is set.
   * Cleared (`null`) once a `record.new` / `record.changed` is acked: those
   * carry record data. Other events hold ids and counts only and keep it, so
   * they replay as sent.
   */
  readonly payload: PayloadRef | null
}

/**
 * Where an event's JSON is: bytes `offset` to `offset + length` of a payload
 * once opened. The engine seals the events of one page together, in one
 * payload (AAD: the payload's id), so a page costs one seal and delivery one
 * open; run events get a payload each.
 *
 * `length` may run past the end of the opened payload: an entry written when
 * every event had a payload of its own spans all of it this way (offset 0,
 * the sealed length). Readers take the bytes up to the end.
 *
 * A store keeps each payload once, by id, with the number of entries that
 * hold it, and removes it when none does: acking a `record.new` /
 * `record.changed` releases that entry's hold, purging a settled entry
 * releases its hold; dead-lettered entries keep theirs (replays need them).
 *
 * **Payload bytes are immutable once sealed.** Nobody mutates them: not the
 * writer after handing them over, not the store, not a reader. Stores keep
 * and hand out the bytes they were given without copying them.
 *
 * @since 0.1.0
 * @category outbox
 */
export interface PayloadRef {
  /** The payload's id, which is also the associated data it is sealed under. */
  readonly id: string
  readonly offset: number
  readonly length: number
  /**
   * The sealed payload, on the entries of a write that introduces it
   * (entries of one page share the same bytes). A write must bring the bytes
   * of every payload the store does not hold yet; the store keeps them once
   * per id. Stores never return this field: read the bytes with
   * `outbox.payload(id)`.
   */
  readonly sealed?: Uint8Array | undefined
}

/**
 * Whether acking an event of this type releases its payload: only events
 * that carry record data lose it.
 *
 * @since 0.1.0
 * @category outbox
 */
export const carriesRecordData = (type: EventType): boolean => type === "record.new" || type === "record.changed"

/**
 * How a delivery attempt ended: the receiver took the event (`acked`), it is
 * to be tried again (`retry`), or it was given up (`dead`).
 *
 * @since 0.1.0
 * @category outbox
 */
export type AttemptOutcome = "acked" | "retry" | "dead"

/**
 * One delivery attempt, as the worker that made it reports it with the
 * settle that ends it (see {@link Settlement}).
 *
 * @since 0.1.0
 * @category outbox
 */
export interface AttemptReport {
  /** When the attempt started. */
  readonly at: number
  /** How long it took, until its outcome was known. */
  readonly durationMs: number
  /** The receiver's HTTP status, when it answered. */
  readonly statusCode?: number | undefined
  /** Why it failed, when it did. */
  readonly error?: string | undefined
}

/**
 * One delivery attempt of an event, as `outbox.attempts` returns it: the
 * report, with the outcome of the settle that recorded it.
 *
 * @since 0.1.0
 * @category outbox
 */
export interface DeliveryAttempt extends AttemptReport {
  readonly outcome: AttemptOutcome
}

/**
 * How many attempts a store keeps per event: the latest ones. The standard
 * retry schedule makes about 12 over its 4 days, so normally all of them;
 * the cap bounds what a pathological case (a very long window, replay after
 * replay) keeps.
 *
 * @since 0.1.0
 * @category outbox
 */
export const ATTEMPTS_KEPT = 50

/**
 * The outcome a settlement gives the attempt it reports.
 *
 * @since 0.1.0
 * @category outbox
 */
export const attemptOutcome = (tag: "Acked" | "Retry" | "DeadLettered"): AttemptOutcome =>
  tag === "Acked" ? "acked" : tag === "Retry" ? "retry" : "dead"

/**
 * What happened to a claimed entry. An `Acked`, `Retry` or `DeadLettered`
 * settlement may carry the `attempt` that led to it: the store appends it to
 * the entry's attempts (with the outcome {@link attemptOutcome} gives) in the
 * same atomic step as the settle, and only if the settle applies.
 *
 * @since 0.1.0
 * @category outbox
 */
export type Settlement =
  | {
    readonly _tag: "Acked"
    readonly at: number
    readonly attempts: number
    readonly firstAttemptAt: number
    readonly attempt?: AttemptReport | undefined
  }
  | {
    readonly _tag: "Retry"
    readonly at: number
    readonly attempts: number
    readonly firstAttemptAt: number
    readonly nextAttemptAt: number
    readonly error: string
    readonly attempt?: AttemptReport | undefined
  }
  | {
    readonly _tag: "DeadLettered"
    readonly at: number
    readonly attempts: number
    readonly firstAttemptAt?: number | undefined
    readonly error: string
    readonly attempt?: AttemptReport | undefined
  }
  /** Give the lease back without an attempt (e.g. the destination was just disabled). */
  | { readonly _tag: "Released" }

/**
 * What a settle did.
 *
 * - `Settled`: the outcome is applied. `consumptionDue` is set when this
 *   settle made every record event of a closed run settled: its
 *   `allConsumed` is due (see {@link consumptionDue}).
 * - `Stale`: nothing changed. The entry is not pending any more, or its lease
 *   passed to another claim (the token differs), or it is gone.
 *
 * @since 0.1.0
 * @category outbox
 */
export type SettleResult =
  | { readonly _tag: "Settled"; readonly consumptionDue?: string | undefined }
  | { readonly _tag: "Stale" }

/**
 * Whether a run's `sync.events.allConsumed` is due: its emission is closed,
 * every record event is settled, and it is not enqueued yet. The rule every
 * store applies in `runs.enqueueConsumed`, atomically.
 *
 * @since 0.1.0
 * @category runs
 */
export const consumptionDue = (delivery: RunDelivery): boolean =>
  delivery.emissionClosed && !delivery.consumedEnqueued && delivery.acked + delivery.deadLettered === delivery.recordEvents

/**
 * Everything one page of a model's read changes, written as one atomic step.
 *
 * @since 0.1.0
 * @category commits
 */
export interface PageCommit {
  readonly scope: FingerprintScope
  readonly upserts: ReadonlyArray<FingerprintUpsert>
  readonly deletes: ReadonlyArray<string>
  /** Replaces the model state (cursor, generation) when present. */
  readonly state?: ModelState | undefined
  /** The page's events; they bring the sealed payload they share (see {@link PayloadRef}). */
  readonly events: ReadonlyArray<OutboxEntry>
  /** Replaces `models[audit.model]` of run `runId`; adds the commit's record events to its delivery counters. */
  readonly run: { readonly runId: string; readonly audit: ModelAudit }
}

/**
 * The end of a run's emission, written as one atomic step: the final run
 * fields and `sync.events.allEmitted`. Once it is written, no record event
 * joins the run. (`allConsumed` follows through `runs.enqueueConsumed`.)
 *
 * @since 0.1.0
 * @category commits
 */
export interface RunClose {
  /** The final run; its `delivery` field is ignored (the store owns it). */
  readonly run: RunRow
  readonly allEmitted: OutboxEntry
  /** Sync fields to set in the same step (e.g. `initialCompletedAt`). */
  readonly sync?: { readonly initialCompletedAt?: number | undefined } | undefined
}

/**
 * Filters of {@link Store} list operations.
 *
 * @since 0.1.0
 * @category outbox
 */
export interface OutboxQuery {
  readonly runId?: string | undefined
  readonly syncId?: string | undefined
  readonly status?: OutboxStatus | undefined
  readonly type?: EventType | undefined
  /** Only entries after this one in insertion order: pass the last id of a page to get the next. */
  readonly after?: string | undefined
  /** Entries created at or after this time. */
  readonly from?: number | undefined
  /** Entries created before this time. */
  readonly to?: number | undefined
  readonly limit?: number | undefined
}

/**
 * @since 0.1.0
 * @category runs
 */
export interface RunQuery {
  readonly syncId?: string | undefined
  readonly integrationId?: string | undefined
  readonly status?: RunStatus | undefined
  /**
   * Only runs older than this one (a run id), in the list's order (newest
   * first: by `startedAt`, then by id): pass the last id of a page to get the
   * next. An id of no run gives no runs.
   */
  readonly before?: string | undefined
  readonly limit?: number | undefined
}

/**
 * Who may run a sync now: at most one run per sync at a time, across every
 * process sharing the store. The holder renews it while its run goes on; a
 * lease that is not renewed lapses, and the sync is free again.
 *
 * @since 0.1.0
 * @category runs
 */
export interface RunLease {
  readonly syncId: string
  /** Who holds it: a run id, or a process recovering the sync. */
  readonly holder: string
  readonly until: number
}

/**
 * A run's delivery counters before any event was enqueued.
 *
 * @since 0.1.0
 * @category runs
 */
export const emptyDelivery: RunDelivery = {
  recordEvents: 0,
  acked: 0,
  deadLettered: 0,
  emissionClosed: false,
  consumedEnqueued: false
}

/**
 * @since 0.1.0
 * @category runs
 */
export const emptyCounters: RunCounters = { processed: 0, new: 0, changed: 0, deleted: 0, invalid: 0 }
