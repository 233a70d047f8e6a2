import * as Http from "node:http"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Receiver } from "@weft/sink-webhook"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import { DemoFailure } from "./errors.js"

/**
 * The demo's webhook receiver: a real HTTP server on 127.0.0.1 that verifies
 * the Standard Webhooks signature of every delivery, as a host would, and
 * counts what verified and what did not.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface ReceiverStats {
  readonly received: number
  readonly verified: number
  readonly failures: number
  /** Why the first delivery that did not verify was refused. */
  readonly firstFailure?: string | undefined
}

/**
 * One verified delivery, as received (a redelivery is one more entry with
 * the same id). Run events keep their data, which carries the run's counts.
 *
 * @since 0.1.0
 * @category models
 */
export interface Received {
  readonly id: string
  readonly type: string
  readonly runId: string
  readonly recordId?: string | undefined
  readonly data?: unknown
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LocalReceiver {
  /** `http://127.0.0.1:<port>/webhooks/weft` */
  readonly url: string
  readonly stats: Effect.Effect<ReceiverStats>
  /** Every verified delivery so far, in the order received. */
  readonly received: Effect.Effect<ReadonlyArray<Received>>
  /**
   * Called on each verified delivery before it is answered (`--crash` kills
   * Weft from here, so that delivery's answer is never seen).
   */
  readonly onDelivery: (hook: (delivery: Received, deliveries: number) => Effect.Effect<void>) => Effect.Effect<void>
}

const empty: ReceiverStats = { received: 0, verified: 0, failures: 0 }

/**
 * Starts the receiver; it stops with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (secret: Redacted.Redacted<string>): Effect.Effect<LocalReceiver, DemoFailure, Scope.Scope> =>
  Effect.gen(function*() {
    const stats = yield* Ref.make(empty)
    const received: Array<Received> = []
    let hook: (delivery: Received, deliveries: number) => Effect.Effect<void> = () => Effect.void

    // The exact bytes received are verified: a re-serialised body would not match its signature.
    const app = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const body = yield* Effect.orElseSucceed(request.arrayBuffer, () => new ArrayBuffer(0))
      const verified = yield* Effect.either(Receiver.verify(secret, request.headers, new Uint8Array(body)))
      if (Either.isLeft(verified)) {
        const reason = `${verified.left.reason}: ${verified.left.detail}`
        yield* Ref.update(stats, (s) => ({ ...s, received: s.received + 1, failures: s.failures + 1, firstFailure: s.firstFailure ?? reason }))
        return HttpServerResponse.unsafeJson({ error: verified.left.reason }, { status: 401 })
      }
      yield* Ref.update(stats, (s) => ({ ...s, received: s.received + 1, verified: s.verified + 1 }))
      const event = verified.right
      const delivery: Received = {
        id: event.id,
        type: event.type,
        runId: event.syncRunId,
        ...("recordId" in event ? { recordId: event.recordId } : {}),
        // Record data is not kept: only run events' counts are needed.
        ...(event.type.startsWith("sync.") ? { data: event.data } : {})
      }
      received.push(delivery)
      yield* hook(delivery, received.length)
      return HttpServerResponse.empty({ status: 204 })
    })

    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" }).pipe(
      Effect.mapError((error) => new DemoFailure({ reason: "setup", detail: `The local webhook receiver could not start: ${error.message}` }))
    )
    yield* server.serve(app)
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    return {
      url: `http://127.0.0.1:${port}/webhooks/weft`,
      stats: Ref.get(stats),
      received: Effect.sync(() => received.slice()),
      onDelivery: (f) => Effect.sync(() => void (hook = f))
    }
  })
