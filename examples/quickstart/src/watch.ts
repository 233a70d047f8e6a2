import type { Api } from "@weft/core/host"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { DemoFailure, unexpected } from "./errors.js"
import { duration } from "./format.js"
import type { DemoHost } from "./host.js"

/**
 * Following a sync run from the outside, through the host API only: the
 * audit (`runs.get`, committed page by page) for records read and events
 * emitted, the run's delivery counters for events acked, and `events.list`
 * for the `sync.events.allConsumed` event that closes the run's delivery.
 * Nothing here depends on which receiver gets the webhooks.
 *
 * @since 0.1.0
 */

/**
 * A snapshot of a run in progress.
 *
 * @since 0.1.0
 * @category models
 */
export interface Progress {
  readonly label: string
  readonly phase: "reading" | "delivering"
  readonly recordsRead: number
  readonly eventsEmitted: number
  readonly eventsDelivered: number
  readonly elapsedMs: number
  /** Why the oldest pending event's last attempt failed, if it did. */
  readonly retrying?: string | undefined
}

/**
 * A finished run whose delivery is complete.
 *
 * @since 0.1.0
 * @category models
 */
export interface Finished {
  readonly run: Api.Run
  /** Every event of the run, oldest first. */
  readonly events: ReadonlyArray<Api.EventSummary>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface FollowOptions {
  readonly label: string
  readonly onProgress: (progress: Progress) => Effect.Effect<void>
  /** Checked on every tick; fails the demo early (a signature failure at the receiver). */
  readonly guard: Effect.Effect<void, DemoFailure>
  /**
   * When the demo times out (Unix ms). A run whose pending event will not be
   * attempted again before then cannot finish in time: following it ends
   * with a `delivery` failure at once instead of waiting for the timeout.
   */
  readonly deadline: number
  /**
   * Wait for the delivery of a run that did not succeed too (a run closed by
   * recovery after its process was killed still sends its events).
   */
  readonly awaitDelivery?: boolean | undefined
}

const TICK = Duration.millis(150)


/**
 * Waits for the newest run of a sync other than `previous` to appear.
 *
 * @since 0.1.0
 * @category following
 */
export const awaitRun = (
  host: DemoHost,
  syncId: string,
  previous: string | undefined,
  guard: Effect.Effect<void, DemoFailure>
): Effect.Effect<Api.Run, DemoFailure> =>
  Effect.gen(function*() {
    while (true) {
      yield* guard
      const [latest] = yield* Effect.mapError(host.listRuns({ syncId, limit: 1 }), unexpected)
      if (latest !== undefined && latest.id !== previous) return latest
      yield* Effect.sleep(TICK)
    }
  })

const recordsRead = (run: Api.Run) => Object.values(run.models).reduce((sum, m) => sum + m.counters.processed, 0)

/**
 * How many events a run has at most: its record events, one
 * `sync.events.processed` per model, `allEmitted` and `allConsumed`.
 *
 * @since 0.1.0
 * @category following
 */
export const eventLimit = (run: Api.Run): number => run.delivery.recordEvents + Object.keys(run.models).length + 2

// Retries after the first are minutes apart (5 s, then 5 min, 30 min…): an event refused twice whose
// next attempt falls after the deadline will not be delivered in time.
const stalled = (event: Api.EventSummary, deadline: number): boolean =>
  event.lastError !== undefined && event.attempts >= 2 && event.nextAttemptAt > deadline

/**
 * The first run of a sync (its initial sync), once it shows up.
 *
 * @since 0.1.0
 * @category following
 */
export const awaitFirstRun = (
  host: DemoHost,
  syncId: string,
  guard: Effect.Effect<void, DemoFailure>
): Effect.Effect<Api.Run, DemoFailure> =>
  Effect.gen(function*() {
    while (true) {
      yield* guard
      const runs = yield* Effect.mapError(host.listRuns({ syncId, limit: 100 }), unexpected)
      const first = runs.at(-1)
      if (first !== undefined) return first
      yield* Effect.sleep(TICK)
    }
  })

/**
 * Follows a run until it has finished and its `sync.events.allConsumed` has
 * been acknowledged by the receiver, reporting progress on the way. A run
 * that ends other than `succeeded` is returned as soon as it ends, with the
 * events it emitted; dead-lettered events fail with `delivery`.
 *
 * @since 0.1.0
 * @category following
 */
export const follow = (host: DemoHost, runId: string, options: FollowOptions): Effect.Effect<Finished, DemoFailure> =>
  Effect.gen(function*() {
    const startedAt = yield* Clock.currentTimeMillis
    const listEvents = (run: Api.Run) => Effect.mapError(host.listEvents({ runId, limit: eventLimit(run) }), unexpected)
    while (true) {
      yield* options.guard
      const run = yield* Effect.mapError(host.getRun(runId), unexpected)
      const now = yield* Clock.currentTimeMillis
      const progress: Progress = {
        label: options.label,
        phase: run.status === "running" ? "reading" : "delivering",
        recordsRead: recordsRead(run),
        eventsEmitted: run.delivery.recordEvents,
        eventsDelivered: run.delivery.acked,
        elapsedMs: now - startedAt
      }
      if (run.status === "running") {
        yield* options.onProgress(progress)
        yield* Effect.sleep(TICK)
        continue
      }
      if (run.status !== "succeeded" && options.awaitDelivery !== true) return { run, events: yield* listEvents(run) }
      if (run.delivery.deadLettered > 0) {
        return yield* new DemoFailure({
          reason: "delivery",
          detail: `${run.delivery.deadLettered} event(s) of run ${run.id} were dead-lettered instead of delivered.`
        })
      }
      if (run.delivery.consumedEnqueued) {
        const events = yield* listEvents(run)
        const consumed = events.find((e) => e.type === "sync.events.allConsumed")
        if (consumed?.status === "acked") return { run, events }
        if (consumed?.status === "dead") {
          return yield* new DemoFailure({
            reason: "delivery",
            detail: `The sync.events.allConsumed event of run ${run.id} was dead-lettered: ${consumed.lastError ?? "no reason given"}.`
          })
        }
      }
      // Still delivering: say why if the receiver is refusing.
      const [oldest] = yield* Effect.mapError(host.listEvents({ runId, status: "pending", limit: 1 }), unexpected)
      if (oldest !== undefined && stalled(oldest, options.deadline)) {
        const pending = run.delivery.recordEvents - run.delivery.acked - run.delivery.deadLettered
        return yield* new DemoFailure({
          reason: "delivery",
          detail: `The receiver did not accept the events of run ${run.id}: ${pending} of ${run.delivery.recordEvents} record events ` +
            `are still pending, the oldest after ${oldest.attempts} attempts (last error: ${oldest.lastError}). Its next attempt ` +
            `is due in ${duration(oldest.nextAttemptAt - now)}, after the demo's --timeout; the events stay in the outbox until delivered.`
        })
      }
      yield* options.onProgress(oldest?.lastError === undefined ? progress : { ...progress, retrying: oldest.lastError })
      yield* Effect.sleep(TICK)
    }
  })
