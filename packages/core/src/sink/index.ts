/**
 * The abstract delivery transport.
 *
 * @since 0.1.0
 */
export * as Sink from "./Sink.js"
