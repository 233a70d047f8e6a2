import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import { Forbidden, Unauthorized } from "./errors.js"

/**
 * The two kinds of caller.
 *
 * - The host's backend sends one of its **API keys** as a bearer token. It
 *   may call every endpoint except the connect endpoints.
 * - The end user's browser sends a **connect-session token** (minted by the
 *   backend with `POST /connect-sessions`). It may call the connect
 *   endpoints only, for one tenant and the connectors the session lists,
 *   until the session expires.
 */

const adminKey = HttpApiSecurity.bearer.pipe(
  HttpApiSecurity.annotate(
    OpenApi.Description,
    "One of the host's API keys (`WEFT_API_KEYS`). For the host's backend only; never send it to a browser."
  )
)

const sessionToken = HttpApiSecurity.bearer.pipe(
  HttpApiSecurity.annotate(
    OpenApi.Description,
    "A connect-session token from `POST /connect-sessions`: one tenant, the listed connectors, until it expires."
  )
)

/**
 * Admin endpoints: an API key is required. A connect-session token is
 * refused with 403 (`admin_only`).
 *
 * @since 0.1.0
 * @category security
 */
export class AdminAuth extends HttpApiMiddleware.Tag<AdminAuth>()("@weft/api/AdminAuth", {
  failure: Schema.Union(Unauthorized, Forbidden),
  security: { adminKey }
}) {}

/**
 * A verified connect session: who the end user connects for, and what.
 *
 * @since 0.1.0
 * @category security
 */
export interface ConnectSession {
  readonly id: string
  readonly tenant: string
  /** The connector ids the end user may connect. */
  readonly connectors: ReadonlyArray<string>
  /** Unix ms. */
  readonly expiresAt: number
}

/**
 * The connect session of the current request (connect endpoints only).
 *
 * @since 0.1.0
 * @category security
 */
export class CurrentSession extends Context.Tag("@weft/api/CurrentSession")<CurrentSession, ConnectSession>() {}

/**
 * Connect endpoints: a connect-session token is required. An API key is
 * refused with 403 (`session_only`); an expired session with 401
 * (`session_expired`).
 *
 * @since 0.1.0
 * @category security
 */
export class SessionAuth extends HttpApiMiddleware.Tag<SessionAuth>()("@weft/api/SessionAuth", {
  failure: Schema.Union(Unauthorized, Forbidden),
  provides: CurrentSession,
  security: { sessionToken }
}) {}
