import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Schema from "effect/Schema"
import { BadGateway, BadRequest, Conflict, ConnectionRefused, NotFound, TooManyRequests, Unavailable } from "../errors.js"
import { SessionAuth } from "../security.js"
import { ConnectorOffer, IntegrationStatus, Timestamp, AnyJson } from "../views.js"

/**
 * @since 0.1.0
 * @category schemas
 */
export const SessionView = Schema.Struct({
  id: Schema.String,
  tenant: Schema.String,
  expiresAt: Timestamp,
  connectors: Schema.Array(ConnectorOffer),
  /** The integration this session connected, once it has. */
  integrationId: Schema.optional(Schema.String)
}).annotations({ identifier: "ConnectSessionView" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const SubmitCredentials = Schema.Struct({
  connector: Schema.String.annotations({ examples: ["bamboohr"] }),
  credentials: Schema.Record({ key: Schema.String, value: AnyJson }).annotations({
    description: "The fields of the connector's credential form"
  })
}).annotations({ identifier: "SubmitCredentials" })

/**
 * What the front end learns of a connection: never the credentials.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Connected = Schema.Struct({
  integrationId: Schema.String,
  connector: Schema.String,
  tenant: Schema.String,
  status: IntegrationStatus
}).annotations({ identifier: "Connected" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const AuthorizeInput = Schema.Struct({
  /**
   * Where the browser goes once the provider answered. Default: a page that
   * tells the window that opened it (`postMessage`) and closes.
   */
  returnUrl: Schema.optional(Schema.String)
}).annotations({ identifier: "AuthorizeInput" })

/**
 * How an OAuth authorisation ended, as the callback page posts it to the
 * window that opened the consent step (`postMessage`), or as the `weft_*`
 * query parameters of the `returnUrl`. Never holds a token.
 *
 * @since 0.1.0
 * @category schemas
 */
export type OAuthResult =
  | { readonly type: "weft:oauth"; readonly status: "connected"; readonly integrationId: string; readonly connector: string }
  | {
    readonly type: "weft:oauth"
    readonly status: "error"
    readonly connector: string
    readonly code: string
    readonly message: string
    readonly resolution: string
  }

/**
 * The connect endpoints, for the end user's browser with a connect-session
 * token.
 *
 * @since 0.1.0
 * @category groups
 */
export class ConnectGroup extends HttpApiGroup.make("connect")
  .add(
    HttpApiEndpoint.get("session", "/connect/session")
      .addSuccess(SessionView)
      .annotate(OpenApi.Summary, "The session's tenant and the connectors it offers, with their credential forms")
  )
  .add(
    HttpApiEndpoint.post("submit", "/connect/integrations")
      .setPayload(SubmitCredentials)
      .addSuccess(Connected, { status: 201 })
      .addError(BadRequest)
      .addError(ConnectionRefused)
      .addError(Conflict)
      .addError(NotFound)
      .addError(TooManyRequests)
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "Check the credentials with the provider and connect")
      .annotate(
        OpenApi.Description,
        "On refusal, 422 carries the provider's reason (`message`) and what the end user can do (`resolution`); correct the form and submit again. A session connects one integration."
      )
  )
  .add(
    HttpApiEndpoint.post("authorize", "/connect/oauth2/:connector/authorize")
      .setPath(Schema.Struct({ connector: Schema.String }))
      .setPayload(AuthorizeInput)
      .addSuccess(Schema.Struct({ url: Schema.String }))
      .addError(BadRequest)
      .addError(Conflict)
      .annotate(OpenApi.Summary, "Start an OAuth 2 authorisation: the URL to open for the end user")
  )
  .middleware(SessionAuth)
  .annotate(OpenApi.Title, "Connect (browser)")
{}

/**
 * The provider's redirect back after an OAuth 2 authorisation. No
 * authentication header (the browser follows a redirect); the signed
 * `state` names the session.
 *
 * @since 0.1.0
 * @category groups
 */
export class OAuthCallbackGroup extends HttpApiGroup.make("oauthCallback")
  .add(
    HttpApiEndpoint.get("callback", "/connect/oauth2/callback")
      .setUrlParams(
        Schema.Struct({
          state: Schema.optional(Schema.String),
          code: Schema.optional(Schema.String),
          error: Schema.optional(Schema.String),
          error_description: Schema.optional(Schema.String)
        })
      )
      .addSuccess(HttpApiSchema.Text({ contentType: "text/html" }))
      .addSuccess(HttpApiSchema.Empty(302))
      .addError(BadRequest)
      .addError(BadGateway)
      .annotate(OpenApi.Summary, "Finish an OAuth 2 authorisation (the provider redirects here)")
  )
  .annotate(OpenApi.Title, "Connect (browser)")
{}
