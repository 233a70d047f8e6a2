import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * Answers the bodies the API cannot read with JSON errors, never a bare
 * status: over `maxBytes` gets 413 (by the declared `content-length` before
 * anything is read, or while reading one that declares none), and a body
 * that is not JSON gets 400 `invalid_json`.
 */

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

const tooLarge = (maxBytes: number, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: "PayloadTooLarge", code: "payload_too_large", message, maxBytes }, { status: 413 })

export const layerBodyLimit = (maxBytes: number) =>
  HttpApiBuilder.middleware((app) =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const declared = Number(request.headers["content-length"] ?? "0")
      if (declared > maxBytes) {
        return tooLarge(maxBytes, `The request body is ${declared} bytes; the API accepts at most ${maxBytes}.`)
      }
      return yield* HttpIncomingMessage.withMaxBodySize(app, Option.some(maxBytes)).pipe(
        Effect.catchAllCause((cause) => {
          const error = requestErrorOf(cause)
          if (error === undefined) return Effect.failCause(cause)
          const overLimit = /too large|maxBodySize|exceed/i.test(`${error.description ?? ""} ${String(error.cause ?? "")}`)
          return Effect.succeed(
            overLimit
              ? tooLarge(maxBytes, `The request body is larger than ${maxBytes} bytes.`)
              : HttpServerResponse.unsafeJson(
                {
                  _tag: "BadRequest",
                  code: "invalid_json",
                  message: "The request body could not be read as JSON. Send a JSON object with `content-type: application/json`."
                },
                { status: 400 }
              )
          )
        })
      )
    })
  )
