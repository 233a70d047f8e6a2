import { Rows } from "@weft/core/store"
import type { Event } from "@weft/core/events"
import { bool, bytes, num, optNum, optText } from "./dialect.js"

/**
 * Decoding database rows into store rows. Optional fields are left out when
 * their column is NULL, so rows read back equal the rows written.
 *
 * @internal
 */

/** A row as a driver returns it. @internal */
export type Raw = Record<string, unknown>

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** @internal */
export const integrationOf = (r: Raw): Rows.IntegrationRow => {
  const row: Mutable<Rows.IntegrationRow> = {
    id: String(r.id),
    tenant: String(r.tenant),
    connector: String(r.connector),
    status: String(r.status) as Rows.IntegrationStatus,
    credentials: bytes(r.credentials),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at)
  }
  const statusMessage = optText(r.status_message)
  if (statusMessage !== undefined) row.statusMessage = statusMessage
  if (r.limits !== null && r.limits !== undefined) row.limits = JSON.parse(String(r.limits))
  return row
}

/** @internal */
export const destinationOf = (r: Raw): Rows.DestinationRow => {
  const row: Mutable<Rows.DestinationRow> = {
    id: String(r.id),
    url: String(r.url),
    secrets: bytes(r.secrets),
    enabled: bool(r.enabled),
    options: JSON.parse(String(r.options)),
    maxConcurrency: num(r.max_concurrency),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at)
  }
  const reason = optText(r.disabled_reason)
  if (reason !== undefined) row.disabledReason = reason
  return row
}

/** @internal */
export const syncOf = (r: Raw): Rows.SyncRow => {
  const row: Mutable<Rows.SyncRow> = {
    id: String(r.id),
    integrationId: String(r.integration_id),
    destinationId: String(r.destination_id),
    models: JSON.parse(String(r.models)),
    frequencyMs: num(r.frequency_ms),
    status: String(r.status) as Rows.SyncRow["status"],
    includeInactive: bool(r.include_inactive),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at)
  }
  const initial = optNum(r.initial_completed_at)
  if (initial !== undefined) row.initialCompletedAt = initial
  return row
}

/** @internal */
export const modelStateOf = (r: Raw): Rows.ModelState => {
  const state: Mutable<Rows.ModelState> = { generation: num(r.generation) }
  const cursor = optText(r.cursor)
  if (cursor !== undefined) state.cursor = cursor
  const last = optNum(r.last_full_read_at)
  if (last !== undefined) state.lastFullReadAt = last
  return state
}

/** @internal */
export const fingerprintOf = (r: Raw): Rows.Fingerprint => ({
  hash: bytes(r.hash),
  generation: num(r.generation),
  inactive: bool(r.inactive)
})

/** @internal */
export const deliveryOf = (r: Raw): Rows.RunDelivery => ({
  recordEvents: num(r.record_events),
  acked: num(r.acked),
  deadLettered: num(r.dead_lettered),
  emissionClosed: bool(r.emission_closed),
  consumedEnqueued: bool(r.consumed_enqueued)
})

/** @internal */
export const runOf = (r: Raw, models: Readonly<Record<string, Rows.ModelAudit>>): Rows.RunRow => {
  const row: Mutable<Rows.RunRow> = {
    id: String(r.id),
    syncId: String(r.sync_id),
    integrationId: String(r.integration_id),
    connector: String(r.connector),
    tenant: String(r.tenant),
    type: String(r.type) as Rows.RunType,
    status: String(r.status) as Event.RunStatus,
    startedAt: num(r.started_at),
    models,
    warnings: JSON.parse(String(r.warnings)),
    // Rows written before run problems had a form hold strings.
    errors: (JSON.parse(String(r.errors)) as ReadonlyArray<unknown>).map(Rows.runIssueOf),
    delivery: deliveryOf(r)
  }
  const finished = optNum(r.finished_at)
  if (finished !== undefined) row.finishedAt = finished
  if (r.destination_id !== null && r.destination_id !== undefined) row.destinationId = String(r.destination_id)
  return row
}

/** A model audit as stored (JSON); an error written as a string, before run problems had a form, reads as `{ message }`. @internal */
export const auditOf = (text: unknown): Rows.ModelAudit => {
  const audit = JSON.parse(String(text)) as Mutable<Rows.ModelAudit>
  if (audit.error !== undefined && audit.error !== null && typeof audit.error !== "object") audit.error = Rows.runIssueOf(audit.error)
  return audit
}

/** @internal */
export const attemptOf = (r: Raw): Rows.DeliveryAttempt => {
  const attempt: Mutable<Rows.DeliveryAttempt> = {
    at: num(r.at),
    durationMs: num(r.duration_ms),
    outcome: String(r.outcome) as Rows.AttemptOutcome
  }
  const status = optNum(r.status_code)
  if (status !== undefined) attempt.statusCode = status
  const error = optText(r.error)
  if (error !== undefined) attempt.error = error
  return attempt
}

/** @internal */
export const entryOf = (r: Raw): Rows.OutboxEntry => {
  const e: Mutable<Rows.OutboxEntry> = {
    id: String(r.id),
    type: String(r.type) as Event.EventType,
    kind: String(r.kind) as Rows.OutboxEntry["kind"],
    runId: String(r.run_id),
    syncId: String(r.sync_id),
    destinationId: String(r.destination_id),
    orderingKey: String(r.ordering_key),
    createdAt: num(r.created_at),
    status: String(r.status) as Rows.OutboxStatus,
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    payload: r.payload_id === null || r.payload_id === undefined
      ? null
      : { id: String(r.payload_id), offset: num(r.payload_offset), length: num(r.payload_length) }
  }
  const model = optText(r.model)
  if (model !== undefined) e.model = model
  const recordId = optText(r.record_id)
  if (recordId !== undefined) e.recordId = recordId
  const first = optNum(r.first_attempt_at)
  if (first !== undefined) e.firstAttemptAt = first
  const lastError = optText(r.last_error)
  if (lastError !== undefined) e.lastError = lastError
  const settled = optNum(r.settled_at)
  if (settled !== undefined) e.settledAt = settled
  const leaseUntil = optNum(r.lease_until)
  if (leaseUntil !== undefined) e.leaseUntil = leaseUntil
  const leaseToken = optText(r.lease_token)
  if (leaseToken !== undefined) e.leaseToken = leaseToken
  if (r.replay !== null && r.replay !== undefined) e.replay = bool(r.replay)
  return e
}
