/**
 * The kit provider fakes are built from.
 *
 * @since 0.1.0
 */
export * as FakeServer from "./FakeServer.js"
export * from "./Faults.js"
export * as Seeded from "./Seeded.js"
