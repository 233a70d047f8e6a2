/**
 * A fake BambooHR (a real loopback HTTP server with seeded employees, access
 * levels, throttling and a change feed) and the BambooHR connector's
 * conformance fixture.
 *
 * @since 0.1.0
 */
export * from "./fake.js"
export { fixture } from "./fixture.js"
