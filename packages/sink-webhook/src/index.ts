/**
 * `@weft/sink-webhook`: Standard Webhooks delivery for Weft — signing,
 * response classification, the SSRF guard, and verification helpers for the
 * hosts that receive the webhooks.
 *
 * @since 0.1.0
 */

/**
 * IP address classification for the SSRF guard.
 *
 * @since 0.1.0
 */
export * as AddressClass from "./AddressClass.js"

/**
 * Verifying deliveries: `verify`, `verifySync` and an HTTP `handler`.
 *
 * @since 0.1.0
 */
export * as Receiver from "./Receiver.js"

/**
 * `whsec_` signing secrets.
 *
 * @since 0.1.0
 */
export * as Secret from "./Secret.js"

/**
 * Standard Webhooks signatures.
 *
 * @since 0.1.0
 */
export * as Signature from "./Signature.js"

/**
 * The webhook `Sink` layers: over undici (the default) or over any `HttpClient`.
 *
 * @since 0.1.0
 */
export * as SinkWebhook from "./SinkWebhook.js"

/**
 * Refusing non-public destinations, including a guarded `dns.lookup`.
 *
 * @since 0.1.0
 */
export * as SsrfGuard from "./SsrfGuard.js"
