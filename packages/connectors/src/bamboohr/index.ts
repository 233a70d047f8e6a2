import { Auth, Connector } from "@weft/core/connector"
import type { ProviderHttp } from "@weft/core/connector"
import { check } from "./check.js"
import { Credentials } from "./credentials.js"
import { employees } from "./readers.js"

/**
 * The BambooHR connector: `hris.employee`, read incrementally from
 * BambooHR's changed-employees feed.
 *
 * @since 0.1.0
 */

export { CompanyDomain, Credentials } from "./credentials.js"
export { toEmployee } from "./mapping.js"

/**
 * Options of {@link connector}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The API base URL of a company (default `https://{companyDomain}.bamboohr.com`);
   * tests point it at a fake.
   */
  readonly baseUrl?: (companyDomain: string) => string
  /** Employees per page: the list's `page[limit]` and the delta batch size. Default 100 (BambooHR allows up to 2500). */
  readonly pageSize?: number
  /** Get Employee calls in flight at once while reading a page. Default 8. */
  readonly concurrency?: number
  /** Requests started per interval, per integration. Default 50 per second; `"none"` for no limit. */
  readonly rateLimit?: ProviderHttp.RateLimit | "none"
  /** Overrides of the retry policy (BambooHR throttles with 503 + `Retry-After`, which is retried by default). */
  readonly retry?: Partial<ProviderHttp.RetryPolicy>
}

/**
 * BambooHR publishes no fixed limit and throttles with 503; this pace keeps a
 * full read of a few thousand employees well under what it tolerates.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRateLimit: ProviderHttp.RateLimit = { limit: 50, interval: "1 second" }

/**
 * The BambooHR connector.
 *
 * @example
 * ```ts
 * import { BambooHR } from "@weft/connectors"
 * import { Connector } from "@weft/core/connector"
 * import * as Redacted from "effect/Redacted"
 *
 * const bamboo = BambooHR.connector()
 * const program = Effect.gen(function*() {
 *   const credentials = yield* bamboo.credentials.decode({ companyDomain: "acme", apiKey: "…" })
 *   const context = yield* Connector.makeContext(bamboo, { integrationId: "int_1", tenant: "acme", credentials })
 *   yield* bamboo.check(context)
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const connector = (options: Options = {}): Connector.Connector<Credentials> => {
  const baseUrl = options.baseUrl ?? ((domain: string) => `https://${domain}.bamboohr.com`)
  const pageSize = Math.max(1, Math.min(2500, Math.floor(options.pageSize ?? 100)))
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8))
  return Connector.define({
    id: "bamboohr",
    name: "BambooHR",
    category: "hris",
    credentials: Credentials,
    auth: Auth.apiKeyAsBasicUser<Credentials>({ key: (c) => c.apiKey, password: "x" }),
    baseUrl: (credentials) => baseUrl(credentials.companyDomain),
    check,
    readers: [employees({ pageSize, concurrency })],
    rateLimit: options.rateLimit === "none" ? undefined : options.rateLimit ?? defaultRateLimit,
    retry: options.retry
  })
}
