import { idBase, modifiedProperty } from "./data.js"
import type { Associations, ObjectType, Properties, SeedData } from "./data.js"

/**
 * One object type's records in the fake: seeded records derived on demand,
 * plus an overlay of the records mutations touched (their full current
 * state). Listing walks ids in order; search walks a lazily built index of
 * the seeded records' modification times merged with the overlay, so a delta
 * over a million records reads only what it returns.
 *
 * @since 0.1.0
 */

/**
 * The state of a record the fake has materialised.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  properties: Properties
  archivedAt: string | undefined
  gone: "purged" | "merged" | undefined
  mergedInto: string | undefined
  associations: Associations
}

/**
 * A search filter, as HubSpot takes it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Filter {
  readonly propertyName: string
  readonly operator: string
  readonly value?: unknown
  readonly highValue?: unknown
  readonly values?: ReadonlyArray<unknown>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SearchQuery {
  readonly filterGroups: ReadonlyArray<ReadonlyArray<Filter>>
  readonly sort: { readonly propertyName: string; readonly descending: boolean } | undefined
  readonly after: number
  readonly limit: number
}

const OPERATORS = new Set(["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"])

/**
 * @since 0.1.0
 * @category constants
 */
export const isOperator = (operator: string): boolean => OPERATORS.has(operator)

const DATE_PROPERTIES = new Set(["createdate", "lastmodifieddate", "hs_lastmodifieddate", "closedate"])

/** A filter or property value as a comparable number (ms for dates), if it is one. */
const asNumber = (property: string, value: unknown): number | undefined => {
  if (value === null || value === undefined) return undefined
  const text = String(value)
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (DATE_PROPERTIES.has(property)) {
    const ms = Date.parse(text)
    return Number.isNaN(ms) ? undefined : ms
  }
  return undefined
}

const compare = (property: string, actual: string | null | undefined, expected: unknown): number | undefined => {
  const a = asNumber(property, actual)
  const b = asNumber(property, expected)
  if (a !== undefined && b !== undefined) return a - b
  if (actual === null || actual === undefined || expected === null || expected === undefined) return undefined
  const x = actual.toLowerCase()
  const y = String(expected).toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}

const matches = (properties: Properties, filter: Filter): boolean => {
  const actual = properties[filter.propertyName]
  const c = compare(filter.propertyName, actual, filter.value)
  switch (filter.operator) {
    case "HAS_PROPERTY":
      return actual !== null && actual !== undefined && actual !== ""
    case "NOT_HAS_PROPERTY":
      return actual === null || actual === undefined || actual === ""
    case "EQ":
      return c === 0
    case "NEQ":
      return c !== 0
    case "LT":
      return c !== undefined && c < 0
    case "LTE":
      return c !== undefined && c <= 0
    case "GT":
      return c !== undefined && c > 0
    case "GTE":
      return c !== undefined && c >= 0
    case "BETWEEN": {
      const high = compare(filter.propertyName, actual, filter.highValue)
      return c !== undefined && high !== undefined && c >= 0 && high <= 0
    }
    case "IN":
      return (filter.values ?? []).some((v) => compare(filter.propertyName, actual, v) === 0)
    case "NOT_IN":
      return !(filter.values ?? []).some((v) => compare(filter.propertyName, actual, v) === 0)
    default:
      return false
  }
}

/**
 * The records of one object type.
 *
 * @since 0.1.0
 * @category models
 */
export class Collection {
  private readonly touched = new Map<number, Entry>()
  private index: { readonly times: Float64Array; readonly order: Uint32Array } | undefined
  private next: number

  constructor(readonly type: ObjectType, private readonly data: SeedData, private readonly size: number) {
    this.next = idBase[type] + size
  }

  private seededIndex(id: number): number | undefined {
    const i = id - idBase[this.type]
    return i >= 0 && i < this.size ? i : undefined
  }

  private seeded(i: number): Entry {
    const properties = this.data.record(this.type, i)
    const associations: Associations = this.type === "deals"
      ? this.data.dealAssociations(i)
      : { companies: properties["associatedcompanyid"] ? [properties["associatedcompanyid"]] : [], contacts: [] }
    return { properties, archivedAt: undefined, gone: undefined, mergedInto: undefined, associations }
  }

  /** The current state of a record, without materialising it. */
  view(id: string): Entry | undefined {
    const n = Number(id)
    if (!Number.isSafeInteger(n)) return undefined
    const touched = this.touched.get(n)
    if (touched !== undefined) return touched
    const i = this.seededIndex(n)
    return i === undefined ? undefined : this.seeded(i)
  }

  /** The state of a record to change, kept in the overlay from now on. */
  touch(id: string): Entry | undefined {
    const n = Number(id)
    const existing = this.touched.get(n)
    if (existing !== undefined) return existing
    const i = Number.isSafeInteger(n) ? this.seededIndex(n) : undefined
    if (i === undefined) return undefined
    const entry = this.seeded(i)
    this.touched.set(n, entry)
    return entry
  }

  /** Adds a new record; returns its id. */
  add(properties: Properties, associations: Associations): string {
    const id = this.next++
    this.touched.set(id, {
      properties: { ...properties, hs_object_id: String(id) },
      archivedAt: undefined,
      gone: undefined,
      mergedInto: undefined,
      associations
    })
    return String(id)
  }

  /** `active`, `archived`, or `undefined` when the id is unknown or gone. */
  status(id: number): "active" | "archived" | undefined {
    const touched = this.touched.get(id)
    if (touched === undefined) return this.seededIndex(id) === undefined ? undefined : "active"
    if (touched.gone !== undefined) return undefined
    return touched.archivedAt === undefined ? "active" : "archived"
  }

  /** Ids from `from` on (ascending) whose status is `wanted`, at most `limit`, and the id to resume at. */
  list(wanted: "active" | "archived", from: number, limit: number): { ids: Array<string>; resume: number | undefined } {
    const ids: Array<string> = []
    if (wanted === "archived") {
      const archived = [...this.touched.entries()]
        .filter(([id, e]) => id >= from && e.gone === undefined && e.archivedAt !== undefined)
        .map(([id]) => id)
        .sort((a, b) => a - b)
      return {
        ids: archived.slice(0, limit).map(String),
        resume: archived.length > limit ? archived[limit] : undefined
      }
    }
    let id = Math.max(from, idBase[this.type])
    for (; id < this.next && ids.length < limit; id++) if (this.status(id) === "active") ids.push(String(id))
    while (id < this.next && this.status(id) !== "active") id++
    return { ids, resume: id < this.next ? id : undefined }
  }

  private modifiedOf(properties: Properties): number {
    return Date.parse(properties[modifiedProperty[this.type]] ?? "") || 0
  }

  private seededTimes(): { readonly times: Float64Array; readonly order: Uint32Array } {
    if (this.index !== undefined) return this.index
    const times = new Float64Array(this.size)
    for (let i = 0; i < this.size; i++) times[i] = this.data.times(this.type, i).modified
    const order = new Uint32Array(this.size)
    for (let i = 0; i < this.size; i++) order[i] = i
    order.sort((a, b) => times[a]! - times[b]! || a - b)
    this.index = { times, order }
    return this.index
  }

  /** Active records matching a query: the ids of the requested page and the total. */
  search(query: SearchQuery): { ids: Array<string>; total: number } {
    const modified = modifiedProperty[this.type]
    const groups = query.filterGroups.filter((g) => g.length > 0)
    const ranged = (f: Filter) => f.operator !== "NEQ" && f.operator !== "IN" && f.operator !== "NOT_IN"
    const fast = groups.length <= 1 &&
      (groups[0] ?? []).every((f) => (f.propertyName === modified || f.propertyName === "hs_object_id") && ranged(f)) &&
      (query.sort === undefined || query.sort.propertyName === modified || query.sort.propertyName === "hs_object_id")
    return fast ? this.searchByModified(groups[0] ?? [], query) : this.searchByScan(groups, query)
  }

  /** Active records modified within [lo, hi] whose id passes `keep`, in (time, id) order. */
  private inTimeRange(lo: number, hi: number, keep: (id: number) => boolean): Array<{ id: number; t: number }> {
    const { times, order } = this.seededTimes()
    const base = idBase[this.type]
    const found: Array<{ id: number; t: number }> = []
    for (let p = this.lowerBound(lo); p < this.size && times[order[p]!]! <= hi; p++) {
      const id = base + order[p]!
      if (!this.touched.has(id) && keep(id)) found.push({ id, t: times[order[p]!]! })
    }
    for (const [id, entry] of this.touched) {
      if (entry.gone !== undefined || entry.archivedAt !== undefined || !keep(id)) continue
      const t = this.modifiedOf(entry.properties)
      if (t >= lo && t <= hi) found.push({ id, t })
    }
    return found.sort((a, b) => a.t - b.t || a.id - b.id)
  }

  private lowerBound(bound: number): number {
    const { times, order } = this.seededTimes()
    let a = 0
    let b = this.size
    while (a < b) {
      const m = (a + b) >>> 1
      if (times[order[m]!]! < bound) a = m + 1
      else b = m
    }
    return a
  }

  private searchByModified(filters: ReadonlyArray<Filter>, query: SearchQuery): { ids: Array<string>; total: number } {
    const property = modifiedProperty[this.type]
    let lo = -Infinity
    let hi = Infinity
    let idLo = -Infinity
    let idHi = Infinity
    for (const f of filters.filter((f) => f.propertyName === "hs_object_id")) {
      const v = asNumber("hs_object_id", f.value)
      if (v === undefined) return { ids: [], total: 0 }
      if (f.operator === "GT") idLo = Math.max(idLo, v + 1)
      else if (f.operator === "GTE") idLo = Math.max(idLo, v)
      else if (f.operator === "LT") idHi = Math.min(idHi, v - 1)
      else if (f.operator === "LTE") idHi = Math.min(idHi, v)
      else if (f.operator === "EQ") {
        idLo = Math.max(idLo, v)
        idHi = Math.min(idHi, v)
      }
    }
    for (const f of filters.filter((f) => f.propertyName === property)) {
      const v = asNumber(property, f.value)
      if (f.operator === "HAS_PROPERTY") continue
      if (f.operator === "NOT_HAS_PROPERTY") return { ids: [], total: 0 }
      if (v === undefined) return { ids: [], total: 0 }
      if (f.operator === "GTE") lo = Math.max(lo, v)
      else if (f.operator === "GT") lo = Math.max(lo, v + 1)
      else if (f.operator === "LTE") hi = Math.min(hi, v)
      else if (f.operator === "LT") hi = Math.min(hi, v - 1)
      else if (f.operator === "EQ" || f.operator === "BETWEEN") {
        lo = Math.max(lo, v)
        hi = Math.min(hi, f.operator === "EQ" ? v : asNumber(property, f.highValue) ?? -Infinity)
      }
    }
    if (lo > hi || idLo > idHi) return { ids: [], total: 0 }
    if (idLo > -Infinity || idHi < Infinity || query.sort?.propertyName === "hs_object_id") {
      // Id-bounded or id-sorted: gather the (usually small) time range, then order.
      const found = this.inTimeRange(lo, hi, (id) => id >= idLo && id <= idHi)
      if (query.sort?.propertyName === "hs_object_id") found.sort((a, b) => a.id - b.id)
      if (query.sort?.descending === true) found.reverse()
      return { ids: found.slice(query.after, query.after + query.limit).map((f) => String(f.id)), total: found.length }
    }
    const { times, order } = this.seededTimes()
    const start = this.lowerBound(lo)
    const end = hi === Infinity ? this.size : this.lowerBound(hi + 1)
    const base = idBase[this.type]
    const inRange = (t: number) => t >= lo && t <= hi
    // Overlay records: their current time decides; seeded ones they shadow are skipped.
    const overlay: Array<{ id: number; t: number }> = []
    let shadowed = 0
    for (const [id, entry] of this.touched) {
      const i = this.seededIndex(id)
      if (i !== undefined && inRange(times[i]!)) shadowed++
      if (entry.gone !== undefined || entry.archivedAt !== undefined) continue
      const t = this.modifiedOf(entry.properties)
      if (inRange(t)) overlay.push({ id, t })
    }
    const descending = query.sort?.descending === true
    const byTime = (a: { id: number; t: number }, b: { id: number; t: number }) => a.t - b.t || a.id - b.id
    overlay.sort(descending ? (a, b) => byTime(b, a) : byTime)
    const total = end - start - shadowed + overlay.length
    const ids: Array<string> = []
    let skip = query.after
    let s = descending ? end - 1 : start
    let o = 0
    const seededAt = (p: number) => ({ id: base + order[p]!, t: times[order[p]!]! })
    while (ids.length < query.limit) {
      while (descending ? s >= start : s < end) {
        if (!this.touched.has(base + order[s]!)) break
        s += descending ? -1 : 1
      }
      const hasSeeded = descending ? s >= start : s < end
      const hasOverlay = o < overlay.length
      if (!hasSeeded && !hasOverlay) break
      let pick: { id: number; t: number }
      if (hasSeeded && (!hasOverlay || (descending ? byTime(seededAt(s), overlay[o]!) > 0 : byTime(seededAt(s), overlay[o]!) < 0))) {
        pick = seededAt(s)
        s += descending ? -1 : 1
      } else {
        pick = overlay[o++]!
      }
      if (skip > 0) skip--
      else ids.push(String(pick.id))
    }
    return { ids, total }
  }

  private searchByScan(groups: ReadonlyArray<ReadonlyArray<Filter>>, query: SearchQuery): { ids: Array<string>; total: number } {
    const found: Array<{ id: number; key: number | string | null }> = []
    const sortBy = query.sort?.propertyName
    for (let id = idBase[this.type]; id < this.next; id++) {
      if (this.status(id) !== "active") continue
      const entry = this.view(String(id))!
      if (groups.length > 0 && !groups.some((g) => g.every((f) => matches(entry.properties, f)))) continue
      const raw = sortBy === undefined ? null : entry.properties[sortBy] ?? null
      found.push({ id, key: sortBy === undefined ? id : asNumber(sortBy, raw) ?? raw })
    }
    const dir = query.sort?.descending === true ? -1 : 1
    found.sort((a, b) => {
      if (a.key === b.key) return a.id - b.id
      if (a.key === null) return 1
      if (b.key === null) return -1
      return (a.key < b.key ? -1 : 1) * dir
    })
    return { ids: found.slice(query.after, query.after + query.limit).map((f) => String(f.id)), total: found.length }
  }
}
