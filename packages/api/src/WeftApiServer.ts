import type * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiSwagger from "@effect/platform/HttpApiSwagger"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Weft } from "@weft/core/host"
import { layerAdminAuth, layerSessionAuth, makeKeyCheck } from "./server/auth.js"
import { ApiServerContext } from "./server/context.js"
import { layerBodyLimit } from "./server/bodyLimit.js"
import { layerDecodeErrors } from "./server/decodeErrors.js"
import { ConnectLive } from "./server/handlers/connect.js"
import { DestinationsLive } from "./server/handlers/destinations.js"
import { EventsLive } from "./server/handlers/events.js"
import { HealthLive } from "./server/handlers/health.js"
import { IntegrationsLive } from "./server/handlers/integrations.js"
import { OAuthCallbackLive } from "./server/handlers/oauthCallback.js"
import { RunsLive } from "./server/handlers/runs.js"
import { SessionsLive } from "./server/handlers/sessions.js"
import { SyncsLive } from "./server/handlers/syncs.js"
import { makeSessionState, makeSigner, signingKey } from "./server/sessions.js"
import { WeftApi } from "./WeftApi.js"

/**
 * Serves the Weft API over the host's `Weft` service: as a layer in an
 * Effect HTTP server, or as a web-standard `Request → Response` handler.
 * Also serves the OpenAPI document at `/openapi.json` and Swagger UI at
 * `/docs` (inline, nothing loaded from a CDN).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The host backend's API keys (bearer tokens). Several at once so a key
   * can be rotated: add the new one, move callers over, remove the old one.
   */
  readonly apiKeys: ReadonlyArray<Redacted.Redacted<string>>
  /**
   * Signs connect-session tokens and OAuth states (any string of 32 or more
   * characters). Give every process serving the API the same one, so a
   * session minted by one is accepted by the others and after a restart.
   * Default: a random key per process.
   */
  readonly sessionSecret?: Redacted.Redacted<string> | undefined
  /** A connect session's lifetime unless its creator says otherwise (default 30 minutes). */
  readonly sessionTtl?: Duration.DurationInput | undefined
  /**
   * Where the API is reachable from browsers, e.g. `https://app.example.com/weft`:
   * OAuth providers redirect to `<publicUrl>/connect/oauth2/callback`, which
   * must be registered with them. Required for OAuth connectors only.
   */
  readonly publicUrl?: string | undefined
  /**
   * Origins an OAuth `returnUrl` may point at: the host's pages that start an
   * authorisation by redirect (default: the origin of `publicUrl`). Any
   * other `returnUrl` is refused, so the callback cannot be used as an open
   * redirect.
   */
  readonly returnOrigins?: ReadonlyArray<string> | undefined
  /** Largest request body accepted, in bytes (default 1 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number | undefined
  /** Credential submissions a connect session may make per 10 minutes (default 10); more get 429. */
  readonly submissionsPerSession?: number | undefined
}

const MIN_SECRET = 32
const MIN_KEY = 16

const context = (options: Options) =>
  Layer.effect(
    ApiServerContext,
    Effect.gen(function*() {
      const weft = yield* Weft.Weft
      const connectors = yield* weft.connectors.list()
      if (options.apiKeys.length === 0) return yield* Effect.dieMessage("WeftApiServer: give at least one API key (apiKeys).")
      if (options.apiKeys.some((key) => Redacted.value(key).trim().length < MIN_KEY)) {
        return yield* Effect.dieMessage(
          `WeftApiServer: every API key must be at least ${MIN_KEY} characters (an empty one usually means an unset variable).`
        )
      }
      if (options.sessionSecret !== undefined && Redacted.value(options.sessionSecret).length < MIN_SECRET) {
        return yield* Effect.dieMessage(`WeftApiServer: sessionSecret must be at least ${MIN_SECRET} characters.`)
      }
      return {
        signer: makeSigner(signingKey(options.sessionSecret)),
        sessions: makeSessionState({ attempts: options.submissionsPerSession ?? 10, windowMs: 10 * 60_000 }),
        connectors,
        publicUrl: options.publicUrl?.replace(/\/+$/, ""),
        returnOrigins: options.returnOrigins ?? (options.publicUrl === undefined ? [] : [new URL(options.publicUrl).origin]),
        sessionTtlMs: Duration.toMillis(Duration.decode(options.sessionTtl ?? "30 minutes"))
      }
    })
  )

/**
 * The API's routes, handlers and security, plus `/openapi.json` and
 * `/docs`. Provide it to `HttpApiBuilder.serve()` with the host's HTTP
 * server, or hand it to {@link toWebHandler}. Needs the host's `Weft`
 * layer, and an `HttpClient` for OAuth code
 * exchanges.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http"
 * import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
 * import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
 * import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 * import { WeftApiServer } from "@weft/api"
 * import type { Weft } from "@weft/core/host"
 * import type * as HttpClient from "@effect/platform/HttpClient"
 *
 * declare const WeftLive: Layer.Layer<Weft.Weft | HttpClient.HttpClient> // the host's Weft layer
 *
 * const ApiLive = WeftApiServer.layer({ apiKeys: [Redacted.make(process.env.WEFT_API_KEY!)] })
 * HttpApiBuilder.serve().pipe(
 *   Layer.provide(ApiLive),
 *   Layer.provide(WeftLive),
 *   Layer.provide(NodeHttpServer.layer(createServer, { port: 8080 })),
 *   Layer.launch,
 *   NodeRuntime.runMain
 * )
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<HttpApi.Api, never, Weft.Weft | HttpClient.HttpClient> => {
  const handlers = Layer.mergeAll(
    HealthLive,
    SessionsLive,
    ConnectLive,
    OAuthCallbackLive,
    IntegrationsLive,
    SyncsLive,
    RunsLive,
    EventsLive,
    DestinationsLive
  )
  const security = Layer.unwrapEffect(
    Effect.map(ApiServerContext, (ctx) => {
      const isApiKey = makeKeyCheck(options.apiKeys)
      return Layer.merge(layerAdminAuth(isApiKey, ctx.signer), layerSessionAuth(isApiKey, ctx.signer))
    })
  )
  const api = HttpApiBuilder.api(WeftApi).pipe(
    Layer.provide(handlers),
    Layer.provide(security),
    Layer.provide(context(options))
  )
  return Layer.mergeAll(
    HttpApiSwagger.layer({ path: "/docs" }),
    HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" }),
    layerBodyLimit(options.maxBodyBytes ?? 1024 * 1024),
    layerDecodeErrors
  ).pipe(Layer.provideMerge(api))
}

/**
 * {@link Options} from the environment: `WEFT_API_KEYS` (comma-separated),
 * `WEFT_API_SESSION_SECRET`, `WEFT_API_PUBLIC_URL`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Partial<Options> = {}
): Layer.Layer<HttpApi.Api, ConfigError.ConfigError, Weft.Weft | HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const keys = yield* Config.redacted("WEFT_API_KEYS")
      const sessionSecret = yield* Config.option(Config.redacted("WEFT_API_SESSION_SECRET"))
      const publicUrl = yield* Config.option(Config.string("WEFT_API_PUBLIC_URL"))
      const apiKeys = Redacted.value(keys).split(",").map((k) => k.trim()).filter((k) => k !== "").map(Redacted.make)
      return layer({
        apiKeys,
        ...(sessionSecret._tag === "Some" ? { sessionSecret: sessionSecret.value } : {}),
        ...(publicUrl._tag === "Some" ? { publicUrl: publicUrl.value } : {}),
        ...overrides
      })
    })
  )

/**
 * The API as a web-standard handler, `(request: Request) => Promise<Response>`,
 * for Next route handlers, Fastify, Hono, Bun or Deno. `dispose` releases
 * the layer (stop Weft's background work with it).
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 * import { WeftApiServer } from "@weft/api"
 * import type { Weft } from "@weft/core/host"
 * import type * as HttpClient from "@effect/platform/HttpClient"
 *
 * declare const WeftLive: Layer.Layer<Weft.Weft | HttpClient.HttpClient>
 *
 * const { handler, dispose } = WeftApiServer.toWebHandler(
 *   WeftApiServer.layer({ apiKeys: [Redacted.make(process.env.WEFT_API_KEY!)] }).pipe(Layer.provide(WeftLive))
 * )
 * // Next: export const GET = handler, POST = handler, PUT = handler, DELETE = handler
 * const response = await handler(new Request("http://localhost/health"))
 * await dispose()
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const toWebHandler = <E>(
  apiLayer: Layer.Layer<HttpApi.Api, E>
): { readonly handler: (request: Request) => Promise<Response>; readonly dispose: () => Promise<void> } =>
  HttpApiBuilder.toWebHandler(Layer.merge(apiLayer, HttpServer.layerContext))
