/**
 * `@weft/connectors`: the built-in connectors and the Promise/ky authoring kit.
 *
 * @since 0.1.0
 */
export * as AsyncConnector from "./kit/index.js"
export * as BambooHR from "./bamboohr/index.js"
export * as Greenhouse from "./greenhouse/index.js"
export * as HubSpot from "./hubspot/index.js"
export * as Attio from "./attio/index.js"
