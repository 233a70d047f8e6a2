import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** @internal what reading a request body with a limit gave */
export type BodyRead =
  | { readonly _tag: "Body"; readonly bytes: Uint8Array }
  | { readonly _tag: "TooLarge" }
  | { readonly _tag: "Unreadable" }

const tooLarge: BodyRead = { _tag: "TooLarge" }
const unreadable: BodyRead = { _tag: "Unreadable" }

/** The parts of Node's `http.IncomingMessage` the reader uses. */
interface NodeIncoming {
  readonly on: (event: string, listener: (...args: Array<never>) => void) => unknown
  readonly off: (event: string, listener: (...args: Array<never>) => void) => unknown
  readonly pause: () => unknown
  readonly readableEnded: boolean
  readonly complete: boolean
  readonly httpVersionMajor: number
}

const isNodeIncoming = (source: unknown): source is NodeIncoming =>
  typeof source === "object" && source !== null &&
  typeof (source as Partial<NodeIncoming>).on === "function" &&
  typeof (source as Partial<NodeIncoming>).off === "function" &&
  typeof (source as Partial<NodeIncoming>).pause === "function" &&
  typeof (source as Partial<NodeIncoming>).readableEnded === "boolean"

/**
 * Whether the request is an HTTP/1 Node request whose body has not been read
 * to its end: answering it should close the connection, or Node would read
 * (and discard) the rest of the body to reuse it.
 *
 * @internal
 */
export const hasUnreadBody = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const source = request.source
  return isNodeIncoming(source) && source.httpVersionMajor === 1 && !source.complete
}

// Node: read the IncomingMessage directly. Stopping early must pause it, not
// destroy it: destroying an unfinished request destroys its socket, and the
// 413 would never reach the sender.
const readNode = (source: NodeIncoming, max: number): Effect.Effect<BodyRead> =>
  Effect.async<BodyRead>((resume) => {
    if (source.readableEnded) {
      // Something else consumed the body already; there is nothing left to verify.
      resume(Effect.succeed(unreadable))
      return
    }
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onFailure)
      source.off("close", onFailure)
      source.pause()
    }
    const onData = (data: Buffer | string) => {
      // A stream someone set an encoding on gives strings; the signature is over bytes.
      const chunk = typeof data === "string" ? Buffer.from(data) : data
      size += chunk.length
      if (size > max) {
        stop()
        chunks.length = 0
        resume(Effect.succeed(tooLarge))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      stop()
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
      resume(Effect.succeed({ _tag: "Body", bytes }))
    }
    // An error, or a close before the end: the sender went away mid-body.
    const onFailure = () => {
      stop()
      resume(Effect.succeed(unreadable))
    }
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onFailure)
    source.on("close", onFailure)
    return Effect.sync(stop)
  })

// Other runtimes (web `Request`s): ending the stream cancels the rest of the body.
const readStream = (request: HttpServerRequest.HttpServerRequest, max: number): Effect.Effect<BodyRead> =>
  Stream.runFoldWhile(
    request.stream,
    { chunks: [] as Array<Uint8Array>, size: 0 },
    (s) => s.size <= max,
    (s, chunk) => {
      s.chunks.push(chunk)
      return { chunks: s.chunks, size: s.size + chunk.length }
    }
  ).pipe(
    Effect.map((s): BodyRead => {
      if (s.size > max) return tooLarge
      const bytes = new Uint8Array(s.size)
      let offset = 0
      for (const chunk of s.chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      return { _tag: "Body", bytes }
    }),
    Effect.orElseSucceed(() => unreadable)
  )

/**
 * Reads a request body, but never more than `max` bytes of it (plus the
 * chunk that crossed the limit): past it, reading stops and the rest is
 * never buffered.
 *
 * @internal
 */
export const readLimited = (request: HttpServerRequest.HttpServerRequest, max: number): Effect.Effect<BodyRead> =>
  isNodeIncoming(request.source) ? readNode(request.source, max) : readStream(request, max)
