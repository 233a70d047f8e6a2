import * as Schema from "effect/Schema"
import { IsoDateTime } from "../models/fields.js"

/**
 * The events Weft delivers: one JSON object per HTTP POST, in the Standard
 * Webhooks envelope (`type`, `timestamp`, `data`) plus routing fields.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category fields
 */
export const SyncType = Schema.Literal("initial_sync", "delta_sync", "manual_sync")

/**
 * @since 0.1.0
 * @category models
 */
export type SyncType = typeof SyncType.Type

/**
 * @since 0.1.0
 * @category fields
 */
export const EventId = Schema.String.pipe(
  Schema.pattern(/^evt_[0-9a-f]{32}$/, {
    message: () => "Expected an event id: evt_ followed by 32 lowercase hex digits"
  }),
  Schema.annotations({
    title: "EventId",
    description: "Unique, time-sortable, stable across retries and replays"
  })
)

/**
 * @since 0.1.0
 * @category fields
 */
export const DeleteReason = Schema.Literal("removed", "inactive")

/**
 * @since 0.1.0
 * @category models
 */
export type DeleteReason = typeof DeleteReason.Type

/**
 * Fields shared by every event.
 *
 * @since 0.1.0
 * @category fields
 */
export const envelopeFields = {
  id: EventId,
  timestamp: IsoDateTime,
  integrationId: Schema.String,
  connector: Schema.String,
  tenant: Schema.String,
  syncId: Schema.String,
  syncRunId: Schema.String,
  syncType: SyncType
}

const recordFields = {
  ...envelopeFields,
  model: Schema.String,
  recordId: Schema.String
}

/**
 * A record id not seen before (initial sync: every active record). `data` is
 * the full normalised record, projected to the sync's field groups.
 *
 * @since 0.1.0
 * @category events
 */
export const RecordNew = Schema.Struct({
  type: Schema.Literal("record.new"),
  ...recordFields,
  data: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/**
 * A known record whose fingerprint changed.
 *
 * @since 0.1.0
 * @category events
 */
export const RecordChanged = Schema.Struct({
  type: Schema.Literal("record.changed"),
  ...recordFields,
  data: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/**
 * A known record that is gone (`removed`) or became inactive (`inactive`).
 *
 * @since 0.1.0
 * @category events
 */
export const RecordDeleted = Schema.Struct({
  type: Schema.Literal("record.deleted"),
  ...recordFields,
  data: Schema.Struct({ id: Schema.String, reason: DeleteReason })
})

/**
 * @since 0.1.0
 * @category fields
 */
export const EmittedCounts = Schema.Struct({
  new: Schema.Number,
  changed: Schema.Number,
  deleted: Schema.Number
})

/**
 * A model of a run finished reading (also with zero changes).
 *
 * @since 0.1.0
 * @category events
 */
export const SyncEventsProcessed = Schema.Struct({
  type: Schema.Literal("sync.events.processed"),
  ...envelopeFields,
  model: Schema.String,
  data: Schema.Struct({
    model: Schema.String,
    processed: Schema.Number,
    emitted: EmittedCounts,
    startedAt: IsoDateTime,
    finishedAt: IsoDateTime
  })
})

/**
 * A run's status: `running`, then `succeeded`, `partial` (some models failed
 * or deletes were held back), `failed`, or `cancelled` (stopped by a
 * disconnect, a sync's deletion or pause; the audit says which).
 *
 * @since 0.1.0
 * @category fields
 */
export const RunStatus = Schema.Literal("running", "succeeded", "partial", "failed", "cancelled")

/**
 * @since 0.1.0
 * @category models
 */
export type RunStatus = typeof RunStatus.Type

/**
 * Every record event of the run is in the outbox. The counts let a receiver
 * reconcile what it got.
 *
 * @since 0.1.0
 * @category events
 */
export const SyncEventsAllEmitted = Schema.Struct({
  type: Schema.Literal("sync.events.allEmitted"),
  ...envelopeFields,
  data: Schema.Struct({
    status: RunStatus,
    processed: Schema.Number,
    emitted: Schema.Struct({ ...EmittedCounts.fields, total: Schema.Number }),
    invalid: Schema.Number,
    startedAt: IsoDateTime,
    finishedAt: IsoDateTime
  })
})

/**
 * Every record event of the run is settled (acked or dead-lettered); sent
 * strictly after the last of them.
 *
 * @since 0.1.0
 * @category events
 */
export const SyncEventsAllConsumed = Schema.Struct({
  type: Schema.Literal("sync.events.allConsumed"),
  ...envelopeFields,
  data: Schema.Struct({ acked: Schema.Number, deadLettered: Schema.Number })
})

/**
 * Any Weft event, discriminated by `type`.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { Event } from "@weft/core/events"
 * const decode = Schema.decodeUnknown(Event.WeftEvent)
 * // in a webhook handler: const event = yield* decode(JSON.parse(rawBody))
 * ```
 * @since 0.1.0
 * @category events
 */
export const WeftEvent = Schema.Union(
  RecordNew,
  RecordChanged,
  RecordDeleted,
  SyncEventsProcessed,
  SyncEventsAllEmitted,
  SyncEventsAllConsumed
)

/**
 * @since 0.1.0
 * @category models
 */
export type WeftEvent = typeof WeftEvent.Type

/**
 * @since 0.1.0
 * @category models
 */
export type EventType = WeftEvent["type"]

/**
 * @since 0.1.0
 * @category models
 */
export type RecordEvent = typeof RecordNew.Type | typeof RecordChanged.Type | typeof RecordDeleted.Type

/**
 * @since 0.1.0
 * @category models
 */
export type RunEvent = Exclude<WeftEvent, RecordEvent>

/**
 * Every event type, in the order a run produces them.
 *
 * @since 0.1.0
 * @category constants
 */
export const eventTypes: ReadonlyArray<EventType> = [
  "record.new",
  "record.changed",
  "record.deleted",
  "sync.events.processed",
  "sync.events.allEmitted",
  "sync.events.allConsumed"
]

/**
 * Whether an event is about one record.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRecordEvent = (event: WeftEvent): event is RecordEvent => event.type.startsWith("record.")

/**
 * The routing fields shared by all events of one run.
 *
 * @since 0.1.0
 * @category models
 */
export type Envelope = Omit<typeof RecordNew.Type, "type" | "data" | "model" | "recordId" | "id" | "timestamp">
