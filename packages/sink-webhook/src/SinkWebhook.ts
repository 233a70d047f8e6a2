import type * as HttpClient from "@effect/platform/HttpClient"
import { Sink } from "@weft/core/sink"
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type { AckMode } from "./internal/classify.js"
import * as httpClientSink from "./internal/httpClientSink.js"
import * as target from "./internal/target.js"
import * as undiciSink from "./internal/undiciSink.js"
import { version } from "./internal/version.js"
import type * as SsrfGuard from "./SsrfGuard.js"

/**
 * The webhook {@link Sink.Sink}: one signed HTTP POST per attempt (Standard
 * Webhooks), the answer classified into an `Outcome`, with an SSRF guard.
 *
 * Two transports:
 *
 * - {@link layer} (the default, Node): undici directly, a keep-alive pool
 *   per origin whose sockets resolve names through the SSRF guard, so the
 *   address that is checked is the address that is connected to (DNS
 *   rebinding fails).
 * - {@link layerHttpClient}: any `@effect/platform` `HttpClient`, for
 *   runtimes without undici (Bun, Deno, edge). Portable and slower; its
 *   address check runs before the send, in a resolution of its own, so it is
 *   best effort against DNS rebinding.
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
  /**
   * Per-attempt timeout. Default 15 seconds. It bounds the whole attempt,
   * from its start to its outcome: connecting (DNS, TCP, TLS),
   * sending the request, the response headers (interim `1xx` answers
   * included) and reading the body. Without a final status by then, the
   * outcome is a `Retry` ("timed out after …"). With {@link layer}, a status
   * that has arrived decides the outcome and the rest of the body is not
   * read (the connection is closed); the deadline is measured on the Clock,
   * and undici's connect, headers and body-data waits are each bounded by
   * the same value too. With {@link layerHttpClient}, the attempt times out
   * whatever has arrived.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Default `weft/<version>`. */
  readonly userAgent?: string | undefined
  /**
   * Resolver for the SSRF guard. Default: the system resolver
   * (`dns.lookup`). {@link layer} uses it both in `validate` and for every
   * socket it opens, so the addresses it answers are the ones connected to.
   */
  readonly resolver?: SsrfGuard.Resolver | undefined
  /** `"2xx"` (default): every 2xx status acks. `"200"`: only exactly 200 acks. */
  readonly ack?: AckMode | undefined
  /** How much of a response body is read, for the failure reason. Default 4096 bytes. */
  readonly maxResponseBytes?: number | undefined
  /** A tracing span per attempt (`http.client POST`). Default off. */
  readonly trace?: boolean | undefined
  /**
   * {@link layerHttpClient} only: how long its address check before a send
   * is reused for the same host (default 30 seconds; 0 checks before every
   * attempt). Validation at destination creation always checks afresh.
   * {@link layer} checks at connect time instead and ignores it.
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
export const DestinationOptions = target.DestinationOptions

/**
 * @since 0.1.0
 * @category models
 */
export type DestinationOptions = typeof DestinationOptions.Type

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = target.defaultTimeout

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

const resolved = (options: Options) => ({
  ...options,
  userAgent: options.userAgent ?? defaultUserAgent,
  maxResponseBytes: Math.max(0, Math.floor(options.maxResponseBytes ?? defaultMaxResponseBytes))
})

/**
 * Builds the sink's service over undici. The connection pools close with the
 * scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Sink.SinkService, never, Scope.Scope> =>
  undiciSink.make(resolved(options))

/**
 * Builds the sink's service over an `HttpClient` (see {@link layerHttpClient}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeHttpClient = (options: Options = {}): Effect.Effect<Sink.SinkService, never, HttpClient.HttpClient> =>
  httpClientSink.make(resolved(options))

/**
 * The webhook sink as a layer, over undici (Node): a keep-alive pool per
 * origin, a deadline per attempt (one watcher fiber per sink, not a timer
 * per attempt) on top of undici's own connect / headers / body timeouts,
 * and the SSRF guard on the addresses each socket actually connects to (IP
 * literals are checked before the send, since sockets do not resolve them).
 * Needs nothing else; the pools close when the layer's scope closes.
 *
 * @example
 * ```ts
 * import { SinkWebhook } from "@weft/sink-webhook"
 *
 * const SinkLive = SinkWebhook.layer({ timeout: "10 seconds" })
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Sink.Sink> => Layer.scoped(Sink.Sink, make(options))

/**
 * The webhook sink over any `HttpClient`, for runtimes without undici (Bun,
 * Deno, edge): portable, and slower than {@link layer}. Its SSRF guard is
 * best effort: the host is resolved and checked before each send (cached
 * for `addressCheckTtl`), and the client then resolves it again on its own,
 * so a DNS answer that changes in between (DNS rebinding) is not seen. On
 * Node, use {@link layer}.
 *
 * @example
 * ```ts
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Layer from "effect/Layer"
 * import { SinkWebhook } from "@weft/sink-webhook"
 *
 * const SinkLive = SinkWebhook.layerHttpClient().pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (options: Options = {}): Layer.Layer<Sink.Sink, never, HttpClient.HttpClient> =>
  Layer.effect(Sink.Sink, makeHttpClient(options))
