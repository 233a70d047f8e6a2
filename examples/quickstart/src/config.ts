import type * as Duration from "effect/Duration"
import type * as Redacted from "effect/Redacted"

/**
 * What one demo run is asked to do, after the flags were parsed and checked.
 *
 * @since 0.1.0
 */

/**
 * Where the events go: the demo's own verifying receiver on 127.0.0.1, or a
 * Standard Webhooks receiver the user runs.
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookTarget =
  | { readonly _tag: "Local" }
  | { readonly _tag: "External"; readonly url: string; readonly secret: Redacted.Redacted<string> }

/**
 * Where Weft keeps its state: the in-memory store (gone with the process), a
 * SQLite file (an absolute path) or a PostgreSQL database.
 *
 * @since 0.1.0
 * @category models
 */
export type StoreChoice =
  | { readonly _tag: "memory" }
  | { readonly _tag: "sqlite"; readonly filename: string }
  | { readonly _tag: "postgres"; readonly url: Redacted.Redacted<string> }

/**
 * @since 0.1.0
 * @category models
 */
export interface DemoConfig {
  /** Employees in the fake company at start. */
  readonly employees: number
  /** Delta rounds after the initial sync. */
  readonly deltaRounds: number
  /** Seed of the fake company and of the mutations. */
  readonly seed: number
  readonly webhook: WebhookTarget
  /** Hosts the SSRF guard lets through (127.0.0.1 is added for the local receiver). */
  readonly allowHosts: ReadonlyArray<string>
  /** One JSON object per line instead of the live display. */
  readonly json: boolean
  /** The whole demo fails if it has not finished by then. */
  readonly timeout: Duration.Duration
  readonly store: StoreChoice
  /** Run Weft in a child process, kill it once mid-delivery and start it again on the same store. */
  readonly crash: boolean
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  employees: 2000,
  deltaRounds: 2,
  seed: 7,
  timeoutSeconds: 300,
  store: "sqlite:.weft/demo.db",
  port: 8080
} as const

/**
 * @since 0.1.0
 * @category constants
 */
export const limits = {
  employees: { min: 10, max: 1_000_000 },
  deltaRounds: { min: 0, max: 100 },
  timeoutSeconds: { min: 1, max: 86_400 }
} as const
