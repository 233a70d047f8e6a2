/**
 * `@weft/testing`: provider fakes (real loopback HTTP servers) and a
 * recording webhook receiver. The conformance suites, which need vitest, are
 * in `@weft/testing/conformance`.
 *
 * @since 0.1.0
 */
export * as BambooHRFake from "./fakes/bamboohr/index.js"
export * as ConnectorFixture from "./conformance/connector/Fixture.js"
export * from "./fakes/kit/index.js"
export * as WebhookReceiver from "./receiver/WebhookReceiver.js"
export * as GreenhouseFake from "./fakes/greenhouse/index.js"
export * as HubSpotFake from "./fakes/hubspot/index.js"
export * as AttioFake from "./fakes/attio/index.js"
