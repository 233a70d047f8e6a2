import * as Schema from "effect/Schema"

/**
 * The errors a connector reports.
 *
 * @since 0.1.0
 */

/**
 * Why credentials were refused, as a stable code.
 *
 * @since 0.1.0
 * @category models
 */
export const ConnectionErrorCode = Schema.Literal(
  "invalid_credentials",
  "insufficient_permissions",
  "admin_required",
  "account_not_found",
  "rate_limited",
  "provider_unavailable"
)

/**
 * @since 0.1.0
 * @category models
 */
export type ConnectionErrorCode = typeof ConnectionErrorCode.Type

/**
 * Credentials could not be validated. `message` says what is wrong and
 * `resolution` what the end user can do about it, both fit to show in a
 * connect UI.
 *
 * @example
 * ```ts
 * import { Errors } from "@weft/core/connector"
 * new Errors.ConnectionError({
 *   code: "invalid_credentials",
 *   message: "BambooHR rejected the API key.",
 *   resolution: "Create a new API key in BambooHR (your name › API Keys) and paste it here."
 * })
 * ```
 * @since 0.1.0
 * @category errors
 */
export class ConnectionError extends Schema.TaggedError<ConnectionError>()("ConnectionError", {
  code: ConnectionErrorCode,
  message: Schema.String,
  resolution: Schema.String,
  /** The provider's HTTP status, when the refusal came from one. */
  status: Schema.optional(Schema.Number)
}) {}

/**
 * A provider call failed after the retry policy gave up, or answered
 * something the connector cannot read.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectorError extends Schema.TaggedError<ConnectorError>()("ConnectorError", {
  /** What was being done, e.g. `"GET /v1/employees"` or `"decode employee page"`. */
  operation: Schema.String,
  detail: Schema.String,
  status: Schema.optional(Schema.Number),
  cause: Schema.optional(Schema.Defect)
}) {
  override get message(): string {
    return `${this.operation} failed${this.status === undefined ? "" : ` (HTTP ${this.status})`}: ${this.detail}`
  }
}

/**
 * The integration's OAuth tokens can no longer be refreshed: the end user
 * must connect the account again.
 *
 * @since 0.1.0
 * @category errors
 */
export class ReauthRequiredError extends Schema.TaggedError<ReauthRequiredError>()("ReauthRequiredError", {
  connector: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `The ${this.connector} authorization expired or was revoked (${this.detail}). Ask the account owner to reconnect the integration.`
  }
}

/**
 * A paginated endpoint handed back a cursor it had already given, which would
 * read forever.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaginationLoopError extends Schema.TaggedError<PaginationLoopError>()("PaginationLoopError", {
  operation: Schema.String,
  cursor: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: the provider returned cursor "${this.cursor}" again; stopping instead of reading the same pages forever.`
  }
}

/**
 * Why a URL may not carry an integration's credentials.
 *
 * - `other_origin`: its origin (scheme, host and port) is not one the
 *   connector declares for the integration.
 * - `userinfo`: it names a user or password (`https://user@host/…`).
 * - `unreadable`: it is not an absolute `http(s)` URL.
 *
 * @since 0.1.0
 * @category models
 */
export const OriginRefusal = Schema.Literal("other_origin", "userinfo", "unreadable")

/**
 * @since 0.1.0
 * @category models
 */
export type OriginRefusal = typeof OriginRefusal.Type

/**
 * A provider client refused to send a request, because its URL is not on one
 * of the integration's origins (see `Connector.origins`): the integration's
 * credentials are only ever sent there. Raised before anything is sent, for
 * any request of the client — a connector's own, a next-page link or body
 * URL the provider returned, a passthrough. `url` is shown without user
 * info, query or fragment.
 *
 * @since 0.1.0
 * @category errors
 */
export class OriginNotAllowedError extends Schema.TaggedError<OriginNotAllowedError>()("OriginNotAllowedError", {
  /** The connector id. */
  connector: Schema.String,
  /** What was being done, e.g. `"GET"` or `"list employees: next page"`. */
  operation: Schema.String,
  url: Schema.String,
  reason: OriginRefusal,
  /** The origins the integration's credentials may be sent to. */
  allowed: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const allowed = this.allowed.length === 0 ? "none is declared" : this.allowed.join(", ")
    const why = this.reason === "userinfo"
      ? "the URL names a user or password; remove the user@ part, the integration's auth supplies the credentials"
      : this.reason === "unreadable"
      ? `it is not an absolute http(s) URL on the provider's origin (${allowed})`
      : `that origin is not one of the integration's (${allowed}). Use a path relative to the provider's base URL; ` +
        "if the provider really answers on that origin, declare it in the connector's `origins`"
    return `${this.operation}: refused to send the ${this.connector} integration's credentials to ${this.url}: ${why}.`
  }
}
