import { Sink } from "@weft/core/sink"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import type { IncomingHttpHeaders } from "node:http"
import type { LookupFunction } from "node:net"
import { type Dispatcher, Pool } from "undici"
import * as AddressClass from "../AddressClass.js"
import * as Signature from "../Signature.js"
import * as SsrfGuard from "../SsrfGuard.js"
import { classify, describeCause } from "./classify.js"
import { resolveTarget, type Target, targetCache, type TargetOptions, unusable, validate } from "./target.js"

/** @internal the options of the undici transport */
export interface UndiciSinkOptions extends TargetOptions {
  readonly userAgent: string
  readonly resolver?: SsrfGuard.Resolver | undefined
  readonly maxResponseBytes: number
  readonly trace?: boolean | undefined
}

/** @internal a destination ready for undici */
export interface UndiciTarget extends Target {
  readonly origin: string
  readonly path: string
  readonly timeoutMs: number
  /** origin + connect timeout: the pool this destination's attempts go through */
  readonly poolKey: string
  /** set when the host is an IP literal that may not be reached; sockets never `lookup` those */
  readonly refused: Sink.Outcome | undefined
  readonly timedOut: Sink.Outcome
}

/** @internal */
export const toUndiciTarget = (target: Target): UndiciTarget => {
  const timeoutMs = Math.max(1, Math.round(Duration.toMillis(target.timeout)))
  const host = SsrfGuard.normalizeHost(target.url.hostname)
  let refused: Sink.Outcome | undefined
  if (!target.allowListed && AddressClass.isIpLiteral(host)) {
    const verdict = SsrfGuard.judge(host, [{ address: host, family: 0 }])
    if (verdict._tag !== "Allowed") refused = { _tag: "Retry", reason: `not sent: ${verdict.detail}` }
  }
  return {
    ...target,
    origin: target.url.origin,
    path: `${target.url.pathname}${target.url.search}`,
    timeoutMs,
    poolKey: `${target.url.origin} ${timeoutMs}`,
    refused,
    timedOut: { _tag: "Retry", reason: `timed out after ${Duration.format(target.timeout)}` }
  }
}

/**
 * The undici options one attempt runs with: the per-attempt timeout bounds
 * each phase (connect with DNS and TLS, waiting for the response headers,
 * each wait for body data).
 *
 * @internal
 */
export const poolOptions = (target: UndiciTarget, lookup: LookupFunction): Pool.Options => ({
  connect: { lookup, timeout: target.timeoutMs },
  headersTimeout: target.timeoutMs,
  bodyTimeout: target.timeoutMs
})

const timeoutCodes: ReadonlySet<string> = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT"
])

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

const first = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" || value === undefined ? value : value[0]

// Why a body is no longer read. The reason only reaches undici, which closes the connection.
const enough = new Error("response body not needed")
const interrupted = new Error("delivery interrupted")

// A response body we do not need is still drained up to this size so the
// connection can be reused; past it the connection is closed instead.
const drainLimit = 64 * 1024

/**
 * One attempt's undici handler. The outcome is known from the status and
 * headers, except for failures, whose reason quotes the start of the body:
 * those keep up to `max` bytes of it. The answer is given once the body has
 * ended (so the connection is free for the next attempt) or once reading
 * more would be pointless, in which case the connection is closed.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined = undefined
  private done = false
  private status = 0
  private headers: Record<string, string | undefined> = {}
  private chunks: Array<Buffer> | undefined = undefined
  private size = 0

  constructor(
    private readonly target: UndiciTarget,
    private readonly max: number,
    private readonly clock: Clock.Clock,
    private readonly resume: (outcome: Effect.Effect<Sink.Outcome>) => void
  ) {}

  interrupt(): void {
    this.done = true
    this.controller?.abort(interrupted)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.done) controller.abort(interrupted)
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx answers are informational; the final answer follows.
    if (this.done || statusCode < 200) return
    this.status = statusCode
    const directive = first(headers["webhook-delivery"])
    this.headers = {
      "webhook-delivery": directive,
      "retry-after": first(headers["retry-after"]),
      "location": first(headers["location"])
    }
    const normalized = directive?.trim().toLowerCase()
    if (statusCode >= 400 && normalized !== "disable" && normalized !== "abort-message") this.chunks = []
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return
    this.size += chunk.length
    if (this.chunks !== undefined) {
      this.chunks.push(chunk)
      if (this.size > this.max) {
        this.finish(false)
        controller.abort(enough)
      }
    } else if (this.size > drainLimit) {
      this.finish(false)
      controller.abort(enough)
    }
  }

  onResponseEnd(): void {
    if (!this.done) this.finish(false)
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.done) return
    // The headers arrived and the body did not finish (e.g. it stalled): the status still decides.
    if (this.status !== 0) return this.finish(true)
    this.done = true
    this.resume(Effect.succeed(failure(this.target, error)))
  }

  private finish(incomplete: boolean): void {
    this.done = true
    const chunks = this.chunks ?? []
    this.chunks = undefined
    const bytes = chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
    const facts = {
      status: this.status,
      headers: this.headers,
      snippet: bytes === undefined ? "" : bytes.subarray(0, this.max).toString("utf8"),
      truncated: this.size > this.max || incomplete
    }
    this.resume(Effect.succeed(classify(facts, this.target.ack, this.clock.unsafeCurrentTimeMillis())))
  }
}

const failure = (target: UndiciTarget, error: unknown): Sink.Outcome => {
  // The guard refused the address the socket was about to connect to: nothing was sent.
  if (error instanceof SsrfGuard.RefusedAddressError) return { _tag: "Retry", reason: `not sent: ${error.message}` }
  const code = codeOf(error)
  if (code !== undefined && timeoutCodes.has(code)) return target.timedOut
  return { _tag: "Retry", reason: `could not deliver: ${describeCause(error)}` }
}

// Pools are per origin; an app with more destination origins than this closes
// the oldest pool (its in-flight attempts finish) and opens it again if needed.
const maxPools = 512

/**
 * The sink over undici: a keep-alive `Pool` per origin whose sockets resolve
 * names through the SSRF guard, so the addresses checked are the addresses
 * connected to. The pools close with the scope.
 *
 * @internal
 */
export const make = (options: UndiciSinkOptions): Effect.Effect<Sink.SinkService, never, Scope.Scope> =>
  Effect.gen(function*() {
    const guard: SsrfGuard.GuardOptions = { allowHosts: options.allowHosts, resolver: options.resolver }
    const lookup = SsrfGuard.lookup(guard)
    const { maxResponseBytes, userAgent } = options
    const pools = new Map<string, Pool>()
    let closed = false

    yield* Effect.addFinalizer(() =>
      Effect.promise(() => {
        closed = true
        const all = [...pools.values()]
        pools.clear()
        return Promise.allSettled(all.map((pool) => pool.destroy()))
      })
    )

    const poolOf = (target: UndiciTarget): Pool => {
      let pool = pools.get(target.poolKey)
      if (pool === undefined) {
        if (pools.size >= maxPools) {
          const [oldestKey, oldest] = pools.entries().next().value!
          pools.delete(oldestKey)
          oldest.close().catch(() => undefined)
        }
        pool = new Pool(target.origin, poolOptions(target, lookup))
        pools.set(target.poolKey, pool)
      }
      return pool
    }

    const targetOf = targetCache((destination) => Either.map(resolveTarget(destination, options), toUndiciTarget))

    const send = (target: UndiciTarget, attempt: Sink.Attempt) =>
      Effect.clockWith((clock) =>
        Effect.async<Sink.Outcome>((resume) => {
          if (closed) {
            resume(Effect.succeed({ _tag: "Retry", reason: "not sent: the webhook sink is shut down" }))
            return
          }
          const exchange = new Exchange(target, maxResponseBytes, clock, resume)
          try {
            const timestamp = Math.floor(clock.unsafeCurrentTimeMillis() / 1000)
            poolOf(target).dispatch({
              path: target.path,
              method: "POST",
              headers: [
                Signature.headers.id,
                attempt.eventId,
                Signature.headers.timestamp,
                String(timestamp),
                Signature.headers.signature,
                Signature.sign(target.keys, attempt.eventId, timestamp, attempt.body),
                "content-type",
                "application/json",
                "user-agent",
                userAgent
              ],
              body: attempt.body,
              headersTimeout: target.timeoutMs,
              bodyTimeout: target.timeoutMs
            }, exchange)
          } catch (error) {
            exchange.interrupt()
            resume(Effect.succeed({ _tag: "Retry", reason: `unexpected failure: ${describeCause(error)}` }))
            return
          }
          return Effect.sync(() => exchange.interrupt())
        })
      )

    const deliver = (destination: Sink.Destination, attempt: Sink.Attempt): Effect.Effect<Sink.Outcome> => {
      const target = targetOf(destination)
      if (Either.isLeft(target)) return Effect.succeed(unusable(destination, target.left))
      if (target.right.refused !== undefined) return Effect.succeed(target.right.refused)
      if (options.trace !== true) return send(target.right, attempt)
      return send(target.right, attempt).pipe(
        Effect.tap((outcome) =>
          outcome.status === undefined ? Effect.void : Effect.annotateCurrentSpan("http.response.status_code", outcome.status)
        ),
        Effect.withSpan("http.client POST", {
          kind: "client",
          attributes: { "http.request.method": "POST", "server.address": target.right.url.hostname }
        })
      )
    }

    return Sink.Sink.of({ validate: validate(options, guard), deliver })
  })
