/**
 * The abstract store and its rows.
 *
 * @since 0.1.0
 */
export * as Rows from "./Rows.js"
export * as Store from "./Store.js"
export * as OutboxSignal from "./OutboxSignal.js"
