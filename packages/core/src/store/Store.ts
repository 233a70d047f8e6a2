import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type {
  DeliveryAttempt,
  DestinationRow,
  Fingerprint,
  FingerprintCounts,
  FingerprintScope,
  IntegrationRow,
  ModelState,
  OutboxEntry,
  OutboxQuery,
  PageCommit,
  RunClose,
  RunQuery,
  RunDelivery,
  RunLease,
  RunRow,
  SettleResult,
  Settlement,
  SyncRow
} from "./Rows.js"

/**
 * The abstract store: integrations, destinations, syncs, fingerprints, runs
 * and the outbox. Implementations live in their own packages
 * (`@weft/store-memory`, …) and must pass the Store conformance suite of
 * `@weft/testing`.
 *
 * Outbox payloads are kept once per payload (a page of events sealed
 * together) and read with `outbox.payload`; entries only refer to their slice
 * of one (`Rows.PayloadRef`). Payload bytes are immutable: a store neither
 * copies them on the way in or out nor changes them, and no caller may
 * mutate bytes it handed over or read.
 *
 * @since 0.1.0
 */

/**
 * A store operation failed. `op` names the operation; `cause` is the
 * driver's error.
 *
 * @since 0.1.0
 * @category errors
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  op: Schema.String,
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  override get message(): string {
    return `Store operation "${this.op}" failed: ${this.detail}`
  }
}

/**
 * A row an operation needs does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends Schema.TaggedError<NotFoundError>()("NotFoundError", {
  entity: Schema.Literal("integration", "destination", "sync", "run", "event"),
  id: Schema.String
}) {
  override get message(): string {
    return `No ${this.entity} with id "${this.id}".`
  }
}

type Op<A> = Effect.Effect<A, StoreError>

/**
 * @since 0.1.0
 * @category models
 */
export interface StoreService {
  readonly integrations: {
    readonly put: (row: IntegrationRow) => Op<void>
    readonly get: (id: string) => Op<Option.Option<IntegrationRow>>
    readonly list: (query?: { readonly tenant?: string | undefined }) => Op<ReadonlyArray<IntegrationRow>>
    /** Removes the integration. Its syncs must be deleted first. */
    readonly delete: (id: string) => Op<void>
  }
  readonly destinations: {
    readonly put: (row: DestinationRow) => Op<void>
    readonly get: (id: string) => Op<Option.Option<DestinationRow>>
    readonly list: () => Op<ReadonlyArray<DestinationRow>>
    /** Enables or disables a destination. A disabled destination's entries are held, never claimed. */
    readonly setEnabled: (id: string, enabled: boolean, reason: string | undefined, now: number) => Op<void>
  }
  readonly syncs: {
    readonly put: (row: SyncRow) => Op<void>
    readonly get: (id: string) => Op<Option.Option<SyncRow>>
    readonly list: (query?: { readonly integrationId?: string | undefined }) => Op<ReadonlyArray<SyncRow>>
    /** Removes the sync with its model states and fingerprints. Runs and outbox entries stay. */
    readonly delete: (id: string) => Op<void>
    readonly modelState: (scope: FingerprintScope) => Op<Option.Option<ModelState>>
  }
  readonly fingerprints: {
    /** The fingerprints of those ids that have one. */
    readonly getMany: (
      scope: FingerprintScope,
      recordIds: ReadonlyArray<string>
    ) => Op<ReadonlyMap<string, Fingerprint>>
    readonly count: (scope: FingerprintScope) => Op<FingerprintCounts>
    /** How many fingerprints were last seen before `generation`. */
    readonly countStale: (scope: FingerprintScope, generation: number) => Op<FingerprintCounts>
    /**
     * Up to `limit` fingerprints last seen before `generation`. Deleting them
     * (in a commit) and asking again walks through all of them.
     */
    readonly stale: (
      scope: FingerprintScope,
      generation: number,
      limit: number
    ) => Op<ReadonlyArray<{ readonly recordId: string; readonly fingerprint: Fingerprint }>>
  }
  readonly runs: {
    /** Creates a run (status `running`). */
    readonly create: (run: RunRow) => Op<void>
    readonly get: (id: string) => Op<Option.Option<RunRow>>
    /** Newest first: by `startedAt`, then by id (see {@link RunQuery} for `before`, its paging). */
    readonly list: (query?: RunQuery) => Op<ReadonlyArray<RunRow>>
    /**
     * Atomically: the final run fields, `allEmitted`, emission closed (see
     * {@link RunClose}). Returns the run's delivery counters after it.
     */
    readonly close: (close: RunClose) => Op<RunDelivery>
    /**
     * Enqueues the run's `allConsumed` (`entry`) if it is due
     * (`Rows.consumptionDue`), in one atomic step that also marks it
     * enqueued. Returns whether it was enqueued: of any number of concurrent
     * calls, in any processes, exactly one returns `true`.
     */
    readonly enqueueConsumed: (entry: OutboxEntry) => Op<boolean>
    /** Ids of up to `limit` runs whose `allConsumed` is due but not enqueued (a crash came between). */
    readonly consumptionDue: (limit: number) => Op<ReadonlyArray<string>>
  }
  /** At most one run per sync at a time, across processes (see {@link RunLease}). */
  readonly runLeases: {
    /**
     * Takes the sync's lease for `holder` until `now + ttlMs` if it is free,
     * lapsed, or already `holder`'s (a renewal). Returns whether `holder`
     * holds it now.
     */
    readonly acquire: (lease: { readonly syncId: string; readonly holder: string; readonly now: number; readonly ttlMs: number }) => Op<boolean>
    /** Gives the lease back if `holder` holds it. */
    readonly release: (syncId: string, holder: string) => Op<void>
    readonly get: (syncId: string) => Op<Option.Option<RunLease>>
  }
  /**
   * Atomically applies one page: fingerprint upserts and deletes, model state,
   * outbox events and the model's run audit. All or nothing.
   */
  readonly commit: (page: PageCommit) => Op<void>
  readonly outbox: {
    /**
     * Leases up to `limit` entries that are due: `pending`, `nextAttemptAt <=
     * now`, not leased (or lease expired), of an enabled destination, and first
     * among the pending entries of their ordering key. Oldest first. Each
     * returned entry carries a new `leaseToken`; concurrent claims (in any
     * process) never return the same entry while its lease holds.
     */
    readonly claimDue: (options: {
      readonly now: number
      readonly limit: number
      readonly leaseMs: number
      readonly destinationId?: string | undefined
    }) => Op<ReadonlyArray<OutboxEntry>>
    /**
     * When the next entry of the destination becomes claimable (its
     * `nextAttemptAt` or lease end), if any entry is pending.
     */
    readonly nextDueAt: (destinationId: string) => Op<Option.Option<number>>
    /** How many entries of the destination are pending (not yet acked or dead-lettered). */
    readonly pendingCount: (destinationId: string) => Op<number>
    /**
     * Applies a claim's outcome, if the entry is pending and `leaseToken` is
     * its current claim's; otherwise changes nothing and returns `Stale`.
     * Acked and dead-lettered record events move their run's counters in the
     * same atomic step; acking a `record.new` / `record.changed` releases its
     * payload hold in that step too. The settlement's `attempt`, if any, joins
     * the entry's attempts in that step as well (the oldest one goes once
     * `Rows.ATTEMPTS_KEPT` are kept).
     */
    readonly settle: (id: string, leaseToken: string, settlement: Settlement) => Op<SettleResult>
    /**
     * The delivery attempts of an entry that its settles reported, oldest
     * first: the latest `Rows.ATTEMPTS_KEPT` of them. They survive a requeue
     * (a replay's attempts follow the earlier ones) and go with the entry
     * when it is purged. Empty for an id of no entry.
     */
    readonly attempts: (id: string) => Op<ReadonlyArray<DeliveryAttempt>>
    readonly get: (id: string) => Op<Option.Option<OutboxEntry>>
    /**
     * The sealed bytes of a payload (`entry.payload.id`), while an entry
     * holds it. Never mutate them: they are the stored bytes themselves in
     * some stores.
     */
    readonly payload: (id: string) => Op<Option.Option<Uint8Array>>
    /** Oldest first. */
    readonly list: (query: OutboxQuery) => Op<ReadonlyArray<OutboxEntry>>
    /**
     * Makes settled entries that still hold their payload pending again, due
     * at `now`, marked as replays, at the back of their ordering key. Returns
     * the ids requeued. Holds do not change: the entries keep theirs.
     */
    readonly requeue: (ids: ReadonlyArray<string>, now: number) => Op<ReadonlyArray<string>>
    /**
     * Enqueues entries outside a page commit (replays of settled records),
     * with the sealed payloads they introduce.
     */
    readonly enqueue: (entries: ReadonlyArray<OutboxEntry>) => Op<void>
    /**
     * Forgets settled (acked or dead) entries settled before `settledBefore`:
     * the outbox's retention. Pending entries are never removed. Their holds
     * are released and their attempts removed in the same step (a payload no
     * entry holds is removed).
     * Returns how many entries were removed.
     */
    readonly purge: (settledBefore: number) => Op<number>
  }
}

/**
 * The Store service tag. Provide it with a store implementation's layer.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Store } from "@weft/core/store"
 * const runsOf = (syncId: string) => Effect.flatMap(Store.Store, (store) => store.runs.list({ syncId }))
 * ```
 * @since 0.1.0
 * @category tags
 */
export class Store extends Context.Tag("@weft/core/Store")<Store, StoreService>() {}
