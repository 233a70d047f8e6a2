import { country } from "../internal/country.js"
import type { CrmObject } from "./api.js"

/**
 * HubSpot records → the common CRM models (`crm.contact`, `crm.company`,
 * `crm.deal`), as plain objects in the models' encoded shape. Mappers never
 * throw and never invent: an empty property is left out, and a value the
 * model cannot hold (an address without `@`, a date HubSpot should never
 * send) is passed through as is, so Weft counts that record invalid instead
 * of silently losing the field.
 *
 * @since 0.1.0
 */

type Json = Readonly<Record<string, unknown>>

/**
 * A deal's associations, whichever API they came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface DealAssociations {
  readonly companies: ReadonlyArray<{ readonly id: string; readonly primary: boolean }>
  readonly contacts: ReadonlyArray<string>
}

/** A property value as trimmed text; empty, `null` and non-scalars are absent. */
const text = (value: unknown): string | undefined => {
  if (typeof value === "string") {
    const trimmed = value.trim()
    return trimmed.length === 0 ? undefined : trimmed
  }
  if (typeof value === "number" && Number.isFinite(value)) return String(value)
  if (typeof value === "boolean") return String(value)
  return undefined
}

/** HubSpot multi-value text (`hs_additional_emails`, `hs_merged_object_ids`) is `;`-separated. */
const list = (value: unknown): ReadonlyArray<string> =>
  (text(value) ?? "").split(";").map((s) => s.trim()).filter((s) => s.length > 0)

const flag = (value: unknown): boolean | undefined => {
  const t = text(value)?.toLowerCase()
  return t === "true" ? true : t === "false" ? false : undefined
}

/** Drops `undefined` members so records carry only what the provider sent. */
const compact = <A extends Record<string, unknown>>(record: A): A => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value
  return out as A
}

const nonEmpty = <A>(items: ReadonlyArray<A>): ReadonlyArray<A> | undefined => (items.length > 0 ? items : undefined)

/**
 * A datetime property: ISO 8601 as sent, or Unix ms (older HubSpot APIs) as
 * ISO. Anything else is passed through for the model to refuse.
 */
const instant = (value: unknown): string | undefined => {
  const t = text(value)
  if (t === undefined) return undefined
  if (/^\d{10,}$/.test(t)) return new Date(Number(t)).toISOString()
  return t
}

/** A date property (`closedate`) as `YYYY-MM-DD`, taking the UTC calendar day. */
const calendarDate = (value: unknown): string | undefined => {
  const t = text(value)
  if (t === undefined) return undefined
  if (/^\d{10,}$/.test(t)) return new Date(Number(t)).toISOString().slice(0, 10)
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const at = Date.parse(t)
    return Number.isNaN(at) ? t : new Date(at).toISOString().slice(0, 10)
  }
  return t
}

const decimal = (value: unknown): string | undefined => text(value)

const count = (value: unknown): number | string | undefined => {
  const t = text(value)
  if (t === undefined) return undefined
  const n = Number(t)
  return Number.isFinite(n) ? n : t
}

const timestamps = (record: CrmObject, created: string, modified: string) => ({
  remoteCreatedAt: instant(record.createdAt ?? record.properties[created]),
  remoteUpdatedAt: instant(record.updatedAt ?? record.properties[modified])
})

/**
 * The key under which an address's country as HubSpot wrote it is kept in
 * `rawValues` (HubSpot's `country` is free text: `United States`, `USA`, …).
 *
 * @since 0.1.0
 * @category mapping
 */
export const countryRawKey = "addresses[0].country"

/** The record's one address, and its country as written when that is not the ISO code. */
const address = (p: Json, line2?: string) => {
  const c = country(text(p["country"]), countryRawKey)
  const a = compact({
    line1: text(p["address"]),
    line2: line2 === undefined ? undefined : text(p[line2]),
    city: text(p["city"]),
    state: text(p["state"]),
    postalCode: text(p["zip"]),
    country: c.country
  })
  return { addresses: Object.keys(a).length > 0 ? [a] : undefined, rawValues: c.rawValues }
}

const rawValues = (values: Record<string, string | undefined>) => {
  const defined = compact(values)
  return Object.keys(defined).length > 0 ? defined : undefined
}

/**
 * The records merged into this one: HubSpot keeps their ids in
 * `hs_merged_object_ids` and drops them from every listing.
 *
 * @since 0.1.0
 * @category mapping
 */
export const mergedIds = (record: CrmObject): ReadonlyArray<string> =>
  list(record.properties["hs_merged_object_ids"]).filter((id) => id !== record.id)

/**
 * A contact. `email` comes first in `emails`, then `hs_additional_emails`
 * (where HubSpot puts the addresses of merged contacts); `phone` has no
 * type, `mobilephone` is `mobile`; `associatedcompanyid` (the primary
 * company) is `companyId`. Names are often missing (a contact known only by
 * its e-mail); they are left out. The address's `country` is read as an ISO
 * code; HubSpot's text is kept in `rawValues["addresses[0].country"]` when
 * it differs.
 *
 * @since 0.1.0
 * @category mapping
 */
export const contact = (record: CrmObject): Json => {
  const p = record.properties
  const emails = [...new Set([text(p["email"]), ...list(p["hs_additional_emails"])].filter((e) => e !== undefined))]
  const phone = text(p["phone"])
  const mobile = text(p["mobilephone"])
  const lifecycle = text(p["lifecyclestage"])
  const { addresses, rawValues: countryRaw } = address(p)
  return compact({
    id: record.id,
    ...timestamps(record, "createdate", "lastmodifieddate"),
    firstName: text(p["firstname"]),
    lastName: text(p["lastname"]),
    title: text(p["jobtitle"]),
    emails: nonEmpty(emails.map((value) => ({ value }))),
    phones: nonEmpty([
      ...(phone === undefined ? [] : [{ number: phone }]),
      ...(mobile === undefined ? [] : [{ type: "mobile", number: mobile }])
    ]),
    addresses,
    companyId: text(p["associatedcompanyid"]),
    ownerId: text(p["hubspot_owner_id"]),
    lifecycleStage: lifecycle,
    archived: record.archived === true,
    rawValues: rawValues({ lifecycleStage: lifecycle, ...countryRaw })
  })
}

/**
 * A company. `industry` keeps HubSpot's internal value (e.g.
 * `COMPUTER_SOFTWARE`), and is the one member of `industries` (HubSpot's
 * `industry` is a single select); `numberofemployees` becomes
 * `employeeCount`; the address's country as for {@link contact}.
 *
 * @since 0.1.0
 * @category mapping
 */
export const company = (record: CrmObject): Json => {
  const p = record.properties
  const phone = text(p["phone"])
  const industry = text(p["industry"])
  const { addresses, rawValues: countryRaw } = address(p, "address2")
  return compact({
    id: record.id,
    ...timestamps(record, "createdate", "hs_lastmodifieddate"),
    name: text(p["name"]),
    domain: text(p["domain"]),
    description: text(p["description"]),
    industry,
    industries: industry === undefined ? undefined : [industry],
    employeeCount: count(p["numberofemployees"]),
    phones: phone === undefined ? undefined : [{ number: phone }],
    addresses,
    ownerId: text(p["hubspot_owner_id"]),
    archived: record.archived === true,
    rawValues: rawValues({ industry, ...countryRaw })
  })
}

// The default pipeline's stage ids; custom pipelines use numeric ids, whose
// open/closed state only the `hs_is_closed*` properties tell.
const DEFAULT_OPEN_STAGES = new Set([
  "appointmentscheduled",
  "qualifiedtobuy",
  "presentationscheduled",
  "decisionmakerboughtin",
  "contractsent"
])

/**
 * A deal's status: from HubSpot's calculated `hs_is_closed_won` /
 * `hs_is_closed`, else from the default pipeline's stage ids; unknown
 * otherwise.
 *
 * @since 0.1.0
 * @category mapping
 */
export const dealStatus = (p: Json): "open" | "won" | "lost" | undefined => {
  const won = flag(p["hs_is_closed_won"])
  const closed = flag(p["hs_is_closed"])
  if (won === true) return "won"
  if (closed === true) return "lost"
  if (closed === false) return "open"
  const stage = text(p["dealstage"])
  if (stage === "closedwon") return "won"
  if (stage === "closedlost") return "lost"
  if (stage !== undefined && DEFAULT_OPEN_STAGES.has(stage)) return "open"
  return undefined
}

const byNumericId = (a: string, b: string): number =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0

/**
 * The associations a deal carries inline in a v3 list or read answer.
 *
 * @since 0.1.0
 * @category mapping
 */
export const inlineDealAssociations = (record: CrmObject): DealAssociations => {
  const companies = record.associations?.["companies"]?.results ?? []
  const contacts = record.associations?.["contacts"]?.results ?? []
  return {
    companies: companies.map((c) => ({ id: String(c.id), primary: c.type === "deal_to_company" })),
    contacts: contacts.map((c) => String(c.id))
  }
}

/**
 * A deal. `amount` stays the decimal string HubSpot sends; `closedate` is
 * cut to its UTC calendar day; the primary associated company is
 * `companyId` (else the lowest id); contact ids are sorted so the same
 * associations always give the same record. `rawValues.status` is the
 * `dealstage` the status was read from and `rawValues.pipeline` the deal's
 * pipeline id (the model has no field for it). Deals are often sparse: one
 * created through the API may have no stage, pipeline, amount, close date
 * or associations (HubSpot then calculates `hs_is_closed_won: "false"` and
 * leaves `hs_is_closed` empty); those fields are left out, and without a
 * stage the status stays unknown.
 *
 * @since 0.1.0
 * @category mapping
 */
export const deal = (record: CrmObject, associations: DealAssociations): Json => {
  const p = record.properties
  const companyIds = [...new Set(associations.companies.map((c) => c.id))].sort(byNumericId)
  const primary = associations.companies.filter((c) => c.primary).map((c) => c.id).sort(byNumericId)[0]
  const contactIds = [...new Set(associations.contacts)].sort(byNumericId)
  const stage = text(p["dealstage"])
  return compact({
    id: record.id,
    ...timestamps(record, "createdate", "hs_lastmodifieddate"),
    name: text(p["dealname"]),
    amount: decimal(p["amount"]),
    currency: text(p["deal_currency_code"])?.toUpperCase(),
    stage,
    status: dealStatus(p),
    closeDate: calendarDate(p["closedate"]),
    ownerId: text(p["hubspot_owner_id"]),
    companyId: primary ?? companyIds[0],
    contactIds: nonEmpty(contactIds),
    archived: record.archived === true,
    rawValues: rawValues({ status: stage, pipeline: text(p["pipeline"]) })
  })
}

/**
 * The Unix ms of a record's last change, from its `lastmodifieddate` /
 * `hs_lastmodifieddate` property; `undefined` if unreadable.
 *
 * @since 0.1.0
 * @category mapping
 */
export const modifiedAt = (record: CrmObject, property: string): number | undefined => {
  const t = text(record.properties[property]) ?? record.updatedAt
  if (t === undefined) return undefined
  const ms = /^\d+$/.test(t) ? Number(t) : Date.parse(t)
  return Number.isNaN(ms) ? undefined : ms
}

/**
 * The Unix ms a record was archived, if it was.
 *
 * @since 0.1.0
 * @category mapping
 */
export const archivedAt = (record: CrmObject): number | undefined => {
  if (record.archivedAt === undefined) return undefined
  const ms = Date.parse(record.archivedAt)
  return Number.isNaN(ms) ? undefined : ms
}
