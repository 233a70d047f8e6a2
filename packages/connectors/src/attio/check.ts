import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as AsyncConnector from "../kit/index.js"
import { Identity, REQUIRED_SCOPES } from "./api.js"
import type { Credentials } from "./credentials.js"

/**
 * The credential check: `GET /v2/self` identifies the access token, its
 * workspace and its scopes, so one call tells a wrong or revoked token, a
 * deleted workspace and missing scopes apart.
 *
 * @since 0.1.0
 */

const TOKEN_PLACE = "In Attio, open Workspace settings › Developers › Access tokens"

const refuse = (code: AsyncConnector.ConnectionError["code"], message: string, resolution: string, status?: number) =>
  new AsyncConnector.ConnectionError({ code, message, resolution, ...(status === undefined ? {} : { status }) })

/**
 * Whether granted scopes include `scope` (`x:read-write` includes `x:read`).
 *
 * @since 0.1.0
 * @category scopes
 */
export const hasScope = (granted: ReadonlyArray<string>, scope: string): boolean =>
  granted.includes(scope) || (scope.endsWith(":read") && granted.includes(`${scope}-write`))

const decodeIdentity = Schema.decodeUnknownEither(Identity)

/**
 * Checks an Attio access token; throws a `ConnectionError` saying what is
 * wrong and where in Attio to fix it.
 *
 * @since 0.1.0
 * @category check
 */
export const check = async ({ ky }: AsyncConnector.Context<Credentials>): Promise<void> => {
  const response = await ky.get("v2/self", { throwHttpErrors: false })
  const status = response.status
  if (status === 401) {
    throw refuse(
      "invalid_credentials",
      "Attio did not accept the access token.",
      `${TOKEN_PLACE}, create a token (or copy an existing one) and paste it here.`,
      status
    )
  }
  if (status === 404) {
    throw refuse(
      "account_not_found",
      "The Attio workspace this access token belongs to no longer exists.",
      "Sign in to Attio, open the workspace you want to connect, create an access token in its Workspace settings › Developers and paste it here.",
      status
    )
  }
  if (status === 403) {
    throw refuse(
      "insufficient_permissions",
      "The Attio access token is not allowed to read this workspace.",
      `${TOKEN_PLACE}, give the token the "Records: Read" and "Object configuration: Read" scopes, then try again.`,
      status
    )
  }
  if (status === 429) {
    throw refuse(
      "rate_limited",
      "Attio is limiting the requests of this workspace right now.",
      "Wait a minute and try again.",
      status
    )
  }
  if (status < 200 || status >= 300) {
    throw refuse(
      "provider_unavailable",
      `Attio answered HTTP ${status} while checking the access token.`,
      "Try again in a few minutes. If it keeps failing, check status.attio.com.",
      status
    )
  }
  let body: unknown
  try {
    body = await response.json()
  } catch {
    body = undefined
  }
  const identity = decodeIdentity(body)
  if (Either.isLeft(identity)) {
    throw refuse(
      "provider_unavailable",
      "Attio answered the token check with something unreadable.",
      "Try again in a few minutes. If it keeps failing, check status.attio.com."
    )
  }
  if (!identity.right.active) {
    throw refuse(
      "invalid_credentials",
      "This Attio access token has been revoked or has expired.",
      `${TOKEN_PLACE}, create a new token and paste it here.`
    )
  }
  const granted = identity.right.scope.split(/\s+/).filter((s) => s.length > 0)
  const missing = REQUIRED_SCOPES.filter((s) => !hasScope(granted, s))
  if (missing.length > 0) {
    throw refuse(
      "insufficient_permissions",
      `The Attio access token lacks the scope${missing.length > 1 ? "s" : ""} ${missing.join(" and ")}.`,
      `${TOKEN_PLACE}, edit the token: grant "Records: Read" (record_permission:read) and "Object configuration: Read" (object_configuration:read), then try again.`
    )
  }
}
