/**
 * One collection of the fake: seeded records derived on demand from their
 * position, plus an overlay of changed records, created records and deleted
 * ids. Listing walks positions in id order, so a page of a million-record
 * collection costs only its own records.
 *
 * @since 0.1.0
 */

/**
 * Where seeded records come from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Source<R> {
  /** Seeded records (positions `0 … count-1`, ids ascending with position). */
  readonly count: number
  readonly idAt: (position: number) => number
  readonly positionOf: (id: number) => number | undefined
  readonly make: (position: number) => R
}

/**
 * A listing filter. `seeded` tests an untouched seeded record cheaply (e.g.
 * from its timestamp alone); `seededNone` says no untouched seeded record can
 * match, which skips the scan.
 *
 * @since 0.1.0
 * @category models
 */
export interface Filter<R> {
  readonly key: string
  readonly matches: (record: R) => boolean
  readonly seeded: (position: number) => boolean
  readonly seededNone: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export class Collection<R extends { readonly id: number }> {
  private readonly changed = new Map<number, R>()
  private readonly created = new Map<number, R>()
  private createdIds: Array<number> = []
  private readonly deleted = new Set<number>()
  /** Deleted seeded positions, ascending. */
  private deletedPositions: Array<number> = []
  private version = 0
  private readonly cache = new Map<string, { readonly version: number; readonly ids: ReadonlyArray<number> }>()

  constructor(private readonly source: Source<R>) {}

  get(id: number): R | undefined {
    if (this.deleted.has(id)) return undefined
    const changed = this.changed.get(id) ?? this.created.get(id)
    if (changed !== undefined) return changed
    const position = this.source.positionOf(id)
    return position === undefined ? undefined : this.source.make(position)
  }

  /** Replaces a record, or adds it if its id is new (ids of new records must exceed every seeded id). */
  put(record: R): void {
    this.version++
    if (this.source.positionOf(record.id) !== undefined) {
      this.changed.set(record.id, record)
      return
    }
    if (!this.created.has(record.id)) {
      this.createdIds.push(record.id)
      this.createdIds.sort((a, b) => a - b)
    }
    this.created.set(record.id, record)
  }

  remove(id: number): boolean {
    if (this.get(id) === undefined) return false
    this.version++
    this.deleted.add(id)
    this.changed.delete(id)
    if (this.created.delete(id)) {
      this.createdIds = this.createdIds.filter((x) => x !== id)
      return true
    }
    const position = this.source.positionOf(id)!
    this.deletedPositions.push(position)
    this.deletedPositions.sort((a, b) => a - b)
    return true
  }

  get size(): number {
    return this.source.count - this.deletedPositions.length + this.createdIds.length
  }

  /** The live records at `[offset, offset + limit)` in id order, and how many match in all. */
  slice(offset: number, limit: number, filter?: Filter<R>): { readonly items: ReadonlyArray<R>; readonly total: number } {
    if (filter !== undefined) {
      const ids = this.matching(filter)
      return { items: ids.slice(offset, offset + limit).map((id) => this.get(id)!), total: ids.length }
    }
    const items: Array<R> = []
    const seededLive = this.source.count - this.deletedPositions.length
    let n = offset
    if (n < seededLive) {
      let position = this.nthLivePosition(n)
      let d = this.deletedPositions.findIndex((p) => p >= position)
      if (d === -1) d = this.deletedPositions.length
      while (items.length < limit && position < this.source.count) {
        if (d < this.deletedPositions.length && this.deletedPositions[d] === position) {
          d++
          position++
          continue
        }
        const id = this.source.idAt(position)
        items.push(this.changed.get(id) ?? this.source.make(position))
        position++
        n++
      }
    }
    for (let k = Math.max(0, n - seededLive); items.length < limit && k < this.createdIds.length; k++) {
      items.push(this.created.get(this.createdIds[k]!)!)
    }
    return { items, total: this.size }
  }

  private nthLivePosition(n: number): number {
    let position = n
    for (const d of this.deletedPositions) {
      if (d <= position) position++
      else break
    }
    return position
  }

  private matching(filter: Filter<R>): ReadonlyArray<number> {
    const cached = this.cache.get(filter.key)
    if (cached !== undefined && cached.version === this.version) return cached.ids
    const ids: Array<number> = []
    if (filter.seededNone) {
      for (const [id, record] of this.changed) if (filter.matches(record)) ids.push(id)
      ids.sort((a, b) => a - b)
    } else {
      for (let position = 0; position < this.source.count; position++) {
        const id = this.source.idAt(position)
        if (this.deleted.has(id)) continue
        const changed = this.changed.get(id)
        if (changed !== undefined ? filter.matches(changed) : filter.seeded(position)) ids.push(id)
      }
    }
    for (const id of this.createdIds) if (filter.matches(this.created.get(id)!)) ids.push(id)
    if (this.cache.size > 64) this.cache.clear()
    this.cache.set(filter.key, { version: this.version, ids })
    return ids
  }
}

/**
 * A "changed since" filter on a listing (`updated_after`, `created_after`,
 * `last_activity_after`…), as instants in ms.
 *
 * @since 0.1.0
 * @category models
 */
export interface TimeFilter {
  readonly after?: number | undefined
  readonly before?: number | undefined
  readonly createdAfter?: number | undefined
  readonly status?: string | undefined
}

/**
 * A {@link Filter} over a "changed since" window. `horizon` is the newest
 * seeded timestamp: a window that starts after it can only match the overlay.
 *
 * @since 0.1.0
 * @category constructors
 */
export const timeFilter = <R>(
  filter: TimeFilter,
  horizon: number,
  changedAt: (record: R) => number,
  createdAt: (record: R) => number,
  seededChangedAt: (position: number) => number,
  seededCreatedAt: (position: number) => number
): Filter<R> | undefined => {
  const { after, before, createdAfter } = filter
  if (after === undefined && before === undefined && createdAfter === undefined) return undefined
  const test = (changed: () => number, created: () => number) =>
    (after === undefined || changed() >= after) &&
    (before === undefined || changed() < before) &&
    (createdAfter === undefined || created() >= createdAfter)
  return {
    key: `after=${after}|before=${before}|created=${createdAfter}`,
    matches: (r) => test(() => changedAt(r), () => createdAt(r)),
    seeded: (p) => test(() => seededChangedAt(p), () => seededCreatedAt(p)),
    // Seeded timestamps never pass the horizon: a delta after it only sees the overlay.
    seededNone: (after !== undefined && after > horizon) || (createdAfter !== undefined && createdAfter > horizon)
  }
}
