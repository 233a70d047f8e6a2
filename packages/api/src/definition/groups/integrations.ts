import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Schema from "effect/Schema"
import { BadGateway, BadRequest, ConnectionRefused, NotFound, TooManyRequests, Unavailable } from "../errors.js"
import { AdminAuth } from "../security.js"
import { Integration, IntegrationStatus, AnyJson } from "../views.js"
import { IdPath } from "./params.js"

/**
 * A request to send to the integration's provider.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PassthroughRequest = Schema.Struct({
  method: Schema.Literal("GET", "POST", "PUT", "PATCH", "DELETE"),
  /** A path on the provider's API (`/v1/meta/fields`), or an absolute URL on the provider's origin. */
  path: Schema.String.pipe(Schema.minLength(1)),
  query: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }).annotations({
    description: "Extra headers; `authorization`, `cookie` and `host` are not allowed (the integration's auth is added)"
  })),
  /** A JSON body, sent as `application/json`. */
  body: Schema.optional(AnyJson)
}).annotations({ identifier: "PassthroughRequest" })

/**
 * The provider's answer, as is.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PassthroughResponse = Schema.Struct({
  status: Schema.Number,
  headers: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** The body: text as is (JSON included), anything else in base64. */
  body: Schema.String,
  bodyEncoding: Schema.Literal("utf8", "base64")
}).annotations({ identifier: "PassthroughResponse" })

/**
 * Connected accounts: list, inspect, check again, replace credentials,
 * disconnect, and talk to the provider with their auth.
 *
 * @since 0.1.0
 * @category groups
 */
export class IntegrationsGroup extends HttpApiGroup.make("integrations")
  .add(
    HttpApiEndpoint.get("list", "/integrations")
      .setUrlParams(
        Schema.Struct({
          tenant: Schema.optional(Schema.String),
          status: Schema.optional(IntegrationStatus),
          connector: Schema.optional(Schema.String)
        })
      )
      .addSuccess(Schema.Struct({ items: Schema.Array(Integration) }))
      .annotate(OpenApi.Summary, "List integrations, by tenant, status or connector")
  )
  .add(
    HttpApiEndpoint.get("get", "/integrations/:id")
      .setPath(IdPath)
      .addSuccess(Integration)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.del("disconnect", "/integrations/:id")
      .setPath(IdPath)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Disconnect: stop and delete its syncs, then the integration")
      .annotate(
        OpenApi.Description,
        "A run in progress is cancelled within a page. Events already in the outbox are still delivered; runs and events stay listable."
      )
  )
  .add(
    HttpApiEndpoint.post("revalidate", "/integrations/:id/revalidate")
      .setPath(IdPath)
      .addSuccess(Integration)
      .addError(NotFound)
      .addError(ConnectionRefused)
      .annotate(OpenApi.Summary, "Check the stored credentials with the provider again")
      .annotate(
        OpenApi.Description,
        "Accepted credentials make the integration `active` again; a refusal is 422 with the reason and the resolution, and the integration's status records it."
      )
  )
  .add(
    HttpApiEndpoint.put("updateCredentials", "/integrations/:id/credentials")
      .setPath(IdPath)
      .setPayload(Schema.Struct({ credentials: Schema.Record({ key: Schema.String, value: AnyJson }) }))
      .addSuccess(Integration)
      .addError(NotFound)
      .addError(ConnectionRefused)
      .annotate(OpenApi.Summary, "Replace the credentials (checked with the provider first)")
  )
  .add(
    HttpApiEndpoint.post("passthrough", "/integrations/:id/passthrough")
      .setPath(IdPath)
      .setPayload(PassthroughRequest)
      .addSuccess(PassthroughResponse)
      .addError(NotFound)
      .addError(ConnectionRefused)
      .addError(TooManyRequests)
      .addError(BadGateway)
      .annotate(OpenApi.Summary, "Send a request to the provider with the integration's auth")
      .annotate(
        OpenApi.Description,
        "Only to the provider's origin: a path resolves against the integration's base URL, and an absolute URL on another origin is refused (400). The provider's answer comes back as is, whatever its status."
      )
  )
  .addError(BadRequest)
  .addError(Unavailable)
  .middleware(AdminAuth)
  .annotate(OpenApi.Title, "Integrations")
{}
