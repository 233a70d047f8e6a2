import type { FakeClock } from "../kit/Seeded.js"
import { modifiedProperty, objectTypes, SeedData, stageOf } from "./data.js"
import type { Associations, ObjectType, Properties } from "./data.js"
import { OAuthServer } from "./oauth.js"
import { Collection } from "./store.js"
import type { Entry } from "./store.js"

/**
 * The state of a fake HubSpot: one portal's CRM records, its OAuth server,
 * the hubs tokens may point at, and the mutations that move HubSpot's own
 * change signals (`lastmodifieddate` / `hs_lastmodifieddate`, `archivedAt`,
 * `hs_merged_object_ids`).
 *
 * @since 0.1.0
 */

/**
 * A record as the CRM v3 API renders it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rendered {
  readonly id: string
  readonly properties: Properties
  readonly createdAt: string
  readonly updatedAt: string
  readonly archived: boolean
  readonly archivedAt?: string
  /** The record's page in HubSpot's app, as newer API answers carry it. */
  readonly url: string
  readonly associations?: Record<string, { readonly results: ReadonlyArray<{ readonly id: string; readonly type: string }> }>
}

const singular: Readonly<Record<ObjectType, string>> = { contacts: "contact", companies: "company", deals: "deal" }

/** HubSpot's object type ids, as they appear in record URLs. */
const objectTypeId: Readonly<Record<ObjectType, string>> = { contacts: "0-1", companies: "0-2", deals: "0-3" }

/**
 * @since 0.1.0
 * @category models
 */
export class Portal {
  readonly data: SeedData
  readonly collections: Readonly<Record<ObjectType, Collection>>
  readonly oauth: OAuthServer
  /** Hub ids tokens may belong to; `false` once deleted. */
  readonly hubs = new Map<number, boolean>()
  private correlations = 0

  constructor(
    readonly clock: FakeClock,
    readonly hubId: number,
    options: {
      readonly seed: number
      readonly sizes: Readonly<Record<ObjectType, number>>
      readonly clientId: string
      readonly clientSecret: string
      readonly rotateRefreshTokens: boolean
      readonly tokenLifetimeMs: number
    }
  ) {
    this.data = new SeedData(options.seed, options.sizes, clock.now())
    this.collections = {
      contacts: new Collection("contacts", this.data, options.sizes.contacts),
      companies: new Collection("companies", this.data, options.sizes.companies),
      deals: new Collection("deals", this.data, options.sizes.deals)
    }
    this.oauth = new OAuthServer(options.clientId, options.clientSecret, () => clock.now(), {
      rotate: options.rotateRefreshTokens,
      lifetimeMs: options.tokenLifetimeMs,
      seed: options.seed
    })
    this.hubs.set(hubId, true)
  }

  /** A request id like HubSpot's `correlationId`. */
  correlationId(): string {
    const n = (++this.correlations).toString(16).padStart(12, "0")
    return `6d1c3f0e-${n.slice(0, 4)}-4a7b-9c2e-${n}`
  }

  hubExists(hubId: number): boolean {
    return this.hubs.get(hubId) === true
  }

  /** A record in the API's shape, with the asked properties (default ones when none). */
  render(
    type: ObjectType,
    id: string,
    entry: Entry,
    properties: ReadonlyArray<string> | undefined,
    associations: ReadonlyArray<string> = []
  ): Rendered {
    const modified = modifiedProperty[type]
    const names = new Set([...(properties ?? []), "hs_object_id", "createdate", modified])
    const props: Properties = {}
    for (const name of names) props[name] = entry.properties[name] ?? null
    const inline: Record<string, { results: Array<{ id: string; type: string }> }> = {}
    for (const target of associations) {
      const ids = target === "companies" ? entry.associations.companies : target === "contacts" ? entry.associations.contacts : []
      if (ids.length === 0) continue
      const label = `${singular[type]}_to_${singular[target as ObjectType]}`
      inline[target] = {
        results: ids.flatMap((to, i) =>
          // The primary company shows under both its labelled and unlabelled type.
          target === "companies" && i === 0
            ? [{ id: to, type: label }, { id: to, type: `${label}_unlabeled` }]
            : [{ id: to, type: target === "companies" ? `${label}_unlabeled` : label }]
        )
      }
    }
    return {
      id,
      properties: props,
      createdAt: entry.properties["createdate"] ?? new Date(this.clock.now()).toISOString(),
      updatedAt: entry.properties[modified] ?? entry.properties["createdate"] ?? "",
      archived: entry.archivedAt !== undefined,
      ...(entry.archivedAt === undefined ? {} : { archivedAt: entry.archivedAt }),
      url: `https://app.hubspot.com/contacts/${this.hubId}/record/${objectTypeId[type]}/${id}`,
      ...(Object.keys(inline).length === 0 ? {} : { associations: inline })
    }
  }

  private tick(): string {
    return new Date(this.clock.advance(1000)).toISOString()
  }

  private live(type: ObjectType, id: string): Entry {
    const entry = this.collections[type].touch(id)
    if (entry === undefined || entry.gone !== undefined) throw new Error(`no ${singular[type]} ${id} in the fake`)
    return entry
  }

  /** Creates a record (HubSpot fills `createdate`, the modified date and `hs_object_id`). */
  create(type: ObjectType, properties: Properties, associations: Partial<Associations> = {}): string {
    const now = this.tick()
    const props: Properties = { ...properties, createdate: now, [modifiedProperty[type]]: now }
    if (type === "deals") {
      const stage = properties["dealstage"]
      for (const p of this.pipelinesStage(stage)) props[p[0]] = p[1]
    }
    const companies = associations.companies ??
      (type === "contacts" && properties["associatedcompanyid"] ? [properties["associatedcompanyid"]] : [])
    return this.collections[type].add(props, { companies, contacts: associations.contacts ?? [] })
  }

  /** The calculated `hs_is_closed*` properties of a deal stage (HubSpot's own answer for a deal without one). */
  private pipelinesStage(stage: string | null | undefined): ReadonlyArray<readonly [string, string | null]> {
    if (stage === undefined || stage === null) return [["hs_is_closed", null], ["hs_is_closed_won", "false"]]
    const found = stageOf(stage)
    return found === undefined ? [] : [["hs_is_closed", String(found.isClosed)], ["hs_is_closed_won", String(found.won)]]
  }

  /** Sets properties (`null` clears one) and moves the modified date. */
  update(type: ObjectType, id: string, properties: Properties): void {
    this.apply(type, id, properties, this.tick())
  }

  /** An import: the same changes to many records, all stamped with one modification time. */
  importUpdates(type: ObjectType, ids: ReadonlyArray<string>, properties: Properties): void {
    const at = this.tick()
    for (const id of ids) this.apply(type, id, properties, at)
  }

  private apply(type: ObjectType, id: string, properties: Properties, at: string): void {
    const entry = this.live(type, id)
    Object.assign(entry.properties, properties)
    if (type === "deals" && "dealstage" in properties) {
      for (const [k, v] of this.pipelinesStage(properties["dealstage"])) entry.properties[k] = v
    }
    if (type === "contacts" && "associatedcompanyid" in properties) {
      const company = properties["associatedcompanyid"]
      entry.associations = { ...entry.associations, companies: company ? [company] : [] }
    }
    entry.properties[modifiedProperty[type]] = at
  }

  /** Moves a record to the recycle bin (`DELETE /crm/v3/objects/{type}/{id}`); its modified date stays. */
  archive(type: ObjectType, id: string): void {
    const entry = this.live(type, id)
    if (entry.archivedAt === undefined) entry.archivedAt = this.tick()
  }

  /** Restores an archived record; that counts as a change. */
  restore(type: ObjectType, id: string): void {
    const entry = this.live(type, id)
    entry.archivedAt = undefined
    entry.properties[modifiedProperty[type]] = this.tick()
  }

  /** Deletes a record for good (GDPR delete, or purged from the recycle bin): gone from every listing. */
  purge(type: ObjectType, id: string): void {
    this.live(type, id).gone = "purged"
    this.tick()
  }

  /**
   * Merges `mergedId` into `primaryId`: the merged record disappears, its id
   * is added to the primary's `hs_merged_object_ids` (a contact's e-mail to
   * `hs_additional_emails`), and the primary counts as changed. Associations
   * are not moved.
   */
  merge(type: ObjectType, primaryId: string, mergedId: string): void {
    if (primaryId === mergedId) throw new Error("a record cannot be merged into itself")
    const primary = this.live(type, primaryId)
    const merged = this.live(type, mergedId)
    if (primary.archivedAt !== undefined || merged.archivedAt !== undefined) throw new Error("archived records cannot be merged")
    const join = (list: string | null | undefined, value: string) =>
      [...new Set([...(list ?? "").split(";").filter((s) => s.length > 0), value])].join(";")
    primary.properties["hs_merged_object_ids"] = join(primary.properties["hs_merged_object_ids"], mergedId)
    const email = merged.properties["email"]
    if (type === "contacts" && email && email !== primary.properties["email"]) {
      primary.properties["hs_additional_emails"] = join(primary.properties["hs_additional_emails"], email)
    }
    merged.gone = "merged"
    merged.mergedInto = primaryId
    primary.properties[modifiedProperty[type]] = this.tick()
  }

  /** Object types the fake serves. */
  static isType(value: string): value is ObjectType {
    return (objectTypes as ReadonlyArray<string>).includes(value)
  }
}
