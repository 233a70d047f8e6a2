import { Seeded } from "@weft/testing"
import type * as Api from "../api.js"

/**
 * The fake's data: one helpdesk's contacts, seeded and mutable, on a logical
 * clock that only moves when something changes, so every run of a test sees
 * the same timestamps.
 *
 * @since 0.1.0
 */

type Mutable<A> = { -readonly [K in keyof A]: A[K] }

/**
 * A contact as the fake stores it: exactly what the API answers.
 *
 * @since 0.1.0
 * @category models
 */
export type ContactRow = Mutable<Api.Contact>

/**
 * The fields a mutation may set.
 *
 * @since 0.1.0
 * @category models
 */
export type ContactFields = Partial<Pick<ContactRow, "name" | "email" | "phones" | "job_title" | "organization_id" | "owner_id">>

/**
 * A deleted contact in the feed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deletion {
  readonly id: string
  readonly deleted_at: string
}

const DAY = 86_400_000
const PHONE_KINDS = ["mobile", "work", "landline", "fax", "other"] as const

/**
 * The id of contact number `n` (1-based). Zero-padded, so string order is
 * creation order: the order Tickety lists contacts in.
 *
 * @since 0.1.0
 * @category constructors
 */
export const contactId = (n: number): string => `ct_${String(n).padStart(6, "0")}`

/**
 * Seeded contact number `n`: depends only on the seed and `n`.
 */
const seeded = (seed: number, n: number, size: number, nowMs: number): ContactRow => {
  const random = Seeded.recordRandom(seed, n)
  const pools = Seeded.pools(seed)
  const first = Seeded.pick(random, pools.firstNames)
  const last = Seeded.pick(random, pools.lastNames)
  const local = `${first}.${last}`.toLowerCase().replace(/[^a-z0-9.]/g, "")
  const phones = Array.from({ length: Math.floor(random() * 3) }, (_, i) => ({
    kind: Seeded.pick(random, PHONE_KINDS),
    number: `+1 555 01${String(n % 100).padStart(2, "0")}${i}`
  }))
  const createdAt = nowMs - Math.floor((30 + random() * 1500) * DAY)
  const updatedAt = createdAt + Math.floor(random() * (nowMs - createdAt - DAY))
  const organizations = Math.max(1, Math.floor(size / 5))
  return {
    id: contactId(n),
    name: { first, last },
    email: `${local}@${Seeded.pick(random, pools.domains)}`,
    phones,
    job_title: random() < 0.8 ? Seeded.pick(random, pools.jobTitles) : null,
    organization_id: random() < 0.7 ? `org_${String(1 + Math.floor(random() * organizations)).padStart(5, "0")}` : null,
    owner_id: `agt_${1 + Math.floor(random() * 8)}`,
    tickets_count: Math.floor(random() * 40),
    created_at: new Date(createdAt).toISOString(),
    updated_at: new Date(updatedAt).toISOString(),
    // Every thirteenth contact is archived: listed, but inactive.
    archived_at: n % 13 === 7 ? new Date(updatedAt).toISOString() : null
  }
}

/**
 * The helpdesk: contacts by id, their ids in list order, and the
 * deleted-contacts feed.
 *
 * @since 0.1.0
 * @category models
 */
export class Helpdesk {
  private readonly contacts = new Map<string, ContactRow>()
  /** Ascending; new contacts get higher ids, so they are appended. */
  private readonly order: Array<string> = []
  readonly deletions: Array<Deletion> = []
  private created: number

  constructor(
    private readonly seed: number,
    private readonly size: number,
    readonly clock: Seeded.FakeClock,
    private readonly tickMs: number
  ) {
    for (let n = 1; n <= size; n++) this.insert(seeded(seed, n, size, clock.now()))
    this.created = size
  }

  get count(): number {
    return this.contacts.size
  }

  get(id: string): ContactRow | undefined {
    return this.contacts.get(id)
  }

  /**
   * Up to `limit` contacts after id `after` (exclusive) that `keep`, and
   * whether more follow. Paging by id is stable: contacts deleted or created
   * during a read shift nothing.
   */
  page(after: string | undefined, limit: number, keep: (row: ContactRow) => boolean): { rows: Array<ContactRow>; more: boolean } {
    const rows: Array<ContactRow> = []
    for (let i = after === undefined ? 0 : this.firstAfter(after); i < this.order.length; i++) {
      const row = this.contacts.get(this.order[i]!)!
      if (!keep(row)) continue
      if (rows.length === limit) return { rows, more: true }
      rows.push(row)
    }
    return { rows, more: false }
  }

  /** Ids of current contacts, `archived` or not, in list order. */
  ids(archived: boolean): Array<string> {
    return this.order.filter((id) => (this.contacts.get(id)!.archived_at !== null) === archived)
  }

  create(fields: ContactFields = {}): ContactRow {
    const now = this.tick()
    this.created += 1
    const row: ContactRow = {
      ...seeded(this.seed, this.created, this.size, now),
      ...fields,
      tickets_count: 0,
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
      archived_at: null
    }
    this.insert(row)
    return row
  }

  update(id: string, fields: ContactFields): ContactRow {
    return this.change(id, (row) => Object.assign(row, fields))
  }

  archive(id: string): ContactRow {
    return this.change(id, (row) => (row.archived_at = new Date(this.clock.now()).toISOString()))
  }

  restore(id: string): ContactRow {
    return this.change(id, (row) => (row.archived_at = null))
  }

  /** A new ticket: changes `tickets_count` (and `updated_at`) only. */
  touch(id: string): ContactRow {
    return this.change(id, (row) => (row.tickets_count += 1))
  }

  remove(id: string): void {
    this.must(id)
    const now = this.tick()
    this.contacts.delete(id)
    this.order.splice(this.firstAfter(id) - 1, 1)
    this.deletions.push({ id, deleted_at: new Date(now).toISOString() })
  }

  private change(id: string, apply: (row: ContactRow) => void): ContactRow {
    const row = this.must(id)
    row.updated_at = new Date(this.tick()).toISOString()
    apply(row)
    return row
  }

  private must(id: string): ContactRow {
    const row = this.contacts.get(id)
    if (row === undefined) throw new Error(`Tickety fake: no contact ${id}`)
    return row
  }

  private tick(): number {
    return this.clock.advance(this.tickMs)
  }

  private insert(row: ContactRow): void {
    this.contacts.set(row.id, row)
    this.order.push(row.id)
  }

  /** The index of the first id greater than `id` (binary search). */
  private firstAfter(id: string): number {
    let lo = 0
    let hi = this.order.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.order[mid]! <= id) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
