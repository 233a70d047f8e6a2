import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as RateLimiter from "effect/RateLimiter"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as Auth from "./Auth.js"
import { OriginNotAllowedError, type OriginRefusal, type ReauthRequiredError } from "./Errors.js"
import * as internalRedirects from "./internal/redirects.js"

/**
 * The HTTP policy every provider call goes through: base URL, auth (with
 * OAuth 2 refresh), the integration's origins (credentials are sent nowhere
 * else, redirects included), a per-integration rate limiter, and retries of
 * throttling and transient failures that honour `Retry-After`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number
  /** First backoff; doubles each retry. */
  readonly baseDelay: Duration.DurationInput
  /** Backoff cap. */
  readonly maxDelay: Duration.DurationInput
  /** The longest `Retry-After` honoured; a longer one gives up instead. */
  readonly maxRetryAfter: Duration.DurationInput
  /** Statuses that are retried. */
  readonly statuses: ReadonlyArray<number>
}

/**
 * 5 retries, 1 s doubling to 30 s (±20 % jitter), `Retry-After` up to 10
 * minutes, on 429, 502, 503 and 504 and on connection errors.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 5,
  baseDelay: "1 second",
  maxDelay: "30 seconds",
  maxRetryAfter: "10 minutes",
  statuses: [429, 502, 503, 504]
}

/**
 * A rate limit: at most `limit` requests started per `interval`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  readonly limit: number
  readonly interval: Duration.DurationInput
}

/**
 * Reads a `Retry-After` value (delay-seconds or an HTTP date) as a wait in ms
 * from `nowMs`. Negative waits become 0; unreadable values are `None`.
 *
 * @example
 * ```ts
 * import { ProviderHttp } from "@weft/core/connector"
 * declare const now: number // Unix ms, from `Clock.currentTimeMillis`
 * ProviderHttp.parseRetryAfter("120", now)                           // Option.some(120000)
 * ProviderHttp.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now) // Option.some(ms until then), 0 if past
 * ```
 * @since 0.1.0
 * @category parsing
 */
export const parseRetryAfter = (value: string | undefined, nowMs: number): Option.Option<number> => {
  if (value === undefined) return Option.none()
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Option.some(Math.round(Number(text) * 1000))
  // An HTTP date names a day of the week; without one, `Date.parse` would also
  // accept things like "5 s" or "1.5.2" and invent a date.
  if (!/^[A-Za-z]{3},? /.test(text)) return Option.none()
  const at = Date.parse(text)
  return Number.isNaN(at) ? Option.none() : Option.some(Math.max(0, at - nowMs))
}

/**
 * The wait before retry number `retry` (1-based): exponential from
 * `baseDelay`, capped at `maxDelay`, times a jitter factor in [0.8, 1.2].
 *
 * @since 0.1.0
 * @category retries
 */
export const backoff = (policy: RetryPolicy, retry: number): Effect.Effect<number> =>
  Effect.map(Random.nextRange(0.8, 1.2), (jitter) => {
    const base = Duration.toMillis(policy.baseDelay) * 2 ** (retry - 1)
    return Math.round(Math.min(base, Duration.toMillis(policy.maxDelay)) * jitter)
  })

const isTransportError = (error: unknown): boolean =>
  HttpClientError.isHttpClientError(error) && error._tag === "RequestError" && error.reason === "Transport"

// An unread body keeps its connection busy (undici); read and drop it before
// sending the request again.
const discardBody = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<void> =>
  Effect.ignore(response.arrayBuffer)

/**
 * Retries throttled and transient answers per the policy: a status in
 * `statuses` waits for `Retry-After` (exactly) when the answer has one, else
 * for the capped exponential {@link backoff}; a connection error waits for the
 * backoff. A `Retry-After` above `maxRetryAfter` is not waited for: that
 * response is returned at once. A response that is still throttled when the
 * retries run out is returned as is (the caller turns it into an error that
 * names the status); a connection error that outlasts them fails. Any other
 * status (500 included) is returned untouched.
 *
 * @example
 * ```ts
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as Effect from "effect/Effect"
 * import { ProviderHttp } from "@weft/core/connector"
 *
 * const client = Effect.map(HttpClient.HttpClient, ProviderHttp.withRetries({ maxRetries: 3 }))
 * ```
 * @since 0.1.0
 * @category retries
 */
export const withRetries = (policy: Partial<RetryPolicy> = {}) =>
<E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> => {
  const p: RetryPolicy = { ...defaultRetryPolicy, ...policy }
  const maxRetryAfterMs = Duration.toMillis(p.maxRetryAfter)
  const sleepMs = (ms: number) => Effect.sleep(Duration.millis(ms))
  return HttpClient.transform(client, (execute) => {
    // Only the outcome of *this* attempt is inspected: wrapping the recursive
    // call in a catch would retry the later attempts' failures again.
    const attempt = (retry: number): Effect.Effect<HttpClientResponse.HttpClientResponse, E, R> =>
      Effect.flatMap(Effect.either(execute), (outcome) => {
        if (Either.isLeft(outcome)) {
          if (retry > p.maxRetries || !isTransportError(outcome.left)) return Effect.fail(outcome.left)
          return Effect.zipRight(Effect.flatMap(backoff(p, retry), sleepMs), attempt(retry + 1))
        }
        const response = outcome.right
        if (!p.statuses.includes(response.status) || retry > p.maxRetries) return Effect.succeed(response)
        return Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const asked = parseRetryAfter(response.headers["retry-after"], now)
          if (Option.isSome(asked) && asked.value > maxRetryAfterMs) return response
          const wait = Option.isSome(asked) ? asked.value : yield* backoff(p, retry)
          yield* discardBody(response)
          yield* sleepMs(wait)
          return yield* attempt(retry + 1)
        })
      })
    return attempt(1)
  })
}

/**
 * Bounds each attempt: a provider that has not answered (status and headers)
 * within `timeout` fails the attempt with a transport `RequestError` that
 * says so, which {@link withRetries} retries like a dropped connection.
 * Apply it under the retries and the rate limiter, so that neither waiting
 * for a retry nor for the limiter counts against it.
 *
 * @example
 * ```ts
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as Effect from "effect/Effect"
 * import { ProviderHttp } from "@weft/core/connector"
 *
 * const client = Effect.map(HttpClient.HttpClient, ProviderHttp.withRequestTimeout("30 seconds"))
 * ```
 * @since 0.1.0
 * @category timeouts
 */
export const withRequestTimeout = (timeout: Duration.DurationInput) =>
<E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E | HttpClientError.RequestError, R> => {
  const duration = Duration.decode(timeout)
  return HttpClient.transform(client, (execute, request) =>
    Effect.timeoutFail(execute, {
      duration,
      onTimeout: () =>
        new HttpClientError.RequestError({
          request,
          reason: "Transport",
          description: `the provider did not answer within ${Duration.format(duration)}`
        })
    }))
}

/**
 * Runs every request through a rate limiter (one per integration, so one
 * tenant's sync cannot starve another's). Each attempt, retries included,
 * takes a permit.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRateLimiter = (limiter: RateLimiter.RateLimiter) =>
<E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> =>
  HttpClient.transform(client, (execute) => limiter(execute))

/**
 * A token-bucket limiter for a {@link RateLimit}: bursts up to `limit`, then
 * one request every `interval / limit`. Build one per integration, in a scope
 * that outlives its runs (the limiter's refill fiber lives in that scope), and
 * hand it to every provider client of that integration.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Connector, ProviderHttp } from "@weft/core/connector"
 * declare const connector: Connector.Connector<{ readonly apiKey: string }>
 *
 * const program = Effect.gen(function*() {
 *   const limiter = yield* ProviderHttp.makeRateLimiter({ limit: 10, interval: "1 second" })
 *   const ctx = yield* Connector.makeContext(connector, { integrationId: "int_1", tenant: "acme", credentials: { apiKey: "…" }, rateLimiter: limiter })
 *   return ctx
 * }).pipe(Effect.scoped) // the limiter lives as long as the scope
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const makeRateLimiter = (rateLimit: RateLimit): Effect.Effect<RateLimiter.RateLimiter, never, Scope.Scope> =>
  RateLimiter.make({ limit: rateLimit.limit, interval: rateLimit.interval, algorithm: "token-bucket" })

/**
 * A provider client's errors: HTTP failures (for OAuth 2 connectors also a
 * token endpoint that could not answer), a refresh the provider refused
 * ({@link ReauthRequiredError}), and a request to a URL off the
 * integration's origins, refused before it was sent
 * ({@link OriginNotAllowedError}).
 *
 * @since 0.1.0
 * @category models
 */
export type ProviderClientError = HttpClientError.HttpClientError | ReauthRequiredError | OriginNotAllowedError

/**
 * The client connectors use.
 *
 * @since 0.1.0
 * @category models
 */
export type ProviderClient = HttpClient.HttpClient.With<ProviderClientError>

/**
 * Options of {@link make}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProviderClientOptions<C> {
  readonly connector: string
  readonly baseUrl: string
  /**
   * Where the credentials may be sent: origins (`https://api.acme.example`),
   * or URLs reduced to their origin. Default: the base URL's origin. Every
   * request, and every redirect, to anywhere else is refused
   * ({@link OriginNotAllowedError}).
   */
  readonly origins?: ReadonlyArray<string> | undefined
  readonly auth: Auth.Auth<C>
  /** The current credentials; an OAuth 2 refresh writes the new ones here. */
  readonly credentials: Ref.Ref<C>
  /** Called with refreshed credentials (e.g. to persist rotated tokens). */
  readonly onCredentialsRefreshed?: ((credentials: C) => Effect.Effect<void>) | undefined
  readonly retry?: Partial<RetryPolicy> | undefined
  readonly rateLimiter?: RateLimiter.RateLimiter | undefined
  /**
   * How long one attempt may wait for the provider's answer; past it the
   * attempt fails as a transport error (and is retried like one). Default:
   * no limit of its own.
   */
  readonly requestTimeout?: Duration.DurationInput | undefined
}

const withoutCredentials = (
  error: HttpClientError.HttpClientError,
  request: HttpClientRequest.HttpClientRequest
): HttpClientError.HttpClientError => {
  const { cause, description } = error
  const details = { ...(cause === undefined ? {} : { cause }), ...(description === undefined ? {} : { description }) }
  return error._tag === "RequestError"
    ? new HttpClientError.RequestError({ request, reason: error.reason, ...details })
    : new HttpClientError.ResponseError({ request, response: error.response, reason: error.reason, ...details })
}

/**
 * Whether a URL is absolute (has a scheme), so the base URL must not be
 * prepended.
 *
 * @since 0.1.0
 * @category urls
 */
export const isAbsoluteUrl = (url: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(url)

/**
 * The origin (`scheme://host[:port]`) of an absolute `http(s)` URL, or
 * `undefined` for anything else.
 *
 * @example
 * ```ts
 * import { ProviderHttp } from "@weft/core/connector"
 * ProviderHttp.originOf("https://acme.bamboohr.com/api/v1/x") // "https://acme.bamboohr.com"
 * ProviderHttp.originOf("/api/v1/x")                          // undefined
 * ```
 * @since 0.1.0
 * @category urls
 */
export const originOf = (url: string): string | undefined => {
  if (!URL.canParse(url)) return undefined
  const parsed = new URL(url)
  return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined
}

/**
 * Origins declared as origins or URLs, each reduced to its origin, without
 * duplicates; entries that are not absolute `http(s)` URLs are dropped (they
 * allow nothing).
 *
 * @since 0.1.0
 * @category urls
 */
export const normalizeOrigins = (declared: ReadonlyArray<string>): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const entry of declared) {
    const origin = originOf(entry)
    if (origin !== undefined && !out.includes(origin)) out.push(origin)
  }
  return out
}

/**
 * Why the integration's credentials may not be sent to `url`, or `undefined`
 * when they may: the URL must be an absolute `http(s)` URL without user info
 * whose origin is one of `origins` (normalised, see {@link normalizeOrigins}).
 *
 * @example
 * ```ts
 * import { ProviderHttp } from "@weft/core/connector"
 * const origins = ["https://api.acme.example"]
 * ProviderHttp.refusal("https://api.acme.example/v1/me", origins)      // undefined
 * ProviderHttp.refusal("https://evil.example/collect", origins)        // "other_origin"
 * ProviderHttp.refusal("https://me@api.acme.example/v1/me", origins)   // "userinfo"
 * ```
 * @since 0.1.0
 * @category urls
 */
export const refusal = (url: string, origins: ReadonlyArray<string>): OriginRefusal | undefined => {
  if (!URL.canParse(url)) return "unreadable"
  const parsed = new URL(url)
  if (parsed.username !== "" || parsed.password !== "") return "userinfo"
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "unreadable"
  return origins.includes(parsed.origin) ? undefined : "other_origin"
}

/**
 * A URL as errors may show it: scheme, host, port and path; no user info
 * (it may hold a password), query or fragment (they may hold tokens).
 *
 * @since 0.1.0
 * @category urls
 */
export const displayUrl = (url: string): string => {
  if (!URL.canParse(url)) return "an unreadable URL"
  const parsed = new URL(url)
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`
}

/**
 * `url` resolved against the integration's `baseUrl`: absolute URLs are kept;
 * a relative one is appended to the base URL's path with exactly one `/`
 * between them (`"https://x/api/v1"` + `"/users"` → `"https://x/api/v1/users"`:
 * a leading slash does not drop the base path, unlike browser URL resolution).
 *
 * @since 0.1.0
 * @category urls
 */
export const resolveUrl = (baseUrl: string, url: string): string => {
  if (isAbsoluteUrl(url)) return url
  if (url === "") return baseUrl
  if (url.startsWith("?") || url.startsWith("#")) return baseUrl + url
  return `${baseUrl.replace(/\/+$/, "")}/${url.replace(/^\/+/, "")}`
}

/**
 * Redirects followed per request, within the integration's origins.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxRedirects = 10

const redirectStatuses: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

// The request a redirect asks for, following the Fetch standard's method
// rules; `undefined` when the answer is not a redirect that can be followed.
const redirectOf = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse
): HttpClientRequest.HttpClientRequest | undefined => {
  const location = response.headers["location"]
  if (!redirectStatuses.has(response.status) || location === undefined) return undefined
  const from = Option.getOrUndefined(HttpClientRequest.toUrl(request))
  if (from === undefined || !URL.canParse(location, from.href)) return undefined
  const to = new URL(location, from)
  const asGet = response.status === 303
    ? request.method !== "HEAD"
    : (response.status === 301 || response.status === 302) && request.method === "POST"
  if (asGet) {
    return HttpClientRequest.setUrl(
      HttpClientRequest.setMethod(HttpClientRequest.setBody(request, HttpBody.empty), "GET"),
      to
    )
  }
  // A streamed body has been consumed: it cannot be sent again.
  return request.body._tag === "Stream" ? undefined : HttpClientRequest.setUrl(request, to)
}

/**
 * A client that never follows a redirect by itself: `FetchHttpClient` is run
 * with `redirect: "manual"` (a fetch that follows would carry custom auth
 * headers, and a token request's body, to wherever the provider points);
 * `NodeHttpClient`'s clients do not follow redirects. The provider client
 * follows them itself, within the integration's origins.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withoutAutomaticRedirects: <E, R>(client: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E, R> =
  internalRedirects.manual

/**
 * The provider client of one integration: relative URLs resolve against
 * `baseUrl` ({@link resolveUrl}), every request is authorized, rate-limited
 * and retried per policy ({@link withRetries}).
 *
 * Credentials go to the integration's `origins` only (default: the base
 * URL's origin). A request to any other URL, or to a URL with user info,
 * fails with {@link OriginNotAllowedError} and is not sent — whoever built
 * it: the connector, a next-page link or body URL the provider returned, a
 * passthrough. Redirects are followed (up to {@link maxRedirects}) only
 * within those origins, each hop authorized again; a redirect elsewhere is
 * not followed: its 3xx answer is returned as is. The underlying client must
 * not follow redirects by itself ({@link withoutAutomaticRedirects} is
 * applied for `FetchHttpClient`).
 *
 * For OAuth 2 the access token is refreshed shortly before it expires
 * (`refreshSkewMs`) and once on a 401, after which the request is sent once
 * more. Refreshes are serialised, so N requests that find the token expired
 * cause one refresh and a rotating refresh token is never spent twice. The
 * new credentials go into `credentials` and to `onCredentialsRefreshed`.
 * A refused refresh fails that request and every later one with the same
 * {@link ReauthRequiredError}, without asking the provider again.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import * as Ref from "effect/Ref"
 * import { Auth, ProviderHttp } from "@weft/core/connector"
 *
 * interface Credentials { readonly apiKey: Redacted.Redacted<string> }
 * const auth = Auth.bearer<Credentials>((c) => c.apiKey)
 *
 * const program = Effect.gen(function*() {
 *   const http = yield* ProviderHttp.make({
 *     connector: "acme", baseUrl: "https://api.acme.example/v1", auth,
 *     credentials: yield* Ref.make<Credentials>({ apiKey: Redacted.make("…") })
 *   })
 *   const response = yield* http.get("/employees")   // → https://api.acme.example/v1/employees
 *   return yield* response.json
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = <C>(options: ProviderClientOptions<C>): Effect.Effect<ProviderClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const plain = withoutAutomaticRedirects(yield* HttpClient.HttpClient)
    const base = options.requestTimeout === undefined ? plain : withRequestTimeout(options.requestTimeout)(plain)
    const retry = withRetries(options.retry)
    const limited = options.rateLimiter === undefined ? base : withRateLimiter(options.rateLimiter)(base)
    const retried = retry(limited)
    const auth = options.auth
    const origins = normalizeOrigins(options.origins ?? [options.baseUrl])
    const withBase = (request: HttpClientRequest.HttpClientRequest) =>
      isAbsoluteUrl(request.url) ? request : HttpClientRequest.setUrl(request, resolveUrl(options.baseUrl, request.url))
    const refuse = (request: HttpClientRequest.HttpClientRequest): OriginNotAllowedError | undefined => {
      const reason = refusal(request.url, origins)
      return reason === undefined ? undefined : new OriginNotAllowedError({
        connector: options.connector,
        operation: `${request.method} request`,
        url: displayUrl(request.url),
        reason,
        allowed: origins
      })
    }
    // An HTTP error carries its request, headers included, into logs and
    // JSON; only Authorization and a few other names are redacted there, so
    // errors carry the request as it was before the credentials were added.
    const sendOnce = (
      request: HttpClientRequest.HttpClientRequest,
      credentials: C
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, ProviderClientError> => {
      const refused = refuse(request)
      if (refused !== undefined) return Effect.fail(refused)
      return retried.execute(Auth.authorize(auth, credentials)(request)).pipe(
        Effect.mapError((error) => withoutCredentials(error, request))
      )
    }
    const send = (
      request: HttpClientRequest.HttpClientRequest,
      credentials: C
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, ProviderClientError> => {
      const hop = (
        current: HttpClientRequest.HttpClientRequest,
        hops: number
      ): Effect.Effect<HttpClientResponse.HttpClientResponse, ProviderClientError> =>
        Effect.flatMap(sendOnce(current, credentials), (response) => {
          const next = hops < maxRedirects ? redirectOf(current, response) : undefined
          // A redirect off the integration's origins is the caller's to see, not to follow.
          if (next === undefined || refuse(next) !== undefined) return Effect.succeed(response)
          return Effect.zipRight(discardBody(response), hop(next, hops + 1))
        })
      return hop(withBase(request), 0)
    }

    if (auth.kind !== "oauth2") {
      return HttpClient.makeWith(
        (request) =>
          Effect.flatMap(request, (r) => Effect.flatMap(Ref.get(options.credentials), (c) => send(r, c))),
        Effect.succeed
      ) as ProviderClient
    }

    // The token endpoint gets the retry policy but not the API's rate limit.
    const tokenClient = retry(base)
    const lock = yield* Effect.makeSemaphore(1)
    const refused = yield* Ref.make(Option.none<ReauthRequiredError>())
    const refreshFrom = (seen: C): Effect.Effect<C, ProviderClientError> =>
      lock.withPermits(1)(
        Effect.gen(function*() {
          const earlier = yield* Ref.get(refused)
          if (Option.isSome(earlier)) return yield* earlier.value
          const current = yield* Ref.get(options.credentials)
          // Another request refreshed while this one waited: use its tokens.
          if (current !== seen) return current
          const tokens = yield* Auth.refresh(auth, options.connector, auth.tokens(current)).pipe(
            Effect.provideService(HttpClient.HttpClient, tokenClient),
            Effect.tapErrorTag("ReauthRequiredError", (e) => Ref.set(refused, Option.some(e)))
          )
          const next = auth.withTokens(current, tokens)
          yield* Ref.set(options.credentials, next)
          if (options.onCredentialsRefreshed !== undefined) yield* options.onCredentialsRefreshed(next)
          return next
        })
      )
    const fresh = Effect.gen(function*() {
      const current = yield* Ref.get(options.credentials)
      const expiresAt = auth.tokens(current).expiresAt
      const now = yield* Clock.currentTimeMillis
      if (expiresAt === undefined || expiresAt - auth.refreshSkewMs > now) return current
      // Inside the skew window the old token still works: a token endpoint
      // that is briefly down must not fail the request.
      return yield* refreshFrom(current).pipe(
        Effect.catchIf(HttpClientError.isHttpClientError, (e) => (expiresAt > now ? Effect.succeed(current) : Effect.fail(e)))
      )
    })
    return HttpClient.makeWith(
      (request) =>
        Effect.gen(function*() {
          const r = yield* request
          const credentials = yield* fresh
          const response = yield* send(r, credentials)
          if (response.status !== 401) return response
          yield* discardBody(response)
          const renewed = yield* refreshFrom(credentials)
          return yield* send(r, renewed)
        }),
      Effect.succeed
    ) as ProviderClient
  })
