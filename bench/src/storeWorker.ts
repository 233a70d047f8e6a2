/**
 * A delivery worker process of `npm run bench -- store --workers`: core's
 * Delivery over the Postgres store (the URL comes over IPC, never on the
 * command line), the webhook sink, the shared Vault key. It polls the outbox
 * every 50 ms when idle, so it notices entries and destinations changed by
 * other processes. Messages: `{ type: "start", url }` → `{ type: "ready" }`
 * once the layer is built; `{ type: "stop" }` → disposes and exits.
 */
import { Delivery } from "@weft/core/delivery"
import { OutboxSignal } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StorePostgres } from "@weft/store-sql/postgres"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { keys } from "./storePages.js"

type Message = { readonly type: "start"; readonly url: string } | { readonly type: "stop" }

let runtime: ManagedRuntime.ManagedRuntime<Delivery.Delivery, unknown> | undefined

const send = (message: object) => process.send?.(message)

process.on("message", (message: Message) => {
  if (message.type === "start") {
    const store = StorePostgres.layer({ url: Redacted.make(message.url), applicationName: "weft-bench-worker" })
    const layer = Delivery.layer({ pollInterval: "50 millis" }).pipe(
      Layer.provideMerge(SinkWebhook.layer({ allowHosts: ["127.0.0.1"] })),
      Layer.provideMerge(Layer.mergeAll(store, Vault.layer(keys), OutboxSignal.layer))
    )
    runtime = ManagedRuntime.make(layer)
    runtime.runPromise(Effect.void).then(
      () => send({ type: "ready" }),
      (error: unknown) => {
        console.error("worker: the delivery layer failed to start:", error)
        process.exit(1)
      }
    )
  } else if (message.type === "stop") {
    const done = runtime === undefined ? Promise.resolve() : runtime.dispose()
    done.finally(() => process.exit(0))
  }
})
// The parent went away (it failed or was killed): do not linger.
process.on("disconnect", () => process.exit(0))
