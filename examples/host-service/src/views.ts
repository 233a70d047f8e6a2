import type { Api } from "@weft/core"
import type { RunReport } from "./directory.js"

/**
 * How the service shows Weft's objects to its clients: times as ISO 8601,
 * a run's per-model audit as a list, and, beside each run, what the service
 * itself received from it.
 *
 * @since 0.1.0
 */

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString())

/**
 * A run's audit, with the run events the service received for it.
 *
 * @since 0.1.0
 * @category views
 */
export const runView = (run: Api.Run, received: RunReport | undefined) => ({
  id: run.id,
  syncId: run.syncId,
  tenant: run.tenant,
  connector: run.connector,
  type: run.type,
  status: run.status,
  startedAt: iso(run.startedAt),
  finishedAt: iso(run.finishedAt),
  models: Object.values(run.models).map((audit) => ({
    model: audit.model,
    status: audit.status,
    fullRead: audit.fullRead,
    ...audit.counters,
    invalidRecords: audit.invalidRecords,
    warnings: audit.warnings,
    ...(audit.error === undefined ? {} : { error: audit.error })
  })),
  warnings: run.warnings,
  errors: run.errors,
  delivery: run.delivery,
  received: received ?? null
})

/**
 * One line per run, for the service's log.
 *
 * @since 0.1.0
 * @category views
 */
export const runLine = (run: Api.Run): string => {
  const models = Object.values(run.models)
    .map((m) => `${m.model} ${m.status}: ${m.counters.processed} read, +${m.counters.new} ~${m.counters.changed} -${m.counters.deleted}, ${m.counters.invalid} invalid`)
    .join("; ")
  const delivered = `${run.delivery.acked}/${run.delivery.recordEvents} record events delivered`
  return `run ${run.id} (${run.type}) ${run.status} — ${models || "no models yet"} — ${delivered}`
}

/**
 * A sync, with its frequency readable.
 *
 * @since 0.1.0
 * @category views
 */
export const syncView = (sync: Api.Sync) => ({
  id: sync.id,
  integrationId: sync.integrationId,
  destinationId: sync.destinationId,
  models: sync.models,
  status: sync.status,
  frequencyMinutes: sync.frequencyMs / 60_000,
  createdAt: iso(sync.createdAt)
})

/**
 * An integration (Weft's view never holds credentials).
 *
 * @since 0.1.0
 * @category views
 */
export const integrationView = (integration: Api.Integration) => ({
  ...integration,
  createdAt: iso(integration.createdAt),
  updatedAt: iso(integration.updatedAt)
})
