/**
 * `@weft/store-memory`: the in-memory Store, Weft's embedded default and
 * the store tests run against.
 *
 * @since 0.1.0
 */
export * as StoreMemory from "./StoreMemory.js"
