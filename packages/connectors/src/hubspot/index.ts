import * as Duration from "effect/Duration"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { ProviderHttp } from "@weft/core/connector"
import { Auth, Connector } from "@weft/core/connector"
import { maxPageSize, objectTypes, readScope } from "./api.js"
import { check } from "./check.js"
import { reader } from "./readers.js"

/**
 * The HubSpot CRM connector: contacts, companies and deals through the CRM v3
 * objects and search APIs, authorized with OAuth 2 (authorization code +
 * refresh tokens).
 *
 * @since 0.1.0
 */

/**
 * What Weft stores for one HubSpot connection: the OAuth tokens and when the
 * access token expires (Unix ms; HubSpot's tokens live 30 minutes).
 *
 * @since 0.1.0
 * @category models
 */
export const Credentials = Schema.Struct({
  accessToken: Schema.Redacted(Schema.String).annotations({ description: "OAuth access token" }),
  refreshToken: Schema.Redacted(Schema.String).annotations({ description: "OAuth refresh token" }),
  expiresAt: Schema.optional(Schema.Number.annotations({ description: "When the access token expires, Unix ms" }))
}).annotations({ identifier: "HubSpotCredentials" })

/**
 * @since 0.1.0
 * @category models
 */
export type Credentials = typeof Credentials.Type

/**
 * The scopes the connector asks for: read access to contacts, companies and
 * deals.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultScopes: ReadonlyArray<string> = objectTypes.map((type) => readScope[type])

/**
 * HubSpot's default for OAuth apps is 110 requests per 10 seconds per
 * account; stay a little under it.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRateLimit: ProviderHttp.RateLimit = { limit: 100, interval: "10 seconds" }

/**
 * HubSpot sends no `Retry-After` on most 429s, so the backoff itself must
 * outlast its 10-second window: 1 + 2 + 4 + 8 s (±20 %) already does.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRetry: Partial<ProviderHttp.RetryPolicy> = {
  maxRetries: 6,
  baseDelay: "1 second",
  maxDelay: "10 seconds"
}

/**
 * Options of {@link connector}: the HubSpot app's OAuth client, and knobs
 * tests use to point the connector at a fake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The app's client id (HubSpot developer account › Apps › the app › Auth). */
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** Default `https://api.hubapi.com`. */
  readonly baseUrl?: string | undefined
  /** Default `https://api.hubapi.com/oauth/v1/token`. */
  readonly tokenUrl?: string | undefined
  /** Default `https://app.hubspot.com/oauth/authorize`. */
  readonly authorizeUrl?: string | undefined
  /** Default {@link defaultScopes}. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** Refresh this long before the access token expires (default 60 s). */
  readonly refreshSkewMs?: number | undefined
  /** Records per request, 1–100 (default 100). */
  readonly pageSize?: number | undefined
  /** How far before the cursor a delta re-reads (default 5 minutes). */
  readonly lookback?: Duration.DurationInput | undefined
  /** How often a full read sweeps records deleted for good (default 7 days). */
  readonly fullReadEvery?: Duration.DurationInput | undefined
  readonly rateLimit?: ProviderHttp.RateLimit | undefined
  readonly retry?: Partial<ProviderHttp.RetryPolicy> | undefined
}

/**
 * The HubSpot connector.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { HubSpot } from "@weft/connectors"
 *
 * const hubspot = HubSpot.connector({
 *   clientId: process.env.HUBSPOT_CLIENT_ID!,
 *   clientSecret: Redacted.make(process.env.HUBSPOT_CLIENT_SECRET!)
 * })
 * // after the OAuth redirect: Auth.exchangeCode(hubspot.auth, "hubspot", { code, redirectUri })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const connector = (options: Options): Connector.Connector<Credentials> => {
  const baseUrl = options.baseUrl ?? "https://api.hubapi.com"
  const pageSize = Math.min(maxPageSize, Math.max(1, Math.floor(options.pageSize ?? maxPageSize)))
  const readerOptions = {
    pageSize,
    lookbackMs: Duration.toMillis(options.lookback ?? "5 minutes"),
    fullReadEvery: options.fullReadEvery ?? "7 days"
  }
  return Connector.define({
    id: "hubspot",
    name: "HubSpot",
    category: "crm",
    credentials: Credentials,
    auth: Auth.oauth2<Credentials>({
      authorizeUrl: options.authorizeUrl ?? "https://app.hubspot.com/oauth/authorize",
      tokenUrl: options.tokenUrl ?? "https://api.hubapi.com/oauth/v1/token",
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scopes: options.scopes ?? defaultScopes,
      ...(options.refreshSkewMs === undefined ? {} : { refreshSkewMs: options.refreshSkewMs }),
      tokens: (c) => ({ accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAt }),
      withTokens: (_, tokens) => ({
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt })
      })
    }),
    baseUrl: () => baseUrl,
    // The CRM API's origin (the token endpoint is called by the OAuth refresh, not through it).
    origins: () => [baseUrl],
    check,
    readers: objectTypes.map((type) => reader<Credentials>(type, readerOptions)),
    rateLimit: options.rateLimit ?? defaultRateLimit,
    retry: options.retry ?? defaultRetry
  })
}

/**
 * @since 0.1.0
 * @category models
 */
export type { ObjectType } from "./api.js"
