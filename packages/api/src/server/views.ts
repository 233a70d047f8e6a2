import type { Api } from "@weft/core/host"
import type { Rows } from "@weft/core/store"
import * as Views from "../definition/views.js"

/** Host API values as the API shows them: ISO times, no credentials, no secrets. */

const iso = (ms: number): string => new Date(ms).toISOString()
const isoOrUndefined = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : iso(ms))

export const integration = (row: Api.Integration): Views.Integration =>
  new Views.Integration(
    {
      id: row.id,
      tenant: row.tenant,
      connector: row.connector,
      status: row.status,
      statusMessage: row.statusMessage,
      createdAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt)
    },
    true
  )

export const sync = (row: Api.Sync): Views.Sync =>
  new Views.Sync(
    {
      id: row.id,
      integrationId: row.integrationId,
      destinationId: row.destinationId,
      models: row.models.map((m) => (m.fieldGroups === undefined ? { model: m.model } : { model: m.model, fieldGroups: m.fieldGroups })),
      frequencySeconds: Math.round(row.frequencyMs / 1000),
      status: row.status,
      includeInactive: row.includeInactive,
      initialCompletedAt: isoOrUndefined(row.initialCompletedAt),
      createdAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt)
    },
    true
  )

type Issue = typeof Views.RunIssue.Type

// A run's errors: structured when the engine recorded a code and resolution,
// plain messages from runs written before it did.
const issue = (value: unknown, model?: string): Issue => {
  if (typeof value === "string") return model === undefined ? { message: value } : { message: value, model }
  const object = value as { readonly message: string; readonly code?: string; readonly resolution?: string; readonly model?: string }
  return {
    message: object.message,
    ...(object.code === undefined ? {} : { code: object.code }),
    ...(object.resolution === undefined ? {} : { resolution: object.resolution }),
    ...(object.model ?? model) === undefined ? {} : { model: (object.model ?? model)! }
  }
}

const invalidRecord = (record: Rows.InvalidRecord): typeof Views.InvalidRecord.Type => {
  const path = (record as { readonly path?: string }).path
  return {
    ...(record.recordId === undefined ? {} : { recordId: record.recordId }),
    ...(path === undefined ? {} : { path }),
    error: record.error
  }
}

const modelAudit = (audit: Rows.ModelAudit): typeof Views.ModelAudit.Type => ({
  model: audit.model,
  status: audit.status,
  ...audit.counters,
  fullRead: audit.fullRead,
  startedAt: isoOrUndefined(audit.startedAt),
  finishedAt: isoOrUndefined(audit.finishedAt),
  invalidRecords: audit.invalidRecords.map(invalidRecord),
  warnings: audit.warnings,
  error: audit.error === undefined ? undefined : issue(audit.error, audit.model)
})

export const run = (row: Api.Run): Views.Run =>
  new Views.Run(
    {
      id: row.id,
      syncId: row.syncId,
      integrationId: row.integrationId,
      connector: row.connector,
      tenant: row.tenant,
      type: row.type,
      status: row.status,
      startedAt: iso(row.startedAt),
      finishedAt: isoOrUndefined(row.finishedAt),
      durationMs: row.finishedAt === undefined ? undefined : row.finishedAt - row.startedAt,
      models: Object.values(row.models).map(modelAudit),
      warnings: row.warnings,
      errors: (row.errors as ReadonlyArray<unknown>).map((e) => issue(e)),
      delivery: {
        recordEvents: row.delivery.recordEvents,
        acked: row.delivery.acked,
        deadLettered: row.delivery.deadLettered,
        pending: Math.max(0, row.delivery.recordEvents - row.delivery.acked - row.delivery.deadLettered),
        allEmitted: row.delivery.emissionClosed,
        allConsumed: row.delivery.consumedEnqueued
      }
    },
    true
  )

export const event = (summary: Api.EventSummary): Views.Event =>
  new Views.Event(
    {
      id: summary.id,
      type: summary.type,
      runId: summary.runId,
      syncId: summary.syncId,
      destinationId: summary.destinationId,
      model: summary.model,
      recordId: summary.recordId,
      status: summary.status,
      attempts: summary.attempts,
      createdAt: iso(summary.createdAt),
      nextAttemptAt: summary.status === "pending" ? iso(summary.nextAttemptAt) : undefined,
      settledAt: isoOrUndefined(summary.settledAt),
      lastError: summary.lastError,
      payloadHeld: summary.payloadHeld,
      replay: summary.replay
    },
    true
  )

export const destination = (view: Api.DestinationView): Views.Destination =>
  new Views.Destination(
    {
      id: view.id,
      url: view.url,
      enabled: view.enabled,
      disabledReason: view.disabledReason,
      maxConcurrency: view.maxConcurrency,
      secretCount: view.secretCount,
      createdAt: iso(view.createdAt),
      updatedAt: iso(view.updatedAt)
    },
    true
  )

export const instant = iso
