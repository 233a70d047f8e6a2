import type { Expected } from "./rounds.js"
import type { Received } from "./receiver.js"

/**
 * The checks the demo makes on what its local receiver got: per run, the
 * record events received agree with the run's `sync.events.allEmitted` and
 * `sync.events.allConsumed` (a redelivery counts once); per round, every
 * changed employee arrived as the right event; per record, events arrived in
 * the order they were made.
 *
 * @since 0.1.0
 */

/**
 * What the receiver got of one run.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunReceived {
  /** Deliveries of the run's events, redeliveries included. */
  readonly deliveries: number
  /** Distinct events. */
  readonly events: number
  /** Deliveries of an event received before. */
  readonly redelivered: number
  /** Distinct record events by type. */
  readonly records: Expected
  /** The counts `sync.events.allEmitted` announced, if it arrived. */
  readonly allEmitted: Expected | null
  /** What `sync.events.allConsumed` said was settled, if it arrived. */
  readonly allConsumed: { readonly acked: number; readonly deadLettered: number } | null
  /** The record events received match both run events. */
  readonly ok: boolean
}

const kind = (type: string): keyof Expected | undefined =>
  type === "record.new" ? "new" : type === "record.changed" ? "changed" : type === "record.deleted" ? "deleted" : undefined

/**
 * What the receiver got of `runId`.
 *
 * @since 0.1.0
 * @category checks
 */
export const ofRun = (runId: string, received: ReadonlyArray<Received>): RunReceived => {
  const seen = new Set<string>()
  const records = { new: 0, changed: 0, deleted: 0 }
  let deliveries = 0
  let allEmitted: Expected | null = null
  let allConsumed: RunReceived["allConsumed"] = null
  for (const r of received) {
    if (r.runId !== runId) continue
    deliveries++
    if (seen.has(r.id)) continue
    seen.add(r.id)
    const k = kind(r.type)
    if (k !== undefined) records[k]++
    if (r.type === "sync.events.allEmitted") {
      const emitted = (r.data as { readonly emitted: Expected }).emitted
      allEmitted = { new: emitted.new, changed: emitted.changed, deleted: emitted.deleted }
    }
    if (r.type === "sync.events.allConsumed") {
      const data = r.data as { readonly acked: number; readonly deadLettered: number }
      allConsumed = { acked: data.acked, deadLettered: data.deadLettered }
    }
  }
  const total = records.new + records.changed + records.deleted
  const ok = allEmitted !== null && allConsumed !== null &&
    allEmitted.new === records.new && allEmitted.changed === records.changed && allEmitted.deleted === records.deleted &&
    allConsumed.acked === total && allConsumed.deadLettered === 0
  return { deliveries, events: seen.size, redelivered: deliveries - seen.size, records, allEmitted, allConsumed, ok }
}

/**
 * The record ids a round must deliver, by event type.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExpectedIds {
  readonly new: ReadonlyArray<string>
  readonly changed: ReadonlyArray<string>
  readonly deleted: ReadonlyArray<string>
}

/**
 * Every change of a round arrived as the right event, and nothing else did.
 *
 * @since 0.1.0
 * @category models
 */
export interface RoundReceived {
  /** Record ids expected, all types together. */
  readonly expected: number
  /** Expected ids that did not arrive as the right event (the first 10). */
  readonly missing: ReadonlyArray<string>
  /** Record events that arrived though nothing asked for them (`type:id`, the first 10). */
  readonly unexpected: ReadonlyArray<string>
  readonly ok: boolean
}

/**
 * Compares the record events of `runIds` (the runs of one round) with what
 * the round changed.
 *
 * @since 0.1.0
 * @category checks
 */
export const ofRound = (expected: ExpectedIds, runIds: ReadonlyArray<string>, received: ReadonlyArray<Received>): RoundReceived => {
  const runs = new Set(runIds)
  const got = { new: new Set<string>(), changed: new Set<string>(), deleted: new Set<string>() }
  for (const r of received) {
    const k = kind(r.type)
    if (k === undefined || !runs.has(r.runId) || r.recordId === undefined) continue
    got[k].add(r.recordId)
  }
  const missing: Array<string> = []
  const unexpected: Array<string> = []
  let count = 0
  for (const k of ["new", "changed", "deleted"] as const) {
    const want = new Set(expected[k])
    count += want.size
    for (const id of want) if (!got[k].has(id)) missing.push(`${k}:${id}`)
    for (const id of got[k]) if (!want.has(id)) unexpected.push(`${k}:${id}`)
  }
  return { expected: count, missing: missing.slice(0, 10), unexpected: unexpected.slice(0, 10), ok: missing.length === 0 && unexpected.length === 0 }
}

/**
 * Per-record order over everything received.
 *
 * @since 0.1.0
 * @category models
 */
export interface Order {
  /** Records that got more than one distinct event. */
  readonly records: number
  /** Records that got an event after a newer one. */
  readonly violations: number
  readonly firstViolation?: string | undefined
}

/**
 * Weft sends an event for a record only once the record's earlier events are
 * settled: so every delivery of a record is of its newest event so far or a
 * redelivery of it, never of an older one. Event ids are time-ordered, so
 * "older" is a smaller id.
 *
 * @since 0.1.0
 * @category checks
 */
export const order = (received: ReadonlyArray<Received>): Order => {
  const newest = new Map<string, string>()
  const multi = new Set<string>()
  let violations = 0
  let firstViolation: string | undefined
  for (const r of received) {
    if (r.recordId === undefined) continue
    const before = newest.get(r.recordId)
    if (before !== undefined && r.id !== before) multi.add(r.recordId)
    if (before !== undefined && r.id < before) {
      violations++
      firstViolation ??= `record ${r.recordId} got ${r.type} ${r.id} after the newer event ${before}`
      continue
    }
    newest.set(r.recordId, r.id)
  }
  return { records: multi.size, violations, ...(firstViolation === undefined ? {} : { firstViolation }) }
}
