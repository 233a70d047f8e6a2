import type * as Effect from "effect/Effect"
import type { DemoFailure, DemoInputError } from "./errors.js"
import type { Reset } from "./host.js"
import type { RefusedConnect, RunReport, Summary } from "./report.js"
import type { Expected, Mutations } from "./rounds.js"
import type { Progress } from "./watch.js"

/**
 * What the demo shows, as one interface with two renderings: the human one
 * (live progress and tables) and `--json` (one object per line).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface StartInfo {
  readonly employees: number
  readonly active: number
  readonly seed: number
  readonly fakeUrl: string
  /** The destination URL (never the secret). */
  readonly webhookUrl: string
  readonly localReceiver: boolean
  readonly allowHosts: ReadonlyArray<string>
  /** Where Weft keeps its state (never a password). */
  readonly store: string
  /** Where the Vault key came from. */
  readonly key: string
  /** Weft runs in a worker process that the demo kills once (`--crash`). */
  readonly crash: boolean
}

/**
 * What happened to the Weft worker with `--crash`.
 *
 * @since 0.1.0
 * @category models
 */
export type CrashEvent =
  | {
    readonly _tag: "killed"
    readonly pid: number
    readonly runId: string
    /** Events the local receiver had got (`null` with your own receiver). */
    readonly received: number | null
    /** Events Weft had recorded as delivered, as last seen. */
    readonly acked: number | null
  }
  | { readonly _tag: "restarted"; readonly pid: number; readonly afterMs: number }
  | {
    readonly _tag: "recovered"
    readonly runId: string
    readonly status: string
    readonly error?: string | undefined
    readonly emitted: Expected
  }
  | { readonly _tag: "resumed"; readonly runId: string; readonly status: string }
  | { readonly _tag: "continued"; readonly runId: string; readonly remaining: number }

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectedInfo {
  readonly integrationId: string
  readonly syncId: string
  readonly models: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Display {
  readonly start: (info: StartInfo) => Effect.Effect<void>
  /** What an earlier demo left in the store, now disconnected. */
  readonly reset: (reset: Reset) => Effect.Effect<void>
  readonly crash: (event: CrashEvent) => Effect.Effect<void>
  readonly refusedConnect: (refused: RefusedConnect) => Effect.Effect<void>
  readonly connected: (info: ConnectedInfo) => Effect.Effect<void>
  readonly mutations: (mutations: Mutations, expected: Expected) => Effect.Effect<void>
  readonly progress: (progress: Progress) => Effect.Effect<void>
  readonly run: (report: RunReport) => Effect.Effect<void>
  readonly summary: (summary: Summary) => Effect.Effect<void>
  /** The reason the demo stops, on standard error. */
  readonly failure: (error: DemoFailure | DemoInputError) => Effect.Effect<void>
}
