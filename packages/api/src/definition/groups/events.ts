import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Schema from "effect/Schema"
import { BadRequest, NotFound, Unavailable } from "../errors.js"
import { AdminAuth } from "../security.js"
import { Attempt, Event, EventStatus, EventType, Page, ReplayResult, Timestamp } from "../views.js"
import { Cursor, IdPath, Instant, Limit } from "./params.js"

/**
 * Which events to replay: one or several ids, a run's, or those created in
 * a time range (optionally of one sync).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReplayInput = Schema.Union(
  Schema.Struct({ eventId: Schema.String }),
  Schema.Struct({ eventIds: Schema.Array(Schema.String).pipe(Schema.minItems(1), Schema.maxItems(1000)) }),
  Schema.Struct({ runId: Schema.String }),
  Schema.Struct({ from: Timestamp, to: Timestamp, syncId: Schema.optional(Schema.String) })
).annotations({ identifier: "ReplayInput" })

/**
 * The outbox: events by run, type, status and time, their delivery
 * attempts, and replay.
 *
 * @since 0.1.0
 * @category groups
 */
export class EventsGroup extends HttpApiGroup.make("events")
  .add(
    HttpApiEndpoint.get("list", "/events")
      .setUrlParams(
        Schema.Struct({
          runId: Schema.optional(Schema.String),
          syncId: Schema.optional(Schema.String),
          type: Schema.optional(EventType),
          status: Schema.optional(EventStatus),
          from: Schema.optional(Instant),
          to: Schema.optional(Instant),
          cursor: Cursor,
          limit: Limit
        })
      )
      .addSuccess(Page(Event))
      .annotate(OpenApi.Summary, "List events in the order they were written")
  )
  .add(
    HttpApiEndpoint.get("attempts", "/events/:id/attempts")
      .setPath(IdPath)
      .addSuccess(Schema.Struct({ items: Schema.Array(Attempt) }))
      .addError(NotFound)
      .annotate(OpenApi.Summary, "An event's delivery attempts, oldest first: status code, duration, error")
  )
  .add(
    HttpApiEndpoint.post("replay", "/events/replay")
      .setPayload(ReplayInput)
      .addSuccess(ReplayResult)
      .annotate(OpenApi.Summary, "Replay by event, run or time range")
      .annotate(
        OpenApi.Description,
        "An event whose payload is still held is re-sent as stored; one whose record data was released after delivery is replayed by re-reading its record."
      )
  )
  .addError(BadRequest)
  .addError(Unavailable)
  .middleware(AdminAuth)
  .annotate(OpenApi.Title, "Events")
{}
