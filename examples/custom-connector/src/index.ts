/**
 * A connector for Tickety, a made-up helpdesk, written twice — Effect-native
 * and with the Promise/ky kit — plus the fake Tickety both are tested
 * against and their conformance fixtures.
 *
 * @since 0.1.0
 */
export * as TicketyApi from "./api.js"
export { Credentials } from "./credentials.js"
export * as TicketyEffect from "./effect/index.js"
export * as TicketyFake from "./fake/index.js"
export * as TicketyFixtures from "./fixture.js"
export * as TicketyMapping from "./mapping.js"
export type { Options } from "./options.js"
export * as TicketyPromise from "./promise/index.js"
