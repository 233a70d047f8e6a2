import { Fingerprint } from "@weft/core/ground"
import type { Rows } from "@weft/core/store"

const HASH = Fingerprint.HASH_BYTES
const LIVE = 1
const INACTIVE = 2
const INITIAL_CAPACITY = 16

/** Largest generation a slot can hold (`Uint32Array`). @internal */
export const MAX_GENERATION = 0xffff_ffff

/**
 * The fingerprints of one scope (one model of one sync), stored compactly:
 * a `Map` from record id to slot, and per-slot columns in growable typed
 * arrays (16 bytes of hash, a 32-bit generation, one flag byte). Deleted
 * slots go to a free list and are reused. An object per record would cost
 * several hundred bytes; this costs the map entry, the id string and ~29
 * bytes of columns.
 *
 * @internal
 */
export class FingerprintTable {
  private readonly slots = new Map<string, number>()
  /** Slot → record id, so scans can name what they find. */
  private ids: Array<string | undefined> = []
  private hashes = new Uint8Array(HASH * INITIAL_CAPACITY)
  private generations = new Uint32Array(INITIAL_CAPACITY)
  private flags = new Uint8Array(INITIAL_CAPACITY)
  private capacity = INITIAL_CAPACITY
  /** Slots handed out so far (live or free). */
  private highWater = 0
  private readonly free: Array<number> = []
  /** Where the last `stale` scan stopped, so a sweep walks the table once. */
  private scanFrom = 0
  active = 0
  inactive = 0

  get size(): number {
    return this.slots.size
  }

  upsert(recordId: string, fingerprint: Rows.Fingerprint): void {
    let slot = this.slots.get(recordId)
    if (slot === undefined) {
      slot = this.allocate()
      this.slots.set(recordId, slot)
      this.ids[slot] = recordId
    } else if ((this.flags[slot] & INACTIVE) !== 0) {
      this.inactive--
    } else {
      this.active--
    }
    this.hashes.set(fingerprint.hash, slot * HASH)
    this.generations[slot] = fingerprint.generation
    this.flags[slot] = fingerprint.inactive ? LIVE | INACTIVE : LIVE
    if (fingerprint.inactive) this.inactive++
    else this.active++
  }

  delete(recordId: string): void {
    const slot = this.slots.get(recordId)
    if (slot === undefined) return
    this.slots.delete(recordId)
    if ((this.flags[slot] & INACTIVE) !== 0) this.inactive--
    else this.active--
    this.flags[slot] = 0
    this.ids[slot] = undefined
    this.free.push(slot)
  }

  get(recordId: string): Rows.Fingerprint | undefined {
    const slot = this.slots.get(recordId)
    return slot === undefined ? undefined : this.read(slot)
  }

  countStale(generation: number): Rows.FingerprintCounts {
    const flags = this.flags
    const generations = this.generations
    let active = 0
    let inactive = 0
    for (let slot = 0; slot < this.highWater; slot++) {
      const flag = flags[slot]
      if ((flag & LIVE) === 0 || generations[slot] >= generation) continue
      if ((flag & INACTIVE) !== 0) inactive++
      else active++
    }
    return { active, inactive }
  }

  /**
   * Up to `limit` live slots with a generation below `generation`. The scan
   * starts where the previous one stopped and wraps around, so it never
   * misses a stale slot and a sweep that deletes what it gets costs O(n) in
   * total instead of O(n) per call.
   */
  stale(
    generation: number,
    limit: number
  ): Array<{ readonly recordId: string; readonly fingerprint: Rows.Fingerprint }> {
    const out: Array<{ readonly recordId: string; readonly fingerprint: Rows.Fingerprint }> = []
    const n = this.highWater
    if (n === 0 || limit <= 0) return out
    const start = this.scanFrom < n ? this.scanFrom : 0
    let slot = start
    do {
      if ((this.flags[slot] & LIVE) !== 0 && this.generations[slot] < generation) {
        out.push({ recordId: this.ids[slot] as string, fingerprint: this.read(slot) })
      }
      slot = slot + 1 === n ? 0 : slot + 1
    } while (slot !== start && out.length < limit)
    this.scanFrom = slot
    return out
  }

  private read(slot: number): Rows.Fingerprint {
    return {
      hash: this.hashes.slice(slot * HASH, slot * HASH + HASH),
      generation: this.generations[slot],
      inactive: (this.flags[slot] & INACTIVE) !== 0
    }
  }

  private allocate(): number {
    const reused = this.free.pop()
    if (reused !== undefined) return reused
    if (this.highWater === this.capacity) this.grow()
    this.ids.push(undefined)
    return this.highWater++
  }

  private grow(): void {
    const capacity = this.capacity * 2
    const hashes = new Uint8Array(HASH * capacity)
    hashes.set(this.hashes)
    const generations = new Uint32Array(capacity)
    generations.set(this.generations)
    const flags = new Uint8Array(capacity)
    flags.set(this.flags)
    this.hashes = hashes
    this.generations = generations
    this.flags = flags
    this.capacity = capacity
  }
}

/**
 * Fingerprint tables and model states, grouped by sync so that deleting a
 * sync drops all of its scopes at once.
 *
 * @internal
 */
export class Scopes {
  private readonly bySync = new Map<string, Map<string, { table?: FingerprintTable; state?: Rows.ModelState }>>()

  table(scope: Rows.FingerprintScope): FingerprintTable | undefined {
    return this.bySync.get(scope.syncId)?.get(scope.model)?.table
  }

  tableOrCreate(scope: Rows.FingerprintScope): FingerprintTable {
    const entry = this.entry(scope)
    return (entry.table ??= new FingerprintTable())
  }

  state(scope: Rows.FingerprintScope): Rows.ModelState | undefined {
    return this.bySync.get(scope.syncId)?.get(scope.model)?.state
  }

  setState(scope: Rows.FingerprintScope, state: Rows.ModelState): void {
    this.entry(scope).state = state
  }

  deleteSync(syncId: string): void {
    this.bySync.delete(syncId)
  }

  private entry(scope: Rows.FingerprintScope): { table?: FingerprintTable; state?: Rows.ModelState } {
    let models = this.bySync.get(scope.syncId)
    if (models === undefined) {
      models = new Map()
      this.bySync.set(scope.syncId, models)
    }
    let entry = models.get(scope.model)
    if (entry === undefined) {
      entry = {}
      models.set(scope.model, entry)
    }
    return entry
  }
}
