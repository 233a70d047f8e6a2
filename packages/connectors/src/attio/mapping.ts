import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { country } from "../internal/country.js"
import {
  ActiveWindow,
  AttioRecord,
  DomainValue,
  EmailAddressValue,
  LocationValue,
  PersonalNameValue,
  PhoneNumberValue,
  RecordReferenceValue,
  SelectValue,
  TextValue
} from "./api.js"

/**
 * Attio records → `crm.company` / `crm.contact`, in the models' encoded
 * shape. Only active values are mapped (`active_until` null); values of an
 * unexpected shape are skipped; fields Attio does not have are left out. The
 * mappers never throw: a record that does not fit the model still comes
 * out, and Weft counts it invalid.
 *
 * @since 0.1.0
 */

type Values = Readonly<Record<string, ReadonlyArray<unknown>>>

const decodeWindow = Schema.decodeUnknownOption(ActiveWindow)

const isActive = (value: unknown): boolean =>
  Option.match(decodeWindow(value), { onNone: () => false, onSome: (w) => w.active_until === undefined || w.active_until === null })

/** The active values of an attribute that decode with `schema`. */
const active = <A, I>(values: Values, slug: string, schema: Schema.Schema<A, I>): ReadonlyArray<A> => {
  const decode = Schema.decodeUnknownOption(schema)
  const out: Array<A> = []
  for (const value of values[slug] ?? []) {
    if (!isActive(value)) continue
    const decoded = decode(value)
    if (Option.isSome(decoded)) out.push(decoded.value)
  }
  return out
}

const nonEmpty = (s: string | null | undefined): string | undefined =>
  s === null || s === undefined || s.trim().length === 0 ? undefined : s

/** The latest `active_from` among the active values of `slugs`. */
const lastChange = (values: Values, slugs: ReadonlyArray<string>): string | undefined => {
  let latest: string | undefined
  let latestMs = -Infinity
  for (const slug of slugs) {
    for (const value of values[slug] ?? []) {
      if (!isActive(value)) continue
      const from = Option.getOrUndefined(decodeWindow(value))?.active_from
      const ms = from === undefined ? NaN : Date.parse(from)
      if (!Number.isNaN(ms) && ms > latestMs) {
        latest = from
        latestMs = ms
      }
    }
  }
  return latest
}

/**
 * The key under which a location's `country_code` is kept in `rawValues`
 * when it is not an ISO 3166-1 alpha-2 code Weft recognises.
 *
 * @since 0.1.0
 * @category mapping
 */
export const countryRawKey = "addresses[0].country"

/** The record's address from `primary_location`, and its country code when that is not one Weft knows. */
const address = (values: Values): { address?: Record<string, string>; rawValues: Record<string, string> } => {
  const location = active(values, "primary_location", LocationValue)[0]
  if (location === undefined) return { rawValues: {} }
  const c = country(nonEmpty(location.country_code), countryRawKey)
  const fields = {
    line1: nonEmpty(location.line_1),
    line2: nonEmpty([location.line_2, location.line_3, location.line_4].filter((l) => nonEmpty(l) !== undefined).join(", ")),
    city: nonEmpty(location.locality),
    state: nonEmpty(location.region),
    postalCode: nonEmpty(location.postcode),
    country: c.country
  }
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>
  return Object.keys(present).length === 0 ? { rawValues: c.rawValues } : { address: present, rawValues: c.rawValues }
}

/** Drops `undefined` fields so the record holds only what Attio had. */
const compact = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined))

const decodeRecord = Schema.decodeUnknownEither(AttioRecord)

/** The skeleton of a record, leniently: whatever of id / created_at / values is readable. */
const skeleton = (input: unknown): { id?: string; createdAt?: string; values: Values } => {
  const decoded = decodeRecord(input)
  if (Either.isRight(decoded)) {
    return { id: decoded.right.id.record_id, ...(decoded.right.created_at === undefined ? {} : { createdAt: decoded.right.created_at }), values: decoded.right.values }
  }
  const o = typeof input === "object" && input !== null ? input as Record<string, unknown> : {}
  const id = (o.id as { record_id?: unknown } | undefined)?.record_id
  const values = typeof o.values === "object" && o.values !== null ? o.values as Record<string, unknown> : {}
  return {
    ...(typeof id === "string" ? { id } : {}),
    ...(typeof o.created_at === "string" ? { createdAt: o.created_at } : {}),
    values: Object.fromEntries(Object.entries(values).filter(([, v]) => Array.isArray(v))) as Values
  }
}

const COMPANY_SLUGS = ["name", "domains", "description", "categories", "employee_range", "primary_location"]

/**
 * An Attio company as a `crm.company`:
 * `name`, first of `domains`, `description`, `categories` → `industries`
 * (every category, in Attio's order) and `industry` (the first),
 * `primary_location` → `addresses` (its `country_code` read as an ISO code).
 * Attio only knows a company's size as a band (`employee_range`, e.g.
 * `"51-250"`): `employeeCount` is left out and the band kept in
 * `rawValues.employeeCount`. `remoteUpdatedAt` is the latest `active_from`
 * of the mapped values (Attio has no record-level update time). Who wrote a
 * value (`created_by_actor`, whose `id` is `null` for Attio's own
 * enrichment) and the location's coordinates are not read.
 *
 * @since 0.1.0
 * @category mapping
 */
export const toCompany = (input: unknown): Record<string, unknown> => {
  const { createdAt, id, values } = skeleton(input)
  const categories = active(values, "categories", SelectValue).map((v) => v.option.title)
  const band = active(values, "employee_range", SelectValue)[0]?.option.title
  const location = address(values)
  const rawValues = compact({ employeeCount: band, ...location.rawValues })
  return compact({
    id,
    remoteCreatedAt: createdAt,
    remoteUpdatedAt: lastChange(values, COMPANY_SLUGS),
    name: nonEmpty(active(values, "name", TextValue)[0]?.value),
    domain: active(values, "domains", DomainValue)[0]?.domain,
    description: nonEmpty(active(values, "description", TextValue)[0]?.value),
    industry: categories[0],
    industries: categories.length === 0 ? undefined : categories,
    addresses: location.address === undefined ? undefined : [location.address],
    rawValues: Object.keys(rawValues).length === 0 ? undefined : rawValues
  })
}

const CONTACT_SLUGS = ["name", "email_addresses", "phone_numbers", "job_title", "company", "primary_location"]

/**
 * An Attio person as a `crm.contact`: `name` → first/last name, `job_title`
 * → `title`, `email_addresses` → `emails`, `phone_numbers` → `phones`
 * (E.164 when Attio normalised it), `company` → `companyId`,
 * `primary_location` → `addresses` (as for companies). Attio does not type
 * e-mails or phone numbers, so no `type` is set.
 *
 * @since 0.1.0
 * @category mapping
 */
export const toContact = (input: unknown): Record<string, unknown> => {
  const { createdAt, id, values } = skeleton(input)
  const name = active(values, "name", PersonalNameValue)[0]
  const emails = active(values, "email_addresses", EmailAddressValue).map((e) => ({ value: e.email_address }))
  const phones = active(values, "phone_numbers", PhoneNumberValue).flatMap((p) => {
    const number = nonEmpty(p.phone_number) ?? nonEmpty(p.original_phone_number)
    return number === undefined ? [] : [{ number }]
  })
  const company = active(values, "company", RecordReferenceValue).find((r) => r.target_object === "companies")
  const location = address(values)
  return compact({
    id,
    remoteCreatedAt: createdAt,
    remoteUpdatedAt: lastChange(values, CONTACT_SLUGS),
    firstName: nonEmpty(name?.first_name),
    lastName: nonEmpty(name?.last_name),
    title: nonEmpty(active(values, "job_title", TextValue)[0]?.value),
    emails: emails.length === 0 ? undefined : emails,
    phones: phones.length === 0 ? undefined : phones,
    addresses: location.address === undefined ? undefined : [location.address],
    companyId: company?.target_record_id,
    rawValues: Object.keys(location.rawValues).length === 0 ? undefined : location.rawValues
  })
}
