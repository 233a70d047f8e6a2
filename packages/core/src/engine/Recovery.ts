import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ids from "../ground/Ids.js"
import * as RunEvents from "../outbox/RunEvents.js"
import { OutboxSignal } from "../store/OutboxSignal.js"
import type { ModelAudit, RunRow } from "../store/Rows.js"
import { Store, type StoreError } from "../store/Store.js"
import { Vault } from "../vault/Vault.js"
import * as Audit from "./Audit.js"

/**
 * Crash recovery. A run holds its sync's run lease and renews it while it
 * goes on; a run still `running` in the store whose lease lapsed belongs to a
 * process that died. Whoever takes the lease next (the sync's next run, or
 * the periodic sweep of any live process) closes it: `failed`, with what it
 * committed kept and counted, its `allEmitted` and `allConsumed` still sent
 * with true counts. The next run continues from the committed cursor (a full
 * read starts over, and what the dead run committed is not emitted again); a
 * page the dead process was writing was committed whole or not at all.
 *
 * @since 0.1.0
 */

/**
 * The audit line of a run whose process died.
 *
 * @since 0.1.0
 * @category constants
 */
export const ABANDONED =
  "The run stopped before it finished: its process died or lost the store, and its run lease lapsed. What it committed is kept and counted; the next run continues from there."

/**
 * How long a run's lease lasts without renewal (default 30 seconds). A run
 * renews it every third of that; after a crash, its sync is taken over once
 * it lapses.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_LEASE: Duration.Duration = Duration.seconds(30)

const unfinished = (audit: ModelAudit): ModelAudit =>
  audit.status === "running" || audit.status === "pending"
    ? { ...audit, status: "failed", error: { message: "not finished: the process running the run stopped" } }
    : audit

/**
 * Closes a run whose process died. The caller holds the sync's run lease.
 *
 * @since 0.1.0
 * @category combinators
 */
export const closeAbandoned = (
  deps: RunEvents.Deps,
  run: RunRow,
  nowMs: number
): Effect.Effect<Option.Option<string>, StoreError> =>
  Effect.gen(function*() {
    const destinationId = run.destinationId ??
      Option.getOrUndefined(Option.map(yield* deps.store.syncs.get(run.syncId), (sync) => sync.destinationId)) ??
      (yield* deps.store.outbox.list({ runId: run.id, limit: 1 }))[0]?.destinationId
    // A run created without its destination, of a deleted sync, that wrote no event: nowhere to send run events.
    if (destinationId === undefined) return Option.none()
    const final = Audit.finish(run, Object.values(run.models).map(unfinished), [{ message: ABANDONED }], Math.max(nowMs, run.startedAt))
    yield* RunEvents.close(deps, { run: final, destinationId })
    return Option.some(destinationId)
  })

/**
 * Closes every run of the sync still marked `running`. Only call it while
 * holding the sync's run lease: then none of them is alive.
 *
 * @since 0.1.0
 * @category combinators
 */
export const recoverSync = (
  deps: RunEvents.Deps,
  syncId: string,
  nowMs: number
): Effect.Effect<ReadonlyArray<string>, StoreError> =>
  Effect.gen(function*() {
    const dead = yield* deps.store.runs.list({ syncId, status: "running", limit: 1000 })
    const destinations: Array<string> = []
    for (const run of dead) {
      const closed = yield* closeAbandoned(deps, run, nowMs)
      if (Option.isSome(closed)) destinations.push(closed.value)
    }
    return destinations
  })

/**
 * @since 0.1.0
 * @category models
 */
export interface RecoveryOptions {
  /** The run lease (default {@link DEFAULT_LEASE}). */
  readonly lease?: Duration.DurationInput | undefined
  /**
   * How often to look for runs of dead processes while no run is in sight.
   * Set it when several processes share the store (e.g. `"1 minute"`): then
   * a run whose process died is closed even if its sync has no next run
   * soon. Default: no idle sweeps; one process restarting on its store
   * recovers at start.
   */
  readonly idleSweep?: Duration.DurationInput | undefined
}

/**
 * A background sweep, in the layer's scope: closes runs whose process died
 * (their sync's lease lapsed and no run took it back), and enqueues any
 * `allConsumed` a dying process left due. Runs once at start; then every
 * third of the lease while some run is in progress (it may be a dead one
 * whose lease has yet to lapse), else every `idleSweep` if set. A sync's own
 * next run recovers it too, whatever the sweep's pace.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: RecoveryOptions = {}): Layer.Layer<never, never, Store | Vault | OutboxSignal> =>
  Layer.scopedDiscard(
    Effect.gen(function*() {
      const deps: RunEvents.Deps = { store: yield* Store, vault: yield* Vault }
      const signal = yield* OutboxSignal
      const leaseMs = Duration.toMillis(options.lease ?? DEFAULT_LEASE)
      const once = Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const holder = Ids.at("rcv", now)
        const running = yield* deps.store.runs.list({ status: "running", limit: 1000 })
        let held = 0
        for (const syncId of new Set(running.map((r) => r.syncId))) {
          // A live run renews its lease: taking it means nobody runs the sync.
          if (!(yield* deps.store.runLeases.acquire({ syncId, holder, now, ttlMs: leaseMs }))) {
            held++
            continue
          }
          const destinations = yield* recoverSync(deps, syncId, now).pipe(
            Effect.ensuring(Effect.ignore(deps.store.runLeases.release(syncId, holder)))
          )
          for (const destinationId of destinations) yield* signal.notify(destinationId)
          if (destinations.length > 0) yield* Effect.logWarning(`Closed ${destinations.length} run(s) of sync ${syncId} whose process stopped`)
        }
        for (const destinationId of new Set(yield* RunEvents.sweep(deps, now))) yield* signal.notify(destinationId)
        return held > 0
      }).pipe(
        Effect.catchAll((error) => Effect.as(Effect.logWarning(`Run recovery failed (${error.message}); will try again`), true))
      )
      const busyMs = Math.max(1, Math.floor(leaseMs / 3))
      const idle = options.idleSweep === undefined ? undefined : Duration.toMillis(options.idleSweep)
      const loop: Effect.Effect<void> = Effect.flatMap(once, (busy) =>
        busy ? Effect.zipRight(Effect.sleep(busyMs), loop) : idle === undefined ? Effect.void : Effect.zipRight(Effect.sleep(idle), loop))
      yield* Effect.forkScoped(loop)
    })
  )
