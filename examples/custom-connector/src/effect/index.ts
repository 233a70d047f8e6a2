import { Auth, Connector } from "@weft/core/connector"
import { Credentials } from "../credentials.js"
import { type Options, settings } from "../options.js"
import { check } from "./check.js"
import { contacts } from "./readers.js"

/**
 * The Tickety connector written Effect-native: `Connector.define`, a check
 * and a reader returning `Effect`s and `Stream`s over the provider client,
 * and `Pagination.cursor` for the body cursor.
 *
 * @since 0.1.0
 */

/**
 * The Tickety connector (Effect-native).
 *
 * @example
 * ```ts
 * import { Weft } from "@weft/core"
 * import { TicketyEffect } from "@weft/example-custom-connector"
 *
 * const WeftLive = Weft.layer({ connectors: [TicketyEffect.connector()] })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const connector = (options: Options = {}): Connector.Connector<Credentials> => {
  const resolved = settings(options)
  return Connector.define({
    id: "tickety",
    name: "Tickety",
    category: "crm",
    credentials: Credentials,
    // `Credentials` names the type: `Auth.bearer` cannot infer it from here.
    auth: Auth.bearer<Credentials>((c) => c.apiKey),
    baseUrl: () => resolved.baseUrl,
    check,
    readers: [contacts(resolved)],
    rateLimit: resolved.rateLimit,
    retry: resolved.retry
  })
}
