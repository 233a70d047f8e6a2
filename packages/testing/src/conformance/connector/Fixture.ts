import type { Connector } from "@weft/core/connector"
import type { Errors } from "@weft/core/connector"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

/**
 * What a connector brings to the Connector conformance suite: a way to start
 * its provider fake and the knobs the suite turns. Hosts write one for their
 * own connectors.
 *
 * @since 0.1.0
 */

/**
 * An event the suite expects a delta to emit.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExpectedEvent {
  readonly model: string
  readonly type: "record.new" | "record.changed" | "record.deleted"
  readonly recordId: string
  readonly reason?: "removed" | "inactive"
}

/**
 * A credentials case that `check` must refuse with `code`.
 *
 * @since 0.1.0
 * @category models
 */
export interface BadCredentials {
  readonly name: string
  /** As a host would pass them to `integrations.connect`. */
  readonly credentials: unknown
  readonly code: Errors.ConnectionErrorCode
}

/**
 * A started fake with its connector.
 *
 * @since 0.1.0
 * @category models
 */
export interface FixtureInstance<C> {
  readonly connector: Connector.Connector<C>
  /** Good credentials, as a host would pass them to `integrations.connect`. */
  readonly credentials: unknown
  readonly badCredentials: ReadonlyArray<BadCredentials>
  /** Models the suite syncs (all of the connector's by default). */
  readonly models?: ReadonlyArray<string>
  /** Records per provider page, so the suite can check reads span pages. */
  readonly pageSize: number
  /**
   * Applies a scripted set of mutations on the fake (creates, field updates,
   * made inactive, deletes — for every model) and returns exactly the events
   * the next delta must emit.
   */
  readonly mutate: () => Effect.Effect<ReadonlyArray<ExpectedEvent>>
  /** The next few requests are throttled (429/503 with a short `Retry-After`). */
  readonly throttle: () => Effect.Effect<void>
  /** The next read of `model` fails after its first page (500 or a malformed page). */
  readonly failMidRead: (model: string) => Effect.Effect<void>
  /** Requests the fake received so far. */
  readonly requestCount: () => number
  /** The fake's own verdict on every request since start: did each carry the right auth? */
  readonly authProblems: () => ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectorFixture<C> {
  readonly name: string
  /** Starts the fake with `size` records per model (at least 3 pages' worth). */
  readonly setup: (options: { readonly size: number; readonly seed: number }) => Effect.Effect<FixtureInstance<C>, never, Scope.Scope>
}
