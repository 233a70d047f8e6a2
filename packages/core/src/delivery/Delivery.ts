import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberMap from "effect/FiberMap"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as RunEvents from "../outbox/RunEvents.js"
import { Sink, type Destination } from "../sink/Sink.js"
import type { DestinationRow, OutboxEntry, Settlement } from "../store/Rows.js"
import { OutboxSignal } from "../store/OutboxSignal.js"
import { Store, type StoreError } from "../store/Store.js"
import { Vault } from "../vault/Vault.js"
import * as Sleep from "../ground/internal/sleep.js"
import * as RetrySchedule from "./RetrySchedule.js"

/**
 * Delivery: per destination, workers claim due events from the outbox, hand
 * each to the Sink and settle the outcome — acked, retried on the schedule,
 * dead-lettered, or held while the destination is disabled. Per-record order
 * comes from the outbox (an event is not claimable while an earlier one of
 * its record is unsettled); different records go in parallel, bounded by the
 * destination's `maxConcurrency`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface DeliveryOptions {
  /** Waits between attempts (default {@link RetrySchedule.standard}). */
  readonly retrySchedule?: Schedule.Schedule<unknown>
  /** Retries stop this long after the first attempt (default 4 days). */
  readonly retryWindow?: Duration.DurationInput
  /** `Retry-After` is honoured up to this (default 24 hours). */
  readonly maxRetryAfter?: Duration.DurationInput
  /**
   * How long a claim is held before another worker may take the event over
   * (default 2 minutes; keep it above the sink's timeout).
   */
  readonly lease?: Duration.DurationInput
  /**
   * Also poll the outbox this often, for entries written by other processes
   * sharing the store. Default: no polling — writes in this process wake the
   * workers directly, and retries wake them when due.
   */
  readonly pollInterval?: Duration.DurationInput
}

// The shortest wait of an idle worker whose store says something is due but hands out nothing.
const MIN_WAIT_MS = 10

/**
 * @since 0.1.0
 * @category models
 */
export interface DeliveryService {
  /** Starts (or wakes) the worker of a destination. */
  readonly wake: (destinationId: string) => Effect.Effect<void>
  /** Attempts one claimed entry and settles it (what each worker does). */
  readonly attempt: (entry: OutboxEntry) => Effect.Effect<void, StoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Delivery extends Context.Tag("@weft/core/Delivery")<Delivery, DeliveryService>() {}

/**
 * The delivery layer: one worker per destination, running in the layer's
 * scope.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: DeliveryOptions = {}
): Layer.Layer<Delivery, StoreError, Store | Sink | Vault | OutboxSignal> =>
  Layer.scoped(
    Delivery,
    Effect.gen(function*() {
      const store = yield* Store
      const sink = yield* Sink
      const vault = yield* Vault
      const signal = yield* OutboxSignal
      const schedule = options.retrySchedule ?? RetrySchedule.standard
      const window = options.retryWindow ?? RetrySchedule.DEFAULT_WINDOW
      const maxRetryAfter = options.maxRetryAfter ?? RetrySchedule.MAX_RETRY_AFTER
      const leaseMs = Duration.toMillis(options.lease ?? "2 minutes")
      const pollMs = options.pollInterval === undefined ? undefined : Duration.toMillis(options.pollInterval)

      // Opened destinations, reused while the row is unchanged. Compared by content, not just
      // `updatedAt`: a secret rotation within the same millisecond must not keep the old secrets.
      const opened = new Map<string, { readonly row: DestinationRow; readonly destination: Destination }>()
      const unchanged = (a: DestinationRow, b: DestinationRow) =>
        a.updatedAt === b.updatedAt && a.url === b.url && Buffer.from(a.secrets).equals(b.secrets) &&
        (a.options === b.options || JSON.stringify(a.options) === JSON.stringify(b.options))
      const open = (row: DestinationRow) =>
        Effect.gen(function*() {
          const cached = opened.get(row.id)
          if (cached !== undefined && unchanged(cached.row, row)) return Option.some(cached.destination)
          const secrets = yield* vault.openJson(row.secrets, row.id).pipe(Effect.option)
          if (Option.isNone(secrets) || !Array.isArray(secrets.value)) return Option.none<Destination>()
          const destination: Destination = {
            id: row.id,
            url: row.url,
            secrets: (secrets.value as Array<string>).map((s) => Redacted.make(s)),
            options: row.options
          }
          opened.set(row.id, { row, destination })
          return Option.some(destination)
        })

      const deps: RunEvents.Deps = { store, vault }
      // Settled under the entry's latest claim (see the worker); a stale one changes nothing.
      const settle = (entry: OutboxEntry, settlement: Settlement) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.flatMap(RunEvents.settle(deps, { ...entry, leaseToken: tokens.get(entry.id) ?? entry.leaseToken }, settlement, now), (result) =>
            result._tag === "Settled" && result.consumptionDue !== undefined ? signal.notify(entry.destinationId) : Effect.void))

      const deadLetter = (entry: OutboxEntry, firstAttemptAt: number | undefined, error: string) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) =>
          settle(entry, { _tag: "DeadLettered", at, attempts: entry.attempts, firstAttemptAt, error }))

      // `known` is the destination row the worker read when it claimed the entry (saves a store read
      // per attempt); without it, the row is read here.
      const attempt = (entry: OutboxEntry, known?: DestinationRow): Effect.Effect<void, StoreError> =>
        Effect.gen(function*() {
          const row = known !== undefined && known.id === entry.destinationId
            ? Option.some(known)
            : yield* store.destinations.get(entry.destinationId)
          if (Option.isNone(row)) return yield* deadLetter(entry, entry.firstAttemptAt, `Destination ${entry.destinationId} no longer exists.`)
          if (!row.value.enabled) return yield* settle(entry, { _tag: "Released" })
          const destination = yield* open(row.value)
          if (Option.isNone(destination)) {
            return yield* deadLetter(entry, entry.firstAttemptAt, `The signing secrets of destination ${entry.destinationId} cannot be decrypted with the vault's keys.`)
          }
          if (entry.payload === null) return yield* deadLetter(entry, entry.firstAttemptAt, "The event's payload is gone.")
          const body = yield* vault.open(entry.payload, entry.id).pipe(Effect.either)
          if (body._tag === "Left") return yield* deadLetter(entry, entry.firstAttemptAt, `The event's payload cannot be decrypted: ${body.left.message}`)

          const startedAt = yield* Clock.currentTimeMillis
          const outcome = yield* sink.deliver(destination.value, {
            eventId: entry.id,
            eventType: entry.type,
            body: body.right,
            attempt: entry.attempts + 1
          })
          const at = yield* Clock.currentTimeMillis
          const attempts = entry.attempts + 1
          const firstAttemptAt = entry.firstAttemptAt ?? startedAt
          switch (outcome._tag) {
            case "Acked":
              return yield* settle(entry, { _tag: "Acked", at, attempts, firstAttemptAt })
            case "Abort":
              return yield* settle(entry, { _tag: "DeadLettered", at, attempts, firstAttemptAt, error: `Receiver aborted the event: ${outcome.reason}` })
            case "Disable":
              yield* store.destinations.setEnabled(entry.destinationId, false, outcome.reason, at)
              // This attempt does not count: the event waits, untouched, for the destination to come back.
              return yield* settle(entry, { _tag: "Released" })
            case "Retry": {
              const next = yield* RetrySchedule.nextAttemptAt({
                schedule,
                window,
                maxRetryAfter,
                attempts,
                firstAttemptAt,
                nowMs: at,
                retryAfterMs: outcome.retryAfterMs
              })
              return yield* Option.match(next, {
                onNone: () =>
                  settle(entry, {
                    _tag: "DeadLettered",
                    at,
                    attempts,
                    firstAttemptAt,
                    error: `Gave up after ${attempts} attempts over ${Duration.format(window)}; last failure: ${outcome.reason}`
                  }),
                onSome: (nextAttemptAt) =>
                  settle(entry, { _tag: "Retry", at, attempts, firstAttemptAt, nextAttemptAt, error: outcome.reason })
              })
            }
          }
        })

      // The latest lease token of each entry in flight: a claim renewed while its attempt runs gets a new token.
      const tokens = new Map<string, string>()
      const workers = yield* FiberMap.make<string>()
      const wakes = new Map<string, Queue.Queue<void>>()

      const worker = (destinationId: string, wakeUp: Queue.Queue<void>) => {
        // Outside the loop: attempts forked before a restart still hold their slots.
        const inFlight = new Set<string>()
        // Consecutive restarts, for the backoff between them.
        let restarts = 0
        const done = (id: string) =>
          Effect.sync(() => {
            inFlight.delete(id)
          }).pipe(Effect.zipRight(Queue.offer(wakeUp, undefined)))
        const waitForWake = Queue.take(wakeUp)
        const waitAtMost = (ms: number | undefined) =>
          ms === undefined ? waitForWake : Effect.raceFirst(waitForWake, Sleep.sleep(ms))
        return Effect.gen(function*() {
          while (true) {
            const row = yield* store.destinations.get(destinationId)
            if (Option.isNone(row) || !row.value.enabled) {
              // Held: `enable` wakes the worker; the poll covers a change made elsewhere.
              yield* waitAtMost(pollMs)
              continue
            }
            const free = row.value.maxConcurrency - inFlight.size
            // Full: every finishing attempt wakes the worker, so there is nothing to poll for.
            if (free <= 0) {
              yield* waitForWake
              continue
            }
            const now = yield* Clock.currentTimeMillis
            const claimed = yield* store.outbox.claimDue({ now, limit: free, leaseMs, destinationId })
            restarts = 0
            for (const entry of claimed) {
              if (entry.leaseToken !== undefined) tokens.set(entry.id, entry.leaseToken)
              // An attempt outlasting its lease (a slow receiver with a long timeout) comes back
              // claimable: the new claim just extends its lease (and its token); it is not sent a second time.
              if (inFlight.has(entry.id)) continue
              inFlight.add(entry.id)
              yield* attempt(entry, row.value).pipe(
                Effect.catchAllCause((cause) => Effect.logError("Delivery attempt could not be settled; its lease will expire and it will be retried", cause)),
                Effect.ensuring(Effect.sync(() => tokens.delete(entry.id))),
                Effect.ensuring(done(entry.id)),
                Effect.forkScoped
              )
            }
            // As many as asked: more may be due (or every slot is taken, and the worker waits above).
            if (claimed.length === free) continue
            // Fewer than asked: nothing else is due now, so sleep until the next entry is.
            const due = yield* store.outbox.nextDueAt(destinationId)
            const waitMs = Option.match(due, {
              onNone: () => pollMs,
              // Due but not claimable (e.g. taken by another worker just now): never spin on it.
              onSome: (at) => Math.max(MIN_WAIT_MS, pollMs === undefined ? at - now : Math.min(pollMs, at - now))
            })
            yield* waitAtMost(waitMs)
          }
        }).pipe(
          Effect.catchAllCause((cause) => Effect.logError(`Delivery worker of ${destinationId} stopped; restarting`, cause)),
          // 1 s, 2 s, 4 s… up to a minute while the store stays away; back to 1 s once a claim succeeds.
          Effect.zipRight(Effect.suspend(() => Effect.sleep(Math.min(60_000, 1_000 * 2 ** Math.min(restarts++, 6))))),
          Effect.forever,
          Effect.scoped
        )
      }

      const wake: DeliveryService["wake"] = (destinationId) =>
        Effect.gen(function*() {
          let queue = wakes.get(destinationId)
          if (queue === undefined) {
            queue = yield* Queue.sliding<void>(1)
            wakes.set(destinationId, queue)
            yield* FiberMap.run(workers, destinationId, worker(destinationId, queue))
          }
          yield* Queue.offer(queue, undefined)
        })

      for (const row of yield* store.destinations.list()) yield* wake(row.id)
      const notices = yield* signal.subscribe
      yield* Queue.take(notices).pipe(Effect.flatMap(wake), Effect.forever, Effect.forkScoped)

      return { wake, attempt } satisfies DeliveryService
    })
  )
