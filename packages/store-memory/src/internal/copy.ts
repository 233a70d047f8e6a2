import type { Rows } from "@weft/core/store"

/**
 * Copies in and out of the store. Callers may reuse or mutate what they pass
 * and what they get back, so no row the store keeps is ever shared with them.
 *
 * @internal
 */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** A copy of exactly the viewed bytes (also turns a `Buffer` into a plain `Uint8Array`). */
export const copyBytes = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes)

/** @internal */
export const copyIntegration = (row: Rows.IntegrationRow): Rows.IntegrationRow => ({
  ...row,
  credentials: copyBytes(row.credentials)
})

/** @internal */
export const copyDestination = (row: Rows.DestinationRow): Rows.DestinationRow => ({
  ...row,
  secrets: copyBytes(row.secrets),
  options: structuredClone(row.options)
})

/** Rows of plain data (syncs, runs, model states, audits). @internal */
export const clonePlain = <A>(value: A): A => structuredClone(value)

/**
 * A copy of an outbox entry with every field present (absent ones as
 * `undefined`), so all kept entries share one shape and fields are cleared by
 * assignment rather than `delete`.
 *
 * @internal
 */
export const copyEntry = (row: Rows.OutboxEntry): Mutable<Rows.OutboxEntry> => ({
  id: row.id,
  type: row.type,
  kind: row.kind,
  runId: row.runId,
  syncId: row.syncId,
  destinationId: row.destinationId,
  orderingKey: row.orderingKey,
  model: row.model,
  recordId: row.recordId,
  createdAt: row.createdAt,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.nextAttemptAt,
  firstAttemptAt: row.firstAttemptAt,
  lastError: row.lastError,
  settledAt: row.settledAt,
  leaseUntil: row.leaseUntil,
  leaseToken: row.leaseToken,
  replay: row.replay,
  payload: row.payload === null ? null : copyBytes(row.payload)
})
