import { country } from "../internal/country.js"
import type { ListedEmployee, RawEmployee } from "./api.js"

/**
 * BambooHR employee → `hris.employee`. The mapping never throws and never
 * invents: a field BambooHR left empty is left out, and a value it cannot
 * normalise keeps its raw string in `rawValues` (an unknown employment type
 * becomes `other`; an unknown gender, pay unit or country is left out).
 *
 * @since 0.1.0
 */

type Json = Record<string, unknown>

/** A non-empty trimmed string from a string or number; anything else is absent. */
const text = (value: unknown): string | undefined => {
  if (typeof value === "number" && Number.isFinite(value)) return String(value)
  if (typeof value !== "string") return undefined
  const trimmed = value.trim()
  return trimmed === "" ? undefined : trimmed
}

/** BambooHR writes an empty date as `0000-00-00`. */
const date = (value: unknown): string | undefined => {
  const t = text(value)
  return t === undefined || t.startsWith("0000-00-00") ? undefined : t
}

/** Lower-case letters only, so "Full-Time", "full time" and "FULLTIME" compare equal. */
const key = (value: string): string => value.toLowerCase().replace(/[^a-z]/g, "")

/** Drops `undefined` entries; `undefined` when nothing is left. */
const compact = (fields: Json): Json | undefined => {
  const out: Json = {}
  let empty = true
  for (const k in fields) {
    if (fields[k] === undefined) continue
    out[k] = fields[k]
    empty = false
  }
  return empty ? undefined : out
}

const STATUS: Readonly<Record<string, string>> = { active: "active", inactive: "inactive" }

const EMPLOYMENT_TYPE: Readonly<Record<string, string>> = {
  fulltime: "full_time",
  parttime: "part_time",
  contractor: "contractor",
  contract: "contractor",
  consultant: "contractor",
  intern: "intern",
  internship: "intern",
  temporary: "temporary",
  temp: "temporary",
  seasonal: "temporary"
}

/** Employment statuses that say the person left, not how they were employed. */
const NOT_A_TYPE = new Set(["terminated"])

const GENDER: Readonly<Record<string, string>> = {
  male: "male",
  female: "female",
  nonbinary: "non_binary",
  other: "other",
  prefernottosay: "undisclosed",
  declinetoanswer: "undisclosed",
  undisclosed: "undisclosed"
}

const MARITAL: Readonly<Record<string, string>> = {
  single: "single",
  married: "married",
  domesticpartnership: "domestic_partnership",
  civilpartnership: "domestic_partnership",
  divorced: "divorced",
  separated: "separated",
  widowed: "widowed",
  other: "other"
}

const PAY_PER: Readonly<Record<string, string>> = {
  hour: "hour",
  day: "day",
  week: "week",
  month: "month",
  quarter: "quarter",
  year: "year"
}

/**
 * Normalises one enum value: the normalised value (or `fallback` for an
 * unknown one) and the provider's string under `path` in `rawValues`.
 */
const normalise = (
  raw: string | undefined,
  table: Readonly<Record<string, string>>,
  path: string,
  rawValues: Record<string, string>,
  fallback?: string
): string | undefined => {
  if (raw === undefined) return undefined
  const value = table[key(raw)] ?? fallback
  rawValues[path] = raw
  return value
}

/**
 * A pay rate as BambooHR gives it: `"85000.00 USD"` (amount, then ISO
 * currency; thousands separators allowed) or `{ value, currency }` as in the
 * compensation table.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePayRate = (value: unknown): { readonly amount: string; readonly currency: string } | undefined => {
  if (typeof value === "object" && value !== null) {
    const v = value as Json
    const amount = text(v["value"])?.replace(/,/g, "")
    const currency = text(v["currency"])
    return amount !== undefined && currency !== undefined ? { amount, currency } : undefined
  }
  const t = text(value)
  const match = t === undefined ? null : /^([\d,]+(?:\.\d+)?)\s*([A-Za-z]{3})$/.exec(t)
  return match === null ? undefined : { amount: match[1]!.replace(/,/g, ""), currency: match[2]!.toUpperCase() }
}

/**
 * List field names → the Get Employee names (field-list aliases) the mapping
 * reads. Both `reportsToId` and `supervisorEId` are the manager's employee id.
 */
const LIST_NAMES: Readonly<Record<string, string>> = {
  jobTitleName: "jobTitle",
  departmentName: "department",
  locationName: "location",
  employmentStatusName: "employmentHistoryStatus",
  birthDate: "dateOfBirth",
  reportsToId: "supervisorEId"
}

/**
 * An employee of the list endpoint under the Get Employee field names, so one
 * mapping serves both: `employeeId` → `id`, `jobTitleName` → `jobTitle`,
 * `departmentName` → `department`, `locationName` → `location`,
 * `employmentStatusName` → `employmentHistoryStatus`, `birthDate` →
 * `dateOfBirth`, `reportsToId` → `supervisorEId`. Restricted values are
 * already `null` there, which the mapping leaves out.
 *
 * @since 0.1.0
 * @category mapping
 */
export const fromListed = (listed: ListedEmployee): RawEmployee => {
  const out: Record<string, unknown> & { id: string | number } = { id: listed.employeeId }
  for (const name in listed) {
    if (name === "employeeId" || name === "_restrictedFields") continue
    out[LIST_NAMES[name] ?? name] = listed[name]
  }
  return out
}

/** Where the home address's country string is kept in `rawValues` when it is not the ISO code. */
const HOME_COUNTRY = "locations.home.country"

/**
 * Maps one BambooHR employee (Get Employee fields, see `EMPLOYEE_FIELDS`) to
 * the encoded shape of `hris.employee`. The manager is `supervisorEId` (an
 * employee id, as `manager.id` must be), never `supervisorId` (the manager's
 * employee number). The home country becomes an ISO 3166-1 alpha-2 code;
 * BambooHR's own string ("United States") stays in
 * `rawValues["locations.home.country"]`.
 *
 * @example
 * ```ts
 * import { BambooHR } from "@weft/connectors"
 *
 * BambooHR.toEmployee({ id: "7", firstName: "Ava", status: "Active", employmentHistoryStatus: "Full-Time", country: "Canada" })
 * // { id: "7", profile: { firstName: "Ava" },
 * //   employment: { status: "active", type: "full_time" },
 * //   locations: { home: { country: "CA" } },
 * //   rawValues: { "employment.status": "Active", "employment.type": "Full-Time", "locations.home.country": "Canada" } }
 * ```
 * @since 0.1.0
 * @category mapping
 */
export const toEmployee = (raw: RawEmployee): Json => {
  const rawValues: Record<string, string> = {}
  const f = (name: string) => text(raw[name])

  const homeEmail = f("homeEmail")
  const profile = compact({
    firstName: f("firstName"),
    lastName: f("lastName"),
    preferredName: f("preferredName"),
    displayName: f("displayName"),
    employeeNumber: f("employeeNumber"),
    workEmail: f("workEmail"),
    personalEmails: homeEmail === undefined ? undefined : [homeEmail],
    birthDate: date(raw["dateOfBirth"]),
    gender: normalise(f("gender"), GENDER, "profile.gender", rawValues),
    maritalStatus: normalise(f("maritalStatus"), MARITAL, "profile.maritalStatus", rawValues, "other")
  })

  const employmentStatus = f("employmentHistoryStatus")
  const employment = compact({
    status: normalise(f("status"), STATUS, "employment.status", rawValues),
    type: employmentStatus === undefined || NOT_A_TYPE.has(key(employmentStatus))
      ? undefined
      : normalise(employmentStatus, EMPLOYMENT_TYPE, "employment.type", rawValues, "other"),
    startDate: date(raw["hireDate"]),
    terminationDate: date(raw["terminationDate"])
  })

  const managerId = f("supervisorEId")
  const orgStructure = compact({
    jobTitle: f("jobTitle"),
    department: f("department"),
    // BambooHR uses 0 for "reports to nobody" in some exports.
    manager: managerId === undefined || managerId === "0" ? undefined : { id: managerId }
  })

  const phones = [
    ["work", f("workPhone")],
    ["mobile", f("mobilePhone")],
    ["home", f("homePhone")]
  ].flatMap(([type, number]) => (number === undefined ? [] : [{ type, number }]))
  const contactInfo = phones.length === 0 ? undefined : { phones }

  const homeCountry = country(f("country"), HOME_COUNTRY)
  Object.assign(rawValues, homeCountry.rawValues)
  const home = compact({
    line1: f("address1"),
    line2: f("address2"),
    city: f("city"),
    state: f("state"),
    postalCode: f("zipcode"),
    country: homeCountry.country
  })
  // BambooHR names a work location (a site) and gives no address for it.
  const workSite = f("location")
  const locations = compact({ work: workSite === undefined ? undefined : { name: workSite }, home })

  const rate = parsePayRate(raw["payRate"])
  const payType = f("payType")
  if (rate !== undefined && payType !== undefined) rawValues["compensation.fixed.type"] = payType
  const pay = rate === undefined ? undefined : compact({
    // Free text in the model: "Salary" → "salary", "Exception Hourly" → "exception_hourly".
    type: payType === undefined ? undefined : payType.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, ""),
    amount: rate.amount,
    currency: rate.currency,
    period: normalise(f("payPer"), PAY_PER, "compensation.fixed.period", rawValues)
  })
  const compensation = pay === undefined ? undefined : { fixed: [pay] }

  return {
    id: String(raw.id),
    ...compact({
      remoteUpdatedAt: f("lastChanged"),
      profile,
      employment,
      orgStructure,
      contactInfo,
      locations,
      compensation,
      rawValues: Object.keys(rawValues).length === 0 ? undefined : rawValues
    })
  }
}
