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
export const of = (record: object, projection: Projection): Hash =>
  topLevelOnly(projection.volatile)
    ? sha256(membersJson(record, projection, true).hashed).subarray(0, HASH_BYTES)
    : ofValue(project(record, projection))

/**
 * A record's fingerprint together with the JSON delivered for it: the
 * record projected to the subscribed fields, volatile fields included, as
 * canonical JSON. One serialisation serves both (the hash input is the same
 * members without the volatile ones).
 *
 * @since 0.1.0
 * @category constructors
 */
export const withJson = (record: object, projection: Projection): { readonly hash: Hash; readonly json: string } => {
  if (!topLevelOnly(projection.volatile)) {
    return {
      hash: ofValue(project(record, projection)),
      json: CanonicalJson.stringify(project(record, { fields: projection.fields, volatile: [] }))
    }
  }
  const { hashed, whole } = membersJson(record, projection, false)
  return { hash: sha256(hashed).subarray(0, HASH_BYTES), json: whole }
}

const topLevelOnly = (paths: ReadonlyArray<string>): boolean => {
  for (const path of paths) if (path.includes(".")) return false
  return true
}

// The canonical JSON of the record's kept members, built once: `hashed` leaves out the volatile
// ones, `whole` keeps them. Equal to CanonicalJson.stringify(project(...)) for each.
const membersJson = (record: object, projection: Projection, hashOnly: boolean): { hashed: string; whole: string } => {
  const source = record as Record<string, unknown>
  const keys = projection.fields === undefined
    ? Object.keys(source)
    : [...projection.fields].filter((key) => Object.hasOwn(source, key))
  CanonicalJson.sortKeys(keys)
  const volatile = projection.volatile
  let hashed = "{"
  let whole = "{"
  let firstHashed = true
  let firstWhole = true
  for (const key of keys) {
    const value = source[key]
    if (value === undefined) continue
    const member = CanonicalJson.member(key, value)
    if (member === undefined) continue
    if (!volatile.includes(key)) {
      hashed += firstHashed ? member : "," + member
      firstHashed = false
    }
    if (!hashOnly) {
      whole += firstWhole ? member : "," + member
      firstWhole = false
    }
  }
  return { hashed: hashed + "}", whole: whole + "}" }
}

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
