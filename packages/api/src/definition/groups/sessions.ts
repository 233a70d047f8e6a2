import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Schema from "effect/Schema"
import { BadRequest, Unavailable } from "../errors.js"
import { AdminAuth } from "../security.js"
import { Timestamp } from "../views.js"

/**
 * @since 0.1.0
 * @category schemas
 */
export const CreateSessionInput = Schema.Struct({
  tenant: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)).annotations({
    description: "The end customer the integration is for",
    examples: ["acme"]
  }),
  connectors: Schema.optional(
    Schema.Array(Schema.String).annotations({ description: "Connector ids the end user may connect (default: every registered connector)" })
  ),
  expiresInSeconds: Schema.optional(
    Schema.Number.pipe(Schema.int(), Schema.between(60, 86_400)).annotations({
      description: "Lifetime of the session, 60 s to 24 h (default 1800: 30 minutes)"
    })
  )
}).annotations({ identifier: "CreateSessionInput" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const CreatedSession = Schema.Struct({
  id: Schema.String,
  /** Hand this to the front end; it is the only way to use the session. */
  token: Schema.String,
  tenant: Schema.String,
  connectors: Schema.Array(Schema.String),
  expiresAt: Timestamp
}).annotations({ identifier: "CreatedSession" })

/**
 * Connect sessions, minted by the host's backend for its front end.
 *
 * @since 0.1.0
 * @category groups
 */
export class SessionsGroup extends HttpApiGroup.make("sessions")
  .add(
    HttpApiEndpoint.post("create", "/connect-sessions")
      .setPayload(CreateSessionInput)
      .addSuccess(CreatedSession, { status: 201 })
      .addError(BadRequest)
      .addError(Unavailable)
      .annotate(OpenApi.Summary, "Mint a short-lived connect session for one tenant")
      .annotate(
        OpenApi.Description,
        "The token lets a browser list the allowed connectors, submit credentials and run an OAuth authorisation for this tenant, and nothing else."
      )
  )
  .middleware(AdminAuth)
  .annotate(OpenApi.Title, "Connect sessions")
{}
