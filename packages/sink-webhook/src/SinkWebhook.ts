import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Sink } from "@weft/core/sink"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type AckMode, classify, describeCause } from "./internal/classify.js"
import { version } from "./internal/version.js"
import * as Secret from "./Secret.js"
import * as Signature from "./Signature.js"
import * as SsrfGuard from "./SsrfGuard.js"

/**
 * The webhook {@link Sink.Sink}: one signed HTTP POST per attempt (Standard
 * Webhooks), the answer classified into an `Outcome`, with an SSRF guard.
 *
 * @since 0.1.0
 */

/**
 * Options of the sink, for every destination it delivers to.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Hosts (names or IP literals, exact match) that may be non-public and may
   * use `http:`. Tests and local demos allow `127.0.0.1`. This is an operator
   * setting: destination options cannot widen it.
   */
  readonly allowHosts?: ReadonlyArray<string> | undefined
  /** Per-attempt timeout, covering DNS, connect, request and the body read. Default 15 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Default `weft/<version>`. */
  readonly userAgent?: string | undefined
  /** Resolver for the SSRF guard. Default: the system resolver (`dns.lookup`). */
  readonly resolver?: SsrfGuard.Resolver | undefined
  /** `"2xx"` (default): every 2xx status acks. `"200"`: only exactly 200 acks. */
  readonly ack?: AckMode | undefined
  /** How much of a response body is read, for the failure reason. Default 4096 bytes. */
  readonly maxResponseBytes?: number | undefined
  /** A tracing span per attempt (`http.client POST`). Default off. */
  readonly trace?: boolean | undefined
  /**
   * How long an address check before a send is reused for the same host
   * (default 30 seconds; 0 checks before every attempt). Validation at
   * destination creation always checks afresh.
   */
  readonly addressCheckTtl?: Duration.DurationInput | undefined
}

/**
 * Per-destination options, read from `DestinationSpec.options`. They
 * override the sink's `timeout` and `ack`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DestinationOptions = Schema.Struct({
  timeoutMs: Schema.optional(
    Schema.Number.pipe(Schema.int(), Schema.positive(), Schema.annotations({ description: "Per-attempt timeout in ms" }))
  ),
  ack: Schema.optional(Schema.Literal("2xx", "200"))
})

/**
 * @since 0.1.0
 * @category models
 */
export type DestinationOptions = typeof DestinationOptions.Type

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(15)

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxResponseBytes = 4096

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultUserAgent = `weft/${version}`

interface Target {
  readonly url: URL
  readonly keys: ReadonlyArray<Uint8Array>
  readonly allowListed: boolean
  readonly timeout: Duration.Duration
  readonly ack: AckMode
}

type Problem = { readonly reason: Sink.DestinationError["reason"]; readonly detail: string }

// Credentials in a URL must not reach error messages or logs.
const displayUrl = (raw: string): string => {
  try {
    const url = new URL(raw)
    if (url.username !== "" || url.password !== "") {
      url.username = "***"
      url.password = ""
    }
    return url.href
  } catch {
    return raw.length > 200 ? `${raw.slice(0, 200)}…` : raw
  }
}

const decodeDestinationOptions = Schema.decodeUnknownEither(DestinationOptions)

const resolveTarget = (
  spec: Sink.DestinationSpec,
  options: Options
): Either.Either<Target, Problem> => {
  let url: URL
  try {
    url = new URL(spec.url)
  } catch {
    return Either.left({ reason: "invalid_url", detail: "it is not an absolute URL; use https://host/path" })
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left({ reason: "invalid_url", detail: `${url.protocol} is not supported; use an https:// URL` })
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left({
      reason: "invalid_url",
      detail: "URLs with embedded credentials are not supported; receivers authenticate deliveries by their signature"
    })
  }
  const allowListed = SsrfGuard.isAllowListed(url.hostname, options.allowHosts)
  if (url.protocol === "http:" && !allowListed) {
    return Either.left({
      reason: "insecure_scheme",
      detail: "webhooks are sent over https only; use an https:// URL (http is allowed only for hosts on allowHosts)"
    })
  }
  const destinationOptions = decodeDestinationOptions(spec.options ?? {})
  if (Either.isLeft(destinationOptions)) {
    return Either.left({
      reason: "invalid_options",
      detail: `invalid destination options: ${ParseResult.TreeFormatter.formatErrorSync(destinationOptions.left)}`
    })
  }
  const keys = Secret.decodeAll(spec.secrets)
  if (Either.isLeft(keys)) return Either.left({ reason: "invalid_secret", detail: keys.left })
  const { ack, timeoutMs } = destinationOptions.right
  return Either.right({
    url,
    keys: keys.right,
    allowListed,
    timeout: timeoutMs === undefined ? Duration.decode(options.timeout ?? defaultTimeout) : Duration.millis(timeoutMs),
    ack: ack ?? options.ack ?? "2xx"
  })
}

interface Snippet {
  readonly chunks: ReadonlyArray<Uint8Array>
  readonly size: number
}

// Reads at most `max` bytes (plus the rest of the chunk that crossed it);
// ending the stream early releases the rest of the body unread. Most receivers
// answer with an empty or short body and say so in `content-length`: those are
// read whole, which is much cheaper than folding a stream.
const readSnippet = (response: HttpClientResponse.HttpClientResponse, max: number) => {
  const declared = Number(response.headers["content-length"])
  if (declared === 0 || response.status === 204 || response.status === 304) {
    return response.arrayBuffer.pipe(Effect.as(emptySnippet), Effect.orElseSucceed(() => emptySnippet))
  }
  if (declared > 0 && declared <= max) {
    return response.text.pipe(
      Effect.map((snippet) => ({ snippet, truncated: false })),
      Effect.orElseSucceed(() => emptySnippet)
    )
  }
  return readSnippetStream(response, max)
}

const emptySnippet = { snippet: "", truncated: false }

const readSnippetStream = (response: HttpClientResponse.HttpClientResponse, max: number) =>
  Stream.runFoldWhile(
    response.stream,
    { chunks: [], size: 0 } as Snippet,
    (s) => s.size <= max,
    (s, chunk): Snippet => ({ chunks: [...s.chunks, chunk], size: s.size + chunk.length })
  ).pipe(
    Effect.map((s) => {
      const bytes = Buffer.concat(s.chunks)
      return { snippet: new TextDecoder().decode(bytes.subarray(0, max)), truncated: s.size > max }
    }),
    Effect.orElseSucceed(() => ({ snippet: "", truncated: false }))
  )

const transportFailure = (error: HttpClientError.HttpClientError): Sink.Outcome => {
  if (error._tag === "RequestError") {
    return { _tag: "Retry", reason: `could not deliver: ${describeCause(error.cause)}` }
  }
  return { _tag: "Retry", status: error.response.status, reason: `could not read the response: ${describeCause(error.cause)}` }
}

const headersOf = (response: HttpClientResponse.HttpClientResponse): Record<string, string | undefined> => ({
  ...response.headers
})

/**
 * Builds the sink's service from an `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Sink.SinkService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    // Receivers have no use for our trace ids; keep them out of their logs. A span per attempt is
    // off by default (it costs a third of an attempt's CPU); `trace: true` turns it on.
    const base = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
    const client = options.trace === true ? base : HttpClient.withTracerDisabledWhen(base, () => true)
    const guard: SsrfGuard.GuardOptions = { allowHosts: options.allowHosts, resolver: options.resolver }
    const userAgent = options.userAgent ?? defaultUserAgent
    const maxResponseBytes = Math.max(0, Math.floor(options.maxResponseBytes ?? defaultMaxResponseBytes))

    const validate = (spec: Sink.DestinationSpec): Effect.Effect<void, Sink.DestinationError> =>
      Effect.gen(function*() {
        const target = resolveTarget(spec, options)
        if (Either.isLeft(target)) {
          return yield* new Sink.DestinationError({ url: displayUrl(spec.url), ...target.left })
        }
        const verdict = yield* SsrfGuard.check(target.right.url.hostname, guard)
        if (verdict._tag === "Refused") {
          return yield* new Sink.DestinationError({
            url: displayUrl(spec.url),
            reason: "refused_address",
            detail: verdict.detail
          })
        }
        if (verdict._tag === "Unresolvable") {
          return yield* new Sink.DestinationError({
            url: displayUrl(spec.url),
            reason: "unresolvable_host",
            detail: verdict.detail
          })
        }
      })

    // One DNS lookup per host per TTL rather than per attempt. An agent wired with SsrfGuard.lookup
    // still checks every connection it opens.
    const checkTtlMs = Duration.toMillis(options.addressCheckTtl ?? "30 seconds")
    const verdicts = new Map<string, { readonly until: number; readonly verdict: SsrfGuard.Verdict }>()
    const checkCached = (hostname: string) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const cached = verdicts.get(hostname)
        if (cached !== undefined && cached.until > now) return cached.verdict
        const verdict = yield* SsrfGuard.check(hostname, guard)
        if (checkTtlMs > 0) {
          if (verdicts.size > 1024) verdicts.clear()
          verdicts.set(hostname, { until: now + checkTtlMs, verdict })
        }
        return verdict
      })

    // fetch follows redirects unless told otherwise; other clients never do.
    const noRedirects = yield* Effect.serviceOption(FetchHttpClient.RequestInit).pipe(
      Effect.map((init) => ({ ...Option.getOrElse(init, () => ({})), redirect: "manual" as const }))
    )

    const send = (target: Target, attempt: Sink.Attempt): Effect.Effect<Sink.Outcome, HttpClientError.HttpClientError> =>
      Effect.gen(function*() {
        if (!target.allowListed) {
          // DNS may have changed since validate; a refusal now is retried, not final.
          const verdict = yield* checkCached(target.url.hostname)
          if (verdict._tag !== "Allowed") {
            return { _tag: "Retry", reason: `not sent: ${verdict.detail}` } satisfies Sink.Outcome
          }
        }
        const timestamp = Math.floor((yield* Clock.currentTimeMillis) / 1000)
        const request = HttpClientRequest.post(target.url).pipe(
          HttpClientRequest.setHeaders({
            [Signature.headers.id]: attempt.eventId,
            [Signature.headers.timestamp]: String(timestamp),
            [Signature.headers.signature]: Signature.sign(target.keys, attempt.eventId, timestamp, attempt.body),
            "user-agent": userAgent
          }),
          HttpClientRequest.bodyUint8Array(attempt.body, "application/json")
        )
        const response = yield* client.execute(request).pipe(Effect.provideService(FetchHttpClient.RequestInit, noRedirects))
        const { snippet, truncated } = yield* readSnippet(response, maxResponseBytes)
        const now = yield* Clock.currentTimeMillis
        return classify({ status: response.status, headers: headersOf(response), snippet, truncated }, target.ack, now)
      })

    // Parsing the URL, the options and the secrets once per destination value, not per attempt:
    // delivery hands the same (immutable) destination object to every attempt until it changes.
    const targets = new WeakMap<Sink.Destination, Either.Either<Target, Problem>>()
    const targetOf = (destination: Sink.Destination) => {
      let target = targets.get(destination)
      if (target === undefined) {
        target = resolveTarget(destination, options)
        targets.set(destination, target)
      }
      return target
    }

    const deliver = (destination: Sink.Destination, attempt: Sink.Attempt): Effect.Effect<Sink.Outcome> => {
      const target = targetOf(destination)
      if (Either.isLeft(target)) {
        // Every event would fail the same way: hold them until the destination is fixed.
        const error = new Sink.DestinationError({ url: displayUrl(destination.url), ...target.left })
        return Effect.succeed({ _tag: "Disable", reason: error.message })
      }
      const timeout = target.right.timeout
      return send(target.right, attempt).pipe(
        Effect.catchAll((error) => Effect.succeed(transportFailure(error))),
        Effect.timeout(timeout),
        Effect.catchTag("TimeoutException", () =>
          Effect.succeed<Sink.Outcome>({ _tag: "Retry", reason: `timed out after ${Duration.format(timeout)}` })),
        Effect.catchAllDefect((defect) =>
          Effect.succeed<Sink.Outcome>({ _tag: "Retry", reason: `unexpected failure: ${describeCause(defect)}` }))
      )
    }

    return Sink.Sink.of({ validate, deliver })
  })

/**
 * The webhook sink as a layer. It needs an `HttpClient`; apps and tests pick
 * the runtime one (`NodeHttpClient.layerUndici`, or the guarded agent shown
 * in {@link SsrfGuard.lookup}).
 *
 * @example
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Layer from "effect/Layer"
 * import { SinkWebhook } from "@weft/sink-webhook"
 *
 * const SinkLive = SinkWebhook.layer({ timeout: "10 seconds" }).pipe(
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Sink.Sink, never, HttpClient.HttpClient> =>
  Layer.effect(Sink.Sink, make(options))
