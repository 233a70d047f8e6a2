/**
 * What the parent tells a worker process (one JSON value in the
 * `WEFT_WORKER_CONFIG` environment variable) and what the worker tells the
 * parent (one JSON object per stdout line).
 */

export const CONFIG_ENV = "WEFT_WORKER_CONFIG"

export interface WorkerConfig {
  /** Shown in logs and sent as the sink's `user-agent`, so the receiver knows who delivered. */
  readonly name: string
  readonly store: { readonly dialect: "sqlite"; readonly filename: string } | { readonly dialect: "postgres"; readonly url: string }
  /** The Vault key (base64, 32 bytes): the same in every start, or nothing stored could be opened. */
  readonly vaultKey: string
  readonly fake: { readonly url: string; readonly companyDomain: string; readonly apiKey: string; readonly pageSize: number }
  readonly destination: { readonly url: string; readonly secret: string }
  /** Connect the integration if the store holds none (only the process that syncs). */
  readonly connect: boolean
  /** The sync's frequency, set when connecting. */
  readonly frequency: string
  /** Queue a run as soon as the sync is known. */
  readonly triggerOnStart?: "delta" | "manual" | undefined
  /** Queue a delta this often (a process that syncs while others only deliver). */
  readonly triggerEveryMs?: number | undefined
  readonly runLeaseMs: number
  readonly deliveryLeaseMs: number
  readonly pollMs: number
  readonly sinkTimeoutMs: number
  /** Wait between delivery attempts (the standard schedule waits minutes after the second). */
  readonly retryMs: number
  readonly idleSweepMs?: number | undefined
}

export type WorkerMessage =
  | { readonly type: "ready"; readonly syncId: string; readonly connected: boolean }
  | { readonly type: "triggered"; readonly runType: "delta" | "manual" }
