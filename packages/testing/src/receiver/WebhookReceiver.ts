import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { Event } from "@weft/core/events"
import { Receiver, type Secret } from "@weft/sink-webhook"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { type Delivery, type Fault, firstOf, type Script } from "./Fault.js"

/**
 * A recording webhook receiver for tests: a real HTTP server on
 * `127.0.0.1:<random port>` that records every delivery (headers, raw body,
 * attempt number, whether the signature verified, the decoded event) and
 * answers as scripted — acknowledging, or failing with a {@link Fault}.
 *
 * Delays (`hang(ms)`, `slow(ms)`) and `receivedAt` follow the `Clock` of the
 * fiber that created the receiver with {@link make}: under `TestClock` they
 * advance only when the test adjusts the clock. {@link start} uses real time.
 *
 * @since 0.1.0
 */

export * from "./Fault.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Secrets to verify signatures with. Without them, nothing is `verified`. */
  readonly secrets?: ReadonlyArray<Secret.SecretInput> | undefined
  /** Faults to play; the first script that returns one wins. */
  readonly script?: Script | ReadonlyArray<Script> | undefined
  /**
   * Timestamp tolerance in seconds for `verified`. Default: not checked, so
   * deliveries signed under a `TestClock` still verify.
   */
  readonly toleranceSeconds?: number | undefined
  /** Status of a normal acknowledgement. Default 204. */
  readonly ackStatus?: number | undefined
  /**
   * Answer 401 to deliveries whose signature does not verify, as a real
   * receiver would. Default: `true` when `secrets` are given.
   */
  readonly rejectUnverified?: boolean | undefined
}

/**
 * What the receiver did with a delivery.
 *
 * @since 0.1.0
 * @category models
 */
export type Answer =
  | { readonly _tag: "Pending" }
  | { readonly _tag: "Answered"; readonly status: number }
  | { readonly _tag: "Hung" }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "ClientGone" }

/**
 * One recorded delivery.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReceivedRequest extends Delivery {
  /** Position in arrival order, from 0. */
  readonly index: number
  readonly timestamp: string | undefined
  readonly signature: string | undefined
  readonly bytes: Uint8Array
  /** Unix ms, from the receiver's `Clock`. */
  readonly receivedAt: number
  /** Deliveries so far with this `webhook-id`, this one included. */
  readonly attempt: number
  /** The signature matched one of the secrets (payload validity aside). */
  readonly verified: boolean
  readonly verificationError: Receiver.WebhookVerificationError | undefined
  /** The body decoded as a Weft event, whether or not it verified. */
  readonly event: Event.WeftEvent | undefined
  readonly fault: Fault | undefined
  readonly answer: Answer
  /** Answered with a 2xx status. */
  readonly acked: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Counts {
  readonly requests: number
  readonly acked: number
  /** Answered with a non-2xx status, hung, reset, or abandoned by the client. */
  readonly failed: number
  readonly pending: number
  /** Distinct `webhook-id`s seen. */
  readonly ids: number
  /** Distinct events acknowledged. */
  readonly events: number
}

/**
 * `waitFor` gave up.
 *
 * @since 0.1.0
 * @category errors
 */
export class WaitForTimeout extends Schema.TaggedError<WaitForTimeout>()("WaitForTimeout", {
  timeout: Schema.String,
  requests: Schema.Number,
  acked: Schema.Number
}) {
  override get message(): string {
    return `The webhook receiver's condition did not hold within ${this.timeout} ` +
      `(${this.requests} requests, ${this.acked} acknowledged)`
  }
}

/**
 * A running receiver.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` — any path is accepted. */
  readonly url: string
  readonly port: number
  /** Every delivery, in arrival order. */
  readonly requests: () => ReadonlyArray<ReceivedRequest>
  /** Deliveries of one event id, in order. */
  readonly attempts: (id: string) => ReadonlyArray<ReceivedRequest>
  /** Distinct acknowledged events, in arrival order. */
  readonly events: () => ReadonlyArray<Event.WeftEvent>
  readonly counts: () => Counts
  /** Replaces the script. */
  readonly setScript: (script: Script | ReadonlyArray<Script> | undefined) => void
  /** Forgets every recorded delivery (attempt numbers start again at 1). */
  readonly clear: () => void
  /**
   * Waits until `predicate` holds, re-checking after every delivery and
   * answer. Default timeout 5 seconds, measured on the caller's `Clock`.
   */
  readonly waitFor: (
    predicate: (receiver: WebhookReceiver) => boolean,
    timeout?: Duration.DurationInput
  ) => Effect.Effect<void, WaitForTimeout>
  /** {@link WebhookReceiver.waitFor} for plain async code (real time). */
  readonly until: (predicate: (receiver: WebhookReceiver) => boolean, timeoutMs?: number) => Promise<void>
  readonly close: () => Promise<void>
}

const decodeEvent = Schema.decodeUnknownOption(Event.WeftEvent)

const parseEvent = (body: string): Event.WeftEvent | undefined => {
  try {
    return Option.getOrUndefined(decodeEvent(JSON.parse(body)))
  } catch {
    return undefined
  }
}

const flatHeaders = (headers: Http.IncomingHttpHeaders): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(", ") : value
  return out
}

const isAck = (answer: Answer) => answer._tag === "Answered" && answer.status >= 200 && answer.status < 300

const build = (runtime: Runtime.Runtime<never>, options: Options): Promise<WebhookReceiver> => {
  const records: Array<ReceivedRequest> = []
  const perId = new Map<string, number>()
  const fibers = new Set<Fiber.RuntimeFiber<void>>()
  const listeners = new Set<() => void>()
  let version = 0
  let script: Script | undefined
  const setScript = (s: Script | ReadonlyArray<Script> | undefined) => {
    script = s === undefined ? undefined : typeof s === "function" ? s : firstOf(...s)
  }
  setScript(options.script)
  const secrets = options.secrets ?? []
  const rejectUnverified = options.rejectUnverified ?? secrets.length > 0
  const ackStatus = options.ackStatus ?? 204

  const notify = () => {
    version += 1
    for (const listener of [...listeners]) listener()
  }

  const settle = (index: number, answer: Answer) => {
    const record = records[index]
    if (record === undefined) return // cleared meanwhile
    records[index] = { ...record, answer, acked: isAck(answer) }
    notify()
  }

  const handle = (req: Http.IncomingMessage, res: Http.ServerResponse, bytes: Buffer) =>
    Effect.gen(function*() {
      const receivedAt = yield* Clock.currentTimeMillis
      const headers = flatHeaders(req.headers)
      const body = bytes.toString("utf8")
      const id = headers["webhook-id"]
      const attempt = (perId.get(id ?? "") ?? 0) + 1
      perId.set(id ?? "", attempt)
      const delivery: Delivery = { method: req.method ?? "", path: req.url ?? "/", headers, id, body }
      const check = secrets.length === 0
        ? undefined
        : Receiver.verifySync(secrets, headers, bytes, {
          now: receivedAt,
          toleranceSeconds: options.toleranceSeconds ?? Number.POSITIVE_INFINITY
        })
      const verificationError = check === undefined || check.ok ? undefined : check.error
      const verified = check !== undefined && (check.ok || check.error.reason === "invalid_payload")
      const fault = script?.(delivery, attempt)
      const index = records.length
      records.push({
        ...delivery,
        index,
        timestamp: headers["webhook-timestamp"],
        signature: headers["webhook-signature"],
        bytes: new Uint8Array(bytes),
        receivedAt,
        attempt,
        verified,
        verificationError,
        event: parseEvent(body),
        fault,
        answer: { _tag: "Pending" },
        acked: false
      })
      notify()

      const answer = (status: number, extra: Readonly<Record<string, string>> = {}, text = "") => {
        if (req.socket.destroyed) return settle(index, { _tag: "ClientGone" })
        res.writeHead(status, extra)
        res.end(text)
        settle(index, { _tag: "Answered", status })
      }
      switch (fault?._tag) {
        case "Status":
          return answer(fault.status, fault.headers, fault.body)
        case "Reset":
          req.socket.destroy()
          return settle(index, { _tag: "Reset" })
        case "Hang":
          settle(index, { _tag: "Hung" })
          if (fault.ms === undefined) return
          yield* Effect.sleep(Duration.millis(fault.ms))
          req.socket.destroy()
          return
        case "Slow":
          yield* Effect.sleep(Duration.millis(fault.ms))
          return answer(fault.status)
      }
      if (rejectUnverified && !verified) {
        return answer(401, { "content-type": "application/json" }, JSON.stringify({ error: verificationError?.reason }))
      }
      answer(ackStatus)
    })

  const server = Http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const fiber = Runtime.runFork(runtime)(handle(req, res, Buffer.concat(chunks)))
      fibers.add(fiber)
      fiber.addObserver(() => fibers.delete(fiber))
    })
  })

  const counts = (): Counts => {
    let acked = 0
    let failed = 0
    let pending = 0
    for (const r of records) {
      if (r.acked) acked += 1
      else if (r.answer._tag === "Pending") pending += 1
      else failed += 1
    }
    return { requests: records.length, acked, failed, pending, ids: perId.size, events: events().length }
  }

  const events = (): ReadonlyArray<Event.WeftEvent> => {
    const seen = new Set<string>()
    const out: Array<Event.WeftEvent> = []
    for (const r of records) {
      if (!r.acked || r.event === undefined || seen.has(r.event.id)) continue
      seen.add(r.event.id)
      out.push(r.event)
    }
    return out
  }

  const changedSince = (seen: number) =>
    Effect.async<void>((resume) => {
      if (version !== seen) return resume(Effect.void)
      const listener = () => {
        listeners.delete(listener)
        resume(Effect.void)
      }
      listeners.add(listener)
      return Effect.sync(() => listeners.delete(listener))
    })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port
      const receiver: WebhookReceiver = {
        url: `http://127.0.0.1:${port}`,
        port,
        requests: () => records.slice(),
        attempts: (id) => records.filter((r) => r.id === id),
        events,
        counts,
        setScript,
        clear: () => {
          records.length = 0
          perId.clear()
          notify()
        },
        waitFor: (predicate, timeout = "5 seconds") => {
          const loop: Effect.Effect<void> = Effect.suspend(() => {
            const seen = version
            return predicate(receiver) ? Effect.void : Effect.zipRight(changedSince(seen), loop)
          })
          return loop.pipe(
            Effect.timeoutFail({
              duration: timeout,
              onTimeout: () => {
                const c = counts()
                return new WaitForTimeout({
                  timeout: Duration.format(Duration.decode(timeout)),
                  requests: c.requests,
                  acked: c.acked
                })
              }
            })
          )
        },
        until: (predicate, timeoutMs = 5000) =>
          Runtime.runPromise(Runtime.defaultRuntime)(receiver.waitFor(predicate, Duration.millis(timeoutMs))),
        close: () =>
          new Promise<void>((done) => {
            for (const fiber of fibers) Runtime.runFork(runtime)(Fiber.interrupt(fiber))
            server.closeAllConnections()
            server.close(() => done())
          })
      }
      resolve(receiver)
    })
  })
}

/**
 * Starts a receiver that closes with the scope. Its delays and timestamps
 * use the caller's `Clock`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Secret } from "@weft/sink-webhook"
 * import { WebhookReceiver } from "@weft/testing"
 *
 * const secret = Secret.generate() // the destination's signing secret
 * const program = Effect.gen(function*() {
 *   const receiver = yield* WebhookReceiver.make({
 *     secrets: [secret],
 *     script: WebhookReceiver.failFirstAttempts({ ratio: 0.2, status: 503 })
 *   })
 *   // … point a destination at receiver.url, run a sync …
 *   yield* receiver.waitFor((r) => r.events().length === 10, "30 seconds")
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<WebhookReceiver, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.flatMap(Effect.runtime<never>(), (runtime) => Effect.promise(() => build(runtime, options))),
    (receiver) => Effect.promise(() => receiver.close())
  )

/**
 * Starts a receiver for plain async code (real time). Call `close()` when
 * done.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (options: Options = {}): Promise<WebhookReceiver> => build(Runtime.defaultRuntime, options)
