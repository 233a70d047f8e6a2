import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as FakeServer from "../kit/FakeServer.js"
import type { FakeRequest, RecordedRequest } from "../kit/FakeServer.js"
import type { Faults } from "../kit/Faults.js"
import { FakeClock } from "../kit/Seeded.js"
import { authorizePath, Consent, decisionPath } from "./consent.js"
import { idBase, objectTypes } from "./data.js"
import type { Associations, ObjectType, Owner, Properties } from "./data.js"
import type { TokenPair } from "./oauth.js"
import { Portal } from "./portal.js"
import type { Rendered } from "./portal.js"
import { rateLimitBody, router } from "./routes.js"

/**
 * The running fake: options, the `Fake` handle, `start` and `scoped`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type { Associations, ObjectType, Owner, Properties, Rendered, TokenPair }

/**
 * @since 0.1.0
 * @category constants
 */
export { objectTypes }

/**
 * The scopes of a fully granted connection.
 *
 * @since 0.1.0
 * @category constants
 */
export const allScopes: ReadonlyArray<string> = [
  "crm.objects.contacts.read",
  "crm.objects.companies.read",
  "crm.objects.deals.read",
  "oauth"
]

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly seed?: number
  /** Seeded records per object type (default 250; up to 1,000,000). */
  readonly size?: number
  readonly sizes?: Partial<Record<ObjectType, number>>
  readonly clientId?: string
  readonly clientSecret?: string
  /** Issue a new refresh token on every refresh and retire the old one (HubSpot does not by default). */
  readonly rotateRefreshTokens?: boolean
  /** Access token lifetime on the fake clock (default 30 minutes, as HubSpot). */
  readonly tokenLifetimeMs?: number
  /** Send the daily rate-limit headers (HubSpot sends them only to private apps). */
  readonly dailyLimitHeaders?: boolean
  /**
   * How `GET /oauth/authorize` gets consent: `page` (default) shows the
   * consent page, whose buttons post the decision; `auto` redirects at once
   * as if the user granted access (for tests without a browser).
   */
  readonly consent?: "page" | "auto"
  /** The app's name on the consent page (default `Weft`). */
  readonly appName?: string
  /** The portal's name on the consent page (default `Northwind Traders`). */
  readonly portalName?: string
  /** The scopes the app is configured with; a consent request for any other is refused (default {@link allScopes}). */
  readonly appScopes?: ReadonlyArray<string>
  /** The app's registered redirect URLs (exact match); by default any http(s) URL is accepted. */
  readonly redirectUris?: ReadonlyArray<string>
}

/**
 * A running fake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fake {
  readonly url: string
  /** `${url}/oauth/v1/token` */
  readonly tokenUrl: string
  /**
   * `${url}/oauth/authorize`: HubSpot's consent step. With `client_id`,
   * `redirect_uri`, the space-separated `scope` (and `optional_scope`) and
   * `state`, it shows a page whose "Grant access" and "Cancel" buttons post to
   * `${url}/oauth/authorize/decision`, which redirects to
   * `redirect_uri?code=…&state=…` (a code for {@link tokenUrl}, bound to that
   * redirect URL) or `redirect_uri?error=access_denied&error_description=…&state=…`.
   * An unknown client, a missing or non-http(s) redirect URL or a scope the
   * app is not configured with get a 400 error page and no redirect.
   */
  readonly authorizeUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly hubId: number
  /** The portal's users who own records (`hubspot_owner_id`). */
  readonly owners: ReadonlyArray<Owner>
  readonly clock: FakeClock
  readonly faults: Faults
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Token pairs for each credential case. */
  readonly tokens: {
    /** All read scopes, valid. */
    readonly good: TokenPair
    /** Access token expired, refresh token good. */
    readonly expired: TokenPair
    /** The app was uninstalled: both tokens refused. */
    readonly revoked: TokenPair
    /** Granted without `crm.objects.deals.read`. */
    readonly missingDealsScope: TokenPair
    /** Tokens of a hub that was deleted. */
    readonly deletedHub: TokenPair
  }
  /** Successful refresh-token grants so far. */
  readonly refreshCount: () => number
  /** A new token pair for this portal (or another hub), as after a consent. */
  readonly issueTokens: (options?: { readonly scopes?: ReadonlyArray<string>; readonly expired?: boolean }) => TokenPair
  /** An authorization code for `redirectUri` (what HubSpot's consent redirect carries). */
  readonly authorize: (redirectUri: string, scopes?: ReadonlyArray<string>) => string
  /**
   * The next valid request to {@link authorizeUrl} is declined at once, as if
   * the user clicked "Cancel": it redirects with `error=access_denied`, in
   * either consent mode.
   */
  readonly denyNextConsent: () => void
  /** Revokes a refresh token and its access tokens (app uninstalled). */
  readonly revoke: (refreshToken: string) => void
  /** Every access token issued so far expires now. */
  readonly expireAccessTokens: () => void
  /** The id of seeded record `index`. */
  readonly idAt: (type: ObjectType, index: number) => string
  /**
   * A record as the API renders it (all known properties, companies and
   * contacts inline), archived or not; `undefined` if gone.
   */
  readonly get: (type: ObjectType, id: string) => Rendered | undefined
  readonly create: (type: ObjectType, properties: Properties, associations?: Partial<Associations>) => string
  readonly update: (type: ObjectType, id: string, properties: Properties) => void
  /** The same change to many records in one import: they share one modification time. */
  readonly importUpdates: (type: ObjectType, ids: ReadonlyArray<string>, properties: Properties) => void
  readonly archive: (type: ObjectType, id: string) => void
  readonly restore: (type: ObjectType, id: string) => void
  /** Deleted for good: gone from both listings and from search. */
  readonly purge: (type: ObjectType, id: string) => void
  readonly merge: (type: ObjectType, primaryId: string, mergedId: string) => void
  /**
   * The next `times` CRM requests answer 429 for a rate-limit policy:
   * `TEN_SECONDLY_ROLLING` (any call, with the interval headers),
   * `SECONDLY` (search only, no headers) or `DAILY`. HubSpot sends no
   * `Retry-After`; pass `retryAfter` (seconds) to add one.
   */
  readonly throttle: (options: {
    readonly times: number
    readonly policy?: "TEN_SECONDLY_ROLLING" | "SECONDLY" | "DAILY"
    readonly retryAfter?: number
  }) => void
  /** The next `times` CRM requests answer 502/503/504 (an outage). */
  readonly outage: (options: { readonly times: number; readonly status?: 502 | 503 | 504; readonly retryAfter?: number }) => void
  /** The next read of `type` (list or change search) fails after its first page: a 500 or a malformed body. */
  readonly failAfterFirstPage: (type: ObjectType, kind?: "500" | "malformed") => void
  /** Requests that did not carry credentials this fake issued (should stay empty). */
  readonly authProblems: () => ReadonlyArray<string>
  readonly close: () => Promise<void>
}

const isConsent = (r: { readonly path: string }) => {
  const path = r.path.replace(/\/$/, "")
  return path === authorizePath || path === decisionPath
}
const isCrm = (r: FakeRequest) => r.path.startsWith("/crm/")
const isSearch = (r: FakeRequest) => isCrm(r) && r.method === "POST" && r.path.endsWith("/search")

// The connector's "newest change" probe (one record, newest first) is not a
// page of a read.
const isProbe = (r: FakeRequest) => {
  const body = r.json as { limit?: unknown; sorts?: Array<{ direction?: unknown }> } | undefined
  return body?.limit === 1 && body.sorts?.[0]?.direction === "DESCENDING"
}

/**
 * Starts a fake.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options = {}): Promise<Fake> => {
  const seed = options.seed ?? 1
  const size = options.size ?? 250
  const sizes = Object.fromEntries(objectTypes.map((t) => [t, options.sizes?.[t] ?? size])) as Record<ObjectType, number>
  const clock = new FakeClock()
  const hubId = 4_412_718
  const deletedHub = 4_419_902
  const clientId = options.clientId ?? "5f7c2a90-3d41-4a6e-9b0f-2c8e61d4a7b3"
  const clientSecret = options.clientSecret ?? "hs-app-secret-7d1e9c44b2"
  const portal = new Portal(clock, hubId, {
    seed,
    sizes,
    clientId,
    clientSecret,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    tokenLifetimeMs: options.tokenLifetimeMs ?? 30 * 60_000
  })
  const grant = (scopes: ReadonlyArray<string> = allScopes) => ({ hubId, scopes })
  const tokens = {
    good: portal.oauth.issue(grant()),
    expired: portal.oauth.issue(grant(), { expired: true }),
    revoked: portal.oauth.issue(grant()),
    missingDealsScope: portal.oauth.issue(grant(allScopes.filter((s) => s !== "crm.objects.deals.read"))),
    deletedHub: portal.oauth.issue({ hubId: deletedHub, scopes: allScopes })
  }
  portal.oauth.revoke(tokens.revoked.refreshToken)
  portal.hubs.set(deletedHub, false)

  const consent = new Consent(portal, {
    clientId,
    appName: options.appName ?? "Weft",
    portalName: options.portalName ?? "Northwind Traders",
    appScopes: options.appScopes ?? allScopes,
    redirectUris: options.redirectUris,
    mode: options.consent ?? "page"
  })
  const routes = router(portal, { max: 110, daily: options.dailyLimitHeaders === true })
    .on("GET", authorizePath, (request) => consent.authorize(request))
    .on("POST", decisionPath, (request) => consent.decide(request))
  const server = await FakeServer.start(routes, {
    headers: () => ({ date: new Date(clock.now()).toUTCString() })
  })
  const faults = server.faults

  const rateHeaders = (policy: "TEN_SECONDLY_ROLLING" | "SECONDLY" | "DAILY"): Record<string, string> =>
    policy === "SECONDLY"
      ? {}
      : {
        "x-hubspot-ratelimit-interval-milliseconds": "10000",
        "x-hubspot-ratelimit-max": "110",
        "x-hubspot-ratelimit-remaining": policy === "DAILY" ? "109" : "0",
        ...(policy === "DAILY" || options.dailyLimitHeaders === true
          ? { "x-hubspot-ratelimit-daily": "500000", "x-hubspot-ratelimit-daily-remaining": policy === "DAILY" ? "0" : "1200" }
          : {})
      }

  return {
    url: server.url,
    tokenUrl: `${server.url}/oauth/v1/token`,
    authorizeUrl: `${server.url}${authorizePath}`,
    clientId,
    clientSecret,
    hubId,
    owners: portal.data.owners,
    clock,
    faults,
    requests: server.requests,
    tokens,
    refreshCount: () => portal.oauth.refreshes,
    issueTokens: (o = {}) => portal.oauth.issue(grant(o.scopes), { expired: o.expired === true }),
    authorize: (redirectUri, scopes) => portal.oauth.authorize(grant(scopes), redirectUri),
    denyNextConsent: () => consent.declineNext(),
    revoke: (refreshToken) => portal.oauth.revoke(refreshToken),
    expireAccessTokens: () => portal.oauth.expireAll(),
    idAt: (type, index) => String(idBase[type] + index),
    get: (type, id) => {
      const entry = portal.collections[type].view(id)
      return entry === undefined || entry.gone !== undefined
        ? undefined
        : portal.render(type, id, entry, [...Object.keys(entry.properties)], ["companies", "contacts"])
    },
    create: (type, properties, associations) => portal.create(type, properties, associations),
    update: (type, id, properties) => portal.update(type, id, properties),
    importUpdates: (type, ids, properties) => portal.importUpdates(type, ids, properties),
    archive: (type, id) => portal.archive(type, id),
    restore: (type, id) => portal.restore(type, id),
    purge: (type, id) => portal.purge(type, id),
    merge: (type, primaryId, mergedId) => portal.merge(type, primaryId, mergedId),
    throttle: ({ times, policy = "TEN_SECONDLY_ROLLING", retryAfter }) => {
      faults.inject(
        {
          kind: "status",
          status: 429,
          headers: { ...rateHeaders(policy), ...(retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }) },
          body: rateLimitBody(portal, policy)
        },
        { times, match: policy === "SECONDLY" ? isSearch : isCrm }
      )
    },
    outage: ({ times, status = 503, retryAfter }) => {
      faults.inject(
        {
          kind: "status",
          status,
          headers: retryAfter === undefined ? {} : { "retry-after": String(retryAfter) },
          body: { status: "error", message: "The service is temporarily unavailable.", correlationId: portal.correlationId() }
        },
        { times, match: isCrm }
      )
    },
    failAfterFirstPage: (type, kind = "500") => {
      let pages = 0
      const listPath = `/crm/v3/objects/${type}`
      const match = (r: FakeRequest) => {
        const read = (r.method === "GET" && r.path === listPath) ||
          (r.method === "POST" && r.path === `${listPath}/search` && !isProbe(r))
        return read && ++pages >= 2
      }
      faults.inject(
        kind === "malformed"
          ? { kind: "malformed" }
          : {
            kind: "status",
            status: 500,
            body: { status: "error", message: "internal error", correlationId: portal.correlationId(), category: "INTERNAL_ERROR" }
          },
        { times: 1, match }
      )
    },
    authProblems: () =>
      server.requests.flatMap((r) => {
        const where = `${r.method} ${r.path}`
        // The consent step is a browser's, not an API call: it carries no credentials.
        if (isConsent(r)) return []
        if (r.path === "/oauth/v1/token") {
          const form = new URLSearchParams(r.body)
          return form.get("client_id") === clientId && form.get("client_secret") === clientSecret
            ? []
            : [`${where}: the app's client id or secret was wrong`]
        }
        const match = /^Bearer (\S+)$/i.exec(r.headers["authorization"] ?? "")
        if (match === null) return [`${where}: no Bearer token`]
        return portal.oauth.issued(match[1]!) ? [] : [`${where}: a token this fake never issued`]
      }),
    close: () => server.close()
  }
}

/**
 * {@link start} as a scoped Effect: the fake stops with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const scoped = (options?: Options): Effect.Effect<Fake, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => start(options)), (fake) => Effect.promise(() => fake.close()))
