import { randomBytes } from "node:crypto"
import { createServer } from "node:http"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { join } from "node:path"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { WeftApiServer } from "@weft/api"
import { AuditUi } from "@weft/connect-ui"
import { BambooHR, HubSpot } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { Secret, SinkWebhook } from "@weft/sink-webhook"
import { BambooHRFake, HubSpotFake } from "@weft/testing"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { StoreChoice } from "./config.js"
import * as ConnectPage from "./connectPage.js"
import { DemoFailure } from "./errors.js"
import * as LocalReceiver from "./receiver.js"
import * as DemoStore from "./store.js"

/**
 * `npm run demo -- --serve`: the fakes, Weft on the demo's store, the
 * management API and a verifying receiver, until Ctrl-C. What it prints is
 * all a person needs to try the API: its URLs, an admin key for this run, a
 * BambooHR key the fake accepts, and `curl` calls to start with.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface ServeConfig {
  readonly port: number
  readonly employees: number
  readonly seed: number
  readonly store: StoreChoice
}

/**
 * The lines printed once the API listens. Secrets shown here are this run's
 * own: a fresh admin key, and the fake BambooHR's key.
 *
 * @since 0.1.0
 * @category display
 */
export const banner = (options: {
  readonly url: string
  readonly adminKey: string
  readonly bambooKey: string
  readonly store: string
  readonly receiver: string
}): string =>
  [
    "Weft is serving its management API, the connect component and the audit page.",
    "",
    `  connect page    ${options.url}/   (a host page with <weft-connect>)`,
    `  audit page      ${options.url}/ui/   (sign in with the admin API key)`,
    `  API             ${options.url}`,
    `  Swagger UI      ${options.url}/docs`,
    `  OpenAPI         ${options.url}/openapi.json`,
    `  store           ${options.store}`,
    `  receiver        ${options.receiver} (verifies every delivery)`,
    "",
    `  admin API key   ${options.adminKey}   (this run only; for local use)`,
    `  BambooHR key    ${options.bambooKey}   (the fake company "acme" accepts it)`,
    "",
    "Try it:",
    `  export WEFT=${options.url} KEY=${options.adminKey}`,
    "  curl -s -X POST $WEFT/connect-sessions -H \"authorization: Bearer $KEY\" -H 'content-type: application/json' -d '{\"tenant\":\"acme\"}'",
    "  curl -s $WEFT/integrations -H \"authorization: Bearer $KEY\"",
    "  curl -s \"$WEFT/runs?limit=5\" -H \"authorization: Bearer $KEY\"",
    "",
    "Press Ctrl-C to stop."
  ].join("\n")

// The browser assets, built from the sources into the demo's folder: the
// demo runs without a build step.
const buildAssets = (dir: string) =>
  Effect.tryPromise({
    try: async () => {
      const build: string = import.meta.resolve("@weft/connect-ui/build.mjs")
      const { bundle } = (await import(build)) as { bundle: (dir: string) => Promise<unknown> }
      await bundle(dir)
      return dir
    },
    catch: (error) => new DemoFailure({ reason: "setup", detail: `The connect component could not be built: ${String(error)}` })
  })

// The host's side of the demo: its page, and the backend route that mints a
// connect session for it (with the admin key, which never reaches the page).
const demoRoutes = (options: { readonly url: string; readonly adminKey: string; readonly companyDomain: string; readonly bambooKey: string }) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function*() {
      yield* router.get("/", Effect.succeed(HttpServerResponse.html(ConnectPage.html(options))))
      yield* router.get("/demo/page.js", Effect.succeed(HttpServerResponse.text(ConnectPage.script, { contentType: "text/javascript; charset=utf-8" })))
      yield* router.post(
        "/demo/session",
        Effect.promise(async () => {
          const response = await fetch(`${options.url}/connect-sessions`, {
            method: "POST",
            headers: { authorization: `Bearer ${options.adminKey}`, "content-type": "application/json" },
            body: JSON.stringify({ tenant: "acme" })
          })
          const body = (await response.json()) as { token?: string }
          return HttpServerResponse.unsafeJson({ token: body.token }, { status: response.status === 201 ? 200 : 502 })
        })
      )
    })
  )

/**
 * Serves until interrupted.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (config: ServeConfig): Effect.Effect<void, DemoFailure> =>
  Effect.scoped(
    Effect.gen(function*() {
      const cwd = process.cwd()
      const key = yield* DemoStore.loadKey(config.store, cwd)
      const keys = DemoStore.vaultKeys(key.keys)
      if (Either.isLeft(keys)) return yield* new DemoFailure({ reason: "setup", detail: `The Vault key is not usable: ${keys.left}` })
      const bamboo = yield* BambooHRFake.scoped({ size: config.employees, seed: config.seed })
      const hubspot = yield* HubSpotFake.scoped({ size: 50, seed: config.seed })
      const webhookSecret = Secret.generate()
      const receiver = yield* LocalReceiver.start(webhookSecret)
      const adminKey = `wk_demo_${randomBytes(18).toString("base64url")}`

      const connectors = [
        BambooHR.connector({ baseUrl: bamboo.baseUrl, rateLimit: "none" }),
        HubSpot.connector({
          baseUrl: hubspot.url,
          tokenUrl: hubspot.tokenUrl,
          authorizeUrl: hubspot.authorizeUrl,
          clientId: hubspot.clientId,
          clientSecret: Redacted.make(hubspot.clientSecret)
        })
      ]
      const destination = { url: receiver.url, secrets: [webhookSecret] }
      const weft = Weft.layer({
        connectors,
        syncs: { bamboohr: [{ destination, frequency: "5 minutes" }], hubspot: [{ destination, frequency: "5 minutes" }] }
      }).pipe(
        Layer.provide(Layer.mergeAll(DemoStore.layer(config.store), SinkWebhook.layer({ allowHosts: ["127.0.0.1"] }), Vault.layer(keys.right))),
        Layer.provideMerge(NodeHttpClient.layerUndici)
      )

      const server = yield* Layer.build(NodeHttpServer.layer(createServer, { port: config.port, host: "127.0.0.1" })).pipe(
        Effect.mapError((error) =>
          new DemoFailure({ reason: "setup", detail: `Port ${config.port} cannot be used (${error.message}); pick another with --port.` })
        )
      )
      const address = (yield* Effect.provide(HttpServer.HttpServer, server)).address as HttpServer.TcpAddress
      const url = `http://127.0.0.1:${address.port}`
      const assetsDir = yield* buildAssets(join(cwd, ".weft", "ui"))
      const api = HttpApiBuilder.serve().pipe(
        Layer.provide(Layer.mergeAll(
          WeftApiServer.layer({ apiKeys: [Redacted.make(adminKey)], publicUrl: url }),
          AuditUi.layer({ path: "/ui", assetsDir }),
          demoRoutes({ url, adminKey, companyDomain: bamboo.companyDomain, bambooKey: BambooHRFake.keys.admin })
        )),
        Layer.provide(weft),
        Layer.provide(Layer.succeedContext(server))
      )
      yield* Layer.build(api).pipe(
        Effect.mapError((error) => new DemoFailure({ reason: "setup", detail: `Weft could not start: ${String((error as { message?: unknown }).message ?? error)}` }))
      )
      yield* Console.log(
        banner({
          url,
          adminKey,
          bambooKey: BambooHRFake.keys.admin,
          store: DemoStore.describe(config.store, cwd),
          receiver: receiver.url
        })
      )
      return yield* Effect.never
    })
  )
