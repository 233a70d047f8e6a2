/**
 * The Attio fake (a loopback server reproducing Attio's REST API v2) and the
 * Attio connector's conformance fixture.
 *
 * @since 0.1.0
 */
export * from "./fake.js"
export { fixture } from "./fixture.js"
