/**
 * `@weft/testing/conformance`: the Store and Connector conformance suites.
 * They register `@effect/vitest` tests, so import this subpath from test
 * files only; the fakes and the receiver live in the main entry and load
 * anywhere. `vitest` (~3.2) and `@effect/vitest` (~0.30) are optional peer
 * dependencies of `@weft/testing`: install them where the suites run.
 *
 * @example
 * ```ts
 * import { type ConnectorFixture, ConnectorSuite, StoreSuite } from "@weft/testing/conformance"
 * import { StoreMemory } from "@weft/store-memory"
 * declare const myFixture: ConnectorFixture.ConnectorFixture<unknown> // a connector and its provider fake
 *
 * StoreSuite.storeConformance("StoreMemory", () => StoreMemory.layer)
 * ConnectorSuite.connectorConformance(myFixture)
 * ```
 * @since 0.1.0
 */
export * as ConnectorFixture from "./connector/Fixture.js"
export * as ConnectorSuite from "./connector/ConnectorSuite.js"
export * as StoreSuite from "./store/StoreSuite.js"
