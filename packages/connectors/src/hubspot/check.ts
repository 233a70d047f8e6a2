import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Connector } from "@weft/core/connector"
import { Errors } from "@weft/core/connector"
import { ErrorBody, listRequest, objectTypes, readScope } from "./api.js"
import type { ObjectType } from "./api.js"

/**
 * The credential check: one `limit=1` list call per object type, so a
 * missing scope is named, and HubSpot's refusals turned into
 * `ConnectionError`s an end user can act on.
 *
 * @since 0.1.0
 */

const RECONNECT =
  "Reconnect HubSpot from this app and approve the requested access. If the app was uninstalled in HubSpot " +
  "(Settings › Integrations › Connected apps), install it again while reconnecting."

const connectionError = (
  code: Errors.ConnectionErrorCode,
  message: string,
  resolution: string,
  status?: number
) => new Errors.ConnectionError({ code, message, resolution, ...(status === undefined ? {} : { status }) })

const SCOPE = /^[a-z][a-z0-9._-]{2,80}$/

/**
 * The scopes a `MISSING_SCOPES` answer names (`errors[].context`
 * `requiredGranularScopes` or `requiredScopes`), keeping only strings shaped
 * like scope names.
 *
 * @since 0.1.0
 * @category parsing
 */
export const missingScopes = (body: ErrorBody): ReadonlyArray<string> => {
  const found = new Set<string>()
  for (const error of body.errors ?? []) {
    const context = error.context
    if (typeof context !== "object" || context === null) continue
    for (const key of ["requiredGranularScopes", "requiredScopes"]) {
      const value = (context as Record<string, unknown>)[key]
      if (!Array.isArray(value)) continue
      for (const scope of value) if (typeof scope === "string" && SCOPE.test(scope)) found.add(scope)
    }
  }
  return [...found]
}

// HubSpot answers for a hub that no longer exists (deleted, or held in
// another data centre than the one called) with this wording.
const UNKNOWN_HUB = /unknown to this hublet|hub .* (does not exist|not found|deleted)/i

/**
 * Classifies a non-2xx answer of a check call.
 *
 * @since 0.1.0
 * @category check
 */
export const classify = (
  type: ObjectType,
  status: number,
  body: ErrorBody | undefined
): Errors.ConnectionError => {
  const message = body?.message ?? ""
  if (status === 404 || UNKNOWN_HUB.test(message)) {
    return connectionError(
      "account_not_found",
      "HubSpot does not know the account (hub) these credentials belong to: it was deleted or is hosted in another HubSpot data centre.",
      "Sign in to HubSpot and check that the account still exists (the account menu shows its Hub ID), then reconnect HubSpot from this app with that account.",
      status
    )
  }
  if (status === 401) {
    return connectionError(
      "invalid_credentials",
      "HubSpot refused the access token and it could not be renewed.",
      RECONNECT,
      status
    )
  }
  if (status === 403) {
    const scopes = body?.category === "MISSING_SCOPES" ? missingScopes(body) : []
    const named = scopes.length > 0 ? scopes : body?.category === "MISSING_SCOPES" ? [readScope[type]] : []
    if (named.length > 0) {
      return connectionError(
        "insufficient_permissions",
        `The HubSpot connection was not granted the scope${named.length > 1 ? "s" : ""} ${named.join(", ")}, needed to read ${type}.`,
        `Reconnect HubSpot and approve access to ${type}. If the consent screen does not offer it, ask a HubSpot super admin to ` +
          "approve the app's requested scopes (Settings › Integrations › Connected apps).",
        status
      )
    }
    return connectionError(
      "insufficient_permissions",
      `The HubSpot user who connected the account may not view ${type}.`,
      `Ask a HubSpot super admin to give that user access to ${type} (Settings › Users & Teams › the user › Permissions › CRM), ` +
        "or reconnect HubSpot as a user who has it.",
      status
    )
  }
  if (status === 429) {
    return connectionError(
      "rate_limited",
      "HubSpot is throttling API calls for this account right now.",
      "Wait a minute and try again. If it keeps happening, other integrations are using the account's API limit: " +
        "review them in HubSpot (Settings › Integrations › Connected apps).",
      status
    )
  }
  return connectionError(
    "provider_unavailable",
    `HubSpot could not answer (HTTP ${status}).`,
    "Try again in a few minutes; check https://status.hubspot.com if it persists.",
    status
  )
}

const readBody = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<ErrorBody | undefined> =>
  response.json.pipe(
    Effect.map((json) => Option.getOrUndefined(Schema.decodeUnknownOption(ErrorBody)(json))),
    Effect.orElseSucceed(() => undefined)
  )

const probe = <C>(context: Connector.ConnectorContext<C>, type: ObjectType) =>
  context.http.execute(listRequest(type, { limit: 1, archived: false })).pipe(
    Effect.flatMap((response) =>
      response.status >= 200 && response.status < 300
        ? Effect.ignore(response.arrayBuffer)
        : Effect.flatMap(readBody(response), (body) => Effect.fail(classify(type, response.status, body)))
    ),
    // Anything but a classified answer: a refused token refresh, or the
    // provider (or its token endpoint) out of reach.
    Effect.catchAll((error): Effect.Effect<never, Errors.ConnectionError> => {
      if (error._tag === "ConnectionError") return Effect.fail(error)
      if (error._tag === "ReauthRequiredError") {
        return Effect.fail(
          connectionError(
            "invalid_credentials",
            "The HubSpot authorization expired or was revoked, and HubSpot refused to renew it.",
            RECONNECT
          )
        )
      }
      return Effect.fail(
        connectionError(
          "provider_unavailable",
          "HubSpot could not be reached or could not renew the access token right now.",
          "Check the network connection and try again in a few minutes; check https://status.hubspot.com if it persists."
        )
      )
    })
  )

/**
 * Validates credentials: lists one contact, company and deal; stops at the
 * first refusal.
 *
 * - 401 that a token refresh cannot cure, or a refused refresh →
 *   `invalid_credentials` (reconnect)
 * - 403 `MISSING_SCOPES` → `insufficient_permissions` naming the scope
 * - 404 / unknown hub → `account_not_found`
 * - 429 after the retry policy gave up → `rate_limited`
 * - 5xx, network failure → `provider_unavailable`
 *
 * @since 0.1.0
 * @category check
 */
export const check = <C>(context: Connector.ConnectorContext<C>): Effect.Effect<void, Errors.ConnectionError> =>
  Effect.forEach(objectTypes, (type) => probe(context, type), { discard: true })
