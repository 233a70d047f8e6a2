import { AsyncConnector } from "@weft/connectors"
import { Auth } from "@weft/core/connector"
import type { Connector } from "@weft/core/connector"
import { Credentials } from "../credentials.js"
import { type Options, settings } from "../options.js"
import { check } from "./check.js"
import { contacts } from "./readers.js"

/**
 * The Tickety connector written with the Promise/ky kit: an async `check`
 * and async generators, with a `ky` instance the kit pre-wires with the base
 * URL, the key, the rate limiter and the retry policy. The result is a
 * regular `Connector.Connector`, run by Weft like the Effect-native one.
 *
 * @since 0.1.0
 */

/**
 * The Tickety connector (Promise/ky).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Vault, WeftClient } from "@weft/core"
 * import { SinkWebhook } from "@weft/sink-webhook"
 * import { StoreMemory } from "@weft/store-memory"
 * import { TicketyPromise } from "@weft/example-custom-connector"
 *
 * const weft = WeftClient.make({
 *   connectors: [TicketyPromise.connector()],
 *   store: StoreMemory.layer, sink: SinkWebhook.layer(), http: NodeHttpClient.layerUndici, vault: Vault.layerConfig()
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const connector = (options: Options = {}): Connector.Connector<Credentials> => {
  const resolved = settings(options)
  return AsyncConnector.define({
    id: "tickety",
    name: "Tickety",
    category: "crm",
    credentials: Credentials,
    auth: Auth.bearer<Credentials>((c) => c.apiKey),
    baseUrl: () => resolved.baseUrl,
    check,
    readers: [contacts(resolved)],
    rateLimit: resolved.rateLimit,
    retry: resolved.retry
  })
}
