import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { OutboxEntry, RunClose, RunRow, SettleResult, Settlement } from "../store/Rows.js"
import type { StoreError, StoreService } from "../store/Store.js"
import type { VaultService } from "../vault/Vault.js"
import * as Envelope from "./Envelope.js"

/**
 * The run events and the settlement rule, the same for every store: a run's
 * `allEmitted` closes its emission, and its `allConsumed` is enqueued exactly
 * once, after its last record event settled. A store only keeps the counters
 * and applies each step atomically; this module decides what to write.
 *
 * `allConsumed` is enqueued by whoever observes that it became due: the
 * settle of the run's last record event, or the close of a run whose events
 * are all settled already. Both go through the store's compare-and-set
 * (`runs.enqueueConsumed`), so concurrent observers in several processes
 * enqueue it once. A process that dies between the two steps leaves it due;
 * {@link sweep} finds it.
 *
 * @since 0.1.0
 */

/**
 * What the outbox rules need: the store and the vault that seals payloads.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deps {
  readonly store: StoreService
  readonly vault: VaultService
}

/**
 * The `sync.events.allEmitted` of a finished run, its counts summed from the
 * run's model audits.
 *
 * @since 0.1.0
 * @category constructors
 */
export const allEmitted = (vault: VaultService, run: RunRow, destinationId: string): OutboxEntry => {
  const finishedAt = run.finishedAt ?? run.startedAt
  let processed = 0, created = 0, changed = 0, deleted = 0, invalid = 0
  for (const audit of Object.values(run.models)) {
    processed += audit.counters.processed
    created += audit.counters.new
    changed += audit.counters.changed
    deleted += audit.counters.deleted
    invalid += audit.counters.invalid
  }
  return Envelope.writer(vault, Envelope.ofRun(run, destinationId)).run("sync.events.allEmitted", {
    status: run.status,
    processed,
    emitted: { new: created, changed, deleted, total: created + changed + deleted },
    invalid,
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString()
  }, finishedAt)
}

/**
 * Closes a run's emission: its final row and `allEmitted` in one step, then
 * `allConsumed` if nothing is left to settle.
 *
 * @since 0.1.0
 * @category combinators
 */
export const close = (
  deps: Deps,
  input: { readonly run: RunRow; readonly destinationId: string; readonly sync?: RunClose["sync"] }
): Effect.Effect<void, StoreError> =>
  Effect.gen(function*() {
    const delivery = yield* deps.store.runs.close({
      run: input.run,
      allEmitted: allEmitted(deps.vault, input.run, input.destinationId),
      sync: input.sync
    })
    if (delivery.emissionClosed && !delivery.consumedEnqueued && delivery.acked + delivery.deadLettered === delivery.recordEvents) {
      yield* consume(deps, input.run.id, input.destinationId, input.run.finishedAt ?? input.run.startedAt)
    }
  })

/**
 * Enqueues the run's `allConsumed` if it is due and nobody enqueued it yet.
 * Returns whether this call did.
 *
 * @since 0.1.0
 * @category combinators
 */
export const consume = (deps: Deps, runId: string, destinationId: string, nowMs: number): Effect.Effect<boolean, StoreError> =>
  Effect.gen(function*() {
    const run = yield* deps.store.runs.get(runId)
    if (Option.isNone(run)) return false
    const { acked, deadLettered } = run.value.delivery
    const entry = Envelope.writer(deps.vault, Envelope.ofRun(run.value, destinationId))
      .run("sync.events.allConsumed", { acked, deadLettered }, nowMs)
    return yield* deps.store.runs.enqueueConsumed(entry)
  })

/**
 * Settles a claimed entry under its lease token; if that made its run's
 * `allConsumed` due, enqueues it.
 *
 * @since 0.1.0
 * @category combinators
 */
export const settle = (
  deps: Deps,
  entry: OutboxEntry,
  settlement: Settlement,
  nowMs: number
): Effect.Effect<SettleResult, StoreError> =>
  Effect.gen(function*() {
    const result = yield* deps.store.outbox.settle(entry.id, entry.leaseToken ?? "", settlement)
    if (result._tag === "Settled" && result.consumptionDue !== undefined) {
      yield* consume(deps, result.consumptionDue, entry.destinationId, nowMs)
    }
    return result
  })

/**
 * Enqueues the `allConsumed` of every run where it is due but missing (its
 * last settle's process died before enqueuing it). Returns the destinations
 * of what it enqueued.
 *
 * @since 0.1.0
 * @category combinators
 */
export const sweep = (deps: Deps, nowMs: number): Effect.Effect<ReadonlyArray<string>, StoreError> =>
  Effect.gen(function*() {
    const due = yield* deps.store.runs.consumptionDue(100)
    const done: Array<string> = []
    for (const runId of due) {
      // The destination of the run's events: the one its allEmitted went to.
      const [emitted] = yield* deps.store.outbox.list({ runId, type: "sync.events.allEmitted", limit: 1 })
      if (emitted === undefined) continue
      if (yield* consume(deps, runId, emitted.destinationId, nowMs)) done.push(emitted.destinationId)
    }
    return done
  })
