import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"

/**
 * The API's errors. Every error is a JSON body with a `_tag`, a stable
 * machine-readable `code` and a `message` a person can act on; the HTTP
 * status is part of each error's definition, so the OpenAPI document lists
 * it per endpoint. None ever carries a credential or a secret: messages
 * describe inputs by kind and size, never by value.
 */

/**
 * 400: the request is malformed. `path` names the offending value
 * (`body.destination.url`, `query.limit`) when there is one.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()(
  "BadRequest",
  {
    code: Schema.Literal("invalid_input", "invalid_json", "unknown_connector", "unsupported_model", "invalid_destination"),
    message: Schema.String,
    path: Schema.optional(Schema.String)
  },
  HttpApiSchema.annotations({ status: 400, description: "The request is malformed; `path` names the offending value." })
) {}

/**
 * 401: no credentials, credentials that are not known, or an expired connect
 * session (`code: "session_expired"`: ask the host's backend for a new
 * session).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  {
    code: Schema.Literal("missing_credentials", "invalid_credentials", "session_expired"),
    message: Schema.String
  },
  HttpApiSchema.annotations({ status: 401, description: "Missing or unknown bearer token, or an expired connect session." })
) {}

/**
 * 403: the caller is known but may not do this: a connect-session token on
 * an admin endpoint, an API key on a connect endpoint, or a connector or
 * integration outside the session's scope.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  {
    code: Schema.Literal("admin_only", "session_only", "out_of_scope"),
    message: Schema.String
  },
  HttpApiSchema.annotations({ status: 403, description: "The caller may not use this endpoint or this resource." })
) {}

/**
 * 404.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  {
    code: Schema.Literal("not_found"),
    message: Schema.String,
    entity: Schema.String,
    id: Schema.String
  },
  HttpApiSchema.annotations({ status: 404, description: "No such resource." })
) {}

/**
 * 409: the resource is not in a state that allows this (a run is already in
 * progress, the sync is paused, the session already connected an
 * integration).
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  {
    code: Schema.Literal("run_in_progress", "sync_paused", "session_used"),
    message: Schema.String,
    /** The run in progress, for `run_in_progress`. */
    runId: Schema.optional(Schema.String)
  },
  HttpApiSchema.annotations({ status: 409, description: "The resource's state does not allow this now." })
) {}

/**
 * 413: the request body is larger than the API accepts.
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  {
    code: Schema.Literal("payload_too_large"),
    message: Schema.String,
    maxBytes: Schema.Number
  },
  HttpApiSchema.annotations({ status: 413, description: "The request body is too large." })
) {}

/**
 * 422: the provider refused the credentials (the connector's
 * `ConnectionError`), or an integration needs its end user to connect
 * again. `message` and `resolution` are written for the end user.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionRefused extends Schema.TaggedError<ConnectionRefused>()(
  "ConnectionRefused",
  {
    code: Schema.Literal(
      "invalid_credentials",
      "insufficient_permissions",
      "admin_required",
      "account_not_found",
      "rate_limited",
      "provider_unavailable",
      "reauth_required",
      "credentials_malformed"
    ),
    message: Schema.String,
    resolution: Schema.String
  },
  HttpApiSchema.annotations({ status: 422, description: "The provider refused the credentials; `resolution` says what to do." })
) {}

/**
 * 429: too many attempts; retry after `retryAfterSeconds`.
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()(
  "TooManyRequests",
  {
    code: Schema.Literal("too_many_requests"),
    message: Schema.String,
    retryAfterSeconds: Schema.Number
  },
  HttpApiSchema.annotations({ status: 429, description: "Too many attempts; retry after `retryAfterSeconds`." })
) {}

/**
 * 502: the provider could not be reached for a passthrough request.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadGateway extends Schema.TaggedError<BadGateway>()(
  "BadGateway",
  {
    code: Schema.Literal("provider_unreachable", "response_too_large"),
    message: Schema.String
  },
  HttpApiSchema.annotations({ status: 502, description: "The provider could not be reached or answered too much." })
) {}

/**
 * 503: the store is unavailable; the request can be retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unavailable extends Schema.TaggedError<Unavailable>()(
  "Unavailable",
  {
    code: Schema.Literal("store_unavailable", "not_ready"),
    message: Schema.String
  },
  HttpApiSchema.annotations({ status: 503, description: "A backing service is unavailable; retry later." })
) {}
