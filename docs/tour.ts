// The code tour of the README, type-checked with the rest of the repository.
import { HttpRouter } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import { Vault, Weft } from "@weft/core"
import { BambooHR } from "@weft/connectors"
import { Receiver, SinkWebhook } from "@weft/sink-webhook"
import { StoreSqlite } from "@weft/store-sql/sqlite"

const secret = Redacted.make(process.env.WEFT_WEBHOOK_SECRET ?? "") // whsec_…, shared with the receiver

// 1. Wire Weft into the host's runtime: connectors, a store (a SQLite file; StorePostgres for several
//    processes), a sink, the vault, an HTTP client.
export const WeftLive = Weft.layer({ connectors: [BambooHR.connector()] }).pipe(
  Layer.provide(Layer.mergeAll(
    StoreSqlite.layer({ filename: "data/weft.db" }),
    SinkWebhook.layer(),
    Vault.layerConfig() // WEFT_VAULT_KEYS
  )),
  Layer.provide(NodeHttpClient.layerUndici)
)

// 2. Connect a customer's account. Credentials are checked first, then stored encrypted;
//    the sync starts at once (initial run), then runs a delta every hour.
export const onboard = (apiKey: string) =>
  Effect.gen(function*() {
    const weft = yield* Weft.Weft
    const { integration, syncs } = yield* weft.integrations.connect({
      connector: "bamboohr",
      tenant: "acme",
      credentials: { companyDomain: "acme", apiKey },
      syncs: [{
        models: [{ model: "hris.employee", fieldGroups: ["profile", "employment", "orgStructure"] }],
        destination: { url: "https://app.example.com/hooks/weft", secrets: [secret] },
        frequency: "1 hour"
      }]
    })
    const runs = yield* weft.runs.list({ syncId: syncs[0]!.id }) // the audit support teams read
    return { integration, runs }
  }).pipe(Effect.catchTag("ConnectionError", (e) => Effect.fail(`${e.message} ${e.resolution}`)))

// 3. Receive events: verify the signature, then apply the change.
export const hooks = HttpRouter.empty.pipe(
  HttpRouter.post("/hooks/weft", Receiver.handler({
    secrets: [secret],
    onEvent: (event) => Effect.log(event.type, "recordId" in event ? event.recordId : event.syncRunId)
  }))
)
