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
import { hasUnreadBody, readLimited } from "./internal/body.js"
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
 * - `body_too_large`: the body is longer than `maxBodyBytes`; it is refused
 *   before its signature is computed (the handler stops reading it);
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
      "body_too_large",
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
  /**
   * The longest body accepted, in bytes (UTF-8 bytes for a string body).
   * Default {@link defaultMaxBodyBytes} (4 MiB), above the largest event
   * Weft's own connectors produce. A longer body is refused with
   * `body_too_large` before its signature is computed; {@link handler}
   * answers it with 413 and stops reading.
   */
  readonly maxBodyBytes?: number | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultToleranceSeconds = 5 * 60

/**
 * The default `maxBodyBytes`: 4 MiB. A Weft event is one record (or a run
 * summary under 1 KiB); a typical record event is 1 to 2 KiB. Common models
 * hold short fields and nothing caps them, so the bound comes from the
 * providers: the largest built-in events are CRM records whose free-text
 * properties HubSpot caps at 65,536 characters each, under 3 MiB of JSON
 * even with every mapped property full of 3-byte characters. 4 MiB keeps
 * those and still bounds what one unauthenticated request can make a
 * receiver hold in memory. Raise it for custom connectors with larger
 * records.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxBodyBytes = 4 * 1024 * 1024

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

interface CheckedHeaders {
  readonly keys: ReadonlyArray<Uint8Array>
  readonly id: string
  readonly timestamp: number
  readonly candidates: ReadonlyArray<Buffer>
}

/**
 * Everything that can be checked without the body: the receiver's secrets,
 * the three headers, the timestamp's tolerance.
 */
const checkHeaders = (
  secrets: Secret.SecretInput | ReadonlyArray<Secret.SecretInput>,
  headers: HeadersInput,
  nowMs: number,
  options: VerifyOptions
): Either.Either<CheckedHeaders, WebhookVerificationError> => {
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
  return Either.right({ keys: keys.right, id: id!, timestamp, candidates })
}

const maxBodyBytesOf = (options: VerifyOptions): number =>
  options.maxBodyBytes === undefined ? defaultMaxBodyBytes : Math.max(0, Math.floor(options.maxBodyBytes))

const tooLarge = (max: number) =>
  new WebhookVerificationError({
    reason: "body_too_large",
    detail: `the body is longer than ${max} bytes (maxBodyBytes); Weft events are far smaller, ` +
      `so raise maxBodyBytes only if your records really are this large`
  })

// UTF-8 length without encoding: a string is at least `length` and at most `3 * length` bytes long.
const isLongerThan = (body: string | Uint8Array, max: number): boolean =>
  typeof body !== "string"
    ? body.length > max
    : body.length > max || (body.length * 3 > max && Buffer.byteLength(body, "utf8") > max)

const checkBody = (
  checked: CheckedHeaders,
  rawBody: string | Uint8Array
): Either.Either<Event.WeftEvent, WebhookVerificationError> => {
  for (const key of checked.keys) {
    const expected = Signature.compute(key, checked.id, checked.timestamp, rawBody)
    for (const candidate of checked.candidates) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return parseEvent(rawBody)
    }
  }
  return fail(
    "no_matching_signature",
    "no v1 signature matches the configured secrets; check the secret, and that the body is passed unparsed"
  )
}

/**
 * The pure check behind {@link verify} and {@link verifySync}, at a given
 * time (Unix milliseconds). The headers and the timestamp are checked first,
 * then the body's length, and only then its signature.
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
  const checked = checkHeaders(secrets, headers, nowMs, options)
  if (Either.isLeft(checked)) return Either.left(checked.left)
  const max = maxBodyBytesOf(options)
  if (isLongerThan(rawBody, max)) return Either.left(tooLarge(max))
  return checkBody(checked.right, rawBody)
}

/**
 * Verifies a delivery and decodes its event: constant-time comparison, any
 * `v1` entry may match any of `secrets` (rotation), unknown versions are
 * skipped, the timestamp must be within ±5 minutes of `Clock` time, and
 * the body at most `maxBodyBytes` long (default 4 MiB).
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
 * // With Express: `app.post("/weft", express.raw({ type: "application/json", limit: "4mb" }), …)`,
 * // then req.headers and req.body. Whatever reads the body should cap it (see maxBodyBytes).
 * createServer(async (req, res) => {
 *   const chunks: Array<Buffer> = []
 *   for await (const chunk of req) chunks.push(chunk as Buffer)
 *   const result = Receiver.verifySync(process.env.WEFT_WEBHOOK_SECRET!, req.headers, Buffer.concat(chunks))
 *   if (!result.ok) return void res.writeHead(Receiver.httpStatus(result.error.reason)).end()
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
  /**
   * Called for every refused delivery (bad signature, stale timestamp, body too large, bad payload),
   * e.g. to count or alert.
   */
  readonly onRejected?: ((error: WebhookVerificationError) => Effect.Effect<void>) | undefined
}

/**
 * The HTTP status {@link handler} answers a refused delivery with: 413 for
 * `body_too_large`, 400 for `invalid_payload`, 500 for `invalid_secret` (the
 * receiver's own configuration), 401 for the rest. Useful for hosts that
 * answer `verifySync` results themselves.
 *
 * @since 0.1.0
 * @category handlers
 */
export const httpStatus = (reason: WebhookVerificationError["reason"]): number =>
  reason === "body_too_large"
    ? 413
    : reason === "invalid_payload"
    ? 400
    : reason === "invalid_secret"
    ? 500
    : 401

const declaredLength = (request: HttpServerRequest.HttpServerRequest): number | undefined => {
  const value = request.headers["content-length"]
  return value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined
}

/**
 * A ready `@effect/platform` HTTP app for receiving Weft webhooks. It checks
 * the headers and the timestamp before reading anything, refuses a body
 * longer than `maxBodyBytes` (default 4 MiB) without reading past the limit
 * (a `content-length` above it is refused unread), verifies the signature,
 * calls `onEvent`, and answers 204.
 *
 * Signature and timestamp problems answer 401, a body over the limit 413, a
 * bad payload 400, a failing `onEvent` 500 (retried by Weft). A refusal
 * sent before the body was read closes the connection, so the rest of the
 * body is never read.
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
    const max = maxBodyBytesOf(options)

    const refuse = (error: WebhookVerificationError) =>
      Effect.gen(function*() {
        const { detail, reason } = error
        if (options.onRejected !== undefined) yield* options.onRejected(error)
        if (reason === "invalid_secret") yield* Effect.logError(`Weft webhook receiver misconfigured: ${detail}`)
        // Closing the connection is what stops Node from reading (and discarding) an unread body.
        const headers = hasUnreadBody(request) ? { connection: "close" } : undefined
        return HttpServerResponse.unsafeJson({ error: reason, detail }, { status: httpStatus(reason), headers })
      })

    // Nothing is read before the headers, the timestamp and the declared length pass.
    const checked = checkHeaders(options.secrets, request.headers, yield* Clock.currentTimeMillis, options)
    if (Either.isLeft(checked)) return yield* refuse(checked.left)
    const declared = declaredLength(request)
    if (declared !== undefined && declared > max) return yield* refuse(tooLarge(max))

    const body = yield* readLimited(request, max)
    if (body._tag === "TooLarge") return yield* refuse(tooLarge(max))
    if (body._tag === "Unreadable") {
      const headers = hasUnreadBody(request) ? { connection: "close" } : undefined
      return HttpServerResponse.unsafeJson({ error: "unreadable_body" }, { status: 400, headers })
    }
    const event = checkBody(checked.right, body.bytes)
    if (Either.isLeft(event)) return yield* refuse(event.left)

    const handled = yield* Effect.exit(options.onEvent(event.right))
    if (handled._tag === "Failure") {
      if (Cause.isInterruptedOnly(handled.cause)) return yield* Effect.interrupt
      yield* Effect.logError(`Weft webhook ${event.right.id} could not be handled`, handled.cause)
      return HttpServerResponse.empty({ status: 500 })
    }
    return HttpServerResponse.empty({ status: 204 })
  })
