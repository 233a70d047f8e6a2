/**
 * `@weft/testing/conformance`: the Store and Connector conformance suites.
 * They register `@effect/vitest` tests, so import this subpath from test
 * files only; the fakes and the receiver live in the main entry and load
 * anywhere.
 *
 * @example
 * ```ts
 * import { ConnectorSuite, StoreSuite } from "@weft/testing/conformance"
 * StoreSuite.storeConformance("MyStore", () => MyStore.layer)
 * ConnectorSuite.connectorConformance(myFixture)
 * ```
 * @since 0.1.0
 */
export * as ConnectorFixture from "./connector/Fixture.js"
export * as ConnectorSuite from "./connector/ConnectorSuite.js"
export * as StoreSuite from "./store/StoreSuite.js"
