/**
 * The outbox rules shared by every store: how events are written, and when
 * a run's events are due.
 *
 * @since 0.1.0
 */
export * as Envelope from "./Envelope.js"
export * as Payloads from "./Payloads.js"
export * as RunEvents from "./RunEvents.js"
