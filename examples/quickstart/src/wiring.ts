import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { BambooHR } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StoreMemory } from "@weft/store-memory"
import type { BambooHRFake } from "@weft/testing"
import * as Layer from "effect/Layer"

/**
 * Weft as a host would wire it: the in-memory store, the webhook sink with
 * its SSRF allow-list, a Vault key made at start, undici for HTTP, and the
 * BambooHR connector pointed at the fake.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface WiringOptions {
  readonly fake: BambooHRFake.Fake
  /** Hosts the sink may deliver to although they are not public (the local receiver's 127.0.0.1). */
  readonly allowHosts: ReadonlyArray<string>
}

/**
 * The Weft layer of the demo. The Vault key lives only as long as the
 * process: the in-memory store does too.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: WiringOptions) => {
  // The fake does not throttle and is local, so the connector's default pace is lifted.
  const bamboo = BambooHR.connector({ baseUrl: options.fake.baseUrl, rateLimit: "none", concurrency: 16 })
  return Weft.layer({ connectors: [bamboo] }).pipe(
    Layer.provide(
      Layer.mergeAll(
        StoreMemory.layer,
        SinkWebhook.layer({ allowHosts: options.allowHosts }),
        Vault.layer({ current: { id: "demo", key: Vault.generateKey() } })
      )
    ),
    Layer.provide(NodeHttpClient.layerUndici)
  )
}
