import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberMap from "effect/FiberMap"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import type { RunStop } from "../engine/ModelRun.js"
import { type EngineError, type RunOptions, SyncEngine, SyncPausedError } from "../engine/SyncEngine.js"
import * as Sleep from "../ground/internal/sleep.js"
import type { RunRow, RunType } from "../store/Rows.js"
import { Store, type StoreError } from "../store/Store.js"

/**
 * The scheduler: one fiber per active sync that runs the initial sync right
 * away, then a delta every `frequency`, and serves triggers. At most one run
 * per sync at a time: a trigger during a run queues one follow-up run (later
 * triggers join it), never a parallel one.
 *
 * @since 0.1.0
 */

export {
  /**
   * A paused (or stopped) sync was asked to run.
   *
   * @since 0.1.0
   * @category errors
   */
  SyncPausedError
} from "../engine/SyncEngine.js"

/**
 * What a trigger asks for.
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerOptions {
  /** `delta` (default) reads changes; `manual` reads everything and sweeps deletes. */
  readonly type?: "delta" | "manual" | undefined
  /** With `manual`: apply deletes the mass-delete guard held back. */
  readonly confirmDeletes?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SchedulerService {
  /** Starts the sync's fiber if the sync is active and has none. */
  readonly start: (syncId: string) => Effect.Effect<void>
  /** Stops the sync's fiber after its current run (if any). */
  readonly stop: (syncId: string) => Effect.Effect<void>
  /**
   * Stops the sync's fiber now: a run in progress is cancelled within a page
   * (closed `cancelled` with `reason` in its audit), queued triggers are
   * refused. Completes when the fiber has ended. `start` undoes it.
   */
  readonly halt: (syncId: string, reason: string) => Effect.Effect<void>
  /** Queues a run; the effect completes when that run has finished. */
  readonly trigger: (
    syncId: string,
    options?: TriggerOptions
  ) => Effect.Effect<Effect.Effect<RunRow, EngineError | SyncPausedError>, SyncPausedError | StoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Scheduler extends Context.Tag("@weft/core/Scheduler")<Scheduler, SchedulerService>() {}

interface Pending {
  readonly type: "delta" | "manual"
  readonly confirmDeletes: boolean
  readonly waiters: Array<Deferred.Deferred<RunRow, EngineError | SyncPausedError>>
}

interface Slot {
  pending: Pending | undefined
  readonly wake: Queue.Queue<void>
  /** Why the sync's fiber must stop; no run starts while it is set. */
  halted: string | undefined
  /** The stop handle of the run in progress. */
  current: Deferred.Deferred<RunStop> | undefined
}

// 1 s, 2 s, 4 s… up to a minute between attempts, for as long as it takes.
const storeBackoff = Schedule.exponential("1 second").pipe(Schedule.union(Schedule.spaced("1 minute")))

const merge = (a: Pending | undefined, b: TriggerOptions, waiter: Deferred.Deferred<RunRow, EngineError | SyncPausedError>): Pending => ({
  type: a?.type === "manual" || b.type === "manual" ? "manual" : "delta",
  confirmDeletes: (a?.confirmDeletes ?? false) || b.confirmDeletes === true,
  waiters: [...(a?.waiters ?? []), waiter]
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Scheduler, StoreError, Store | SyncEngine> = Layer.scoped(
  Scheduler,
  Effect.gen(function*() {
    const store = yield* Store
    const engine = yield* SyncEngine
    const fibers = yield* FiberMap.make<string>()
    const slots = new Map<string, Slot>()

    const slotOf = (syncId: string) =>
      Effect.gen(function*() {
        const existing = slots.get(syncId)
        if (existing !== undefined) return existing
        const slot: Slot = { pending: undefined, wake: yield* Queue.sliding<void>(1), halted: undefined, current: undefined }
        slots.set(syncId, slot)
        return slot
      })

    const runOnce = (syncId: string, slot: Slot, type: RunType, pending: Pending | undefined, unlessRunSince?: number) =>
      Effect.gen(function*(): Effect.fn.Return<Exit.Exit<RunRow, EngineError | SyncPausedError>> {
        const stop = yield* Deferred.make<RunStop>()
        // Checked and registered in one step: a halt either sees this run or comes before it.
        if (slot.halted !== undefined) return Exit.fail(new SyncPausedError({ syncId, reason: slot.halted }))
        slot.current = stop
        return yield* engine.run(syncId, {
          type,
          confirmDeletes: pending?.confirmDeletes,
          fullRead: type === "manual",
          stop,
          unlessRunSince
        } satisfies RunOptions).pipe(
          Effect.exit,
          Effect.ensuring(Effect.sync(() => {
            if (slot.current === stop) slot.current = undefined
          }))
        )
      }).pipe(
        Effect.tap((exit) => Effect.forEach(pending?.waiters ?? [], (w) => Deferred.done(w, exit))),
        Effect.tap((exit) =>
          Exit.isFailure(exit) && slot.halted === undefined ? Effect.logError(`Run of sync ${syncId} failed`, exit.cause) : Effect.void
        )
      )

    const loop = (syncId: string, slot: Slot) =>
      Effect.gen(function*() {
        let first = true
        while (true) {
          if (slot.halted !== undefined) return
          const sync = yield* store.syncs.get(syncId)
          if (Option.isNone(sync) || sync.value.status === "paused") return
          const pending = slot.pending
          slot.pending = undefined
          const initial = sync.value.initialCompletedAt === undefined
          if (pending !== undefined) {
            yield* runOnce(syncId, slot, initial && pending.type === "delta" ? "initial" : pending.type, pending)
          } else {
            const last = yield* lastStart(syncId)
            const due = first && initial ? 0 : yield* untilDue(last, sync.value.frequencyMs)
            first = false
            if (due > 0) {
              yield* Effect.raceFirst(Queue.take(slot.wake), Sleep.sleep(due))
              continue
            }
            const integration = yield* store.integrations.get(sync.value.integrationId)
            // Scheduled runs wait for a usable integration; explicit triggers still run (and say why they fail).
            if (Option.isSome(integration) && integration.value.status === "active") {
              // Skipped if another process ran this slot meanwhile: schedules fire once, not once per process.
              yield* runOnce(syncId, slot, initial ? "initial" : "delta", undefined, last ?? Number.NEGATIVE_INFINITY)
            } else {
              yield* Effect.raceFirst(Queue.take(slot.wake), Sleep.sleep(sync.value.frequencyMs))
            }
          }
        }
      }).pipe(
        // The store may be away for a while (a database restart): keep trying, never give the sync up.
        Effect.tapError((error) => Effect.logWarning(`Scheduler of sync ${syncId} could not reach the store (${error.message}); retrying`)),
        Effect.retry(storeBackoff),
        Effect.catchAllCause((cause) => Effect.logError(`Scheduler of sync ${syncId} stopped`, cause)),
        // Whoever waits on a run that will not happen now (the sync was paused or removed) is told so.
        Effect.ensuring(Effect.suspend(() => {
          const orphaned = slot.pending
          slot.pending = undefined
          return Effect.forEach(orphaned?.waiters ?? [], (w) => Deferred.fail(w, new SyncPausedError({ syncId, reason: slot.halted })))
        }))
      )

    // When the sync's last run started (in any process sharing the store).
    const lastStart = (syncId: string) =>
      Effect.map(store.runs.list({ syncId, limit: 1 }), ([last]) => last?.startedAt)

    // Time until the next scheduled run: a frequency after the last run started.
    const untilDue = (last: number | undefined, frequencyMs: number) =>
      last === undefined ? Effect.succeed(0) : Effect.map(Clock.currentTimeMillis, (now) => Math.max(0, last + frequencyMs - now))

    const start: SchedulerService["start"] = (syncId) =>
      Effect.gen(function*() {
        const slot = yield* slotOf(syncId)
        slot.halted = undefined
        if (yield* FiberMap.has(fibers, syncId)) return
        yield* FiberMap.run(fibers, syncId, loop(syncId, slot), { onlyIfMissing: true })
      })

    const stop: SchedulerService["stop"] = (syncId) =>
      Effect.flatMap(slotOf(syncId), (slot) => Queue.offer(slot.wake, undefined))

    const halt: SchedulerService["halt"] = (syncId, reason) =>
      Effect.gen(function*() {
        const slot = yield* slotOf(syncId)
        slot.halted = reason
        if (slot.current !== undefined) yield* Deferred.succeed(slot.current, { _tag: "Cancelled", reason })
        // Runs not started by this fiber (a record re-read, a replay) stop too.
        yield* engine.cancel(syncId, reason)
        yield* Queue.offer(slot.wake, undefined)
        const fiber = yield* Effect.option(FiberMap.get(fibers, syncId))
        if (Option.isSome(fiber)) yield* Fiber.await(fiber.value)
      })

    const trigger: SchedulerService["trigger"] = (syncId, options = {}) =>
      Effect.gen(function*() {
        const sync = yield* store.syncs.get(syncId)
        if (Option.isSome(sync) && sync.value.status === "paused") return yield* new SyncPausedError({ syncId })
        const waiter = yield* Deferred.make<RunRow, EngineError | SyncPausedError>()
        const slot = yield* slotOf(syncId)
        slot.pending = merge(slot.pending, options, waiter)
        yield* start(syncId)
        yield* Queue.offer(slot.wake, undefined)
        return Deferred.await(waiter)
      })

    for (const sync of yield* store.syncs.list()) {
      if (sync.status === "active") yield* start(sync.id)
    }

    return { start, stop, halt, trigger } satisfies SchedulerService
  })
)
