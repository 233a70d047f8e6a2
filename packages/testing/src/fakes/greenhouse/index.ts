/**
 * The Greenhouse Harvest fake and its connector conformance fixture.
 *
 * @since 0.1.0
 */
export * from "./fake.js"
export { fixture } from "./fixture.js"
