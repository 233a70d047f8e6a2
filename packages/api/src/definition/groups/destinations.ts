import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Schema from "effect/Schema"
import { BadRequest, NotFound, Unavailable } from "../errors.js"
import { AdminAuth } from "../security.js"
import { Destination } from "../views.js"
import { IdPath } from "./params.js"
import { DestinationInput } from "./syncs.js"

/**
 * Webhook destinations. Secrets can be written (create, rotate), never
 * read.
 *
 * @since 0.1.0
 * @category groups
 */
export class DestinationsGroup extends HttpApiGroup.make("destinations")
  .add(HttpApiEndpoint.get("list", "/destinations").addSuccess(Schema.Struct({ items: Schema.Array(Destination) })))
  .add(
    HttpApiEndpoint.get("get", "/destinations/:id").setPath(IdPath).addSuccess(Destination).addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/destinations")
      .setPayload(DestinationInput)
      .addSuccess(Destination, { status: 201 })
      .annotate(OpenApi.Summary, "Create a destination (URL and address policy are checked)")
  )
  .add(
    HttpApiEndpoint.post("enable", "/destinations/:id/enable")
      .setPath(IdPath)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Enable: the events held while it was disabled are delivered")
  )
  .add(
    HttpApiEndpoint.post("disable", "/destinations/:id/disable")
      .setPath(IdPath)
      .setPayload(Schema.Struct({ reason: Schema.optional(Schema.String.pipe(Schema.maxLength(500))) }))
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Disable: pending events are held, not attempted")
  )
  .add(
    HttpApiEndpoint.put("rotateSecrets", "/destinations/:id/secrets")
      .setPath(IdPath)
      .setPayload(Schema.Struct({ secrets: DestinationInput.fields.secrets }))
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Replace the signing secrets (list old and new during a rotation)")
  )
  .addError(BadRequest)
  .addError(Unavailable)
  .middleware(AdminAuth)
  .annotate(OpenApi.Title, "Destinations")
{}
