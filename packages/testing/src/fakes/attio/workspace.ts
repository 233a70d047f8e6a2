import type { FakeClock } from "../kit/Seeded.js"
import { notFound } from "./errors.js"
import type { Ids } from "./ids.js"
import { indexOf, recordId } from "./ids.js"
import type { InputValues } from "./input.js"
import { parseInput } from "./input.js"
import type { Seed } from "./seed.js"
import { seedCompany, seededTeamOf, seedPerson } from "./seed.js"
import type { Actor, ObjectSlug, ValueBody, ValueRow } from "./values.js"
import { ATTRIBUTES, emailBody, referenceBody, row, timestamp } from "./values.js"

/**
 * One Attio workspace's companies and people: seeded records derived on
 * demand, plus an overlay of what mutations changed (value rows with
 * `active_from` / `active_until`) and the set of deleted records.
 *
 * @since 0.1.0
 */

/**
 * A record as the API returns it.
 *
 * @since 0.1.0
 * @category models
 */
export interface AttioRecord {
  readonly id: { readonly workspace_id: string; readonly object_id: string; readonly record_id: string }
  readonly created_at: string
  /** The record's page in Attio's app: `https://app.attio.com/{workspace slug}/{company|person}/{record id}`. */
  readonly web_url: string
  readonly values: Readonly<Record<string, ReadonlyArray<ValueRow>>>
}

/**
 * A workspace's slug, as Attio derives it from the name (used in `web_url`
 * and by `GET /v2/self`).
 *
 * @since 0.1.0
 * @category formatting
 */
export const workspaceSlug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, "-")

const recordKind: Readonly<Record<ObjectSlug, string>> = { companies: "company", people: "person" }

interface Overlay {
  /** Slug → its active rows, replacing the seeded ones. */
  readonly current: Map<string, ReadonlyArray<ValueRow>>
  /** Slug → rows that were active once. */
  readonly history: Map<string, Array<ValueRow>>
}

interface Created {
  readonly createdAt: number
  readonly creator: Actor
}

class Collection {
  readonly created = new Map<number, Created>()
  readonly deleted = new Set<number>()
  /** Deleted indices, ascending (to map an offset to an index quickly). */
  readonly deletedSorted: Array<number> = []
  readonly overlay = new Map<number, Overlay>()
  next: number

  constructor(readonly object: ObjectSlug, readonly seeded: number) {
    this.next = seeded
  }

  exists(index: number): boolean {
    return index >= 0 && index < this.next && !this.deleted.has(index)
  }

  get count(): number {
    return this.next - this.deleted.size
  }

  /** The index of the `offset`-th live record (creation order). */
  nth(offset: number): number {
    let index = offset
    for (const d of this.deletedSorted) {
      if (d <= index) index++
      else break
    }
    return index
  }

  markDeleted(index: number) {
    this.deleted.add(index)
    const at = this.deletedSorted.findIndex((d) => d > index)
    this.deletedSorted.splice(at < 0 ? this.deletedSorted.length : at, 0, index)
  }

  overlayOf(index: number): Overlay {
    let o = this.overlay.get(index)
    if (o === undefined) {
      o = { current: new Map(), history: new Map() }
      this.overlay.set(index, o)
    }
    return o
  }
}

const sameBodies = (a: ReadonlyArray<ValueRow>, b: ReadonlyArray<ValueBody>): boolean => {
  if (a.length !== b.length) return false
  const strip = ({ active_from: _f, active_until: _u, created_by_actor: _a, ...body }: ValueRow) => body
  return a.every((r, i) => JSON.stringify(strip(r)) === JSON.stringify(b[i]))
}

/**
 * Options of a {@link Workspace}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkspaceOptions {
  readonly ids: Ids
  readonly clock: FakeClock
  readonly companies: number
  readonly people: number
  /** The workspace's slug, in every record's `web_url`. */
  readonly slug: string
  /** Seeded records that violate the common model (a bad e-mail / created_at). */
  readonly invalid?: { readonly companies?: ReadonlyArray<number>; readonly people?: ReadonlyArray<number> } | undefined
}

/**
 * The state of the fake.
 *
 * @since 0.1.0
 * @category models
 */
export class Workspace {
  readonly ids: Ids
  private readonly slug: string
  private readonly clock: FakeClock
  private readonly collections: Record<ObjectSlug, Collection>
  /** People linked to a company by a mutation (seeded teams are derived). */
  private readonly joined = new Map<number, Set<number>>()
  private readonly invalidCompanies: ReadonlySet<number>
  private readonly invalidPeople: ReadonlySet<number>

  constructor(options: WorkspaceOptions) {
    this.ids = options.ids
    this.slug = options.slug
    this.clock = options.clock
    this.collections = {
      companies: new Collection("companies", options.companies),
      people: new Collection("people", options.people)
    }
    this.invalidCompanies = new Set(options.invalid?.companies ?? [])
    this.invalidPeople = new Set(options.invalid?.people ?? [])
  }

  count(object: ObjectSlug): number {
    return this.collections[object].count
  }

  recordId(object: ObjectSlug, index: number): string {
    return recordId(this.ids.seed, object, index)
  }

  /** The index of a live record, or a 404. */
  find(object: ObjectSlug, id: string): number {
    const index = indexOf(this.ids.seed, object, id)
    if (index === undefined || !this.collections[object].exists(index)) {
      throw notFound(`Record with ID "${id}" not found.`)
    }
    return index
  }

  private seedOf(object: ObjectSlug, index: number): Seed {
    const c = this.collections[object]
    const created = c.created.get(index)
    // Records created through the API have only the values written to them.
    if (created !== undefined) return { createdAt: created.createdAt, creator: created.creator, values: {} }
    return object === "companies"
      ? seedCompany(this.ids, index)
      : seedPerson(this.ids, index, { companies: this.collections.companies.seeded })
  }

  private seededRows(object: ObjectSlug, index: number, seed: Seed): Map<string, ReadonlyArray<ValueRow>> {
    const from = timestamp(seed.createdAt)
    const rows = new Map<string, ReadonlyArray<ValueRow>>()
    for (const [slug, bodies] of Object.entries(seed.values)) {
      rows.set(slug, bodies.map((b) => row(b, from, seed.writers?.[slug] ?? seed.creator)))
    }
    if (object === "people" && this.invalidPeople.has(index)) {
      rows.set("email_addresses", [row(emailBody("not-an-email"), from, seed.creator)])
    }
    return rows
  }

  private currentRows(object: ObjectSlug, index: number, slug: string): ReadonlyArray<ValueRow> {
    const overlay = this.collections[object].overlay.get(index)?.current.get(slug)
    if (overlay !== undefined) return overlay
    const seed = this.seedOf(object, index)
    return this.seededRows(object, index, seed).get(slug) ?? []
  }

  /** The company a person currently works at. */
  companyOf(person: number): number | undefined {
    const link = this.currentRows("people", person, "company")[0]
    if (link === undefined) return undefined
    const index = indexOf(this.ids.seed, "companies", String(link.target_record_id))
    return index !== undefined && this.collections.companies.exists(index) ? index : undefined
  }

  /** The people currently linked to a company, in index order. */
  teamOf(company: number): ReadonlyArray<number> {
    const people = this.collections.people
    const candidates = new Set<number>([
      ...(company < this.collections.companies.seeded
        ? seededTeamOf(company, people.seeded, this.collections.companies.seeded)
        : []),
      ...(this.joined.get(company) ?? [])
    ])
    return [...candidates].filter((p) => people.exists(p) && this.companyOf(p) === company).sort((a, b) => a - b)
  }

  /** A record with its active values; every attribute slug is present. */
  render(object: ObjectSlug, index: number): AttioRecord {
    const seed = this.seedOf(object, index)
    const seeded = this.seededRows(object, index, seed)
    const overlay = this.collections[object].overlay.get(index)
    const createdAt = object === "companies" && this.invalidCompanies.has(index)
      ? "15/07/2024"
      : timestamp(seed.createdAt)
    const system: Actor = { type: "system", id: null }
    const values: Record<string, ReadonlyArray<ValueRow>> = {}
    for (const attribute of ATTRIBUTES[object]) {
      const slug = attribute.slug
      if (slug === "created_at") {
        values[slug] = [row({ attribute_type: "timestamp", value: createdAt }, createdAt, system)]
      } else if (slug === "created_by") {
        values[slug] = [
          row({
            attribute_type: "actor-reference",
            referenced_actor_type: seed.creator.type,
            referenced_actor_id: seed.creator.id
          }, createdAt, system)
        ]
      } else if (slug === "team") {
        // A person linked before the company existed joined it when it was created.
        values[slug] = this.teamOf(index).map((p) => {
          const linked = this.currentRows("people", p, "company")[0]?.active_from
          return row(
            referenceBody("people", this.recordId("people", p)),
            linked !== undefined && linked > createdAt ? linked : createdAt,
            system
          )
        })
      } else {
        values[slug] = overlay?.current.get(slug) ?? seeded.get(slug) ?? []
      }
    }
    const recordId = this.recordId(object, index)
    return {
      id: { workspace_id: this.ids.workspaceId, object_id: this.ids.objectId[object], record_id: recordId },
      created_at: createdAt,
      web_url: `https://app.attio.com/${this.slug}/${recordKind[object]}/${recordId}`,
      values
    }
  }

  /** Records `offset … offset + limit` in creation order, deleted ones skipped. */
  page(object: ObjectSlug, offset: number, limit: number): ReadonlyArray<AttioRecord> {
    const c = this.collections[object]
    const out: Array<AttioRecord> = []
    for (let index = c.nth(offset); index < c.next && out.length < limit; index++) {
      if (!c.deleted.has(index)) out.push(this.render(object, index))
    }
    return out
  }

  /** An attribute's values; with `historic`, also the ones no longer active. */
  values(object: ObjectSlug, index: number, slug: string, historic: boolean): ReadonlyArray<ValueRow> {
    const active = this.render(object, index).values[slug] ?? []
    const old = historic ? this.collections[object].overlay.get(index)?.history.get(slug) ?? [] : []
    return [...active, ...old]
  }

  private write(
    object: ObjectSlug,
    index: number,
    values: Map<string, ReadonlyArray<ValueBody>>,
    mode: "append" | "overwrite",
    actor: Actor
  ): boolean {
    const overlay = this.collections[object].overlayOf(index)
    let changed = false
    for (const [slug, bodies] of values) {
      const before = this.currentRows(object, index, slug)
      const appendToMulti = mode === "append" && ATTRIBUTES[object].find((a) => a.slug === slug)?.multi === true
      // Writing what is already there changes nothing (no new rows).
      if (!appendToMulti && sameBodies(before, bodies)) continue
      const kept = appendToMulti ? before : []
      const fresh = appendToMulti ? bodies.filter((b) => !kept.some((r) => sameBodies([r], [b]))) : bodies
      if (appendToMulti && fresh.length === 0) continue
      const now = timestamp(this.clock.now())
      const retired = before.filter((r) => !kept.includes(r)).map((r) => ({ ...r, active_until: now }))
      const history = overlay.history.get(slug) ?? []
      history.push(...retired)
      overlay.history.set(slug, history)
      overlay.current.set(slug, [...fresh.map((b) => row(b, now, actor)), ...kept])
      changed = true
      if (object === "people" && slug === "company") {
        const target = fresh[0]?.target_record_id
        const company = target === undefined ? undefined : indexOf(this.ids.seed, "companies", String(target))
        if (company !== undefined) this.joined.set(company, (this.joined.get(company) ?? new Set()).add(index))
      }
    }
    return changed
  }

  /**
   * Creates a record from write-format values (`undefined`: seeded, realistic
   * values for its index). Advances the clock; returns the new record's id.
   */
  create(object: ObjectSlug, input: InputValues | undefined, actor: Actor): string {
    const c = this.collections[object]
    const index = c.next
    const values = input === undefined ? this.seededInput(object, index) : parseInput(this.ids, object, input)
    const at = this.clock.advance(1000)
    c.created.set(index, { createdAt: at, creator: actor })
    c.next += 1
    this.write(object, index, values, "overwrite", actor)
    return this.recordId(object, index)
  }

  private seededInput(object: ObjectSlug, index: number): Map<string, ReadonlyArray<ValueBody>> {
    const seed = object === "companies"
      ? seedCompany(this.ids, index, this.clock.now())
      : seedPerson(this.ids, index, { companies: this.collections.companies.seeded, createdAt: this.clock.now() })
    return new Map(Object.entries(seed.values))
  }

  /**
   * Writes values (`overwrite`: PUT semantics; `append`: PATCH, which adds to
   * multi-value attributes). Each changed attribute gets a new active row;
   * the old rows get `active_until`. Returns whether anything changed.
   */
  update(object: ObjectSlug, id: string, input: InputValues, mode: "append" | "overwrite", actor: Actor): boolean {
    const index = this.find(object, id)
    const values = parseInput(this.ids, object, input)
    this.clock.advance(1000)
    return this.write(object, index, values, mode, actor)
  }

  /**
   * Deletes a record. Deleting a company also removes it from its people's
   * `company` attribute (so those people change too).
   */
  remove(object: ObjectSlug, id: string, actor: Actor): ReadonlyArray<string> {
    const index = this.find(object, id)
    const affected = object === "companies" ? this.teamOf(index) : []
    this.clock.advance(1000)
    for (const person of affected) this.write("people", person, new Map([["company", []]]), "overwrite", actor)
    this.collections[object].markDeleted(index)
    return affected.map((p) => this.recordId("people", p))
  }
}
