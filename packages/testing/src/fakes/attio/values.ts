import type { Ids } from "./ids.js"

/**
 * Attio's record values: attribute types, value rows with their
 * `active_from` / `active_until` bookkeeping, and the standard attributes of
 * companies and people.
 *
 * @since 0.1.0
 */

/**
 * The two standard objects the fake serves.
 *
 * @since 0.1.0
 * @category models
 */
export type ObjectSlug = "companies" | "people"

/**
 * Who wrote a value.
 *
 * @since 0.1.0
 * @category models
 */
export interface Actor {
  readonly type: "api-token" | "workspace-member" | "system" | "app"
  readonly id: string | null
}

/**
 * One value of an attribute as Attio returns it: the type's own fields plus
 * `active_from` / `active_until` / `created_by_actor` / `attribute_type`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValueRow {
  readonly active_from: string
  readonly active_until: string | null
  readonly created_by_actor: Actor
  readonly attribute_type: string
  readonly [field: string]: unknown
}

/**
 * The type-specific fields of a value, before Attio adds the bookkeeping.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValueBody {
  readonly attribute_type: string
  readonly [field: string]: unknown
}

/**
 * @since 0.1.0
 * @category models
 */
export type AttributeType =
  | "text"
  | "domain"
  | "email-address"
  | "personal-name"
  | "phone-number"
  | "select"
  | "location"
  | "record-reference"
  | "timestamp"
  | "actor-reference"

/**
 * An attribute of an object: its slug, type and whether it holds several
 * values. System attributes cannot be written.
 *
 * @since 0.1.0
 * @category models
 */
export interface Attribute {
  readonly slug: string
  readonly type: AttributeType
  readonly multi: boolean
  readonly system?: boolean
  readonly target?: ObjectSlug
  readonly options?: ReadonlyArray<string>
}

/**
 * Attio's category options (companies › categories).
 *
 * @since 0.1.0
 * @category constants
 */
export const CATEGORIES: ReadonlyArray<string> = [
  "B2B", "B2C", "SaaS", "E-commerce", "Fintech", "Healthcare", "Education", "Hardware", "Marketplace",
  "Media", "Security", "Logistics", "Real Estate", "Consulting", "Manufacturing", "Non-profit"
]

/**
 * Attio's employee range options (companies › employee_range).
 *
 * @since 0.1.0
 * @category constants
 */
export const EMPLOYEE_RANGES: ReadonlyArray<string> = [
  "1-10", "11-50", "51-250", "251-1K", "1K-5K", "5K-10K", "10K-50K", "50K-100K", "100K+"
]

/**
 * The standard attributes the fake models, per object.
 *
 * @since 0.1.0
 * @category constants
 */
export const ATTRIBUTES: Readonly<Record<ObjectSlug, ReadonlyArray<Attribute>>> = {
  companies: [
    { slug: "name", type: "text", multi: false },
    { slug: "domains", type: "domain", multi: true },
    { slug: "description", type: "text", multi: false },
    { slug: "categories", type: "select", multi: true, options: CATEGORIES },
    { slug: "employee_range", type: "select", multi: false, options: EMPLOYEE_RANGES },
    { slug: "primary_location", type: "location", multi: false },
    { slug: "team", type: "record-reference", multi: true, target: "people", system: true },
    { slug: "created_at", type: "timestamp", multi: false, system: true },
    { slug: "created_by", type: "actor-reference", multi: false, system: true }
  ],
  people: [
    { slug: "name", type: "personal-name", multi: false },
    { slug: "email_addresses", type: "email-address", multi: true },
    { slug: "phone_numbers", type: "phone-number", multi: true },
    { slug: "job_title", type: "text", multi: false },
    { slug: "description", type: "text", multi: false },
    { slug: "company", type: "record-reference", multi: false, target: "companies" },
    { slug: "primary_location", type: "location", multi: false },
    { slug: "created_at", type: "timestamp", multi: false, system: true },
    { slug: "created_by", type: "actor-reference", multi: false, system: true }
  ]
}

/**
 * The attribute of a slug, if the object has one.
 *
 * @since 0.1.0
 * @category getters
 */
export const attributeOf = (object: ObjectSlug, slug: string): Attribute | undefined =>
  ATTRIBUTES[object].find((a) => a.slug === slug)

/**
 * Attio's timestamp format: UTC with nanoseconds.
 *
 * @since 0.1.0
 * @category formatting
 */
export const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, "000000Z")

/**
 * A select option value body, as Attio returns it (the option object inline).
 *
 * @since 0.1.0
 * @category constructors
 */
export const selectBody = (ids: Ids, object: ObjectSlug, slug: string, title: string): ValueBody => ({
  attribute_type: "select",
  option: {
    id: {
      workspace_id: ids.workspaceId,
      object_id: ids.objectId[object],
      attribute_id: ids.attributeId(object, slug),
      option_id: ids.optionId(object, slug, title)
    },
    title,
    is_archived: false
  }
})

/**
 * The registrable part of a host name (`app.acme.io` → `acme.io`).
 *
 * @since 0.1.0
 * @category formatting
 */
export const rootDomain = (domain: string): string => domain.split(".").slice(-2).join(".")

/**
 * @since 0.1.0
 * @category constructors
 */
export const domainBody = (domain: string): ValueBody => ({
  attribute_type: "domain",
  domain,
  root_domain: rootDomain(domain)
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const emailBody = (original: string): ValueBody => {
  const address = original.trim().toLowerCase()
  const at = address.lastIndexOf("@")
  const domain = at < 0 ? "" : address.slice(at + 1)
  return {
    attribute_type: "email-address",
    original_email_address: original,
    email_address: address,
    email_domain: domain,
    email_root_domain: rootDomain(domain),
    email_local_specifier: at < 0 ? address : address.slice(0, at)
  }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const nameBody = (first: string, last: string): ValueBody => ({
  attribute_type: "personal-name",
  first_name: first,
  last_name: last,
  full_name: [first, last].filter((s) => s.length > 0).join(" ")
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const phoneBody = (original: string, countryCode: string | null): ValueBody => {
  const digits = original.replace(/[^\d+]/g, "")
  return {
    attribute_type: "phone-number",
    original_phone_number: original,
    country_code: countryCode,
    phone_number: digits.startsWith("+") ? digits : `+1${digits}`
  }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const locationBody = (fields: Partial<Record<LocationField, string | null>>): ValueBody => ({
  attribute_type: "location",
  line_1: fields.line_1 ?? null,
  line_2: fields.line_2 ?? null,
  line_3: fields.line_3 ?? null,
  line_4: fields.line_4 ?? null,
  locality: fields.locality ?? null,
  region: fields.region ?? null,
  postcode: fields.postcode ?? null,
  country_code: fields.country_code ?? null,
  latitude: fields.latitude ?? null,
  longitude: fields.longitude ?? null
})

/**
 * @since 0.1.0
 * @category models
 */
export type LocationField =
  | "line_1"
  | "line_2"
  | "line_3"
  | "line_4"
  | "locality"
  | "region"
  | "postcode"
  | "country_code"
  | "latitude"
  | "longitude"

/**
 * @since 0.1.0
 * @category constructors
 */
export const referenceBody = (target: ObjectSlug, id: string): ValueBody => ({
  attribute_type: "record-reference",
  target_object: target,
  target_record_id: id
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const textBody = (value: string): ValueBody => ({ attribute_type: "text", value })

/**
 * Adds Attio's bookkeeping to a value body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const row = (body: ValueBody, activeFrom: string, actor: Actor): ValueRow => ({
  active_from: activeFrom,
  active_until: null,
  created_by_actor: actor,
  ...body
})

