import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { Connector, Errors } from "@weft/core/connector"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Api from "../api.js"
import type { Credentials } from "../credentials.js"
import * as Refusals from "../refusals.js"

/**
 * The credential check, Effect-native: one `GET /api/me`, which tells an
 * unknown or revoked key, a closed helpdesk and a key without the contacts
 * scope apart.
 *
 * @since 0.1.0
 */

const decodeMe = Schema.decodeUnknown(Api.Me)

/**
 * Checks a key. `context.http` already carries the base URL, the bearer key,
 * the rate limiter and the retry policy (a 429 is waited out before this code
 * sees it).
 *
 * @since 0.1.0
 * @category check
 */
export const check = (context: Connector.ConnectorContext<Credentials>): Effect.Effect<void, Errors.ConnectionError> =>
  context.http.execute(HttpClientRequest.get(Api.paths.me)).pipe(
    // A connection error (after the retries) is not the key's fault.
    Effect.mapError(() => Refusals.unavailable("the connection failed")),
    Effect.flatMap((response) => {
      if (response.status < 200 || response.status >= 300) {
        // Read the refusal's body so the connection goes back to the pool.
        return Effect.zipRight(Effect.ignore(response.text), Effect.fail(Refusals.forStatus(response.status)))
      }
      return response.json.pipe(
        Effect.flatMap(decodeMe),
        Effect.mapError(() => Refusals.unavailable("an unreadable answer to GET /api/me", response.status)),
        Effect.filterOrFail(
          (me) => me.scopes.includes(Api.CONTACTS_SCOPE),
          (me) => Refusals.missingScope(me.account.name)
        ),
        Effect.asVoid
      )
    })
  )
