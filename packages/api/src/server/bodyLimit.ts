import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/**
 * Answers the bodies the API cannot read with JSON errors, never a bare
 * status: over `maxBytes` gets 413 (by the declared `content-length` before
 * anything is read, or while reading one that declares none), and a body
 * that is not JSON, or is JSON nested deeper than {@link MAX_DEPTH}, gets
 * 400 `invalid_json`.
 *
 * The body is read here, once, and handed on in memory. Over the limit it is
 * read on and dropped (up to {@link drainCap}) so the client, which may still
 * be sending, gets the 413: the platform's own limit destroys the connection
 * instead, and a client sending a chunked body then sees it reset.
 */

/**
 * Deeper JSON is refused before it is parsed: the code that prints, checks
 * or re-encodes a value recurses into it and would overflow the stack.
 */
const MAX_DEPTH = 100

/** How much of an over-limit body is drained to answer 413; past it the connection is dropped. */
const drainCap = (maxBytes: number) => Math.max(4 * maxBytes, 1024 * 1024)

// How deeply arrays and objects nest in a JSON text (strings skipped).
const depthOf = (text: string): number => {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) max = Math.max(max, ++depth)
    else if (c === 93 || c === 125) depth--
  }
  return max
}

interface RequestError {
  readonly _tag: "RequestError"
  readonly reason: string
  readonly description?: string | undefined
  readonly cause?: unknown
}

const isRequestError = (u: unknown): u is RequestError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "RequestError"

// Reading the body fails as a defect carrying the platform's RequestError.
const requestErrorOf = (cause: Cause.Cause<unknown>): RequestError | undefined =>
  Chunk.findFirst(Chunk.appendAll(Cause.failures(cause), Cause.defects(cause)), isRequestError).pipe(Option.getOrUndefined) as
    | RequestError
    | undefined

const invalidJson = (message: string) =>
  HttpServerResponse.unsafeJson({ _tag: "BadRequest", code: "invalid_json", message }, { status: 400 })

const notJson = invalidJson("The request body could not be read as JSON. Send a JSON object with `content-type: application/json`.")

const tooLarge = (maxBytes: number, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: "PayloadTooLarge", code: "payload_too_large", message, maxBytes }, { status: 413 })

/** The body's first `maxBytes`, and how many bytes it had (counted up to `cap`). */
const readBounded = (request: HttpServerRequest.HttpServerRequest, maxBytes: number, cap: number) =>
  Stream.runFoldWhile(
    request.stream,
    { size: 0, chunks: [] as Array<Uint8Array> },
    (read) => read.size <= cap,
    (read, chunk) => {
      read.size += chunk.length
      if (read.size <= maxBytes) read.chunks.push(chunk)
      return read
    }
  )

// The request with its body in memory: every way of reading it reads these bytes.
const withBody = (request: HttpServerRequest.HttpServerRequest, bytes: Uint8Array): HttpServerRequest.HttpServerRequest => {
  const text = new TextDecoder().decode(bytes)
  const decodeError = (cause: unknown) => new HttpServerError.RequestError({ request, reason: "Decode", cause })
  return Object.create(request, {
    text: { get: () => Effect.succeed(text) },
    // No body reads as `{}`: an endpoint whose fields are all optional needs none
    // (`POST /syncs/{id}/trigger`), and one with required fields names them.
    json: { get: () => Effect.try({ try: () => (text.trim() === "" ? {} : JSON.parse(text)), catch: decodeError }) },
    urlParamsBody: { get: () => Effect.try({ try: () => UrlParams.fromInput(new URLSearchParams(text)), catch: decodeError }) },
    arrayBuffer: { get: () => Effect.succeed(bytes.slice().buffer) },
    stream: { get: () => Stream.succeed(bytes) }
  }) as HttpServerRequest.HttpServerRequest
}

const hasBody = (request: HttpServerRequest.HttpServerRequest) =>
  (request.method === "POST" || request.method === "PUT" || request.method === "PATCH") &&
  !/^multipart\//i.test(request.headers["content-type"] ?? "")

export const layerBodyLimit = (maxBytes: number) =>
  HttpApiBuilder.middleware((app) =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const declared = Number(request.headers["content-length"] ?? "0")
      if (declared > maxBytes) {
        return tooLarge(maxBytes, `The request body is ${declared} bytes; the API accepts at most ${maxBytes}.`)
      }
      const checked = Effect.gen(function*() {
        if (!hasBody(request)) return yield* app
        const read = yield* Effect.orDie(readBounded(request, maxBytes, drainCap(maxBytes)))
        if (read.size > maxBytes) return tooLarge(maxBytes, `The request body is larger than ${maxBytes} bytes.`)
        const buffered = withBody(request, Buffer.concat(read.chunks))
        if (/json/i.test(request.headers["content-type"] ?? "")) {
          const text = yield* Effect.orDie(buffered.text)
          if (depthOf(text) > MAX_DEPTH) {
            return invalidJson(`The request body nests arrays and objects more than ${MAX_DEPTH} levels deep; send a flatter JSON value.`)
          }
        }
        return yield* Effect.provideService(app, HttpServerRequest.HttpServerRequest, buffered)
      })
      return yield* HttpIncomingMessage.withMaxBodySize(checked, Option.some(maxBytes)).pipe(
        Effect.catchAllCause((cause) => {
          const error = requestErrorOf(cause)
          if (error === undefined) return Effect.failCause(cause)
          const overLimit = /too large|maxBodySize|exceed/i.test(`${error.description ?? ""} ${String(error.cause ?? "")}`)
          return Effect.succeed(overLimit ? tooLarge(maxBytes, `The request body is larger than ${maxBytes} bytes.`) : notJson)
        })
      )
    })
  )
