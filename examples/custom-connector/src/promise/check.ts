import type { AsyncConnector } from "@weft/connectors"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Api from "../api.js"
import type { Credentials } from "../credentials.js"
import * as Refusals from "../refusals.js"

/**
 * The credential check, as plain async code: one `GET /api/me`. Throwing a
 * `ConnectionError` refuses the key; anything else thrown is reported by the
 * kit as `provider_unavailable`.
 *
 * @since 0.1.0
 */

const decodeMe = Schema.decodeUnknownEither(Api.Me)

/**
 * Checks a key. `ky` already carries the base URL, the bearer key, the rate
 * limiter and the retry policy (a 429 is waited out before this code sees it).
 *
 * @since 0.1.0
 * @category check
 */
export const check = async ({ ky }: AsyncConnector.Context<Credentials>): Promise<void> => {
  // `throwHttpErrors: false`: a refusal is an answer to read, not an exception.
  const response = await ky.get("api/me", { throwHttpErrors: false })
  if (!response.ok) throw Refusals.forStatus(response.status)
  const me = decodeMe(await response.json().catch(() => undefined))
  if (Either.isLeft(me)) throw Refusals.unavailable("an unreadable answer to GET /api/me", response.status)
  if (!me.right.scopes.includes(Api.CONTACTS_SCOPE)) throw Refusals.missingScope(me.right.account.name)
}
