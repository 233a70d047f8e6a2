import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

/** A request as the loopback server received it. */
export interface Captured {
  readonly method: string
  readonly path: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: Buffer
}

/** How the server answers one request; it may also never answer. */
export type Respond = (request: Captured, response: Http.ServerResponse, index: number) => void

export interface LoopbackServer {
  readonly url: string
  readonly host: string
  readonly port: number
  readonly requests: ReadonlyArray<Captured>
  /** TCP connections accepted so far. */
  readonly connections: () => number
  /** TCP connections still open. */
  readonly openConnections: () => number
  /** Resolves once `n` requests have arrived. */
  readonly received: (n: number) => Effect.Effect<void>
}

export const answer = (status: number, headers: Http.OutgoingHttpHeaders = {}, body = ""): Respond => (_, res) => {
  res.writeHead(status, headers)
  res.end(body)
}

/** A real HTTP server on 127.0.0.1:0 that closes with the scope. */
export const make = (respond: Respond): Effect.Effect<LoopbackServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: Http.Server; handle: LoopbackServer }>((resume) => {
      const requests: Array<Captured> = []
      const waiters: Array<{ n: number; done: () => void }> = []
      const server = Http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (c: Buffer) => chunks.push(c))
        req.on("end", () => {
          const captured: Captured = {
            method: req.method ?? "",
            path: req.url ?? "/",
            headers: req.headers,
            body: Buffer.concat(chunks)
          }
          requests.push(captured)
          for (const w of waiters.filter((w) => requests.length >= w.n)) {
            waiters.splice(waiters.indexOf(w), 1)
            w.done()
          }
          respond(captured, res, requests.length - 1)
        })
      })
      let connections = 0
      let open = 0
      server.on("connection", (socket) => {
        connections += 1
        open += 1
        socket.on("close", () => (open -= 1))
      })
      server.listen(0, "127.0.0.1", () => {
        const port = (server.address() as AddressInfo).port
        resume(Effect.succeed({
          server,
          handle: {
            url: `http://127.0.0.1:${port}`,
            host: "127.0.0.1",
            port,
            requests,
            connections: () => connections,
            openConnections: () => open,
            received: (n) =>
              Effect.async<void>((done) => {
                if (requests.length >= n) return done(Effect.void)
                waiters.push({ n, done: () => done(Effect.void) })
              })
          }
        }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((done) => {
        server.closeAllConnections()
        server.close(() => done(Effect.void))
      })
  ).pipe(Effect.map(({ handle }) => handle))
