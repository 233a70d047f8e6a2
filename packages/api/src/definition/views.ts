import * as Schema from "effect/Schema"
import { Event as CoreEvent } from "@weft/core/events"

/**
 * What the API returns. Times are ISO 8601 strings in UTC; no view ever
 * holds a credential, a webhook secret or record data.
 */

/**
 * @since 0.1.0
 * @category views
 */
export const Timestamp = Schema.String.annotations({
  identifier: "Timestamp",
  description: "An instant, ISO 8601 in UTC",
  examples: ["2026-12-01T18:00:00.000Z"],
  jsonSchema: { format: "date-time" }
})

/**
 * Any JSON value. Named, so its JSON Schema is one shared definition.
 *
 * @since 0.1.0
 * @category views
 */
export const AnyJson = Schema.Unknown.annotations({ identifier: "AnyJson", description: "Any JSON value" })

/**
 * @since 0.1.0
 * @category views
 */
export const IntegrationStatus = Schema.Literal("active", "invalid_credentials", "reauth_required", "disabled")

/**
 * @since 0.1.0
 * @category views
 */
export class Integration extends Schema.Class<Integration>("Integration")({
  id: Schema.String,
  tenant: Schema.String,
  connector: Schema.String,
  status: IntegrationStatus,
  /** Why the status is not `active`, in words an operator can act on. */
  statusMessage: Schema.optional(Schema.String),
  createdAt: Timestamp,
  updatedAt: Timestamp
}) {}

/**
 * @since 0.1.0
 * @category views
 */
export const SyncModel = Schema.Struct({
  model: Schema.String.annotations({ examples: ["hris.employee"] }),
  fieldGroups: Schema.optional(Schema.Array(Schema.String))
}).annotations({ identifier: "SyncModel" })

/**
 * @since 0.1.0
 * @category views
 */
export class Sync extends Schema.Class<Sync>("Sync")({
  id: Schema.String,
  integrationId: Schema.String,
  destinationId: Schema.String,
  models: Schema.Array(SyncModel),
  frequencySeconds: Schema.Number,
  status: Schema.Literal("active", "paused"),
  includeInactive: Schema.Boolean,
  initialCompletedAt: Schema.optional(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp
}) {}

/**
 * @since 0.1.0
 * @category views
 */
export const RunStatus = CoreEvent.RunStatus

/**
 * @since 0.1.0
 * @category views
 */
export const RunType = Schema.Literal("initial", "delta", "manual")

/**
 * An error or warning of a run, with what to do about it when known.
 *
 * @since 0.1.0
 * @category views
 */
export const RunIssue = Schema.Struct({
  message: Schema.String,
  code: Schema.optional(Schema.String),
  resolution: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String)
}).annotations({ identifier: "RunIssue" })

/**
 * A record that did not validate against its model: its id when it had one,
 * and its first error with the path of the offending value.
 *
 * @since 0.1.0
 * @category views
 */
export const InvalidRecord = Schema.Struct({
  recordId: Schema.optional(Schema.String),
  path: Schema.optional(Schema.String),
  error: Schema.String
}).annotations({ identifier: "InvalidRecord" })

/**
 * @since 0.1.0
 * @category views
 */
export const ModelAudit = Schema.Struct({
  model: Schema.String,
  status: Schema.Literal("pending", "running", "succeeded", "partial", "failed", "cancelled"),
  processed: Schema.Number,
  new: Schema.Number,
  changed: Schema.Number,
  deleted: Schema.Number,
  invalid: Schema.Number,
  fullRead: Schema.Boolean,
  startedAt: Schema.optional(Timestamp),
  finishedAt: Schema.optional(Timestamp),
  /** The first invalid records (capped). */
  invalidRecords: Schema.Array(InvalidRecord),
  warnings: Schema.Array(Schema.String),
  error: Schema.optional(RunIssue)
}).annotations({ identifier: "ModelAudit" })

/**
 * A run's audit: what was read, what changed, what went wrong, and how its
 * events were delivered.
 *
 * @since 0.1.0
 * @category views
 */
export class Run extends Schema.Class<Run>("Run")({
  id: Schema.String,
  syncId: Schema.String,
  integrationId: Schema.String,
  connector: Schema.String,
  tenant: Schema.String,
  type: RunType,
  status: RunStatus,
  startedAt: Timestamp,
  finishedAt: Schema.optional(Timestamp),
  durationMs: Schema.optional(Schema.Number),
  models: Schema.Array(ModelAudit),
  warnings: Schema.Array(Schema.String),
  errors: Schema.Array(RunIssue),
  delivery: Schema.Struct({
    recordEvents: Schema.Number,
    acked: Schema.Number,
    deadLettered: Schema.Number,
    pending: Schema.Number,
    allEmitted: Schema.Boolean,
    allConsumed: Schema.Boolean
  })
}) {}

/**
 * @since 0.1.0
 * @category views
 */
export const EventType = Schema.Literal(...(CoreEvent.eventTypes as readonly [CoreEvent.EventType, ...Array<CoreEvent.EventType>]))

/**
 * @since 0.1.0
 * @category views
 */
export const EventStatus = Schema.Literal("pending", "acked", "dead")

/**
 * One event as the outbox holds it (no payload).
 *
 * @since 0.1.0
 * @category views
 */
export class Event extends Schema.Class<Event>("Event")({
  id: Schema.String,
  type: EventType,
  runId: Schema.String,
  syncId: Schema.String,
  destinationId: Schema.String,
  model: Schema.optional(Schema.String),
  recordId: Schema.optional(Schema.String),
  status: EventStatus,
  attempts: Schema.Number,
  createdAt: Timestamp,
  nextAttemptAt: Schema.optional(Timestamp),
  settledAt: Schema.optional(Timestamp),
  lastError: Schema.optional(Schema.String),
  /** Whether the event can be re-sent as stored (otherwise a replay re-reads its record). */
  payloadHeld: Schema.Boolean,
  replay: Schema.Boolean
}) {}

/**
 * One delivery attempt of an event.
 *
 * @since 0.1.0
 * @category views
 */
export const Attempt = Schema.Struct({
  at: Timestamp,
  durationMs: Schema.Number,
  outcome: Schema.Literal("acked", "retry", "dead"),
  statusCode: Schema.optional(Schema.Number),
  error: Schema.optional(Schema.String)
}).annotations({ identifier: "Attempt" })

/**
 * @since 0.1.0
 * @category views
 */
export const ReplayResult = Schema.Struct({
  requeued: Schema.Array(Schema.String),
  resynced: Schema.Array(Schema.Struct({ eventId: Schema.String, recordId: Schema.String, runId: Schema.String })),
  skipped: Schema.Array(Schema.Struct({ eventId: Schema.String, reason: Schema.String })),
  unknown: Schema.Array(Schema.String)
}).annotations({ identifier: "ReplayResult" })

/**
 * A destination. Its signing secrets can be written, never read: only how
 * many are active is shown.
 *
 * @since 0.1.0
 * @category views
 */
export class Destination extends Schema.Class<Destination>("Destination")({
  id: Schema.String,
  url: Schema.String,
  enabled: Schema.Boolean,
  disabledReason: Schema.optional(Schema.String),
  maxConcurrency: Schema.Number,
  secretCount: Schema.Number,
  createdAt: Timestamp,
  updatedAt: Timestamp
}) {}

/**
 * A page of a list, newest or oldest first as the endpoint says. Pass
 * `next` as the `cursor` query parameter to get the following page; it is
 * absent on the last page.
 *
 * @since 0.1.0
 * @category views
 */
export const Page = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Struct({ items: Schema.Array(item), next: Schema.optional(Schema.String) })

/**
 * One field of a connector's credential form.
 *
 * @since 0.1.0
 * @category views
 */
export const CredentialField = Schema.Struct({
  name: Schema.String,
  title: Schema.String,
  description: Schema.optional(Schema.String),
  required: Schema.Boolean,
  /** Render as a password field; the value is never shown back. */
  secret: Schema.Boolean,
  /** Where the end user finds the value. */
  helpUrl: Schema.optional(Schema.String),
  examples: Schema.optional(Schema.Array(Schema.String))
}).annotations({ identifier: "CredentialField" })

/**
 * A connector as a connect session offers it.
 *
 * @since 0.1.0
 * @category views
 */
export const ConnectorOffer = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  category: Schema.String,
  /** `form`: the end user fills `fields`; `oauth2`: they authorise at the provider. */
  kind: Schema.Literal("form", "oauth2"),
  fields: Schema.Array(CredentialField),
  /** The credentials' JSON Schema (secret fields are `writeOnly`). */
  jsonSchema: AnyJson
}).annotations({ identifier: "ConnectorOffer" })
