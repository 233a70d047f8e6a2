/**
 * `@weft/core`: common data models, events, the connector contract, the
 * abstract Store and Sink, the Vault, change detection, the sync engine,
 * delivery and the Weft host API.
 *
 * Each concept is also a subpath: `@weft/core/models`, `@weft/core/events`,
 * `@weft/core/connector`, `@weft/core/store`, `@weft/core/sink`,
 * `@weft/core/vault`, `@weft/core/ground`, `@weft/core/engine`,
 * `@weft/core/delivery`, `@weft/core/host`.
 *
 * @since 0.1.0
 */
export * from "./connector/index.js"
export * from "./delivery/index.js"
export * from "./engine/index.js"
export * from "./events/index.js"
export * from "./ground/index.js"
export * from "./host/index.js"
export * from "./models/index.js"
export * from "./outbox/index.js"
export * from "./sink/index.js"
export * from "./store/index.js"
export * from "./vault/index.js"
