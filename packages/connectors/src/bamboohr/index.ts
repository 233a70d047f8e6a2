import { Auth, Connector } from "@weft/core/connector"
import type { ProviderHttp } from "@weft/core/connector"
import { check } from "./check.js"
import { Credentials } from "./credentials.js"
import { extended, type FieldSet, standard } from "./fieldSets.js"
import { employees } from "./readers.js"

/**
 * The BambooHR connector: `hris.employee`, read incrementally from
 * BambooHR's changed-employees feed, with the standard field set (the
 * employee list alone, one request per page) or the extended one (every
 * employee's details, compensation included).
 *
 * @since 0.1.0
 */

export { EMPLOYEE_FIELDS, LIST_FIELDS } from "./api.js"
export { CompanyDomain, Credentials } from "./credentials.js"
export type { FieldSet } from "./fieldSets.js"
export { fromListed, toEmployee } from "./mapping.js"

/**
 * Options of {@link connector}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The API base URL of a company (default `https://{companyDomain}.bamboohr.com`);
   * tests point it at a fake. The integration's credentials are sent to this
   * URL's origin only.
   */
  readonly baseUrl?: (companyDomain: string) => string
  /**
   * Which employee fields are read (default `"standard"`):
   * - `"standard"`: what the employee list gives (names, emails, phones, birth
   *   and hire dates, job title, department, location, status, employment
   *   status, manager) — one request per page of `pageSize` employees.
   * - `"extended"`: every mapped field, compensation, termination date,
   *   gender, marital status, home address, employee number and display name
   *   included — one Get Employee request per employee, plus one per page.
   */
  readonly fields?: FieldSet
  /**
   * Employees per list page (`page[limit]`) and changes per delta page.
   * Default 500 for `"standard"`, 100 for `"extended"`; BambooHR allows up to 2500.
   */
  readonly pageSize?: number
  /** Employee ids per `filter[ids][]` request in a standard delta (~30 URL bytes each). Default 100. */
  readonly idsPerRequest?: number
  /**
   * Requests in flight at once within a page: Get Employee calls (extended),
   * or id batches of a delta page (standard). Default 8.
   */
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
 * import * as Effect from "effect/Effect"
 *
 * const bamboo = BambooHR.connector() // standard fields; { fields: "extended" } adds compensation
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
  const fieldSet = options.fields ?? "standard"
  const limit = (n: number) => Math.max(1, Math.min(2500, Math.floor(n)))
  const pageSize = limit(options.pageSize ?? (fieldSet === "standard" ? 500 : 100))
  const fetcherOptions = {
    pageSize,
    idsPerRequest: limit(options.idsPerRequest ?? 100),
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 8))
  }
  const fetcher = fieldSet === "standard" ? standard(fetcherOptions) : extended(fetcherOptions)
  return Connector.define({
    id: "bamboohr",
    name: "BambooHR",
    category: "hris",
    credentials: Credentials,
    auth: Auth.apiKeyAsBasicUser<Credentials>({ key: (c) => c.apiKey, password: "x" }),
    baseUrl: (credentials) => baseUrl(credentials.companyDomain),
    // The company's own API origin, moved by the same `baseUrl` option.
    origins: (credentials) => [baseUrl(credentials.companyDomain)],
    check: check(fieldSet),
    readers: [employees({ pageSize, fetcher })],
    rateLimit: options.rateLimit === "none" ? undefined : options.rateLimit ?? defaultRateLimit,
    retry: options.retry
  })
}
