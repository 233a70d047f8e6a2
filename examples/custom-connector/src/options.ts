import { Errors } from "@weft/core/connector"
import type { ProviderHttp } from "@weft/core/connector"
import * as Schema from "effect/Schema"
import { DEFAULT_BASE_URL, Instant, MAX_PAGE_SIZE } from "./api.js"

/**
 * The options of the Tickety connector, the same for both styles.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default `https://api.tickety.example`; tests point it at the fake. */
  readonly baseUrl?: string | undefined
  /** Contacts per page (Tickety's `limit`, 1–100). Default 100: the fewest requests. */
  readonly pageSize?: number | undefined
  /** Default: Tickety's documented 120 requests per minute per key. */
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  /** Overrides of the retry policy (429 with `Retry-After` is retried by default). */
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
}

/**
 * Tickety's documented allowance per API key.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_RATE_LIMIT: ProviderHttp.RateLimit = { limit: 120, interval: "1 minute" }

/**
 * The options with their defaults applied.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly baseUrl: string
  readonly pageSize: number
  readonly rateLimit: ProviderHttp.RateLimit
  readonly retry: Partial<ProviderHttp.RetryPolicy> | undefined
}

/**
 * Applies the defaults.
 *
 * @since 0.1.0
 * @category constructors
 */
export const settings = (options: Options): Settings => ({
  baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
  pageSize: options.pageSize ?? MAX_PAGE_SIZE,
  rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
  retry: options.retry
})

/**
 * The operation names read errors carry (the same in both styles).
 *
 * @since 0.1.0
 * @category constants
 */
export const operations = {
  contacts: "list Tickety contacts",
  changes: "list Tickety contacts changed since the last sync",
  deleted: "list Tickety contacts deleted since the last sync",
  one: "get a Tickety contact"
} as const

// Not a type guard: a saved cursor is a string whether or not it is an instant.
const isInstant: (cursor: string) => boolean = Schema.is(Instant)

/**
 * Why a read cannot start, if it cannot: a page size outside Tickety's
 * range, or a saved cursor that is not an instant (e.g. corrupted). Checked
 * before the first request, so the run fails with a message that says what
 * to change instead of a 400 from Tickety.
 *
 * @since 0.1.0
 * @category errors
 */
export const readProblem = (
  settings: Settings,
  operation: string,
  cursor?: string
): Errors.ConnectorError | undefined => {
  const { pageSize } = settings
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return new Errors.ConnectorError({
      operation,
      detail: `pageSize ${pageSize} is outside Tickety's limit range; use an integer from 1 to ${MAX_PAGE_SIZE}`
    })
  }
  if (cursor !== undefined && !isInstant(cursor)) {
    return new Errors.ConnectorError({
      operation,
      detail: `the saved cursor "${cursor.slice(0, 40)}" is not an ISO 8601 instant; run a manual sync to start a new one`
    })
  }
  return undefined
}
