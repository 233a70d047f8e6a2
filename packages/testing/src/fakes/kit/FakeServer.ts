import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { Faults } from "./Faults.js"

/**
 * A tiny HTTP server on 127.0.0.1 for provider fakes: routes with path
 * parameters, a request log, and the fault knobs every fake shares.
 *
 * @since 0.1.0
 */

/**
 * A request as a fake's route sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly params: Readonly<Record<string, string>>
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
  /** The body parsed as JSON (`undefined` if empty or not JSON). */
  readonly json: unknown
}

/**
 * What a route answers. An object `body` is sent as JSON.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: unknown
}

/**
 * @since 0.1.0
 * @category models
 */
export type Route = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>

/**
 * A request the server received (for assertions on auth headers, paging…).
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
  readonly status: number
}

interface CompiledRoute {
  readonly method: string
  readonly pattern: RegExp
  readonly names: ReadonlyArray<string>
  readonly route: Route
}

/**
 * Routes by method and path pattern (`/v1/employees/:id`). The first match
 * wins; no match answers 404 JSON.
 *
 * @since 0.1.0
 * @category constructors
 */
export class Router {
  private readonly routes: Array<CompiledRoute> = []

  on(method: string, path: string, route: Route): this {
    const names: Array<string> = []
    const source = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_, name: string) => {
      names.push(name)
      return "([^/]+)"
    })
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), names, route })
    return this
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const r of this.routes) {
      if (r.method !== method) continue
      const m = r.pattern.exec(path)
      if (m === null) continue
      const params: Record<string, string> = {}
      r.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)))
      return { route: r.route, params }
    }
    return undefined
  }
}

/**
 * A running fake server.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly faults: Faults
  readonly requests: Array<RecordedRequest>
  readonly close: () => Promise<void>
}

/**
 * Starts a server for a router. `before` runs ahead of routing for every
 * request (e.g. an auth check); returning a response short-circuits.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (
  router: Router,
  options: {
    readonly before?: (request: FakeRequest) => FakeResponse | undefined
    readonly headers?: () => Readonly<Record<string, string>>
  } = {}
): Promise<RunningServer> => {
  const faults = new Faults()
  const requests: Array<RecordedRequest> = []
  const server = Http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      const body = Buffer.concat(chunks).toString()
      let json: unknown = undefined
      if (body.length > 0) {
        try {
          json = JSON.parse(body)
        } catch {
          json = undefined
        }
      }
      const headers: Record<string, string | undefined> = {}
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v
      const request: FakeRequest = {
        method: (req.method ?? "GET").toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        params: {},
        headers,
        body,
        json
      }
      const send = (response: FakeResponse | "reset" | "malformed") => {
        const status = response === "reset" ? 0 : response === "malformed" ? 200 : response.status
        requests.push({ method: request.method, path: request.path, query: request.query, headers, body, status })
        if (response === "reset") {
          req.socket.destroy()
          return
        }
        const extra = options.headers?.() ?? {}
        if (response === "malformed") {
          res.writeHead(200, { ...extra, "content-type": "application/json" })
          res.end('{"data": [ {"id": 1, "truncated')
          return
        }
        const isJson = response.body !== undefined && typeof response.body !== "string"
        res.writeHead(response.status, {
          ...extra,
          ...(isJson ? { "content-type": "application/json" } : {}),
          ...response.headers
        })
        res.end(response.body === undefined ? undefined : isJson ? JSON.stringify(response.body) : String(response.body))
      }
      const fault = faults.take(request)
      if (fault !== undefined) {
        if (fault.kind === "reset") return send("reset")
        if (fault.kind === "malformed") return send("malformed")
        return send({ status: fault.status, headers: fault.headers ?? {}, body: fault.body ?? { error: "fault" } })
      }
      const early = options.before?.(request)
      if (early !== undefined) return send(early)
      const matched = router.match(request.method, request.path)
      if (matched === undefined) return send({ status: 404, body: { error: "not_found", path: request.path } })
      Promise.resolve()
        .then(() => matched.route({ ...request, params: matched.params }))
        .then(send, (error: unknown) => send({ status: 500, body: { error: String(error) } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/**
 * {@link start} as a scoped Effect: the server closes with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const scoped = (
  router: Router,
  options?: Parameters<typeof start>[1]
): Effect.Effect<RunningServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => start(router, options)),
    (server) => Effect.promise(() => server.close())
  )
