import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type {
  ConsumedEventBuilder,
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
  RunRow,
  Settlement,
  SyncRow
} from "./Rows.js"

/**
 * The abstract store: integrations, destinations, syncs, fingerprints, runs
 * and the outbox. Implementations live in their own packages
 * (`@weft/store-memory`, …) and must pass the Store conformance suite of
 * `@weft/testing`.
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
    /** Newest first. */
    readonly list: (query?: RunQuery) => Op<ReadonlyArray<RunRow>>
    /** Atomically: final run fields + `allEmitted` + `allConsumed` if already due (see {@link RunClose}). */
    readonly close: (close: RunClose) => Op<void>
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
     * among the pending entries of their ordering key. Oldest first.
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
     * Applies a claim's outcome. Settling a run's last record event enqueues
     * its `allConsumed` (built by `consumed`) in the same atomic step.
     */
    readonly settle: (id: string, settlement: Settlement, consumed: ConsumedEventBuilder) => Op<void>
    readonly get: (id: string) => Op<Option.Option<OutboxEntry>>
    /** Oldest first. */
    readonly list: (query: OutboxQuery) => Op<ReadonlyArray<OutboxEntry>>
    /**
     * Makes settled entries that still hold their payload pending again, due
     * at `now`, marked as replays, at the back of their ordering key. Returns
     * the ids requeued.
     */
    readonly requeue: (ids: ReadonlyArray<string>, now: number) => Op<ReadonlyArray<string>>
    /** Enqueues entries outside a page commit (replays of settled records). */
    readonly enqueue: (entries: ReadonlyArray<OutboxEntry>) => Op<void>
    /**
     * Forgets settled (acked or dead) entries settled before `settledBefore`:
     * the outbox's retention. Pending entries are never removed. Returns how
     * many were removed.
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
