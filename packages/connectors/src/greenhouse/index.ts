import { Auth, Connector, CredentialForm } from "@weft/core/connector"
import type { ProviderHttp } from "@weft/core/connector"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import { check } from "./check.js"
import type { Prospects } from "./mapping.js"
import { readers } from "./readers.js"

/**
 * The Greenhouse Harvest connector: `ats.job`, `ats.candidate` and
 * `ats.application` from the Harvest v1 API.
 *
 * @since 0.1.0
 */

export * as Api from "./api.js"

/**
 * The connector's id, as it appears in every event.
 *
 * @since 0.1.0
 * @category constants
 */
export const id = "greenhouse"

/**
 * Harvest's documented host.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://harvest.greenhouse.io"

/**
 * What an end user gives to connect: a Harvest API key (Configure › Dev
 * Center › API Credential Management).
 *
 * @since 0.1.0
 * @category models
 */
export const Credentials = Schema.Struct({
  // Plain string inside: a refinement's parse error would quote the key.
  apiKey: Schema.Redacted(Schema.String).annotations({
    title: "Harvest API key",
    description: "A Greenhouse Harvest API key with the List Candidates, List Applications and List Jobs permissions",
    ...CredentialForm.helpUrl("https://developers.greenhouse.io/harvest.html#authentication")
  })
})

/**
 * @since 0.1.0
 * @category models
 */
export type Credentials = typeof Credentials.Type

/**
 * Options of {@link connector}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Default `https://harvest.greenhouse.io` (point it at a fake in tests). The
   * API key is sent to this URL's origin only.
   */
  readonly baseUrl?: string | undefined
  /** Harvest `per_page`, 1–500; default 500 (fewest requests). */
  readonly pageSize?: number | undefined
  /** How often a full read sweeps deleted records; default 24 hours. */
  readonly fullReadEvery?: Duration.DurationInput | undefined
  /**
   * How far before the provider's clock a delta cursor starts; default
   * 1 minute. Covers changes committed just after they were stamped.
   */
  readonly lookback?: Duration.DurationInput | undefined
  /** Prospect applications: `"include"` (default) or `"exclude"`. */
  readonly prospects?: Prospects | undefined
  /** Default 50 requests per 10 seconds, Harvest's usual `X-RateLimit-Limit`. */
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
}

/**
 * Harvest's usual allowance: 50 requests per 10 seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_RATE_LIMIT: ProviderHttp.RateLimit = { limit: 50, interval: "10 seconds" }

/**
 * The Greenhouse connector.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Greenhouse } from "@weft/connectors"
 * import { Connector } from "@weft/core/connector"
 *
 * const greenhouse = Greenhouse.connector()
 * const program = Effect.gen(function*() {
 *   const ctx = yield* Connector.makeContext(greenhouse, {
 *     integrationId: "int_1", tenant: "acme",
 *     credentials: yield* greenhouse.credentials.decode({ apiKey: process.env.HARVEST_KEY })
 *   })
 *   yield* greenhouse.check(ctx)
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const connector = (options: Options = {}): Connector.Connector<Credentials> => {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")
  return Connector.define({
    id,
    name: "Greenhouse",
    category: "ats",
    credentials: Credentials,
    // The key is the basic-auth user; the password is blank.
    auth: Auth.apiKeyAsBasicUser<Credentials>({ key: (c) => c.apiKey, password: "" }),
    baseUrl: () => baseUrl,
    origins: () => [baseUrl],
    check,
    readers: readers<Credentials>({
      baseUrl,
      pageSize: options.pageSize ?? 500,
      lookbackMs: Duration.toMillis(options.lookback ?? "1 minute"),
      prospects: options.prospects ?? "include",
      fullReadEvery: options.fullReadEvery ?? "24 hours"
    }),
    rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
    retry: options.retry
  })
}
