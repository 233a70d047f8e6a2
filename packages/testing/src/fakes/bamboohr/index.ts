/**
 * A fake BambooHR (a real loopback HTTP server with seeded employees, access
 * levels, throttling and a change feed) and the BambooHR connector's
 * conformance fixtures (standard and extended field sets).
 *
 * @since 0.1.0
 */
export * from "./fake.js"
export { fixture, fixtureExtended } from "./fixture.js"
