import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as RateLimiter from "effect/RateLimiter"
import * as Ref from "effect/Ref"
import * as Auth from "./Auth.js"
import type { ReauthRequiredError } from "./Errors.js"

/**
 * The HTTP policy every provider call goes through: base URL, auth (with
 * OAuth 2 refresh), a per-integration rate limiter, and retries of throttling
 * and transient failures that honour `Retry-After`.
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
 * ProviderHttp.parseRetryAfter("120", 0)                           // Option.some(120000)
 * ProviderHttp.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", t) // ms until then
 * ```
 * @since 0.1.0
 * @category parsing
 */
export const parseRetryAfter = (value: string | undefined, nowMs: number): Option.Option<number> => {
  if (value === undefined) return Option.none()
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Option.some(Math.round(Number(text) * 1000))
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

const isTransportError = (error: HttpClientError.HttpClientError): boolean =>
  error._tag === "RequestError" && error.reason === "Transport"

/**
 * Retries throttled and transient answers per the policy. A response that is
 * still throttled when the policy gives up is returned as is (the caller turns
 * it into an error that names the status); a connection error that outlasts
 * the policy fails.
 *
 * @since 0.1.0
 * @category retries
 */
export const withRetries = (policy: Partial<RetryPolicy> = {}) =>
<E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> => {
  const p: RetryPolicy = { ...defaultRetryPolicy, ...policy }
  const maxRetryAfterMs = Duration.toMillis(p.maxRetryAfter)
  return HttpClient.transform(client, (execute) => {
    const loop = (retry: number): Effect.Effect<HttpClientResponse.HttpClientResponse, E, R> =>
      execute.pipe(
        Effect.flatMap((response) => {
          if (!p.statuses.includes(response.status) || retry > p.maxRetries) return Effect.succeed(response)
          return Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            const asked = parseRetryAfter(response.headers["retry-after"], now)
            if (Option.isSome(asked) && asked.value > maxRetryAfterMs) return response
            const wait = Option.isSome(asked) ? asked.value : yield* backoff(p, retry)
            yield* Effect.sleep(Duration.millis(wait))
            return yield* loop(retry + 1)
          })
        }),
        Effect.catchIf(
          (error): error is E => retry <= p.maxRetries && isTransportError(error as HttpClientError.HttpClientError),
          () => Effect.flatMap(backoff(p, retry), (wait) => Effect.zipRight(Effect.sleep(Duration.millis(wait)), loop(retry + 1)))
        )
      )
    return loop(1)
  })
}

/**
 * Runs every request through a rate limiter (one per integration, so one
 * tenant's sync cannot starve another's).
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRateLimiter = (limiter: RateLimiter.RateLimiter) =>
<E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> =>
  HttpClient.transform(client, (execute) => limiter(execute))

/**
 * A provider client's errors: HTTP failures, and for OAuth 2 connectors a
 * refresh the provider refused.
 *
 * @since 0.1.0
 * @category models
 */
export type ProviderClientError = HttpClientError.HttpClientError | ReauthRequiredError

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
  readonly auth: Auth.Auth<C>
  /** The current credentials; an OAuth 2 refresh writes the new ones here. */
  readonly credentials: Ref.Ref<C>
  /** Called with refreshed credentials (e.g. to persist rotated tokens). */
  readonly onCredentialsRefreshed?: ((credentials: C) => Effect.Effect<void>) | undefined
  readonly retry?: Partial<RetryPolicy> | undefined
  readonly rateLimiter?: RateLimiter.RateLimiter | undefined
}

/**
 * The provider client of one integration: relative URLs resolve against
 * `baseUrl`, every request is authorized, rate-limited and retried per
 * policy. For OAuth 2 the access token is refreshed shortly before it expires
 * and once on a 401; refreshes are serialised so a rotating refresh token is
 * never spent twice.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <C>(options: ProviderClientOptions<C>): Effect.Effect<ProviderClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const base = yield* HttpClient.HttpClient
    const policy = withRetries(options.retry)
    const limited = options.rateLimiter === undefined ? base : withRateLimiter(options.rateLimiter)(base)
    const retried = policy(limited)
    const auth = options.auth
    const withBase = (request: HttpClientRequest.HttpClientRequest) =>
      /^https?:\/\//.test(request.url) ? request : HttpClientRequest.prependUrl(request, options.baseUrl)
    const authorized = (request: HttpClientRequest.HttpClientRequest, credentials: C) =>
      Auth.authorize(auth, credentials)(withBase(request))

    if (auth.kind !== "oauth2") {
      return HttpClient.makeWith(
        (request) => Effect.flatMap(request, (r) => Effect.flatMap(Ref.get(options.credentials), (c) => retried.execute(authorized(r, c)))),
        Effect.succeed
      ) as ProviderClient
    }

    const lock = yield* Effect.makeSemaphore(1)
    const refreshFrom = (seen: C) =>
      lock.withPermits(1)(
        Effect.gen(function*() {
          const current = yield* Ref.get(options.credentials)
          // Another request refreshed while this one waited: use its tokens.
          if (current !== seen) return current
          const tokens = yield* Auth.refresh(auth, options.connector, auth.tokens(current)).pipe(
            Effect.provideService(HttpClient.HttpClient, base)
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
      return expiresAt !== undefined && expiresAt - auth.refreshSkewMs <= now ? yield* refreshFrom(current) : current
    })
    return HttpClient.makeWith(
      (request) =>
        Effect.gen(function*() {
          const r = yield* request
          const credentials = yield* fresh
          const response = yield* retried.execute(authorized(r, credentials))
          if (response.status !== 401) return response
          const renewed = yield* refreshFrom(credentials)
          return yield* retried.execute(authorized(r, renewed))
        }),
      Effect.succeed
    ) as ProviderClient
  })
