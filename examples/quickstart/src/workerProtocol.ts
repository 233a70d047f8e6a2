import type { HostError } from "./host.js"
import type { StoreWire } from "./store.js"

/**
 * The messages between the demo and the Weft worker process of `--crash`,
 * over Node's IPC channel (JSON). The demo sends `init` first; the worker
 * answers `ready` (or `failed`), then one `result` per `call`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Init {
  readonly type: "init"
  readonly store: StoreWire
  /** `id:base64key[,…]`: sent over the pipe, never on the command line or in the environment. */
  readonly keys: string
  /** The fake BambooHR's `http://127.0.0.1:<port>`. */
  readonly fakeUrl: string
  readonly allowHosts: ReadonlyArray<string>
  readonly runLeaseMs: number
  readonly deliveryLeaseMs: number
  readonly sinkTimeoutMs: number
  readonly pageSize: number
}

/**
 * @since 0.1.0
 * @category models
 */
export type Op = "connect" | "resetEarlier" | "listRuns" | "getRun" | "listEvents" | "triggerAndWait"

/**
 * @since 0.1.0
 * @category models
 */
export interface Call {
  readonly type: "call"
  readonly id: number
  readonly op: Op
  readonly args: unknown
}

/**
 * @since 0.1.0
 * @category models
 */
export type ToWorker = Init | Call | { readonly type: "shutdown" }

/**
 * @since 0.1.0
 * @category models
 */
export type FromWorker =
  | { readonly type: "ready"; readonly pid: number }
  | { readonly type: "failed"; readonly message: string }
  | { readonly type: "result"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: "result"; readonly id: number; readonly ok: false; readonly error: HostError }
