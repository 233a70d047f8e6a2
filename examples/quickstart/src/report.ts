import type { Api } from "@weft/core/host"
import { Event } from "@weft/core/events"
import type { Errors } from "@weft/core/connector"
import type { Order, RoundReceived, RunReceived } from "./checks.js"
import type { Reset } from "./host.js"
import type { Expected, Mutations } from "./rounds.js"

/**
 * What the demo reports: one report per run (its audit, the mutations before
 * it, the check of its counts, its events) and a summary of the whole demo.
 * These are the objects `--json` prints, one per line.
 *
 * @since 0.1.0
 */

/**
 * One model of a run's audit.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModelLine {
  readonly model: string
  readonly status: string
  readonly processed: number
  readonly new: number
  readonly changed: number
  readonly deleted: number
  readonly invalid: number
  readonly fullRead: boolean
  readonly warnings: ReadonlyArray<string>
  readonly error?: Api.RunIssue | undefined
}

/**
 * A run's audit, flattened for display.
 *
 * @since 0.1.0
 * @category models
 */
export interface AuditView {
  readonly id: string
  readonly type: string
  readonly status: string
  readonly startedAt: string
  readonly finishedAt?: string | undefined
  readonly durationMs?: number | undefined
  readonly models: ReadonlyArray<ModelLine>
  readonly warnings: ReadonlyArray<string>
  /** The run's problems, each with its code and resolution when it has them. */
  readonly errors: ReadonlyArray<Api.RunIssue>
}

/**
 * The run's events as the outbox lists them.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventCounts {
  readonly emitted: Readonly<Partial<Record<Event.EventType, number>>>
  readonly total: number
  readonly delivered: number
  readonly deadLettered: number
  /** Not settled yet: waiting for a first attempt or for a retry. */
  readonly pending: number
  /** Why the last failed attempt of an unsettled or dead-lettered event failed. */
  readonly lastError?: string | undefined
  /** From the run's start until its `sync.events.allConsumed` was acknowledged. */
  readonly allConsumedAfterMs?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RunReport {
  readonly kind: "run"
  /** 0 for the initial sync, then the delta round. */
  readonly round: number
  /** The mutations applied to the fake before this run (none before the initial sync). */
  readonly mutations: Mutations | null
  readonly expected: Expected
  readonly actual: Expected
  readonly matches: boolean
  /** Every event of the run was delivered; false when the demo stopped before that. */
  readonly deliveryComplete: boolean
  readonly audit: AuditView
  readonly events: EventCounts
  /**
   * With `--crash`: `killed` for the run whose process was killed (closed by
   * recovery, or finished by the restarted process), `after-restart` for the
   * run the restarted process made to finish the round.
   */
  readonly crash?: "killed" | "after-restart" | undefined
  /** What the local receiver got of this run; `null` with your own receiver. */
  readonly received: RunReceived | null
  /** On the last run of a round, with the local receiver: every change of the round arrived as the right event. */
  readonly roundReceived?: RoundReceived | undefined
}

/**
 * The refused connect shown at the start.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefusedConnect {
  readonly code: Errors.ConnectionErrorCode
  readonly message: string
  readonly resolution: string
}

/**
 * What `--crash` did.
 *
 * @since 0.1.0
 * @category models
 */
export interface CrashReport {
  /** Whether the worker was killed (the initial sync may have been delivered before it could be). */
  readonly killed: boolean
  /** The run being delivered when the worker was killed. */
  readonly run?: string | undefined
  /** Events the local receiver had got when the worker was killed (`null` with your own receiver). */
  readonly receivedAtKill: number | null
  /** Events Weft had recorded as delivered when the worker was killed, as last seen (your own receiver). */
  readonly ackedAtKill: number | null
  /** From the kill until the new worker's Weft was up. */
  readonly restartedAfterMs?: number | undefined
  /** How the killed run ended: `failed` when recovery closed it, `succeeded` when it had read everything. */
  readonly runStatus?: string | undefined
  readonly closedByRecovery: boolean
  /** The run the restarted process made to finish the round, if one was needed. */
  readonly continuedBy?: string | undefined
  /** Deliveries of an event the receiver had got before (at-least-once); `null` with your own receiver. */
  readonly redelivered: number | null
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly kind: "summary"
  readonly ok: boolean
  readonly employees: number
  readonly deltaRounds: number
  readonly webhook: "local" | "external"
  /** Where Weft kept its state: `SQLite <file>`, `PostgreSQL <url without password>` or `in-memory store`. */
  readonly store: string
  /** What an earlier demo had left in the store, disconnected at start. */
  readonly reset: Reset | null
  readonly refusedConnect: RefusedConnect | null
  /** Runs the demo followed, finished or not. */
  readonly runs: number
  /** Runs that read to the end and ended `succeeded`. */
  readonly runsSucceeded: number
  /** Runs whose events were all delivered. */
  readonly runsDelivered: number
  readonly recordsProcessed: number
  readonly eventsEmitted: Readonly<Partial<Record<Event.EventType, number>>> & { readonly total: number }
  readonly eventsDelivered: number
  /** Events still in the outbox when the demo ended, waiting for a first attempt or a retry. */
  readonly eventsPending: number
  readonly eventsDeadLettered: number
  /** Why the last failed delivery failed, when events were left pending or dead-lettered. */
  readonly lastDeliveryError?: string | undefined
  /** Deliveries to the local receiver that did not verify; `null` when an external receiver checks them. */
  readonly signatureFailures: number | null
  /** Deliveries the local receiver verified (retries included); `null` with an external receiver. */
  readonly deliveriesVerified: number | null
  readonly mismatches: number
  /** Deliveries of an event the local receiver had got before; `null` with your own receiver. */
  readonly eventsRedelivered: number | null
  /** Records whose events arrived out of order at the local receiver; `null` with your own receiver. */
  readonly orderViolations: number | null
  readonly crash?: CrashReport | undefined
  readonly durationMs: number
  readonly failure?: { readonly reason: string; readonly message: string } | undefined
}

/** Counts by event type in the order of the wire contract's table. */
const inOrder = (counts: Partial<Record<Event.EventType, number>>): Partial<Record<Event.EventType, number>> =>
  Object.fromEntries(Event.eventTypes.flatMap((type) => (counts[type] === undefined ? [] : [[type, counts[type]]])))

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

/**
 * @since 0.1.0
 * @category constructors
 */
export const auditView = (run: Api.Run): AuditView => ({
  id: run.id,
  type: run.type,
  status: run.status,
  startedAt: iso(run.startedAt)!,
  finishedAt: iso(run.finishedAt),
  durationMs: run.finishedAt === undefined ? undefined : run.finishedAt - run.startedAt,
  models: Object.values(run.models).map((m) => ({
    model: m.model,
    status: m.status,
    ...m.counters,
    fullRead: m.fullRead,
    warnings: m.warnings,
    error: m.error
  })),
  warnings: run.warnings,
  errors: run.errors
})

/**
 * Counts a run's events by type and status.
 *
 * @since 0.1.0
 * @category constructors
 */
export const eventCounts = (run: Api.Run, events: ReadonlyArray<Api.EventSummary>): EventCounts => {
  const emitted: Partial<Record<Event.EventType, number>> = {}
  let delivered = 0
  let deadLettered = 0
  let lastError: string | undefined
  for (const event of events) {
    emitted[event.type] = (emitted[event.type] ?? 0) + 1
    if (event.status === "acked") delivered += 1
    if (event.status === "dead") deadLettered += 1
    if (event.status !== "acked" && event.lastError !== undefined) lastError ??= event.lastError
  }
  const consumed = events.find((e) => e.type === "sync.events.allConsumed" && e.status === "acked")
  return {
    emitted: inOrder(emitted),
    total: events.length,
    delivered,
    deadLettered,
    pending: events.length - delivered - deadLettered,
    lastError,
    allConsumedAfterMs: consumed?.settledAt === undefined ? undefined : consumed.settledAt - run.startedAt
  }
}

/**
 * The record events a run emitted, from its audit.
 *
 * @since 0.1.0
 * @category constructors
 */
export const actualOf = (run: Api.Run): Expected =>
  Object.values(run.models).reduce(
    (sum, m) => ({ new: sum.new + m.counters.new, changed: sum.changed + m.counters.changed, deleted: sum.deleted + m.counters.deleted }),
    { new: 0, changed: 0, deleted: 0 }
  )

/**
 * @since 0.1.0
 * @category constructors
 */
export const runReport = (options: {
  readonly round: number
  readonly mutations: Mutations | null
  readonly expected: Expected
  readonly run: Api.Run
  readonly events: ReadonlyArray<Api.EventSummary>
  /** False for a run the demo stopped following before its delivery finished. */
  readonly deliveryComplete?: boolean | undefined
  readonly crash?: "killed" | "after-restart" | undefined
  readonly received?: RunReceived | null | undefined
  readonly roundReceived?: RoundReceived | undefined
}): RunReport => {
  const actual = actualOf(options.run)
  const counts = eventCounts(options.run, options.events)
  // The outbox must hold exactly the record events the audit counted.
  const listed: Expected = {
    new: counts.emitted["record.new"] ?? 0,
    changed: counts.emitted["record.changed"] ?? 0,
    deleted: counts.emitted["record.deleted"] ?? 0
  }
  const same = (a: Expected, b: Expected) => a.new === b.new && a.changed === b.changed && a.deleted === b.deleted
  return {
    kind: "run",
    round: options.round,
    mutations: options.mutations,
    expected: options.expected,
    actual,
    matches: same(actual, options.expected) && same(listed, actual),
    deliveryComplete: options.deliveryComplete ?? true,
    audit: auditView(options.run),
    events: counts,
    ...(options.crash === undefined ? {} : { crash: options.crash }),
    received: options.received ?? null,
    ...(options.roundReceived === undefined ? {} : { roundReceived: options.roundReceived })
  }
}

/**
 * The totals of the demo so far.
 *
 * @since 0.1.0
 * @category constructors
 */
export const summarize = (options: {
  readonly employees: number
  readonly deltaRounds: number
  readonly webhook: "local" | "external"
  /** Where Weft kept its state: `SQLite <file>`, `PostgreSQL <url without password>` or `in-memory store`. */
  readonly store: string
  /** What an earlier demo had left in the store, disconnected at start. */
  readonly reset: Reset | null
  readonly refusedConnect: RefusedConnect | null
  readonly reports: ReadonlyArray<RunReport>
  readonly receiver: { readonly failures: number; readonly verified: number } | undefined
  /** Receptions minus distinct events, and the order check, from the local receiver. */
  readonly redelivered?: number | undefined
  readonly order?: Order | undefined
  readonly crash?: CrashReport | undefined
  readonly durationMs: number
  readonly failure?: { readonly reason: string; readonly message: string } | undefined
}): Summary => {
  const emitted: Partial<Record<Event.EventType, number>> = {}
  let total = 0
  let delivered = 0
  let pending = 0
  let dead = 0
  let processed = 0
  let lastError: string | undefined
  for (const report of options.reports) {
    for (const [type, n] of Object.entries(report.events.emitted) as Array<[Event.EventType, number]>) {
      emitted[type] = (emitted[type] ?? 0) + n
    }
    total += report.events.total
    delivered += report.events.delivered
    pending += report.events.pending
    dead += report.events.deadLettered
    lastError = report.events.lastError ?? lastError
    processed += report.audit.models.reduce((sum, m) => sum + m.processed, 0)
  }
  const mismatches = options.reports.filter((r) => !r.matches).length
  return {
    kind: "summary",
    ok: options.failure === undefined,
    employees: options.employees,
    deltaRounds: options.deltaRounds,
    webhook: options.webhook,
    store: options.store,
    reset: options.reset,
    refusedConnect: options.refusedConnect,
    runs: options.reports.length,
    runsSucceeded: options.reports.filter((r) => r.audit.status === "succeeded").length,
    runsDelivered: options.reports.filter((r) => r.deliveryComplete && r.events.pending === 0).length,
    recordsProcessed: processed,
    eventsEmitted: { ...inOrder(emitted), total },
    eventsDelivered: delivered,
    eventsPending: pending,
    eventsDeadLettered: dead,
    ...(lastError === undefined || (pending === 0 && dead === 0) ? {} : { lastDeliveryError: lastError }),
    signatureFailures: options.receiver?.failures ?? null,
    deliveriesVerified: options.receiver?.verified ?? null,
    mismatches,
    eventsRedelivered: options.redelivered ?? null,
    orderViolations: options.order?.violations ?? null,
    ...(options.crash === undefined ? {} : { crash: options.crash }),
    durationMs: options.durationMs,
    ...(options.failure === undefined ? {} : { failure: options.failure })
  }
}
