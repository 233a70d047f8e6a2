import { timingSafeEqual } from "node:crypto"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { Event } from "@weft/core/events"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Secret from "./Secret.js"
import * as Signature from "./Signature.js"

/**
 * The receiving side, for hosts: verify a delivery's Standard Webhooks
 * signature and decode its event, as an Effect, as a plain function, or as a
 * ready `@effect/platform` HTTP handler.
 *
 * @since 0.1.0
 */

/**
 * Why a delivery was not accepted.
 *
 * - `missing_headers`: `webhook-id`, `webhook-timestamp` or `webhook-signature`
 *   is absent or malformed;
 * - `timestamp_out_of_tolerance`: the attempt was signed too long ago (or in
 *   the future): a replay, or a clock out of sync;
 * - `no_matching_signature`: no `v1` entry matches any of the secrets;
 * - `invalid_payload`: signed correctly, but the body is not a Weft event;
 * - `invalid_secret`: one of the receiver's own secrets is malformed.
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookVerificationError extends Schema.TaggedError<WebhookVerificationError>()(
  "WebhookVerificationError",
  {
    reason: Schema.Literal(
      "missing_headers",
      "timestamp_out_of_tolerance",
      "no_matching_signature",
      "invalid_payload",
      "invalid_secret"
    ),
    detail: Schema.String
  }
) {
  override get message(): string {
    return `Webhook rejected (${this.reason}): ${this.detail}`
  }
}

/**
 * Request headers: a `Headers` instance, or a plain object with names in any
 * case (Node's `IncomingHttpHeaders`, `@effect/platform` headers).
 *
 * @since 0.1.0
 * @category models
 */
export type HeadersInput =
  | globalThis.Headers
  | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /** How far the signed timestamp may be from now, either way. Default 300 (5 minutes). */
  readonly toleranceSeconds?: number | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultToleranceSeconds = 5 * 60

const readHeader = (headers: HeadersInput, name: string): string | undefined => {
  if (typeof Headers !== "undefined" && headers instanceof Headers) return headers.get(name) ?? undefined
  const record = headers as Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== name) continue
    const value = record[key]
    return typeof value === "string" ? value : value?.join(", ")
  }
  return undefined
}

const fail = (reason: WebhookVerificationError["reason"], detail: string) =>
  Either.left(new WebhookVerificationError({ reason, detail }))

const decodeEvent = Schema.decodeUnknownEither(Event.WeftEvent)
const utf8 = new TextDecoder()

const parseEvent = (rawBody: string | Uint8Array): Either.Either<Event.WeftEvent, WebhookVerificationError> => {
  let json: unknown
  try {
    json = JSON.parse(typeof rawBody === "string" ? rawBody : utf8.decode(rawBody))
  } catch {
    return fail("invalid_payload", "the body is not JSON")
  }
  return Either.mapLeft(decodeEvent(json), (error) => {
    const text = ParseResult.TreeFormatter.formatErrorSync(error)
    return new WebhookVerificationError({
      reason: "invalid_payload",
      detail: `the body is not a Weft event: ${text.length > 600 ? `${text.slice(0, 600)}…` : text}`
    })
  })
}

/**
 * The pure check behind {@link verify} and {@link verifySync}, at a given
 * time (Unix milliseconds).
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyAt = (
  secrets: Secret.SecretInput | ReadonlyArray<Secret.SecretInput>,
  headers: HeadersInput,
  rawBody: string | Uint8Array,
  nowMs: number,
  options: VerifyOptions = {}
): Either.Either<Event.WeftEvent, WebhookVerificationError> => {
  const keys = Secret.decodeAll(Array.isArray(secrets) ? secrets : [secrets as Secret.SecretInput])
  if (Either.isLeft(keys)) return fail("invalid_secret", `the receiver's ${keys.left}`)
  const id = readHeader(headers, Signature.headers.id)
  const timestampText = readHeader(headers, Signature.headers.timestamp)
  const signature = readHeader(headers, Signature.headers.signature)
  const missing = [
    id === undefined || id === "" ? Signature.headers.id : undefined,
    timestampText === undefined || timestampText === "" ? Signature.headers.timestamp : undefined,
    signature === undefined || signature === "" ? Signature.headers.signature : undefined
  ].filter((name) => name !== undefined)
  if (missing.length > 0) {
    return fail("missing_headers", `missing ${missing.join(", ")}; is this a Standard Webhooks delivery?`)
  }
  if (!/^\d+$/.test(timestampText!.trim())) {
    return fail("missing_headers", "webhook-timestamp must be Unix seconds")
  }
  const timestamp = Number(timestampText!.trim())
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds
  const skew = Math.floor(nowMs / 1000) - timestamp
  if (Math.abs(skew) > tolerance) {
    return fail(
      "timestamp_out_of_tolerance",
      `the delivery was signed ${Math.abs(skew)}s ${skew > 0 ? "ago" : "in the future"}; ` +
        `the tolerance is ${tolerance}s. Check the receiver's clock; old deliveries are refused as replays`
    )
  }
  const candidates = Signature.parse(signature!)
    .filter((entry) => entry.version === "v1")
    .map((entry) => Buffer.from(entry.signature, "base64"))
  if (candidates.length === 0) {
    return fail("no_matching_signature", "webhook-signature has no v1 entry")
  }
  for (const key of keys.right) {
    const expected = Signature.compute(key, id!, timestamp, rawBody)
    for (const candidate of candidates) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return parseEvent(rawBody)
    }
  }
  return fail(
    "no_matching_signature",
    "no v1 signature matches the configured secrets; check the secret, and that the body is passed unparsed"
  )
}

/**
 * Verifies a delivery and decodes its event: constant-time comparison, any
 * `v1` entry may match any of `secrets` (rotation), unknown versions are
 * skipped, the timestamp must be within ±5 minutes of `Clock` time.
 *
 * `rawBody` must be the exact bytes received; a re-serialised JSON body will
 * not verify.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import { Receiver } from "@weft/sink-webhook"
 *
 * const secret = Redacted.make(process.env.WEFT_WEBHOOK_SECRET!)
 * const onRequest = (headers: Headers, body: string) =>
 *   Receiver.verify(secret, headers, body).pipe(
 *     Effect.flatMap((event) => Effect.log(`got ${event.type} ${event.id}`))
 *   )
 * ```
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  secrets: Secret.SecretInput | ReadonlyArray<Secret.SecretInput>,
  headers: HeadersInput,
  rawBody: string | Uint8Array,
  options?: VerifyOptions
): Effect.Effect<Event.WeftEvent, WebhookVerificationError> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => verifyAt(secrets, headers, rawBody, now, options))

/**
 * The result of {@link verifySync}.
 *
 * @since 0.1.0
 * @category models
 */
export type VerifyResult =
  | { readonly ok: true; readonly event: Event.WeftEvent }
  | { readonly ok: false; readonly error: WebhookVerificationError }

/**
 * {@link verify} for hosts that do not use Effect (Express, Fastify, Next.js
 * route handlers…). Never throws. `now` (Unix ms or a `Date`) defaults to the
 * system clock.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http"
 * import { Receiver } from "@weft/sink-webhook"
 *
 * // With Express: `app.post("/weft", express.raw({ type: "application/json" }), …)`, then req.headers and req.body.
 * createServer(async (req, res) => {
 *   const chunks: Array<Buffer> = []
 *   for await (const chunk of req) chunks.push(chunk as Buffer)
 *   const result = Receiver.verifySync(process.env.WEFT_WEBHOOK_SECRET!, req.headers, Buffer.concat(chunks))
 *   if (!result.ok) return void res.writeHead(result.error.reason === "invalid_payload" ? 400 : 401).end()
 *   console.log(result.event.type, result.event.id) // apply the change here
 *   res.writeHead(204).end()
 * }).listen(3000)
 * ```
 * @since 0.1.0
 * @category verification
 */
export const verifySync = (
  secrets: Secret.SecretInput | ReadonlyArray<Secret.SecretInput>,
  headers: HeadersInput,
  rawBody: string | Uint8Array,
  options: VerifyOptions & { readonly now?: number | Date | undefined } = {}
): VerifyResult => {
  const now = options.now === undefined
    // This helper is for callers outside Effect, who have no Clock to give;
    // `now` lets them (and tests) pass their own time.
    // eslint-disable-next-line no-restricted-syntax
    ? Date.now()
    : typeof options.now === "number"
    ? options.now
    : options.now.getTime()
  return Either.match(verifyAt(secrets, headers, rawBody, now, options), {
    onLeft: (error) => ({ ok: false, error }),
    onRight: (event) => ({ ok: true, event })
  })
}

/**
 * @since 0.1.0
 * @category models
 */
export interface HandlerOptions<E, R> extends VerifyOptions {
  readonly secrets: Secret.SecretInput | ReadonlyArray<Secret.SecretInput>
  /** Called once per verified event; a failure answers 500, so Weft retries. */
  readonly onEvent: (event: Event.WeftEvent) => Effect.Effect<void, E, R>
  /** Called for every refused delivery (bad signature, stale timestamp, bad payload), e.g. to count or alert. */
  readonly onRejected?: ((error: WebhookVerificationError) => Effect.Effect<void>) | undefined
}

const statusFor = (reason: WebhookVerificationError["reason"]): number =>
  reason === "invalid_payload" ? 400 : reason === "invalid_secret" ? 500 : 401

/**
 * A ready `@effect/platform` HTTP app for receiving Weft webhooks: reads the
 * raw body, verifies it, calls `onEvent`, and answers 204. Signature
 * problems answer 401, a bad payload 400, a failing `onEvent` 500 (retried
 * by Weft).
 *
 * @example
 * ```ts
 * import * as HttpRouter from "@effect/platform/HttpRouter"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import { Receiver } from "@weft/sink-webhook"
 *
 * const secret = Redacted.make(process.env.WEFT_WEBHOOK_SECRET!)
 * const router = HttpRouter.empty.pipe(
 *   HttpRouter.post("/weft", Receiver.handler({
 *     secrets: [secret],
 *     onEvent: (event) => Effect.log(`${event.type} ${event.id}`)
 *   }))
 * )
 * ```
 * @since 0.1.0
 * @category handlers
 */
export const handler = <E, R>(
  options: HandlerOptions<E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest | R> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const body = yield* Effect.either(request.arrayBuffer)
    if (Either.isLeft(body)) {
      return HttpServerResponse.unsafeJson({ error: "unreadable_body" }, { status: 400 })
    }
    const event = yield* Effect.either(verify(options.secrets, request.headers, new Uint8Array(body.right), options))
    if (Either.isLeft(event)) {
      const { reason, detail } = event.left
      if (options.onRejected !== undefined) yield* options.onRejected(event.left)
      if (reason === "invalid_secret") yield* Effect.logError(`Weft webhook receiver misconfigured: ${detail}`)
      return HttpServerResponse.unsafeJson({ error: reason, detail }, { status: statusFor(reason) })
    }
    const handled = yield* Effect.exit(options.onEvent(event.right))
    if (handled._tag === "Failure") {
      if (Cause.isInterruptedOnly(handled.cause)) return yield* Effect.interrupt
      yield* Effect.logError(`Weft webhook ${event.right.id} could not be handled`, handled.cause)
      return HttpServerResponse.empty({ status: 500 })
    }
    return HttpServerResponse.empty({ status: 204 })
  })
