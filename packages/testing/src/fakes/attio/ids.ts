import type { ObjectSlug } from "./values.js"

/**
 * Deterministic ids for the fake: UUIDs derived from the seed, and record ids
 * that carry their index so a record of a million is found without a map.
 *
 * @since 0.1.0
 */

const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(8, "0").slice(-width)

const hash = (...parts: ReadonlyArray<number | string>): number => {
  let h = 0x811c9dc5
  for (const part of parts) {
    const s = String(part)
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
    h = Math.imul(h ^ 0x2c, 0x01000193)
  }
  return h >>> 0
}

/**
 * A deterministic v4-shaped UUID for a name within a seed.
 *
 * @since 0.1.0
 * @category ids
 */
export const uuid = (seed: number, ...name: ReadonlyArray<number | string>): string => {
  const a = hash(seed, ...name)
  const b = hash(a, "b")
  const c = hash(b, "c")
  const d = hash(c, "d")
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(b >>> 16, 3)}-${(8 + (c & 3)).toString(16)}${hex(c >>> 8, 3)}-${hex(d, 8)}${
    hex(c >>> 16, 4)
  }`
}

const OBJECT_CODE: Record<ObjectSlug, string> = { companies: "0c0c", people: "0e0e" }

/**
 * Record ids carry their index (last 12 hex digits) so the fake finds a
 * record of a million without an index: `<seed>-<object>-4…-8…-<index>` (UUID version and variant digits in the middle).
 *
 * @since 0.1.0
 * @category ids
 */
export const recordId = (seed: number, object: ObjectSlug, index: number): string => {
  const h = hash(seed, object, index)
  return `${seedPrefix(seed)}-${OBJECT_CODE[object]}-4${hex(h, 3)}-a${hex(h >>> 12, 3)}-${
    index.toString(16).padStart(12, "0")
  }`
}

const prefixes = new Map<number, string>()
const seedPrefix = (seed: number): string => {
  let p = prefixes.get(seed)
  if (p === undefined) {
    p = hex(hash(seed), 8)
    prefixes.set(seed, p)
  }
  return p
}

/**
 * The index of a record id of this seed and object, if it is one.
 *
 * @since 0.1.0
 * @category ids
 */
export const indexOf = (seed: number, object: ObjectSlug, id: string): number | undefined => {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-4[0-9a-f]{3}-a[0-9a-f]{3}-([0-9a-f]{12})$/.exec(id)
  if (m === null || m[1] !== seedPrefix(seed) || m[2] !== OBJECT_CODE[object]) return undefined
  const index = parseInt(m[3]!, 16)
  return recordId(seed, object, index) === id ? index : undefined
}

/**
 * The seeded part of a workspace: ids of the workspace, objects, attributes,
 * members and select options.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ids {
  readonly seed: number
  readonly workspaceId: string
  readonly objectId: Readonly<Record<ObjectSlug, string>>
  readonly members: ReadonlyArray<string>
  attributeId(object: ObjectSlug, slug: string): string
  optionId(object: ObjectSlug, slug: string, title: string): string
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeIds = (seed: number): Ids => {
  const cache = new Map<string, string>()
  const cached = (...name: ReadonlyArray<string>): string => {
    const key = name.join("\u0000")
    let id = cache.get(key)
    if (id === undefined) {
      id = uuid(seed, ...name)
      cache.set(key, id)
    }
    return id
  }
  return {
    seed,
    workspaceId: uuid(seed, "workspace"),
    objectId: { companies: uuid(seed, "object", "companies"), people: uuid(seed, "object", "people") },
    members: Array.from({ length: 6 }, (_, i) => uuid(seed, "member", i)),
    attributeId: (object, slug) => cached("attribute", object, slug),
    optionId: (object, slug, title) => cached("option", object, slug, title)
  }
}

