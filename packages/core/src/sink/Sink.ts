import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * The abstract transport: attempts one delivery of one event to a destination
 * and classifies the answer. `@weft/sink-webhook` implements it over HTTP with
 * Standard Webhooks signatures.
 *
 * @since 0.1.0
 */

/**
 * A destination as the host describes it (secrets in clear, redacted).
 *
 * @since 0.1.0
 * @category models
 */
export interface DestinationSpec {
  readonly url: string
  /** Signing secrets; all active ones sign every attempt (rotation). */
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /** Sink-specific options (e.g. `timeoutMs`, `ack`). Address policy is the sink's, never a destination's. */
  readonly options?: Readonly<Record<string, unknown>> | undefined
}

/**
 * A stored destination, opened for one delivery.
 *
 * @since 0.1.0
 * @category models
 */
export interface Destination extends DestinationSpec {
  readonly id: string
}

/**
 * One attempt: the event id and the exact bytes to send.
 *
 * @since 0.1.0
 * @category models
 */
export interface Attempt {
  readonly eventId: string
  readonly eventType: string
  readonly body: Uint8Array
  /** 1 for the first attempt. */
  readonly attempt: number
}

/**
 * How an attempt ended.
 *
 * - `Acked`: the receiver took the event; it is settled.
 * - `Retry`: try again later; `retryAfterMs` is the wait the receiver asked
 *   for (`Retry-After`), if any.
 * - `Abort`: the receiver refused this one event for good; dead-letter it.
 * - `Disable`: the receiver refused all events (`410 Gone`, `webhook-delivery:
 *   disable`); hold every pending event until the destination is re-enabled.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome =
  | { readonly _tag: "Acked"; readonly status: number }
  | {
    readonly _tag: "Retry"
    readonly reason: string
    readonly status?: number | undefined
    readonly retryAfterMs?: number | undefined
  }
  | { readonly _tag: "Abort"; readonly reason: string; readonly status?: number | undefined }
  | { readonly _tag: "Disable"; readonly reason: string; readonly status?: number | undefined }

/**
 * A destination cannot be used: bad URL, refused address, malformed secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class DestinationError extends Schema.TaggedError<DestinationError>()("DestinationError", {
  url: Schema.String,
  reason: Schema.Literal(
    "invalid_url",
    "insecure_scheme",
    "refused_address",
    "unresolvable_host",
    "invalid_secret",
    "invalid_options"
  ),
  detail: Schema.String
}) {
  override get message(): string {
    return `Destination ${this.url} cannot be used (${this.reason}): ${this.detail}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SinkService {
  /** Checks a destination before it is stored (URL, address policy, secrets). */
  readonly validate: (destination: DestinationSpec) => Effect.Effect<void, DestinationError>
  /** Attempts one delivery. Never fails: every problem is an {@link Outcome}. */
  readonly deliver: (destination: Destination, attempt: Attempt) => Effect.Effect<Outcome>
}

/**
 * The Sink service tag.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Sink } from "@weft/core/sink"
 * // a sink that acks everything, for a test
 * const AckAll = Layer.succeed(Sink.Sink, {
 *   validate: () => Effect.void,
 *   deliver: () => Effect.succeed({ _tag: "Acked", status: 200 } as const)
 * })
 * ```
 * @since 0.1.0
 * @category tags
 */
export class Sink extends Context.Tag("@weft/core/Sink")<Sink, SinkService>() {}
