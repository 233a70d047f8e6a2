import { readFile } from "node:fs/promises"
import { extname, isAbsolute, join, normalize, sep } from "node:path"
import { fileURLToPath } from "node:url"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"

/**
 * Serves the browser assets next to the Weft API: the audit page at
 * `<path>/` (`<path>` redirects there) and the `<weft-connect>` element's
 * script at `<path>/weft-connect.js`, with a strict Content Security Policy.
 * The files are static; the page finds the API one level above it
 * (`/ui/` → `/`), asks for an API key and keeps it in memory only (never in
 * the URL, a cookie or browser storage), and sends it as a bearer token. A
 * host with its own admin login can serve the files itself and proxy the
 * API instead (the package's README, "Audit page").
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Where to serve the assets (default `/ui`). */
  readonly path?: `/${string}` | undefined
  /** The folder of the built assets (default: this package's `dist/browser`). */
  readonly assetsDir?: string | undefined
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json"
}

// The page loads only its own script and talks only to this origin.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
}

const notFound = () => HttpServerResponse.text("Not found", { status: 404, headers: SECURITY_HEADERS })

const decodePath = (path: string): string | undefined => {
  try {
    return normalize(decodeURIComponent(path))
  } catch {
    return undefined // malformed escapes
  }
}

const defaultAssets = (): string => fileURLToPath(new URL("../../dist/browser", import.meta.url))

/**
 * The assets as routes of the host's `HttpApiBuilder` server. Add it next
 * to `WeftApiServer.layer(…)`.
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 * import { WeftApiServer } from "@weft/api"
 * import { AuditUi } from "@weft/connect-ui"
 *
 * const ApiWithUi = Layer.merge(
 *   WeftApiServer.layer({ apiKeys: [Redacted.make(process.env.WEFT_API_KEY ?? "")] }),
 *   AuditUi.layer({ path: "/ui" })
 * )
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<never> => {
  const base = options.path ?? "/ui"
  const dir = normalize(options.assetsDir ?? defaultAssets())
  const serve = (file: string) =>
    Effect.tryPromise(() => readFile(join(dir, file))).pipe(
      Effect.map((bytes) =>
        HttpServerResponse.uint8Array(bytes, {
          contentType: TYPES[extname(file)] ?? "application/octet-stream",
          headers: SECURITY_HEADERS
        })
      ),
      Effect.orElseSucceed(notFound)
    )
  // The router ignores trailing slashes (`/ui` and `/ui/` are one route), so
  // one handler tells them apart: `/ui` redirects to `/ui/`, where the page's
  // relative URLs (`audit.js`, the API at `../`) resolve as they should.
  const handler = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const pathname = new URL(request.url, "http://localhost").pathname
    if (pathname === base) {
      // Relative, so that it holds behind a prefix the host strips.
      return HttpServerResponse.empty({ status: 302, headers: { location: `${base.slice(base.lastIndexOf("/") + 1)}/` } })
    }
    const file = decodePath(pathname.slice(base.length + 1))
    if (file === undefined) return notFound()
    if (file === "." || file === "") return yield* serve("index.html")
    // Only files of the folder itself: no `..`, no absolute paths, no dotfiles.
    if (file.startsWith("..") || isAbsolute(file) || file.split(sep).some((part) => part.startsWith("."))) return notFound()
    return yield* serve(file)
  })
  return HttpApiBuilder.Router.use((router) =>
    Effect.gen(function*() {
      yield* router.get(base, handler)
      yield* router.get(`${base}/*`, handler)
    })
  )
}
