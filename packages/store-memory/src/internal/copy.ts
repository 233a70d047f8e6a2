import type { Rows } from "@weft/core/store"

/**
 * Copies in and out of the store. Callers may reuse or mutate what they pass
 * and what they get back, so no mutable row the store keeps is ever shared
 * with them. Outbox payload bytes are the exception: they are immutable by
 * contract (`Rows.PayloadRef`), so they are kept and handed out as given,
 * never copied; payload references and destination options are frozen
 * copies, shared by every read.
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

/** A deep copy of plain JSON data, frozen at every level. @internal */
export const frozenCopy = <A>(value: A): A => deepFreeze(structuredClone(value))

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}

/** A destination as kept: its own secrets and a frozen copy of its options. @internal */
export const keepDestination = (row: Rows.DestinationRow): Rows.DestinationRow => ({
  ...row,
  secrets: copyBytes(row.secrets),
  options: frozenCopy(row.options)
})

/** A destination as handed out: its own secrets; the kept options are frozen, so they are shared. @internal */
export const copyDestination = (row: Rows.DestinationRow): Rows.DestinationRow => ({
  ...row,
  secrets: copyBytes(row.secrets)
})

/** A payload reference as kept and handed out: frozen, without the sealed bytes a write brings. @internal */
export const keepRef = (ref: Rows.PayloadRef): Rows.PayloadRef =>
  Object.freeze({ id: ref.id, offset: ref.offset, length: ref.length })

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
  payload: row.payload === null ? null : keepRef(row.payload)
})
