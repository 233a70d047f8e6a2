import * as Crypto from "node:crypto"
import * as CanonicalJson from "./CanonicalJson.js"

/**
 * What the store keeps instead of a record: 16 bytes of SHA-256 over the
 * canonical JSON of the record's fingerprinted fields.
 *
 * @since 0.1.0
 * @category models
 */
export type Hash = Uint8Array

/**
 * Length in bytes of a {@link Hash}.
 *
 * @since 0.1.0
 * @category constants
 */
export const HASH_BYTES = 16

/**
 * Which part of a record a fingerprint covers.
 *
 * - `fields`: the top-level keys to keep (the sync's field groups plus `id`);
 *   `undefined` keeps every key.
 * - `volatile`: keys, or dotted paths such as `"profile.fetchedAt"`, that
 *   change without the record changing; they never reach the hash.
 *
 * @since 0.1.0
 * @category models
 */
export interface Projection {
  readonly fields?: ReadonlySet<string> | undefined
  readonly volatile: ReadonlyArray<string>
}

/**
 * The record as the fingerprint sees it: projected to `fields`, volatile
 * paths removed. Never mutates its input.
 *
 * @since 0.1.0
 * @category projection
 */
export const project = (record: object, projection: Projection): Record<string, unknown> => {
  const source = record as Record<string, unknown>
  let out: Record<string, unknown>
  if (projection.fields === undefined) {
    out = { ...source }
  } else {
    out = {}
    for (const key of projection.fields) {
      if (Object.hasOwn(source, key) && source[key] !== undefined) setOwn(out, key, source[key])
    }
  }
  for (const path of projection.volatile) removePath(out, path)
  return out
}

// Plain assignment of a key such as "__proto__" would change the object's
// prototype instead of adding a field (and so hide it from the hash).
const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

// Copies each object on the path before deleting from it: the input's own
// nested objects are shared with the projection and must stay untouched.
const removePath = (target: Record<string, unknown>, path: string): void => {
  const dot = path.indexOf(".")
  if (dot === -1) {
    delete target[path]
    return
  }
  const head = path.slice(0, dot)
  if (!Object.hasOwn(target, head)) return
  const child = target[head]
  if (child === null || typeof child !== "object" || Array.isArray(child)) return
  const copy = { ...(child as Record<string, unknown>) }
  setOwn(target, head, copy)
  removePath(copy, path.slice(dot + 1))
}

const sha256 = (text: string): Uint8Array =>
  typeof Crypto.hash === "function"
    ? (Crypto.hash("sha256", text, "buffer") as Uint8Array)
    : Crypto.createHash("sha256").update(text).digest()

/**
 * The hash of a JSON-compatible value's canonical JSON.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ofValue = (value: unknown): Hash => sha256(CanonicalJson.stringify(value)).subarray(0, HASH_BYTES)

/**
 * The fingerprint of a normalised record under a projection.
 *
 * @example
 * ```ts
 * import { Fingerprint } from "@weft/core"
 * const a = Fingerprint.of({ id: "1", name: "Ada", fetchedAt: 1 }, { volatile: ["fetchedAt"] })
 * const b = Fingerprint.of({ name: "Ada", id: "1", fetchedAt: 2 }, { volatile: ["fetchedAt"] })
 * Fingerprint.equals(a, b) // true
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const of = (record: object, projection: Projection): Hash => ofValue(project(record, projection))

/**
 * Byte equality of two hashes.
 *
 * @since 0.1.0
 * @category predicates
 */
export const equals = (a: Hash, b: Hash): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * A hash as lowercase hex, for logs and audits.
 *
 * @since 0.1.0
 * @category encoding
 */
export const toHex = (hash: Hash): string => Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString("hex")
