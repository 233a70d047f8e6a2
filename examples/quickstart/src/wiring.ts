import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { BambooHR } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type { StoreChoice } from "./config.js"
import { DemoFailure } from "./errors.js"
import * as DemoStore from "./store.js"

/**
 * Weft as a host would wire it: the store (SQLite by default, PostgreSQL or
 * in memory), the webhook sink with its SSRF allow-list, the Vault key that
 * goes with the store, undici for HTTP, and the BambooHR connector pointed at
 * the fake.
 *
 * @since 0.1.0
 */

/**
 * Settings of a Weft that is meant to be killed and started again
 * (`--crash`): a short run lease, so the restarted process takes the dead
 * run over within seconds, and short delivery claims, so the events the dead
 * process had in flight are sent again soon.
 *
 * @since 0.1.0
 * @category models
 */
export interface CrashSettings {
  readonly runLease: Duration.DurationInput
  readonly deliveryLease: Duration.DurationInput
  /** Per delivery attempt; below `deliveryLease`. */
  readonly sinkTimeout: Duration.DurationInput
  /** Employees per list page: several pages, so a run can be killed between two. */
  readonly pageSize: number
}

/**
 * @since 0.1.0
 * @category constants
 */
export const crashSettings = (employees: number): CrashSettings => ({
  runLease: Duration.seconds(3),
  deliveryLease: Duration.seconds(10),
  sinkTimeout: Duration.seconds(5),
  pageSize: Math.max(10, Math.ceil(employees / 10))
})

/**
 * @since 0.1.0
 * @category models
 */
export interface WiringOptions {
  /** The fake's base URL for a company domain (`BambooHRFake.Fake["baseUrl"]`). */
  readonly baseUrl: (companyDomain: string) => string
  /** Hosts the sink may deliver to although they are not public (the local receiver's 127.0.0.1). */
  readonly allowHosts: ReadonlyArray<string>
  readonly store: StoreChoice
  /** `id:base64key[,…]`, current key first. */
  readonly keys: Redacted.Redacted<string>
  readonly crash?: CrashSettings | undefined
}

/**
 * The Weft layer of the demo.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: WiringOptions) => {
  // The fake does not throttle on its own and is local, so the connector's default pace is lifted.
  const bamboo = BambooHR.connector({
    baseUrl: options.baseUrl,
    rateLimit: "none",
    concurrency: 16,
    ...(options.crash === undefined ? {} : { pageSize: options.crash.pageSize })
  })
  // The keys were checked when they were read; a bad one still fails the layer, not the process.
  const vault = Either.match(DemoStore.vaultKeys(options.keys), {
    onLeft: (problem) => Layer.fail(new DemoFailure({ reason: "setup", detail: `The Vault key is not usable: ${problem}` })),
    onRight: Vault.layer
  })
  const crash = options.crash
  return Weft.layer({
    connectors: [bamboo],
    ...(crash === undefined ? {} : { engine: { runLease: crash.runLease }, delivery: { lease: crash.deliveryLease } })
  }).pipe(
    Layer.provide(
      Layer.mergeAll(
        DemoStore.layer(options.store),
        SinkWebhook.layer({ allowHosts: options.allowHosts, ...(crash === undefined ? {} : { timeout: crash.sinkTimeout }) }),
        vault
      )
    ),
    Layer.provide(NodeHttpClient.layerUndici)
  )
}
