/**
 * The event catalogue and its wire schemas.
 *
 * @since 0.1.0
 */
export * as Event from "./Event.js"
