import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { BambooHR } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { CONFIG_ENV, type WorkerConfig, type WorkerMessage } from "./protocol.js"

/**
 * One Weft process over a durable store, as a host would run it: the
 * BambooHR connector pointed at the parent's fake, the webhook sink towards
 * the parent's receiver, a Vault key the parent hands over. On its first
 * start (an empty store) it connects the integration; on any later start it
 * finds the sync in the store and the scheduler picks it up. It runs until
 * SIGTERM (a clean shutdown, exit code 0) or SIGKILL.
 *
 * Started by the parent with `node --conditions=@weft/source --import tsx worker.ts`.
 */

const config = JSON.parse(process.env[CONFIG_ENV] ?? "null") as WorkerConfig | null
if (config === null) {
  process.stderr.write(`${CONFIG_ENV} is not set: this script is started by the process tests' harness.\n`)
  process.exit(2)
}

const tell = (message: WorkerMessage) => Effect.sync(() => process.stdout.write(`${JSON.stringify(message)}\n`))

const MODEL = "hris.employee"

const storeLayer = config.store.dialect === "sqlite"
  ? StoreSqlite.layer({ filename: config.store.filename })
  : StorePostgres.layer({ url: Redacted.make(config.store.url), maxConnections: 6, applicationName: config.name })

// Postgres workers hear each other's writes over LISTEN/NOTIFY; a SQLite process has only itself.
const outboxSignal = config.store.dialect === "postgres"
  ? StorePostgres.layerSignal().pipe(Layer.provide(storeLayer as ReturnType<typeof StorePostgres.layer>), Layer.orDie)
  : undefined

const weftLayer = Weft.layer({
  connectors: [BambooHR.connector({ baseUrl: (domain) => `${config.fake.url}/${domain}`, rateLimit: "none", concurrency: 4, pageSize: config.fake.pageSize })],
  engine: { runLease: config.runLeaseMs },
  delivery: { lease: config.deliveryLeaseMs, pollInterval: config.pollMs, retrySchedule: Schedule.spaced(config.retryMs) },
  ...(config.idleSweepMs === undefined ? {} : { recovery: { idleSweep: config.idleSweepMs } }),
  ...(outboxSignal === undefined ? {} : { outboxSignal })
}).pipe(
  Layer.provide(Layer.mergeAll(
    storeLayer,
    SinkWebhook.layer({ allowHosts: ["127.0.0.1"], timeout: config.sinkTimeoutMs, userAgent: config.name }),
    Vault.layer({ current: { id: "process-tests", key: Redacted.make(config.vaultKey) } })
  )),
  Layer.provide(NodeHttpClient.layerUndici)
)

const main = Effect.gen(function*() {
  const weft = yield* Weft.Weft
  let connected = false
  let syncs = yield* weft.syncs.list()
  if (syncs.length === 0 && config.connect) {
    const result = yield* weft.integrations.connect({
      connector: "bamboohr",
      tenant: "acme",
      credentials: { companyDomain: config.fake.companyDomain, apiKey: config.fake.apiKey },
      syncs: [{ models: [MODEL], destination: { url: config.destination.url, secrets: [config.destination.secret] }, frequency: config.frequency as Duration.DurationInput }]
    })
    syncs = result.syncs
    connected = true
  }
  const syncId = syncs[0]?.id ?? ""
  yield* tell({ type: "ready", syncId, connected })
  if (syncId !== "" && config.triggerOnStart !== undefined) {
    yield* weft.syncs.trigger(syncId, { type: config.triggerOnStart })
    yield* tell({ type: "triggered", runType: config.triggerOnStart })
  }
  const every = config.triggerEveryMs
  if (syncId !== "" && every !== undefined) {
    yield* weft.syncs.trigger(syncId, { type: "delta" }).pipe(
      Effect.catchAll((error) => Effect.logWarning(`trigger failed: ${error.message}`)),
      Effect.zipRight(Effect.sleep(every)),
      Effect.forever,
      Effect.forkScoped
    )
  }
  return yield* Effect.never
})

main.pipe(
  Effect.scoped,
  Effect.provide(weftLayer),
  Effect.annotateLogs("worker", config.name),
  NodeRuntime.runMain
)
