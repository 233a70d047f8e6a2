/**
 * Encryption at rest.
 *
 * @since 0.1.0
 */
export * as Vault from "./Vault.js"
