/**
 * The host API: the Weft service, its scheduler and the Promise facade.
 *
 * @since 0.1.0
 */
export * as Api from "./Api.js"
export * as Inputs from "./Inputs.js"
export * as Retention from "./Retention.js"
export * as Scheduler from "./Scheduler.js"
export * as Weft from "./Weft.js"
export * as WeftClient from "./WeftClient.js"
