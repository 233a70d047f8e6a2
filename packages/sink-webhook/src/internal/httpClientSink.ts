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
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Signature from "../Signature.js"
import * as SsrfGuard from "../SsrfGuard.js"
import { type AckMode, classify, describeCause } from "./classify.js"
import { resolveTarget, type Target, targetCache, type TargetOptions, unusable, validate } from "./target.js"

/** @internal the options of the `HttpClient` transport */
export interface HttpClientSinkOptions extends TargetOptions {
  readonly userAgent: string
  readonly resolver?: SsrfGuard.Resolver | undefined
  readonly ack?: AckMode | undefined
  readonly maxResponseBytes: number
  readonly trace?: boolean | undefined
  readonly addressCheckTtl?: Duration.DurationInput | undefined
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
 * The sink over any `HttpClient`: portable (Bun, Deno, edge runtimes), but
 * its address check runs before the send, in a resolution of its own, so it
 * cannot see what the socket resolves (best effort against DNS rebinding).
 *
 * @internal
 */
export const make = (options: HttpClientSinkOptions): Effect.Effect<Sink.SinkService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    // Receivers have no use for our trace ids; keep them out of their logs. A span per attempt is
    // off by default (it costs a third of an attempt's CPU); `trace: true` turns it on.
    const base = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
    const client = options.trace === true ? base : HttpClient.withTracerDisabledWhen(base, () => true)
    const guard: SsrfGuard.GuardOptions = { allowHosts: options.allowHosts, resolver: options.resolver }
    const { maxResponseBytes, userAgent } = options

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

    const targetOf = targetCache((destination) => resolveTarget(destination, options))

    const deliver = (destination: Sink.Destination, attempt: Sink.Attempt): Effect.Effect<Sink.Outcome> => {
      const target = targetOf(destination)
      if (Either.isLeft(target)) return Effect.succeed(unusable(destination, target.left))
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

    return Sink.Sink.of({ validate: validate(options, guard), deliver })
  })
