import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Schema from "effect/Schema"
import { BadRequest, Conflict, NotFound, Unavailable } from "../errors.js"
import { AdminAuth } from "../security.js"
import { Run, Sync, SyncModel } from "../views.js"
import { IdPath } from "./params.js"

/**
 * A destination to create with a sync: URL and `whsec_…` signing secrets.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DestinationInput = Schema.Struct({
  url: Schema.String.annotations({ examples: ["https://app.example.com/hooks/weft"] }),
  secrets: Schema.Array(Schema.String).pipe(Schema.minItems(1)).annotations({
    description: "`whsec_…` signing secrets; list old and new during a rotation. Never returned.",
    jsonSchema: { writeOnly: true }
  }),
  maxConcurrency: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(1, 1024)))
}).annotations({ identifier: "DestinationInput" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const CreateSyncInput = Schema.Struct({
  integrationId: Schema.String,
  models: Schema.optional(
    Schema.Array(Schema.Union(Schema.String, SyncModel)).annotations({
      description: "Models (and field groups) to sync; default: every model of the connector"
    })
  ),
  destination: Schema.Union(
    Schema.String.annotations({ description: "An existing destination id" }),
    DestinationInput
  ),
  frequencySeconds: Schema.optional(
    Schema.Number.pipe(Schema.int(), Schema.between(60, 31 * 86_400)).annotations({
      description: "Time between delta runs (default 3600)"
    })
  ),
  includeInactive: Schema.optional(Schema.Boolean),
  paused: Schema.optional(Schema.Boolean.annotations({ description: "Create it paused (default false: the initial run starts at once)" }))
}).annotations({ identifier: "CreateSyncInput" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const TriggerInput = Schema.Struct({
  type: Schema.optional(Schema.Literal("delta", "manual").annotations({
    description: "`delta` (default) reads changes; `manual` reads everything and sweeps deletes"
  })),
  confirmDeletes: Schema.optional(Schema.Boolean.annotations({
    description: "With `manual`: apply deletes the mass-delete guard held back"
  }))
}).annotations({ identifier: "TriggerInput" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const ResyncInput = Schema.Struct({
  model: Schema.String.annotations({ examples: ["hris.employee"] }),
  recordId: Schema.String,
  force: Schema.optional(Schema.Boolean.annotations({ description: "Emit an event even if the record did not change" }))
}).annotations({ identifier: "ResyncInput" })

/**
 * Subscriptions of an integration's models to a destination.
 *
 * @since 0.1.0
 * @category groups
 */
export class SyncsGroup extends HttpApiGroup.make("syncs")
  .add(
    HttpApiEndpoint.get("list", "/syncs")
      .setUrlParams(Schema.Struct({ integrationId: Schema.optional(Schema.String) }))
      .addSuccess(Schema.Struct({ items: Schema.Array(Sync) }))
  )
  .add(
    HttpApiEndpoint.get("get", "/syncs/:id").setPath(IdPath).addSuccess(Sync).addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/syncs")
      .setPayload(CreateSyncInput)
      .addSuccess(Sync, { status: 201 })
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Create a sync; unless paused, its initial run starts at once")
  )
  .add(
    HttpApiEndpoint.post("pause", "/syncs/:id/pause")
      .setPath(IdPath)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Pause: a run in progress is cancelled within a page")
  )
  .add(
    HttpApiEndpoint.post("resume", "/syncs/:id/resume")
      .setPath(IdPath)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Resume from the saved cursors, with a delta run right away")
  )
  .add(
    HttpApiEndpoint.post("trigger", "/syncs/:id/trigger")
      .setPath(IdPath)
      .setPayload(TriggerInput)
      .addSuccess(Schema.Struct({ queued: Schema.Literal(true) }), { status: 202 })
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Summary, "Start a run now")
      .annotate(OpenApi.Description, "409 `run_in_progress` when a run of the sync is going on (its id is in `runId`); 409 `sync_paused` when paused.")
  )
  .add(
    HttpApiEndpoint.post("resync", "/syncs/:id/resync")
      .setPath(IdPath)
      .setPayload(ResyncInput)
      .addSuccess(Run)
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Summary, "Re-read one record and emit an event if it changed; returns the run's audit")
  )
  .add(
    HttpApiEndpoint.del("delete", "/syncs/:id")
      .setPath(IdPath)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Stop and delete the sync with its fingerprints; runs and events stay")
  )
  .addError(BadRequest)
  .addError(Unavailable)
  .middleware(AdminAuth)
  .annotate(OpenApi.Title, "Syncs")
{}
