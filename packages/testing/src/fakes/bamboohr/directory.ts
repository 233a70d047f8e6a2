import { FakeClock } from "../kit/Seeded.js"
import * as Seeded from "../kit/Seeded.js"
import { bambooTimestamp, employee, type EmployeeRow, idOf, isoDay } from "./data.js"

/**
 * The fake company's employees: seeded rows derived on demand, an overlay of
 * the rows mutations touched, a set of deleted ids, and the change log behind
 * `GET /api/v1/employees/changed`.
 *
 * @since 0.1.0
 */

/**
 * One entry of BambooHR's change feed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly id: string
  readonly action: "Inserted" | "Updated" | "Deleted"
  readonly lastChanged: string
}

/**
 * Fields a mutation may set (everything but the id).
 *
 * @since 0.1.0
 * @category models
 */
export type EmployeeFields = Partial<Omit<EmployeeRow, "id">>

/**
 * @since 0.1.0
 * @category models
 */
export class Directory {
  readonly clock: FakeClock
  private readonly startMs: number
  private readonly overlay = new Map<string, EmployeeRow>()
  private readonly deleted = new Set<string>()
  private readonly log = new Map<string, Change>()
  private nextIndex: number
  private draws = 0

  constructor(
    readonly seed: number,
    readonly size: number,
    readonly domain: string,
    /** How far the clock moves on each mutation (ms). */
    private readonly tickMs: number = 60_000,
    clock?: FakeClock
  ) {
    this.clock = clock ?? new FakeClock()
    this.startMs = this.clock.now()
    this.nextIndex = size
  }

  /** Ids are 1..upperId, minus the deleted. */
  get upperId(): number {
    return this.nextIndex
  }

  /** Employees currently in the company (active and inactive). */
  get count(): number {
    return this.nextIndex - this.deleted.size
  }

  isDeleted(id: string): boolean {
    return this.deleted.has(id)
  }

  /** The current row of an employee, `undefined` if unknown or deleted. */
  get(id: string): EmployeeRow | undefined {
    if (this.deleted.has(id)) return undefined
    const touched = this.overlay.get(id)
    if (touched !== undefined) return touched
    const n = Number(id)
    if (!Number.isInteger(n) || n < 1 || n > this.size || String(n) !== id) return undefined
    return employee(this.seed, n - 1, { domain: this.domain, nowMs: this.startMs })
  }

  /**
   * The rows with ids greater than `afterId`, in id order, that pass `keep`,
   * at most `limit` of them; `more` says whether any follow.
   */
  page(afterId: number, limit: number, keep: (row: EmployeeRow) => boolean = () => true): {
    readonly rows: ReadonlyArray<EmployeeRow>
    readonly more: boolean
  } {
    const rows: Array<EmployeeRow> = []
    for (let n = Math.max(1, afterId + 1); n <= this.nextIndex; n++) {
      const row = this.get(String(n))
      if (row === undefined || !keep(row)) continue
      if (rows.length === limit) return { rows, more: true }
      rows.push(row)
    }
    return { rows, more: false }
  }

  /**
   * The rows of `ids` (ascending) that pass `keep`: those after `afterId`, at
   * most `limit`; `more` says whether any follow; `total` counts them all.
   */
  byIds(ids: ReadonlyArray<number>, afterId: number, limit: number, keep: (row: EmployeeRow) => boolean = () => true): {
    readonly rows: ReadonlyArray<EmployeeRow>
    readonly more: boolean
    readonly total: number
  } {
    const rows: Array<EmployeeRow> = []
    let more = false
    let total = 0
    for (const n of ids) {
      const row = this.get(String(n))
      if (row === undefined || !keep(row)) continue
      total += 1
      if (n <= afterId) continue
      if (rows.length < limit) rows.push(row)
      else more = true
    }
    return { rows, more, total }
  }

  /** Every change at or after `sinceMs`, optionally of one action. */
  changesSince(sinceMs: number): ReadonlyArray<Change> {
    const out: Array<Change> = []
    // Seeded rows last changed before the clock started; scan them only when asked that far back.
    if (sinceMs < this.startMs) {
      for (let n = 1; n <= this.size; n++) {
        const id = idOf(n - 1)
        if (this.log.has(id)) continue
        const row = employee(this.seed, n - 1, { domain: this.domain, nowMs: this.startMs })
        if (Date.parse(row.lastChanged) >= sinceMs) out.push({ id, action: "Updated", lastChanged: row.lastChanged })
      }
    }
    for (const change of this.log.values()) if (Date.parse(change.lastChanged) >= sinceMs) out.push(change)
    return out
  }

  private touch(id: string, action: Change["action"]): string {
    const at = bambooTimestamp(this.clock.advance(this.tickMs))
    const previous = this.log.get(id)
    // An employee inserted and then edited before anyone looked is still an insert.
    const kept = action === "Updated" && previous?.action === "Inserted" ? "Inserted" : action
    this.log.set(id, { id, action: kept, lastChanged: at })
    return at
  }

  /** Hires a new, active employee (seeded like the rest, hired today). */
  hire(fields: EmployeeFields = {}): EmployeeRow {
    const index = this.nextIndex
    this.nextIndex += 1
    const id = idOf(index)
    const at = this.touch(id, "Inserted")
    const row: EmployeeRow = {
      ...employee(this.seed, index, { domain: this.domain, nowMs: this.startMs, hiredAt: Date.parse(at) }),
      hireDate: isoDay(this.clock.now()),
      ...fields,
      id,
      lastChanged: at
    }
    this.overlay.set(id, row)
    return row
  }

  /** Changes fields of an employee; `undefined` if there is none with that id. */
  update(id: string, fields: EmployeeFields): EmployeeRow | undefined {
    const current = this.get(id)
    if (current === undefined) return undefined
    const at = this.touch(id, "Updated")
    const row: EmployeeRow = { ...current, ...fields, id, lastChanged: at }
    this.overlay.set(id, row)
    return row
  }

  /** Terminates an employee: status Inactive, a termination date, status "Terminated". */
  terminate(id: string, date?: string): EmployeeRow | undefined {
    return this.update(id, {
      status: "Inactive",
      employmentStatus: "Terminated",
      terminationDate: date ?? isoDay(this.clock.now())
    })
  }

  /** Deletes an employee: gone from lists and lookups, `Deleted` in the feed. */
  remove(id: string): boolean {
    if (this.get(id) === undefined) return false
    this.deleted.add(id)
    this.overlay.delete(id)
    this.touch(id, "Deleted")
    return true
  }

  /**
   * `n` distinct ids of current employees (optionally only active or only
   * inactive ones), deterministic from the seed and the number of earlier
   * calls.
   */
  randomIds(n: number, options: { readonly active?: boolean } = {}): ReadonlyArray<string> {
    this.draws += 1
    const random = Seeded.prng(Math.imul(this.seed ^ 0x1b873593, 0xcc9e2d51) ^ this.draws)
    const picked = new Set<string>()
    // Ids 1 (the chief executive) upward; bounded so an impossible ask ends.
    for (let attempt = 0; picked.size < n && attempt < n * 200 + 1000; attempt++) {
      const id = String(1 + Math.floor(random() * this.nextIndex))
      if (picked.has(id)) continue
      const row = this.get(id)
      if (row === undefined) continue
      if (options.active !== undefined && (row.status === "Active") !== options.active) continue
      picked.add(id)
    }
    return [...picked]
  }
}
