/**
 * Ground floor: ids, canonical JSON, fingerprints and the input error.
 *
 * @since 0.1.0
 */
export * as CanonicalJson from "./CanonicalJson.js"
export * as Fingerprint from "./Fingerprint.js"
export * as Ids from "./Ids.js"
export * as Input from "./Input.js"
