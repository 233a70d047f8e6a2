import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { BambooHR } from "@weft/connectors"
import { type Api, Vault, WeftClient } from "@weft/core"
import { Receiver, Secret, SinkWebhook } from "@weft/sink-webhook"
import { StoreMemory } from "@weft/store-memory"
import { EmployeeDirectory } from "./directory.js"
import { toAnswer } from "./errors.js"
import { BodyTooLarge, parseJson, readBody, Router, sendJson } from "./http.js"
import type { StoreSetup } from "./store.js"
import { integrationView, runLine, runView, syncView } from "./views.js"

/**
 * A plain Node HTTP service that uses Weft through its Promise facade: it
 * connects BambooHR accounts, receives Weft's signed events on its own
 * webhook endpoint, keeps an employee directory from them, and shows run
 * audits. Nothing in it is written with Effect: the Weft client is built
 * from ready-made layer values (store, sink, HTTP client) and answers
 * Promises.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface ServiceOptions {
  /** Default 0: a free port. */
  readonly port?: number | undefined
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined
  /** Where BambooHR is for a company domain; default the real `https://{domain}.bamboohr.com` (the demo points it at the fake). */
  readonly bamboohrBaseUrl?: ((companyDomain: string) => string) | undefined
  /** The signing secret of the webhook endpoint (`whsec_…`); default a new random one. */
  readonly webhookSecret?: Secret.SecretInput | undefined
  /** Time between delta syncs. Default 1 hour (deltas can also be triggered). */
  readonly deltaEvery?: Api.SyncConfig["frequency"]
  /** Where the service says what it does; default silent. */
  readonly log?: ((line: string) => void) | undefined
  /**
   * Where Weft keeps its state, with its Vault key (see `store.ts`: the
   * `--store` flag). Default: in memory, with a fresh key.
   */
  readonly store?: Pick<StoreSetup, "store" | "vault"> | undefined
}

/**
 * A running service.
 *
 * @since 0.1.0
 * @category models
 */
export interface HostService {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly weft: WeftClient.WeftClient
  readonly directory: EmployeeDirectory
  /** The destination Weft delivers to: this service's webhook endpoint. */
  readonly destinationId: string
  /** Stops Weft's background work, then the HTTP server. */
  readonly close: () => Promise<void>
}

/**
 * The employee field groups the service subscribes to. Weft delivers (and
 * fingerprints) only these: compensation and locations never reach the
 * service, and a change to them produces no event.
 *
 * @since 0.1.0
 * @category constants
 */
export const FIELD_GROUPS = ["profile", "employment", "orgStructure"]

const CONNECT_FORM = "Send JSON: { \"tenant\": \"acme\", \"credentials\": { \"companyDomain\": \"acme\", \"apiKey\": \"…\" } }."

const listen = (server: Http.Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port))
  })

/**
 * Starts the service: the HTTP server first (the webhook URL needs its
 * port), then Weft, then the destination Weft delivers to.
 *
 * @example
 * ```ts
 * import { start } from "@weft/example-host-service"
 *
 * const service = await start({ port: 3000, log: console.log })
 * // POST /integrations, GET /employees, GET /runs, POST /syncs/:id/trigger
 * await service.close()
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: ServiceOptions = {}): Promise<HostService> => {
  const log = options.log ?? (() => {})
  const secret = options.webhookSecret ?? Secret.generate()
  const directory = new EmployeeDirectory()
  const router = new Router()
  const server = Http.createServer((request, response) => {
    router.handle(request, response).catch((error: unknown) => {
      // Never echo the error: it may quote a request body.
      log(`unexpected error on ${request.method} ${request.url}: ${error instanceof Error ? error.name : "unknown"}`)
      if (!response.headersSent) sendJson(response, error instanceof BodyTooLarge ? 413 : 500, { error: "internal_error" })
    })
  })
  const port = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1")
  const url = `http://127.0.0.1:${port}`

  const weft = WeftClient.make({
    connectors: [BambooHR.connector(options.bamboohrBaseUrl === undefined ? {} : { baseUrl: options.bamboohrBaseUrl })],
    store: options.store?.store ?? StoreMemory.layer,
    // Weft refuses private and loopback destinations unless allow-listed: this one is the service itself.
    sink: SinkWebhook.layer({ allowHosts: ["127.0.0.1"] }),
    http: NodeHttpClient.layerUndici,
    // The in-memory store forgets everything on exit, so a fresh key per process is enough; a durable
    // store comes with a key that survives too.
    vault: options.store?.vault ?? { current: { id: "host-service", key: Vault.generateKey() } }
  })
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })

  let destination: Api.DestinationView
  try {
    destination = await weft.destinations.create({ url: `${url}/webhooks/weft`, secrets: [secret] })
  } catch (error) {
    await weft.dispose()
    await closeServer()
    throw error
  }
  log(`webhook destination ${destination.id} → ${destination.url}`)

  const fail = (response: Http.ServerResponse, error: unknown) => {
    const answer = toAnswer(error)
    if (answer.status >= 500) log(`Weft failed: ${error instanceof Error ? error.message : String(error)}`)
    sendJson(response, answer.status, answer.body)
  }

  router
    // Weft's deliveries: verify the signature on the raw bytes, then apply.
    .on("POST", "/webhooks/weft", async (request, response) => {
      const body = await readBody(request)
      const verified = Receiver.verifySync(secret, request.headers, body)
      if (!verified.ok) {
        log(`webhook refused: ${verified.error.reason}`)
        // 4xx tells Weft the delivery failed; it retries on its schedule.
        return sendJson(response, verified.error.reason === "invalid_payload" ? 400 : 401, { error: verified.error.reason })
      }
      const event = verified.event
      const applied = directory.apply(event)
      // Record events are many: the run events sum them up.
      if (applied === "duplicate") log(`webhook ${event.id} received again; already applied`)
      else if (event.type === "sync.events.allEmitted") {
        const { emitted, invalid } = event.data
        log(`webhook: run ${event.syncRunId} emitted +${emitted.new} ~${emitted.changed} -${emitted.deleted} (${invalid} invalid)`)
      } else if (event.type === "sync.events.allConsumed") {
        log(`webhook: every record event of run ${event.syncRunId} is settled (${event.data.acked} acked, ${event.data.deadLettered} dead)`)
      }
      sendJson(response, 204)
    })
    .on("POST", "/integrations", async (request, response) => {
      const input = parseJson(await readBody(request)) as { tenant?: unknown; credentials?: unknown } | undefined
      if (typeof input?.tenant !== "string" || typeof input.credentials !== "object" || input.credentials === null) {
        return sendJson(response, 400, { error: "invalid_request", message: CONNECT_FORM })
      }
      try {
        const { integration, syncs } = await weft.integrations.connect({
          connector: "bamboohr",
          tenant: input.tenant,
          credentials: input.credentials,
          // The initial sync starts right away; deltas follow every `deltaEvery`.
          syncs: [{
            destination: destination.id,
            models: [{ model: "hris.employee", fieldGroups: FIELD_GROUPS }],
            frequency: options.deltaEvery ?? "1 hour"
          }]
        })
        log(`connected ${integration.connector} for ${integration.tenant}: integration ${integration.id}, sync ${syncs.map((s) => s.id).join(", ")}`)
        sendJson(response, 201, { integration: integrationView(integration), syncs: syncs.map(syncView) })
      } catch (error) {
        if ((error as { _tag?: unknown })?._tag === "ConnectionError") log(`connect refused for ${input.tenant}: ${(error as Error).message}`)
        fail(response, error)
      }
    })
    .on("GET", "/integrations", async (_, response) => {
      sendJson(response, 200, { integrations: (await weft.integrations.list()).map(integrationView) })
    })
    .on("GET", "/employees", async (_, response, { query }) => {
      const employees = directory.list(query.get("tenant") ?? undefined)
      sendJson(response, 200, { count: employees.length, employees })
    })
    .on("GET", "/received", async (_, response) => {
      sendJson(response, 200, { runs: directory.reports() })
    })
    .on("GET", "/syncs", async (_, response) => {
      sendJson(response, 200, { syncs: (await weft.syncs.list()).map(syncView) })
    })
    .on("POST", "/syncs/:id/trigger", async (request, response, { params, query }) => {
      const input = parseJson(await readBody(request)) as { type?: unknown } | undefined
      const type = input?.type ?? "delta"
      if (type !== "delta" && type !== "manual") {
        return sendJson(response, 400, { error: "invalid_request", message: "type is \"delta\" (changes since the last run) or \"manual\" (read everything)." })
      }
      try {
        if (query.get("wait") === "true") {
          const run = await weft.syncs.triggerAndWait(params["id"]!, { type })
          log(runLine(run))
          return sendJson(response, 200, { run: runView(run, undefined) })
        }
        await weft.syncs.trigger(params["id"]!, { type })
        log(`triggered a ${type} run of sync ${params["id"]}`)
        sendJson(response, 202, { syncId: params["id"], type, queued: true })
      } catch (error) {
        fail(response, error)
      }
    })
    .on("GET", "/runs", async (_, response, { query }) => {
      const limit = Number(query.get("limit") ?? 20)
      const runs = await weft.runs.list({
        ...(query.has("syncId") ? { syncId: query.get("syncId")! } : {}),
        limit: Number.isInteger(limit) && limit > 0 ? limit : 20
      })
      const reports = new Map(directory.reports().map((r) => [r.runId, r]))
      for (const run of runs) log(runLine(run))
      sendJson(response, 200, { runs: runs.map((run) => runView(run, reports.get(run.id))) })
    })

  return {
    url,
    port,
    weft,
    directory,
    destinationId: destination.id,
    close: async () => {
      await weft.dispose()
      await closeServer()
    }
  }
}
