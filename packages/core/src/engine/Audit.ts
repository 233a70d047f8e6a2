import type { RunStatus } from "../events/Event.js"
import type { InvalidRecord, ModelAudit, RunCounters, RunIssue, RunRow } from "../store/Rows.js"
import { emptyCounters } from "../store/Rows.js"

/**
 * Arithmetic of run audits: counters, capped samples, status roll-up.
 *
 * @since 0.1.0
 */

/**
 * How many invalid records a model audit keeps (the count is always exact).
 *
 * @since 0.1.0
 * @category constants
 */
export const INVALID_SAMPLE_LIMIT = 50

/**
 * @since 0.1.0
 * @category constructors
 */
export const pending = (model: string): ModelAudit => ({
  model,
  status: "pending",
  counters: emptyCounters,
  fullRead: false,
  invalidRecords: [],
  warnings: []
})

/**
 * @since 0.1.0
 * @category combinators
 */
export const addCounters = (a: RunCounters, b: RunCounters): RunCounters => ({
  processed: a.processed + b.processed,
  new: a.new + b.new,
  changed: a.changed + b.changed,
  deleted: a.deleted + b.deleted,
  invalid: a.invalid + b.invalid
})

/**
 * Adds a page's counters and invalid records to a model audit.
 *
 * @since 0.1.0
 * @category combinators
 */
export const addPage = (audit: ModelAudit, counters: RunCounters, invalid: ReadonlyArray<InvalidRecord>): ModelAudit => ({
  ...audit,
  counters: addCounters(audit.counters, counters),
  invalidRecords: invalid.length === 0 || audit.invalidRecords.length >= INVALID_SAMPLE_LIMIT
    ? audit.invalidRecords
    : [...audit.invalidRecords, ...invalid].slice(0, INVALID_SAMPLE_LIMIT)
})

/**
 * The status of a run from its models': any cancelled → `cancelled`; all
 * succeeded → `succeeded`; all failed → `failed`; anything else → `partial`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const rollUp = (models: ReadonlyArray<ModelAudit>): RunStatus => {
  if (models.length === 0) return "succeeded"
  if (models.some((m) => m.status === "cancelled")) return "cancelled"
  if (models.every((m) => m.status === "succeeded")) return "succeeded"
  if (models.every((m) => m.status === "failed" || m.status === "pending")) return "failed"
  return "partial"
}

/**
 * The sum of the models' counters.
 *
 * @since 0.1.0
 * @category combinators
 */
export const totals = (models: ReadonlyArray<ModelAudit>): RunCounters =>
  models.reduce((sum, m) => addCounters(sum, m.counters), emptyCounters)

/**
 * A run problem from an error: its message, and its `code` and `resolution`
 * when it carries them as strings (a `ConnectionError` does), or a plain
 * message.
 *
 * @example
 * ```ts
 * import { Errors } from "@weft/core/connector"
 * import { Audit } from "@weft/core/engine"
 *
 * Audit.issueOf(new Errors.ConnectionError({ code: "invalid_credentials", message: "The API key was revoked.", resolution: "Reconnect with a new key." }))
 * // { message: "The API key was revoked.", code: "invalid_credentials", resolution: "Reconnect with a new key." }
 * Audit.issueOf("The run was interrupted.") // { message: "The run was interrupted." }
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const issueOf = (error: unknown, message?: string): RunIssue => {
  if (typeof error === "string") return { message: message ?? error }
  const fields = typeof error === "object" && error !== null ? (error as Record<string, unknown>) : {}
  const issue: { message: string; code?: string; resolution?: string } = {
    message: message ?? (typeof fields.message === "string" ? fields.message : String(error))
  }
  if (typeof fields.code === "string") issue.code = fields.code
  if (typeof fields.resolution === "string") issue.resolution = fields.resolution
  return issue
}

/**
 * The final row of a run from its model audits and run-level errors: the
 * status rolled up (a run with errors and no succeeded model is `failed`),
 * model warnings (prefixed with their model's name) and errors (with their
 * `model`) gathered after the run's own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const finish = (
  run: RunRow,
  audits: ReadonlyArray<ModelAudit>,
  errors: ReadonlyArray<RunIssue>,
  finishedAt: number
): RunRow => {
  const rolled = rollUp(audits)
  const status = rolled !== "cancelled" && errors.length > 0 && audits.every((a) => a.status !== "succeeded") ? "failed" : rolled
  return {
    ...run,
    status,
    finishedAt,
    models: Object.fromEntries(audits.map((a) => [a.model, a])),
    warnings: audits.flatMap((a) => a.warnings.map((w) => `${a.model}: ${w}`)),
    errors: [...errors, ...audits.flatMap((a) => (a.error === undefined ? [] : [{ ...a.error, model: a.model }]))]
  }
}
