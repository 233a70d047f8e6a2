import { Auth } from "@weft/core/connector"
import type { Connector, ProviderHttp } from "@weft/core/connector"
import * as AsyncConnector from "../kit/index.js"
import { DEFAULT_PAGE_SIZE } from "./api.js"
import { check } from "./check.js"
import { Credentials } from "./credentials.js"
import { readers } from "./readers.js"

/**
 * The Attio connector (`crm.company`, `crm.contact`), written with the
 * Promise/ky kit: async generators over the records query, checked with
 * `GET /v2/self`.
 *
 * @since 0.1.0
 */

export { Credentials } from "./credentials.js"
export { toCompany, toContact } from "./mapping.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default `https://api.attio.com`; tests point it at the fake. The token is sent to this URL's origin only. */
  readonly baseUrl?: string | undefined
  /** Records per query page (default and documented 500). */
  readonly pageSize?: number | undefined
  /** Default: Attio's documented read limit, 100 requests per second. */
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
}

/**
 * The Attio connector.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Connector } from "@weft/core/connector"
 * import { Attio } from "@weft/connectors"
 *
 * const attio = Attio.connector()
 * const program = Effect.gen(function*() {
 *   const credentials = yield* attio.credentials.decode({ apiKey: process.env.ATTIO_TOKEN })
 *   const ctx = yield* Connector.makeContext(attio, { integrationId: "int_1", tenant: "acme", credentials })
 *   yield* attio.check(ctx)
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const connector = (options: Options = {}): Connector.Connector<Credentials> => {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
  const baseUrl = options.baseUrl ?? "https://api.attio.com"
  return AsyncConnector.define({
    id: "attio",
    name: "Attio",
    category: "crm",
    credentials: Credentials,
    auth: Auth.bearer((c: Credentials) => c.apiKey),
    baseUrl: () => baseUrl,
    origins: () => [baseUrl],
    rateLimit: options.rateLimit ?? { limit: 100, interval: "1 second" },
    retry: options.retry,
    check,
    readers: readers(pageSize)
  })
}
