/**
 * Delivery of the outbox to the Sink.
 *
 * @since 0.1.0
 */
export * as Delivery from "./Delivery.js"
export * as RetrySchedule from "./RetrySchedule.js"
