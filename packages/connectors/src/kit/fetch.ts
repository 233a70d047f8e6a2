import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpMethod from "@effect/platform/HttpMethod"
import type { ProviderHttp } from "@weft/core/connector"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import ky, { type KyInstance, type Options as KyOptions } from "ky"
import { describeRequest, ProviderCallError } from "./errors.js"

/**
 * A web `fetch` (and a ky instance on top of it) whose requests go through
 * an integration's Effect provider client, so Promise-style connectors get
 * the same auth (incl. OAuth refresh), rate limiter and retry policy —
 * honouring `Retry-After`, sleeping on Effect's `Clock` — as Effect-native
 * ones.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/**
 * Called with `METHOD /path` before each request is handed to the provider
 * client (the kit uses it to name the last request in read errors).
 *
 * @since 0.1.0
 * @category models
 */
export type OnRequest = (operation: string) => void

const abortError = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException("The request was aborted.", "AbortError")

const toEffectRequest = async (request: Request): Promise<HttpClientRequest.HttpClientRequest> => {
  const method = request.method.toUpperCase()
  if (!HttpMethod.isHttpMethod(method)) throw new TypeError(`Unsupported HTTP method: ${request.method}`)
  const headers: Record<string, string> = {}
  let contentType: string | undefined
  request.headers.forEach((value, key) => {
    if (key === "content-type") contentType = value
    // The client computes the length of the bytes it sends.
    else if (key !== "content-length") headers[key] = value
  })
  let out = HttpClientRequest.make(method)(new URL(request.url), { headers })
  if (request.body !== null) {
    const bytes = new Uint8Array(await request.arrayBuffer())
    out = HttpClientRequest.bodyUint8Array(out, bytes, contentType)
  } else if (contentType !== undefined) {
    out = HttpClientRequest.setHeader(out, "content-type", contentType)
  }
  return out
}

// Statuses whose responses cannot carry a body in the Fetch standard.
const nullBodyStatus = new Set([101, 103, 204, 205, 304])

const toWebResponse = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(response.arrayBuffer, (bytes) =>
    new Response(nullBodyStatus.has(response.status) ? null : bytes, {
      status: response.status,
      headers: Object.entries(response.headers)
    }))

/**
 * A `fetch` over a provider client. Each call converts the web `Request`
 * (method, URL, headers, body bytes) into an `HttpClientRequest`, runs it with
 * `runtime` (the caller's, so `TestClock` and the fiber's services apply),
 * and converts the answer back (status, headers, body).
 *
 * Aborting the request's signal interrupts the Effect call (and its retry
 * sleeps); the promise then rejects with the signal's reason. A failure of the
 * provider client rejects with a {@link ProviderCallError} carrying the typed
 * error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeFetch = (
  client: ProviderHttp.ProviderClient,
  runtime: Runtime.Runtime<never>,
  onRequest?: OnRequest
): Fetch =>
async (input, init) => {
  // ky hands over a complete Request (its `init` holds only options unknown
  // to the Fetch standard).
  const request = input instanceof Request ? input : new Request(input, init)
  const signal = input instanceof Request ? init?.signal ?? request.signal : request.signal
  if (signal.aborted) throw abortError(signal)
  const operation = describeRequest(request)
  const effectRequest = await toEffectRequest(request)
  onRequest?.(operation)
  const exit = await Runtime.runPromiseExit(runtime)(
    Effect.flatMap(client.execute(effectRequest), toWebResponse),
    { signal }
  )
  if (Exit.isSuccess(exit)) return exit.value
  if (signal.aborted) throw abortError(signal)
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) throw new ProviderCallError(operation, failure.value)
  throw Cause.squash(exit.cause)
}

/**
 * Options of {@link makeKyInstance}.
 *
 * @since 0.1.0
 * @category models
 */
export interface KyInstanceOptions {
  readonly client: ProviderHttp.ProviderClient
  readonly runtime: Runtime.Runtime<never>
  /** The provider's base URL; request paths are relative to it (no leading `/`). */
  readonly prefixUrl: string
  /** Aborts every request of the instance (the kit aborts it on interruption). */
  readonly signal?: AbortSignal | undefined
  readonly onRequest?: OnRequest | undefined
  /** Extra ky defaults (headers, hooks, `parseJson`…); retry, timeout and fetch are the kit's. */
  readonly defaults?: KyOptions | undefined
}

/**
 * A ky instance pre-wired for one integration: `prefixUrl`, and a `fetch`
 * through the provider client ({@link makeFetch}). ky's own retry and
 * timeout are off: the provider client's policy retries (once, not twice).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import type { Connector } from "@weft/core/connector"
 * import { AsyncConnector } from "@weft/connectors"
 * declare const ctx: Connector.ConnectorContext<unknown>
 *
 * const me = Effect.gen(function*() {
 *   const runtime = yield* Effect.runtime<never>()
 *   const api = AsyncConnector.makeKyInstance({ client: ctx.http, runtime, prefixUrl: "https://api.acme.example" })
 *   return yield* Effect.promise(() => api.get("v1/me").json())
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const makeKyInstance = (options: KyInstanceOptions): KyInstance =>
  ky.create({
    ...options.defaults,
    prefixUrl: options.prefixUrl,
    fetch: makeFetch(options.client, options.runtime, options.onRequest),
    retry: 0,
    timeout: false,
    ...(options.signal === undefined ? {} : { signal: options.signal })
  })
