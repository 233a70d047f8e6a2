import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberMap from "effect/FiberMap"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as Payloads from "../outbox/Payloads.js"
import * as RunEvents from "../outbox/RunEvents.js"
import { Sink, type Destination, type Outcome } from "../sink/Sink.js"
import type { AttemptReport, DestinationRow, OutboxEntry, Settlement } from "../store/Rows.js"
import { OutboxSignal } from "../store/OutboxSignal.js"
import { Store, type StoreError } from "../store/Store.js"
import { Vault } from "../vault/Vault.js"
import * as Sleep from "../ground/internal/sleep.js"
import * as RetrySchedule from "./RetrySchedule.js"
import { Lanes } from "./internal/Lanes.js"
import { Wakeup } from "./internal/Wakeup.js"

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

      const clock = yield* Effect.clock
      const now = () => clock.unsafeCurrentTimeMillis()

      // Opened destinations, reused while the row is unchanged. Compared by content, not just
      // `updatedAt`: a secret rotation within the same millisecond must not keep the old secrets.
      // The worker opens its destination once per claimed batch, not per attempt.
      const opened = new Map<string, { readonly row: DestinationRow; readonly destination: Destination }>()
      const unchanged = (a: DestinationRow, b: DestinationRow) =>
        a === b || (a.updatedAt === b.updatedAt && a.url === b.url && Buffer.from(a.secrets).equals(b.secrets) &&
          (a.options === b.options || JSON.stringify(a.options) === JSON.stringify(b.options)))
      const open = (row: DestinationRow): Effect.Effect<Option.Option<Destination>> => {
        const cached = opened.get(row.id)
        if (cached !== undefined && unchanged(cached.row, row)) return Effect.succeed(Option.some(cached.destination))
        return Effect.map(Effect.option(vault.openJson(row.secrets, row.id)), (secrets) => {
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
      }

      const deps: RunEvents.Deps = { store, vault }
      // Bodies come from pages of events opened once each (a small cache of opened pages).
      const payloads = Payloads.opener(deps)
      // The latest lease token of each entry in flight: a claim renewed while its attempt runs gets a new token.
      const tokens = new Map<string, string>()

      // Settled under the entry's latest claim (see the worker); a stale one changes nothing. The
      // settle that makes its run's `allConsumed` due enqueues it and wakes the destination.
      const settle = (entry: OutboxEntry, settlement: Settlement): Effect.Effect<void, StoreError> =>
        Effect.flatMap(
          store.outbox.settle(entry.id, tokens.get(entry.id) ?? entry.leaseToken ?? "", settlement),
          (result) =>
            result._tag === "Settled" && result.consumptionDue !== undefined
              ? Effect.zipRight(
                RunEvents.consume(deps, result.consumptionDue, entry.destinationId, now()),
                signal.notify(entry.destinationId)
              )
              : Effect.void
        )

      const deadLetter = (entry: OutboxEntry, error: string) =>
        settle(entry, { _tag: "DeadLettered", at: now(), attempts: entry.attempts, firstAttemptAt: entry.firstAttemptAt, error })

      // What an attempt's outcome does to its entry. The settle reports the attempt too: when it
      // started, how long it took, the receiver's status and what went wrong.
      const conclude = (entry: OutboxEntry, outcome: Outcome, startedAt: number): Effect.Effect<void, StoreError> => {
        const at = now()
        const attempts = entry.attempts + 1
        const firstAttemptAt = entry.firstAttemptAt ?? startedAt
        const attempt: AttemptReport = {
          at: startedAt,
          durationMs: at - startedAt,
          statusCode: outcome.status,
          error: outcome._tag === "Acked" ? undefined : outcome.reason
        }
        switch (outcome._tag) {
          case "Acked":
            return settle(entry, { _tag: "Acked", at, attempts, firstAttemptAt, attempt })
          case "Abort":
            return settle(entry, {
              _tag: "DeadLettered",
              at,
              attempts,
              firstAttemptAt,
              error: `Receiver aborted the event: ${outcome.reason}`,
              attempt
            })
          case "Disable":
            // This attempt does not count: the event waits, untouched, for the destination to come back.
            return store.destinations.setEnabled(entry.destinationId, false, outcome.reason, at).pipe(
              Effect.tap(() => held.add(entry.destinationId)),
              Effect.zipRight(settle(entry, { _tag: "Released" }))
            )
          case "Retry":
            return Effect.flatMap(
              RetrySchedule.nextAttemptAt({
                schedule,
                window,
                maxRetryAfter,
                attempts,
                firstAttemptAt,
                nowMs: at,
                retryAfterMs: outcome.retryAfterMs
              }),
              Option.match({
                onNone: () =>
                  settle(entry, {
                    _tag: "DeadLettered",
                    at,
                    attempts,
                    firstAttemptAt,
                    error: `Gave up after ${attempts} attempts over ${Duration.format(window)}; last failure: ${outcome.reason}`,
                    attempt
                  }),
                onSome: (nextAttemptAt) =>
                  settle(entry, { _tag: "Retry", at, attempts, firstAttemptAt, nextAttemptAt, error: outcome.reason, attempt })
              })
            )
        }
      }

      // Destinations whose receiver answered "disable" since the worker last read them enabled: the
      // entries already claimed for them are given back unsent.
      const held = new Set<string>()

      // One attempt of a claimed entry whose destination row the worker read (and opened) for its batch.
      const attemptWith = (
        entry: OutboxEntry,
        row: DestinationRow,
        destination: Option.Option<Destination>
      ): Effect.Effect<void, StoreError> => {
        if (!row.enabled || held.has(row.id)) return settle(entry, { _tag: "Released" })
        if (Option.isNone(destination)) {
          return deadLetter(entry, `The signing secrets of destination ${entry.destinationId} cannot be decrypted with the vault's keys.`)
        }
        const send = (body: Uint8Array) => {
          const startedAt = now()
          return Effect.flatMap(
            sink.deliver(destination.value, { eventId: entry.id, eventType: entry.type, body, attempt: entry.attempts + 1 }),
            (outcome) => conclude(entry, outcome, startedAt)
          )
        }
        // Most events belong to a page that is open already.
        const open = payloads.opened(entry)
        if (open !== undefined) return send(open)
        const opened = Effect.catchTag(payloads.body(entry), "VaultError", (error) => Effect.succeed(error))
        return Effect.flatMap(opened, (body) => {
          if (body === undefined) return deadLetter(entry, "The event's payload is gone.")
          if (!(body instanceof Uint8Array)) return deadLetter(entry, `The event's payload cannot be decrypted: ${body.message}`)
          return send(body)
        })
      }

      const attempt = (entry: OutboxEntry): Effect.Effect<void, StoreError> =>
        Effect.flatMap(store.destinations.get(entry.destinationId), (row) =>
          Option.isNone(row)
            ? deadLetter(entry, `Destination ${entry.destinationId} no longer exists.`)
            : Effect.flatMap(open(row.value), (destination) => attemptWith(entry, row.value, destination)))

      // Attempts run on lanes, fibers of the layer's scope: shutting Delivery down interrupts them
      // (their leases lapse and another worker takes the events over).
      const laneFibers = yield* FiberSet.make<never, never>()
      const wakes = new Map<string, Wakeup>()
      interface Claimed {
        readonly entry: OutboxEntry
        readonly row: DestinationRow
        readonly destination: Option.Option<Destination>
      }

      const worker = (destinationId: string, wakeup: Wakeup) => {
        // Claimed entries not settled yet: on a lane, or waiting for one. Outside the loop: attempts
        // started before a restart still hold their slots.
        const inFlight = new Set<string>()
        // While there is a backlog (the last claim got all it asked for), the worker sleeps until no
        // claimed entry waits for a lane, and only the attempt that brings the count down to that
        // wakes it: claims come in batches of a quarter of the lanes. Without a backlog every
        // finishing attempt wakes it (the next event of that record may be due).
        let wakeBelow = Infinity
        // Consecutive restarts, for the backoff between them.
        let restarts = 0
        const waitAtMost = (ms: number | undefined) =>
          ms === undefined ? wakeup.wait : Effect.raceFirst(wakeup.wait, Sleep.sleep(ms))
        const lanes = new Lanes<Claimed>()
        const finished = (entry: OutboxEntry) =>
          Effect.sync(() => {
            inFlight.delete(entry.id)
            tokens.delete(entry.id)
            if (inFlight.size < wakeBelow) wakeup.notify()
          })
        // Only Delivery shutting down interrupts a lane, and the worker's state goes with it: an
        // attempt's end needs no finalizer of its own.
        const lane = Effect.flatMap(lanes.take, ({ destination, entry, row }) =>
          Effect.matchCauseEffect(attemptWith(entry, row, destination), {
            onFailure: (cause) =>
              Effect.zipRight(
                finished(entry),
                Effect.logError("Delivery attempt could not be settled; its lease will expire and it will be retried", cause)
              ),
            onSuccess: () => finished(entry)
          })).pipe(Effect.forever)
        // One lane per slot, added as the destination's concurrency grows.
        const ensureLanes = (count: number) =>
          Effect.suspend(() => {
            const missing = count - lanes.size
            if (missing <= 0) return Effect.void
            lanes.size = count
            return Effect.forEach(Array.from({ length: missing }), () => FiberSet.run(laneFibers, lane), { discard: true })
          })
        return Effect.gen(function*() {
          while (true) {
            const row = yield* store.destinations.get(destinationId)
            if (Option.isNone(row) || !row.value.enabled) {
              // Held: `enable` wakes the worker; the poll covers a change made elsewhere.
              yield* waitAtMost(pollMs)
              continue
            }
            const max = row.value.maxConcurrency
            // A quarter more than the lanes is claimed, so that a lane that finishes finds its next
            // entry waiting rather than waiting for a claim. No more than `max` are ever sent at once.
            const ahead = Math.ceil(max / 4)
            const free = max + ahead - inFlight.size
            if (free <= 0 || inFlight.size >= wakeBelow) {
              yield* wakeup.wait
              continue
            }
            const at = now()
            held.delete(destinationId)
            const claimed = yield* store.outbox.claimDue({ now: at, limit: free, leaseMs, destinationId })
            restarts = 0
            if (claimed.length > 0) {
              const destination = yield* open(row.value)
              yield* ensureLanes(max)
              for (const entry of claimed) {
                if (entry.leaseToken !== undefined) tokens.set(entry.id, entry.leaseToken)
                // An attempt outlasting its lease (a slow receiver with a long timeout) comes back
                // claimable: the new claim just extends its lease (and its token); it is not sent a second time.
                if (inFlight.has(entry.id)) continue
                inFlight.add(entry.id)
                lanes.push({ entry, row: row.value, destination })
              }
            }
            // As many as asked: more may be due (or every slot is taken, and the worker waits above).
            if (claimed.length === free) {
              wakeBelow = max + 1
              continue
            }
            wakeBelow = Infinity
            // Fewer than asked: nothing else is due now, so sleep until the next entry is.
            const due = yield* store.outbox.nextDueAt(destinationId)
            const waitMs = Option.match(due, {
              onNone: () => pollMs,
              // Due but not claimable (e.g. taken by another worker just now): never spin on it.
              onSome: (next) => Math.max(MIN_WAIT_MS, pollMs === undefined ? next - at : Math.min(pollMs, next - at))
            })
            yield* waitAtMost(waitMs)
          }
        }).pipe(
          Effect.catchAllCause((cause) => Effect.logError(`Delivery worker of ${destinationId} stopped; restarting`, cause)),
          // 1 s, 2 s, 4 s… up to a minute while the store stays away; back to 1 s once a claim succeeds.
          Effect.zipRight(Effect.suspend(() => Effect.sleep(Math.min(60_000, 1_000 * 2 ** Math.min(restarts++, 6))))),
          Effect.forever
        )
      }

      const workers = yield* FiberMap.make<string>()
      const wake: DeliveryService["wake"] = (destinationId) =>
        Effect.suspend(() => {
          const wakeup = wakes.get(destinationId)
          if (wakeup !== undefined) return Effect.sync(() => wakeup.notify())
          const created = new Wakeup()
          wakes.set(destinationId, created)
          created.notify()
          return FiberMap.run(workers, destinationId, worker(destinationId, created)).pipe(Effect.asVoid)
        })

      for (const row of yield* store.destinations.list()) yield* wake(row.id)
      const notices = yield* signal.subscribe
      yield* Queue.take(notices).pipe(Effect.flatMap(wake), Effect.forever, Effect.forkScoped)

      return { wake, attempt } satisfies DeliveryService
    })
  )
