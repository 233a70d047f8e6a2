import * as Crypto from "node:crypto"
import * as CanonicalJson from "./CanonicalJson.js"
import * as Writer from "./internal/jsonWriter.js"

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

// SHA-256 of the writer's bytes, as a 32-character latin1 string: a string result spares the
// ArrayBuffer that a Buffer result costs on every call.
const digest = (writer: Writer.Writer, from: number, to: number): string => {
  const bytes = writer.bytes.subarray(from, to)
  return typeof Crypto.hash === "function"
    ? Crypto.hash("sha256", bytes, "binary")
    : Crypto.createHash("sha256").update(bytes).digest("binary")
}

// Hashes are handed out as 16-byte views of shared slabs, as Node pools small Buffers.
const SLAB = 8192
let slab = new Uint8Array(SLAB)
let slabAt = 0

const toHash = (digest: string): Hash => {
  if (slabAt + HASH_BYTES > SLAB) {
    slab = new Uint8Array(SLAB)
    slabAt = 0
  }
  const at = slabAt
  for (let i = 0; i < HASH_BYTES; i++) slab[at + i] = digest.charCodeAt(i)
  slabAt = at + HASH_BYTES
  return slab.subarray(at, at + HASH_BYTES)
}

const sameHash = (digest: string, hash: Hash): boolean => {
  if (hash.length !== HASH_BYTES) return false
  for (let i = 0; i < HASH_BYTES; i++) if (hash[i] !== digest.charCodeAt(i)) return false
  return true
}

// The digest of a value's canonical JSON.
const digestValue = (value: unknown): string =>
  Writer.using((writer) => {
    if (!writer.value(value)) writer.ascii("null")
    return digest(writer, 0, writer.at)
  })

/**
 * The hash of a JSON-compatible value's canonical JSON.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ofValue = (value: unknown): Hash => toHash(digestValue(value))

// The digest of the record's fingerprinted members (volatile ones left out).
const digestOf = (record: object, projection: Projection): string =>
  topLevelOnly(projection.volatile)
    ? Writer.using((writer) => {
      writeMembers(writer, record, projection, false)
      return digest(writer, 0, writer.at)
    })
    : digestValue(project(record, projection))

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
export const of = (record: object, projection: Projection): Hash => toHash(digestOf(record, projection))

/**
 * Whether a record's fingerprint under a projection is `hash`: the same
 * verdict as `equals(of(record, projection), hash)`, without making the hash.
 * It is what judging an unchanged record costs.
 *
 * @example
 * ```ts
 * import { Fingerprint } from "@weft/core"
 * const stored = Fingerprint.of({ id: "1", name: "Ada" }, { volatile: [] })
 * Fingerprint.matches({ name: "Ada", id: "1" }, { volatile: [] }, stored) // true
 * ```
 * @since 0.1.0
 * @category predicates
 */
export const matches = (record: object, projection: Projection, hash: Hash): boolean =>
  sameHash(digestOf(record, projection), hash)

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
  return Writer.using((writer) => {
    const cut = writeMembers(writer, record, projection, true)
    const end = writer.at
    const json = writer.text(0, end)
    if (!cut) return { hash: toHash(digest(writer, 0, end)), json }
    // The hashed text is the same members without the volatile ones: copied after the whole text.
    // It is shorter than the whole text: room for it first, so the buffer stays put while copying.
    writer.reserve(end)
    const buf = writer.buf
    const from = end
    writer.byte(0x7b)
    let first = true
    const members = writer.members
    for (let i = 0; i < members.count; i++) {
      if (members.volatile[i] === 1) continue
      let j = i
      while (j + 1 < members.count && members.volatile[j + 1] === 0) j++
      // Members i..j are contiguous in the whole text, commas between them included.
      const start = members.start[i]!
      const stop = members.end[j]!
      if (!first) writer.byte(0x2c)
      buf.copyWithin(writer.at, start, stop)
      writer.at += stop - start
      first = false
      i = j
    }
    writer.byte(0x7d)
    return { hash: toHash(digest(writer, from, writer.at)), json }
  })
}

const topLevelOnly = (paths: ReadonlyArray<string>): boolean => {
  for (const path of paths) if (path.includes(".")) return false
  return true
}


// Sorted field lists, per field set (a projection's fields are not changed once made).
const sortedFields = new WeakMap<ReadonlySet<string>, Writer.Keys>()

const keysOf = (source: object, fields: ReadonlySet<string> | undefined): Writer.Keys => {
  if (fields === undefined) return Writer.sortedKeysOf(source)
  let keys = sortedFields.get(fields)
  if (keys === undefined || keys.sorted.length !== fields.size) {
    keys = Writer.keysFor([...fields])
    sortedFields.set(fields, keys)
  }
  return keys
}

// The canonical JSON of the record's kept members, as CanonicalJson.stringify(project(...)) writes it.
// With `whole`, volatile members are written too and their places noted in `members`; the result says
// whether any was written. Without, they are left out.
const writeMembers = (writer: Writer.Writer, record: object, projection: Projection, whole: boolean): boolean => {
  const source = record as Record<string, unknown>
  const fields = projection.fields
  const { heads, sorted } = keysOf(source, fields)
  const volatile = projection.volatile
  const members = writer.members
  let count = 0
  let cut = false
  writer.byte(0x7b)
  for (let i = 0; i < sorted.length; i++) {
    const key = sorted[i]!
    if (fields !== undefined && !Object.hasOwn(source, key)) continue
    const isVolatile = volatile.length > 0 && volatile.includes(key)
    if (isVolatile && !whole) continue
    const value = source[key]
    if (value === undefined) continue
    const mark = writer.at
    if (count > 0) writer.byte(0x2c)
    const start = writer.at
    if (heads === undefined) {
      writer.string(key)
      writer.byte(0x3a)
    } else {
      writer.head(heads[i]!)
    }
    if (!writer.value(value)) {
      writer.at = mark
      continue
    }
    if (whole) {
      members.start[count] = start
      members.end[count] = writer.at
      members.volatile[count] = isVolatile ? 1 : 0
      if (isVolatile) cut = true
    }
    count++
  }
  writer.byte(0x7d)
  members.count = whole ? count : 0
  return cut
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
