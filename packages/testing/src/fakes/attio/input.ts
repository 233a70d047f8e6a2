import { invalid } from "./errors.js"
import type { Ids } from "./ids.js"
import { indexOf } from "./ids.js"
import type { Attribute, LocationField, ObjectSlug, ValueBody } from "./values.js"
import {
  attributeOf,
  domainBody,
  emailBody,
  locationBody,
  nameBody,
  phoneBody,
  referenceBody,
  selectBody,
  textBody
} from "./values.js"

/**
 * Attio's write format for values (`data.values` of create/update): per
 * attribute slug, a single value or an array; each value a plain string or
 * the type's object form (`{ value }`, `{ email_address }`, `{ first_name,
 * last_name }`, `{ target_object, target_record_id }`, …).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type InputValues = Readonly<Record<string, unknown>>

const LOCATION_FIELDS: ReadonlyArray<LocationField> = [
  "line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode", "country_code", "latitude", "longitude"
]

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const stringField = (u: unknown, field: string): string | undefined =>
  typeof u === "string" ? u : isObject(u) && typeof u[field] === "string" ? u[field] as string : undefined

const parseOne = (ids: Ids, object: ObjectSlug, attribute: Attribute, value: unknown): ValueBody => {
  const bad = (expected: string) =>
    invalid(`Invalid value for attribute "${attribute.slug}" (${attribute.type}): expected ${expected}.`)
  switch (attribute.type) {
    case "text": {
      const text = stringField(value, "value")
      if (text === undefined) throw bad("a string or { value }")
      return textBody(text)
    }
    case "domain": {
      const domain = stringField(value, "domain")
      if (domain === undefined || !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain)) throw bad("a domain name")
      return domainBody(domain.toLowerCase())
    }
    case "email-address": {
      const email = stringField(value, "email_address")
      if (email === undefined || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw bad("an e-mail address")
      return emailBody(email)
    }
    case "personal-name": {
      if (typeof value === "string") {
        const [first = "", ...rest] = value.trim().split(/\s+/)
        return nameBody(first, rest.join(" "))
      }
      if (!isObject(value)) throw bad("a string or { first_name, last_name }")
      const first = typeof value.first_name === "string" ? value.first_name : ""
      const last = typeof value.last_name === "string" ? value.last_name : ""
      return nameBody(first, last)
    }
    case "phone-number": {
      const original = stringField(value, "original_phone_number")
      if (original === undefined || !/\d{6,}/.test(original.replace(/\D/g, ""))) throw bad("a phone number")
      const country = isObject(value) && typeof value.country_code === "string" ? value.country_code : "US"
      return phoneBody(original, country)
    }
    case "select": {
      const option = stringField(value, "option")
      const options = attribute.options ?? []
      const title = options.find((t) => t === option || ids.optionId(object, attribute.slug, t) === option)
      if (title === undefined) throw bad(`one of the options ${options.join(", ")}`)
      return selectBody(ids, object, attribute.slug, title)
    }
    case "location": {
      if (!isObject(value)) throw bad("a location object")
      const fields: Partial<Record<LocationField, string | null>> = {}
      for (const f of LOCATION_FIELDS) {
        const v = value[f]
        if (typeof v === "string") fields[f] = v
      }
      return locationBody(fields)
    }
    case "record-reference": {
      const target = attribute.target!
      const id = stringField(value, "target_record_id")
      if (id === undefined || indexOf(ids.seed, target, id) === undefined) throw bad(`the id of a record of ${target}`)
      return referenceBody(target, id)
    }
    case "timestamp":
    case "actor-reference":
      throw bad("nothing: the attribute is read-only")
  }
}

/**
 * Parses write-format values into value bodies per slug. Unknown slugs,
 * system attributes and values of the wrong shape are refused with Attio's
 * 400.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseInput = (ids: Ids, object: ObjectSlug, values: InputValues): Map<string, ReadonlyArray<ValueBody>> => {
  const out = new Map<string, ReadonlyArray<ValueBody>>()
  for (const [slug, raw] of Object.entries(values)) {
    const attribute = attributeOf(object, slug)
    if (attribute === undefined) throw invalid(`Cannot find attribute with slug/ID "${slug}".`, "value_not_found")
    if (attribute.system === true) throw invalid(`Attribute "${slug}" is read-only.`, "immutable_value")
    const list = raw === null ? [] : Array.isArray(raw) ? raw : [raw]
    if (!attribute.multi && list.length > 1) throw invalid(`Attribute "${slug}" takes a single value.`)
    out.set(slug, list.map((v) => parseOne(ids, object, attribute, v)))
  }
  return out
}
