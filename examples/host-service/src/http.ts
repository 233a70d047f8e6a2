import type * as Http from "node:http"

/**
 * The few HTTP helpers the service needs on top of `node:http`: reading a
 * body as bytes, answering JSON, and matching `METHOD /path/:param` routes.
 *
 * @since 0.1.0
 */

/**
 * The largest request body accepted (webhook deliveries and connect forms
 * are far smaller).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_BODY_BYTES = 1_000_000

/**
 * A body over {@link MAX_BODY_BYTES}.
 *
 * @since 0.1.0
 * @category errors
 */
export class BodyTooLarge extends Error {
  override readonly name = "BodyTooLarge"
}

/**
 * The exact bytes of a request body. A webhook signature covers these bytes,
 * so they are verified before anything parses them.
 *
 * @since 0.1.0
 * @category requests
 */
export const readBody = (request: Http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge(`The body exceeds ${MAX_BODY_BYTES} bytes.`))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on("end", () => resolve(Buffer.concat(chunks)))
    request.on("error", reject)
  })

/**
 * A body parsed as JSON, or `undefined` when it is empty or not JSON.
 *
 * @since 0.1.0
 * @category requests
 */
export const parseJson = (body: Buffer): unknown => {
  if (body.length === 0) return undefined
  try {
    return JSON.parse(body.toString("utf8"))
  } catch {
    return undefined
  }
}

/**
 * Answers `status` with a JSON body (none for 204).
 *
 * @since 0.1.0
 * @category responses
 */
export const sendJson = (response: Http.ServerResponse, status: number, body?: unknown): void => {
  if (body === undefined) {
    response.writeHead(status).end()
    return
  }
  const text = JSON.stringify(body, null, 2)
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) })
  response.end(text)
}

/**
 * A matched route: its path parameters and query.
 *
 * @since 0.1.0
 * @category routing
 */
export interface Match {
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
}

/**
 * @since 0.1.0
 * @category routing
 */
export type Handler = (request: Http.IncomingMessage, response: Http.ServerResponse, match: Match) => Promise<void>

interface Route {
  readonly method: string
  readonly pattern: RegExp
  readonly names: ReadonlyArray<string>
  readonly handler: Handler
}

/**
 * Routes `METHOD /path/:param`. The first match wins; an unknown path
 * answers 404, a known path with another method 405.
 *
 * @since 0.1.0
 * @category routing
 */
export class Router {
  private readonly routes: Array<Route> = []

  on(method: string, path: string, handler: Handler): this {
    const names: Array<string> = []
    const source = path.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name)
      return "([^/]+)"
    })
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler })
    return this
  }

  async handle(request: Http.IncomingMessage, response: Http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://host.invalid")
    const onPath = this.routes.flatMap((route) => {
      const m = route.pattern.exec(url.pathname)
      return m === null ? [] : [{ route, m }]
    })
    const hit = onPath.find(({ route }) => route.method === request.method)
    if (hit === undefined) {
      return onPath.length === 0
        ? sendJson(response, 404, { error: "not_found", message: `Nothing at ${url.pathname}.` })
        : sendJson(response, 405, { error: "method_not_allowed", message: `Use ${onPath.map(({ route }) => route.method).join(" or ")}.` })
    }
    const params = Object.fromEntries(hit.route.names.map((name, i) => [name, decodeURIComponent(hit.m[i + 1]!)]))
    await hit.route.handler(request, response, { params, query: url.searchParams })
  }
}
