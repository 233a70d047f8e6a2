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
 * The undici options one attempt runs with: the per-attempt timeout also
 * bounds each phase on its own (connect with DNS and TLS, waiting for the
 * response headers, each wait for body data), so a connection an abandoned
 * attempt left behind still ends. The attempt as a whole is bounded by its
 * deadline ({@link Deadlines}).
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
const overdue = new Error("the attempt's deadline passed")

// A response body we do not need is still drained up to this size so the
// connection can be reused; past it the connection is closed instead.
const drainLimit = 64 * 1024

/**
 * One attempt's undici handler. The outcome is known from the status and
 * headers, except for failures, whose reason quotes the start of the body:
 * those keep up to `max` bytes of it. The answer is given once the body has
 * ended (so the connection is free for the next attempt), or once reading
 * more would be pointless or the attempt's deadline has passed, in which
 * case the connection is closed.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined = undefined
  private done = false
  private status = 0
  private headers: Record<string, string | undefined> = {}
  private chunks: Array<Buffer> | undefined = undefined
  private size = 0
  /** Clock millis after which the attempt ends, whatever phase it is in. */
  deadline = Infinity

  constructor(
    private readonly target: UndiciTarget,
    private readonly max: number,
    private readonly clock: Clock.Clock,
    private readonly deadlines: Deadlines,
    private readonly resume: (outcome: Effect.Effect<Sink.Outcome>) => void
  ) {}

  interrupt(): void {
    this.done = true
    this.deadlines.remove(this)
    this.controller?.abort(interrupted)
  }

  /**
   * The per-attempt timeout has run out. Before the final status this is a
   * timeout; after it the status decides, as when the body stalls. Either way
   * the connection is closed, so nothing more is read or sent on it.
   */
  expire(): void {
    if (this.done) return
    if (this.status !== 0) this.finish(true)
    else this.settle(this.target.timedOut)
    // Not connected yet: `onRequestStart` sees `done` and aborts before anything is written.
    this.controller?.abort(overdue)
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
    this.settle(failure(this.target, error))
  }

  /** Answers the attempt, once. */
  settle(outcome: Sink.Outcome): void {
    this.done = true
    this.deadlines.remove(this)
    this.resume(Effect.succeed(outcome))
  }

  private finish(incomplete: boolean): void {
    const chunks = this.chunks ?? []
    this.chunks = undefined
    const bytes = chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
    const facts = {
      status: this.status,
      headers: this.headers,
      snippet: bytes === undefined ? "" : bytes.subarray(0, this.max).toString("utf8"),
      truncated: this.size > this.max || incomplete
    }
    this.settle(classify(facts, this.target.ack, this.clock.unsafeCurrentTimeMillis()))
  }
}

/**
 * The deadlines of the attempts in flight. undici's own timeouts bound each
 * phase, but a receiver that answers a little at a time (interim `1xx`
 * answers, a body trickled a byte just inside each wait) restarts them; the
 * deadline bounds the attempt as a whole, so it cannot outlive its delivery
 * lease or hold its concurrency slot.
 *
 * One fiber per sink sleeps on the Clock until the earliest deadline and
 * ends the attempts that reached theirs. An attempt only joins and leaves a
 * set: no timer or fiber of its own on the hot path. The fiber is woken
 * early only when a new deadline comes before the one it sleeps towards
 * (when it is idle, or for a destination with a shorter `timeoutMs`).
 *
 * @internal
 */
class Deadlines {
  private readonly inFlight = new Set<Exchange>()
  /** When the watcher looks next; -Infinity once it has been woken to look now. */
  private wakeAt = Infinity
  private waiter: (() => void) | undefined = undefined
  private woken = false

  constructor(private readonly clock: Clock.Clock) {}

  add(exchange: Exchange, timeoutMs: number): void {
    exchange.deadline = this.clock.unsafeCurrentTimeMillis() + timeoutMs
    this.inFlight.add(exchange)
    if (exchange.deadline < this.wakeAt) this.wake()
  }

  remove(exchange: Exchange): void {
    this.inFlight.delete(exchange)
  }

  private wake(): void {
    this.wakeAt = -Infinity
    const waiter = this.waiter
    this.waiter = undefined
    if (waiter === undefined) this.woken = true
    else waiter()
  }

  /** Resolves at the next `wake`, or at once if one came since the last wait. */
  private readonly woke: Effect.Effect<void> = Effect.async<void>((resume) => {
    if (this.woken) {
      this.woken = false
      return resume(Effect.void)
    }
    const waiter = () => resume(Effect.void)
    this.waiter = waiter
    return Effect.sync(() => {
      if (this.waiter === waiter) this.waiter = undefined
    })
  })

  /** Ends the attempts past their deadline; returns the earliest deadline left. */
  private sweep(now: number): number {
    let next = Infinity
    for (const exchange of this.inFlight) {
      if (exchange.deadline <= now) exchange.expire()
      else if (exchange.deadline < next) next = exchange.deadline
    }
    return next
  }

  /** The watcher: runs until its fiber is interrupted (the sink's scope closes). */
  readonly watch: Effect.Effect<never> = Effect.suspend(() => {
    this.woken = false
    const now = this.clock.unsafeCurrentTimeMillis()
    const next = this.sweep(now)
    this.wakeAt = next
    return next === Infinity
      ? this.woke
      : Effect.raceFirst(this.clock.sleep(Duration.millis(next - now)), this.woke)
  }).pipe(Effect.forever)
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
    // The clock of the layer's context: attempts read it without an Effect step of their own.
    const clock = yield* Effect.clock
    const deadlines = new Deadlines(clock)
    yield* Effect.forkScoped(deadlines.watch)

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
        Effect.async<Sink.Outcome>((resume) => {
          if (closed) {
            resume(Effect.succeed({ _tag: "Retry", reason: "not sent: the webhook sink is shut down" }))
            return
          }
          const exchange = new Exchange(target, maxResponseBytes, clock, deadlines, resume)
          deadlines.add(exchange, target.timeoutMs)
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
