import type * as Duration from "effect/Duration"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as ReadLimits from "../connector/ReadLimits.js"
import type { EventType } from "../events/Event.js"
import type {
  DeliveryAttempt,
  DestinationRow,
  IntegrationRow,
  OutboxEntry,
  OutboxStatus,
  RunIssue as RunIssueRow,
  RunRow,
  SyncModel,
  SyncRow
} from "../store/Rows.js"

/**
 * The shapes the host API takes and returns. Views never carry credentials,
 * secrets or record data.
 *
 * @since 0.1.0
 */

/**
 * An integration as the host sees it (no credentials).
 *
 * @since 0.1.0
 * @category views
 */
export type Integration = Omit<IntegrationRow, "credentials">

/**
 * A destination as the host sees it (no secrets; how many are active).
 *
 * @since 0.1.0
 * @category views
 */
export type DestinationView = Omit<DestinationRow, "secrets"> & { readonly secretCount: number }

/**
 * @since 0.1.0
 * @category views
 */
export type Sync = SyncRow

/**
 * A run's audit.
 *
 * @since 0.1.0
 * @category views
 */
export type Run = RunRow

/**
 * One problem of a run (`Run.errors`, a model audit's `error`): the message,
 * with a stable `code` and a `resolution` when the error that caused it had
 * them (a `ConnectionError`, a revoked authorization), and the `model`
 * whose read it ended.
 *
 * @since 0.1.0
 * @category views
 */
export type RunIssue = RunIssueRow

/**
 * A run problem as one line of text: `model: message [code] — resolution`.
 *
 * @example
 * ```ts
 * import { Api } from "@weft/core/host"
 * Api.describeIssue({ message: "The API key was revoked.", code: "invalid_credentials", resolution: "Connect again.", model: "hris.employee" })
 * // "hris.employee: The API key was revoked. [invalid_credentials] — Connect again."
 * ```
 * @since 0.1.0
 * @category views
 */
export const describeIssue = (issue: RunIssue): string =>
  `${issue.model === undefined ? "" : `${issue.model}: `}${issue.message}${issue.code === undefined ? "" : ` [${issue.code}]`}${
    issue.resolution === undefined ? "" : ` — ${issue.resolution}`
  }`

/**
 * An outbox entry as the host sees it (no payload).
 *
 * @since 0.1.0
 * @category views
 */
export interface EventSummary {
  readonly id: string
  readonly type: EventType
  readonly runId: string
  readonly syncId: string
  readonly destinationId: string
  readonly model?: string | undefined
  readonly recordId?: string | undefined
  readonly status: OutboxStatus
  readonly attempts: number
  readonly createdAt: number
  readonly nextAttemptAt: number
  readonly settledAt?: number | undefined
  readonly lastError?: string | undefined
  /** The event can be re-sent as is (its payload is still held). */
  readonly payloadHeld: boolean
  readonly replay: boolean
}

/**
 * One delivery attempt of an event: when it started (`at`, Unix
 * milliseconds), how long it took, the receiver's HTTP status when it
 * answered, the error when it failed, and its outcome (`acked`, `retry` or
 * `dead`). The latest 50 of an event are kept (`Rows.ATTEMPTS_KEPT`).
 *
 * @since 0.1.0
 * @category views
 */
export type Attempt = DeliveryAttempt

/**
 * A destination to create: URL, `whsec_…` signing secrets (several during a
 * rotation) and sink options.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface DestinationInput {
  readonly url: string
  readonly secrets: ReadonlyArray<string | Redacted.Redacted<string>>
  readonly options?: Readonly<Record<string, unknown>> | undefined
  /** Deliveries in flight at once (default 32). */
  readonly maxConcurrency?: number | undefined
}

/**
 * A sync's configuration.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface SyncConfig {
  /** Models (and their field groups) to sync; default: every model of the connector. */
  readonly models?: ReadonlyArray<string | SyncModel> | undefined
  /** An existing destination id, or one to create. */
  readonly destination: string | DestinationInput
  /** Time between delta runs (default 1 hour). */
  readonly frequency?: Duration.DurationInput | undefined
  /** Also emit inactive records (default false). */
  readonly includeInactive?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category inputs
 */
export interface CreateSyncInput extends SyncConfig {
  readonly integrationId: string
  /** Create the sync paused (default false: it starts at once). */
  readonly paused?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category inputs
 */
export interface ConnectInput {
  readonly connector: string
  readonly tenant: string
  /** As the connector's credentials schema describes them. */
  readonly credentials: unknown
  /** Syncs to start; default: those configured for the connector in the Weft options. */
  readonly syncs?: ReadonlyArray<SyncConfig> | undefined
  /**
   * This integration's read limits (request timeout, run deadline, page
   * budget), over the connector's and the host's.
   */
  readonly limits?: ReadLimits.ReadLimits | undefined
}

/**
 * Which events to replay: one or several by id, a run's, or those created in
 * a time range.
 *
 * @since 0.1.0
 * @category inputs
 */
export type ReplaySelector =
  | { readonly eventId: string }
  | { readonly eventIds: ReadonlyArray<string> }
  | { readonly runId: string }
  | { readonly from: number; readonly to: number; readonly syncId?: string | undefined }

/**
 * What a replay did.
 *
 * @since 0.1.0
 * @category views
 */
export interface ReplayResult {
  /** Events re-sent as stored. */
  readonly requeued: ReadonlyArray<string>
  /** Records re-read (their events' payloads were gone), with the runs that did it. */
  readonly resynced: ReadonlyArray<{ readonly eventId: string; readonly recordId: string; readonly runId: string }>
  readonly skipped: ReadonlyArray<{ readonly eventId: string; readonly reason: string }>
  /**
   * Ids in the selector that matched nothing: event ids not in the outbox
   * (never existed, or purged after the retention period), or a run or sync
   * id that does not exist.
   */
  readonly unknown: ReadonlyArray<string>
}

/**
 * The credentials given to `connect` do not fit the connector's schema.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidCredentialsError extends Schema.TaggedError<InvalidCredentialsError>()("InvalidCredentialsError", {
  connector: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `Credentials for ${this.connector} are not in the expected form (${this.detail}). Check the connector's credentials schema.`
  }
}

/**
 * A sync asked for a model its connector does not read.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedModelError extends Schema.TaggedError<UnsupportedModelError>()("UnsupportedModelError", {
  connector: Schema.String,
  model: Schema.String,
  supported: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `The ${this.connector} connector does not read "${this.model}". It reads: ${this.supported.join(", ")}.`
  }
}

/**
 * An input value is out of range or malformed. Defined on the ground floor
 * (`@weft/core/ground` `Input`), so the connector passthrough refuses bad
 * input with the same error as the host API.
 *
 * @since 0.1.0
 * @category errors
 */
export { InvalidInputError } from "../ground/Input.js"

/**
 * @since 0.1.0
 * @category views
 */
export const integrationView = ({ credentials: _, ...rest }: IntegrationRow): Integration => rest

/**
 * @since 0.1.0
 * @category views
 */
export const eventSummary = (entry: OutboxEntry): EventSummary => ({
  id: entry.id,
  type: entry.type,
  runId: entry.runId,
  syncId: entry.syncId,
  destinationId: entry.destinationId,
  model: entry.model,
  recordId: entry.recordId,
  status: entry.status,
  attempts: entry.attempts,
  createdAt: entry.createdAt,
  nextAttemptAt: entry.nextAttemptAt,
  settledAt: entry.settledAt,
  lastError: entry.lastError,
  payloadHeld: entry.payload !== null,
  replay: entry.replay === true
})
