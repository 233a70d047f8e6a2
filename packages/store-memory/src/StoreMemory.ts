/**
 * An in-memory {@link Store.Store}: the embedded default and the store tests
 * run against. Everything lives in the process and is lost when it exits.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Store } from "@weft/core/store"
import { attempt } from "./internal/attempt.js"
import { MemoryState } from "./internal/state.js"

/**
 * Creates an empty in-memory store. Each run of this effect gives a new,
 * independent store.
 *
 * Every operation runs as one synchronous step, so concurrent callers never
 * see each other's half-applied changes, and an operation that cannot apply
 * fully (e.g. a page commit for an unknown run) applies nothing and fails
 * with `StoreError`. Rows are copied in and out: callers may reuse what they
 * pass and mutate what they get. Outbox payload bytes are not copied (they
 * are immutable by contract: nobody mutates them), and destination options
 * and payload references are handed out frozen.
 *
 * A settle whose lease token is not the entry's current one (the entry was
 * settled, or claimed again after the lease lapsed) changes nothing and
 * returns `Stale`, so a run's counters never move twice.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { StoreMemory } from "@weft/store-memory"
 *
 * const program = Effect.gen(function*() {
 *   const store = yield* StoreMemory.make
 *   return yield* store.runs.list()
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Store.StoreService> = Effect.sync(() => {
  const state = new MemoryState()
  const { tables } = state
  return Store.Store.of({
    integrations: {
      put: (row) => attempt("integrations.put", () => tables.putIntegration(row)),
      get: (id) => attempt("integrations.get", () => Option.fromNullable(tables.getIntegration(id))),
      list: (query) => attempt("integrations.list", () => tables.listIntegrations(query?.tenant)),
      delete: (id) => attempt("integrations.delete", () => tables.deleteIntegration(id))
    },
    destinations: {
      put: (row) => attempt("destinations.put", () => tables.putDestination(row)),
      get: (id) => attempt("destinations.get", () => Option.fromNullable(tables.getDestination(id))),
      list: () => attempt("destinations.list", () => tables.listDestinations()),
      setEnabled: (id, enabled, reason, now) =>
        attempt("destinations.setEnabled", () => tables.setEnabled(id, enabled, reason, now))
    },
    syncs: {
      put: (row) => attempt("syncs.put", () => tables.putSync(row)),
      get: (id) => attempt("syncs.get", () => Option.fromNullable(tables.getSync(id))),
      list: (query) => attempt("syncs.list", () => tables.listSyncs(query?.integrationId)),
      delete: (id) => attempt("syncs.delete", () => tables.deleteSync(id)),
      modelState: (scope) => attempt("syncs.modelState", () => Option.fromNullable(state.modelState(scope)))
    },
    fingerprints: {
      getMany: (scope, recordIds) => attempt("fingerprints.getMany", () => state.getFingerprints(scope, recordIds)),
      count: (scope) => attempt("fingerprints.count", () => state.countFingerprints(scope)),
      countStale: (scope, generation) =>
        attempt("fingerprints.countStale", () => state.countStale(scope, generation)),
      stale: (scope, generation, limit) =>
        attempt("fingerprints.stale", () => state.stale(scope, generation, limit))
    },
    runs: {
      create: (run) => attempt("runs.create", () => state.createRun(run)),
      get: (id) => attempt("runs.get", () => Option.fromNullable(state.getRun(id))),
      list: (query) => attempt("runs.list", () => state.listRuns(query ?? {})),
      close: (close) => attempt("runs.close", () => state.closeRun(close)),
      enqueueConsumed: (entry) => attempt("runs.enqueueConsumed", () => state.enqueueConsumed(entry)),
      consumptionDue: (limit) => attempt("runs.consumptionDue", () => state.consumptionDue(limit))
    },
    runLeases: {
      acquire: (lease) => attempt("runLeases.acquire", () => state.acquireLease(lease)),
      release: (syncId, holder) => attempt("runLeases.release", () => state.releaseLease(syncId, holder)),
      get: (syncId) => attempt("runLeases.get", () => Option.fromNullable(state.getLease(syncId)))
    },
    commit: (page) => attempt("commit", () => state.commit(page)),
    outbox: {
      claimDue: (options) => attempt("outbox.claimDue", () => state.claimDue(options)),
      pendingCount: (destinationId) => attempt("outbox.pendingCount", () => state.pendingCount(destinationId)),
      nextDueAt: (destinationId) =>
        attempt("outbox.nextDueAt", () => Option.fromNullable(state.nextDueAt(destinationId))),
      settle: (id, leaseToken, settlement) => attempt("outbox.settle", () => state.settle(id, leaseToken, settlement)),
      get: (id) => attempt("outbox.get", () => Option.fromNullable(state.getEntry(id))),
      payload: (id) => attempt("outbox.payload", () => Option.fromNullable(state.payload(id))),
      attempts: (id) => attempt("outbox.attempts", () => state.attempts(id)),
      list: (query) => attempt("outbox.list", () => state.listEntries(query)),
      requeue: (ids, now) => attempt("outbox.requeue", () => state.requeue(ids, now)),
      enqueue: (entries) => attempt("outbox.enqueue", () => state.enqueue(entries)),
      purge: (settledBefore) => attempt("outbox.purge", () => state.purge(settledBefore))
    }
  })
})

/**
 * The in-memory store as a layer. Every build of the layer starts empty.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Store } from "@weft/core/store"
 * import { StoreMemory } from "@weft/store-memory"
 *
 * const program = Effect.flatMap(Store.Store, (store) => store.runs.list({ syncId: "syn_1" }))
 * Effect.runPromise(Effect.provide(program, StoreMemory.layer))
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Store.Store> = Layer.effect(Store.Store, make)
