import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Connector from "../connector/Connector.js"

/**
 * The connectors a Weft instance knows, by id.
 *
 * @since 0.1.0
 */

/**
 * No connector with that id is registered.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownConnectorError extends Schema.TaggedError<UnknownConnectorError>()("UnknownConnectorError", {
  connector: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `Unknown connector "${this.connector}". Registered connectors: ${this.known.join(", ") || "none"}.`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectorsService {
  readonly all: ReadonlyArray<Connector.Any>
  readonly get: (id: string) => Effect.Effect<Connector.Any, UnknownConnectorError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Connectors extends Context.Tag("@weft/core/Connectors")<Connectors, ConnectorsService>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (connectors: ReadonlyArray<Connector.Any>): ConnectorsService => {
  const byId = new Map(connectors.map((c) => [c.id, c] as const))
  return {
    all: [...byId.values()],
    get: (id) => {
      const connector = byId.get(id)
      return connector === undefined
        ? Effect.fail(new UnknownConnectorError({ connector: id, known: [...byId.keys()] }))
        : Effect.succeed(connector)
    }
  }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (connectors: ReadonlyArray<Connector.Any>): Layer.Layer<Connectors> =>
  Layer.succeed(Connectors, make(connectors))
