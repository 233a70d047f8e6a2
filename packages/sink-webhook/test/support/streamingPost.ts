import * as Http from "node:http"
import * as Effect from "effect/Effect"

/** What a streaming POST saw. */
export interface StreamedPost {
  readonly status: number
  readonly body: string
  readonly headers: Http.IncomingHttpHeaders
  /** Body bytes the client had handed to its socket when the answer arrived. */
  readonly writtenAtResponse: number
}

/**
 * POSTs a body of `total` bytes (chunked, or with a content-length when
 * `declareLength` is set), writing as fast as the connection takes it and
 * stopping as soon as an answer arrives. A server that reads nothing stalls
 * the writes once the socket buffers are full, so `writtenAtResponse` bounds
 * what the server could have read.
 */
export const streamingPost = (
  url: string,
  headers: Record<string, string>,
  options: { readonly total: number; readonly declareLength?: boolean }
): Effect.Effect<StreamedPost> =>
  Effect.async<StreamedPost>((resume) => {
    let written = 0
    let answered = false
    const chunk = Buffer.alloc(64 * 1024, "x")
    const request = Http.request(url, {
      method: "POST",
      agent: false,
      headers: options.declareLength === true
        ? { ...headers, "content-length": String(options.total) }
        : { ...headers, "transfer-encoding": "chunked" }
    }, (response) => {
      answered = true
      const writtenAtResponse = written
      const chunks: Array<Buffer> = []
      response.on("data", (c: Buffer) => chunks.push(c))
      response.on("end", () => {
        request.destroy()
        resume(Effect.succeed({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          headers: response.headers,
          writtenAtResponse
        }))
      })
    })
    // Once the server answers and closes, further writes fail; the answer is what matters.
    request.on("error", (error) => {
      if (!answered) resume(Effect.die(error))
    })
    const pump = () => {
      while (!answered && written < options.total) {
        const part = Math.min(chunk.length, options.total - written)
        written += part
        if (!request.write(part === chunk.length ? chunk : chunk.subarray(0, part))) return
      }
      if (!answered) request.end()
    }
    request.on("drain", pump)
    pump()
    return Effect.sync(() => request.destroy())
  })
