import * as Seeded from "../kit/Seeded.js"
import type { Ids } from "./ids.js"
import { recordId } from "./ids.js"
import type { Actor, ValueBody } from "./values.js"
import { CATEGORIES, domainBody, EMPLOYEE_RANGES, emailBody, locationBody, nameBody, phoneBody, referenceBody, selectBody, textBody } from "./values.js"

/**
 * The seeded data of the fake: a record's values depend only on (seed,
 * object, index), so any page of a million records is built on demand.
 *
 * @since 0.1.0
 */

/**
 * When the seeded records were created: one every ~37 s from 2024-01-01, so a
 * million of them end before the fake clock starts (2026-01-05).
 *
 * @since 0.1.0
 * @category constants
 */
export const SEED_EPOCH = Date.UTC(2024, 0, 1, 8, 0, 0)

/**
 * The seeded content of one record: its creation time and the bodies of its
 * values (bookkeeping added by the caller).
 *
 * @since 0.1.0
 * @category models
 */
export interface Seed {
  readonly createdAt: number
  /** Who created the record, and wrote its values unless `writers` names another. */
  readonly creator: Actor
  readonly values: Readonly<Record<string, ReadonlyArray<ValueBody>>>
  /** Attributes written by someone other than the creator (Attio's enrichment: the system). */
  readonly writers?: Readonly<Record<string, Actor>> | undefined
  /** For people: the index of the company they work at. */
  readonly companyIndex?: number | undefined
}

const PEOPLE_PER_COMPANY = 3

/**
 * Attio itself, as the writer of values: records created from e-mail and
 * calendar sync, and what enrichment fills in. Its `id` is `null`.
 *
 * @since 0.1.0
 * @category constants
 */
export const SYSTEM: Actor = { type: "system", id: null }

// The aspects added after the first seeds come from their own stream, so the
// rest of a seeded record stays what it was.
const extraRandom = (seed: number, stream: number) => Seeded.recordRandom(seed ^ 0x5e0ad, stream)

/** A coordinate as Attio returns it: a decimal string. */
const coordinate = (random: () => number, min: number, max: number): string => (min + random() * (max - min)).toFixed(7)

/**
 * The company a seeded person works at: people come in teams of three per
 * company; every tenth person has none.
 *
 * @since 0.1.0
 * @category relations
 */
export const seededCompanyOf = (person: number, companies: number): number | undefined => {
  if (person % 10 === 9) return undefined
  const company = Math.floor(person / PEOPLE_PER_COMPANY)
  return company < companies ? company : undefined
}

/**
 * The seeded people of a company (before any mutation).
 *
 * @since 0.1.0
 * @category relations
 */
export const seededTeamOf = (company: number, people: number, companies: number): ReadonlyArray<number> => {
  const out: Array<number> = []
  for (let p = company * PEOPLE_PER_COMPANY; p < (company + 1) * PEOPLE_PER_COMPANY && p < people; p++) {
    if (seededCompanyOf(p, companies) === company) out.push(p)
  }
  return out
}

const slugify = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "")

// Attio's `domains` is unique per workspace: the pool's domains first, then
// the same names with the index in them.
const companyDomain = (pools: Seeded.Pools, index: number): string => {
  const base = pools.domains[index % pools.domains.length]!
  if (index < pools.domains.length) return base
  const dot = base.indexOf(".")
  return `${base.slice(0, dot)}-${index.toString(36)}${base.slice(dot)}`
}

/**
 * Seeded company number `index`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const seedCompany = (ids: Ids, index: number, createdAt?: number): Seed => {
  const pools = Seeded.pools(ids.seed)
  const random = Seeded.recordRandom(ids.seed, index * 2)
  const created = createdAt ?? SEED_EPOCH + index * 37_000 + Math.floor(random() * 30_000)
  const name = Seeded.pick(random, pools.companies)
  const domain = companyDomain(pools, index)
  const values: Record<string, Array<ValueBody>> = {
    name: [textBody(name)],
    domains: [domainBody(domain)]
  }
  if (random() < 0.3) values.domains!.push(domainBody(`${slugify(name).slice(0, 20) || "company"}.io`))
  if (random() < 0.7) {
    values.description = [textBody(`${name} builds ${Seeded.pick(random, pools.words)} ${Seeded.pick(random, pools.industries)}.`)]
  }
  const categories = new Set<string>()
  const n = Math.floor(random() * 3)
  for (let i = 0; i < n; i++) categories.add(Seeded.pick(random, CATEGORIES))
  if (categories.size > 0) values.categories = [...categories].map((t) => selectBody(ids, "companies", "categories", t))
  if (random() < 0.8) values.employee_range = [selectBody(ids, "companies", "employee_range", Seeded.pick(random, EMPLOYEE_RANGES))]
  const located = random() < 0.75
  const location = located
    ? {
      line_1: Seeded.pick(random, pools.streets),
      locality: Seeded.pick(random, pools.cities),
      region: Seeded.pick(random, pools.states),
      postcode: String(10000 + Math.floor(random() * 89999)),
      country_code: Seeded.pick(random, pools.countries)
    }
    : undefined
  const member: Actor = { type: "workspace-member", id: Seeded.pick(random, ids.members) }
  // Most companies are created by Attio from e-mail and calendar sync, and
  // enriched from their domain: a description, several categories, a
  // geocoded location (coordinates as strings), all written by the system.
  const extra = extraRandom(ids.seed, index * 2)
  const creator = extra() < 0.5 ? SYSTEM : member
  const enriched = extra() < 0.6
  if (enriched) {
    const more = 2 + Math.floor(extra() * 5)
    for (let i = 0; i < more; i++) categories.add(Seeded.pick(extra, CATEGORIES))
    values.categories = [...categories].map((t) => selectBody(ids, "companies", "categories", t))
  }
  if (location !== undefined) {
    values.primary_location = [locationBody({
      ...location,
      ...(enriched ? { latitude: coordinate(extra, -45, 65), longitude: coordinate(extra, -125, 150) } : {})
    })]
  }
  const writers = enriched
    ? Object.fromEntries(["description", "categories", "primary_location"].filter((slug) => slug in values).map((slug) => [slug, SYSTEM]))
    : undefined
  return { createdAt: created, creator, values, writers }
}

/**
 * Seeded person number `index`; `companies` is how many seeded companies
 * there are (people link to them), `company` overrides the link.
 *
 * @since 0.1.0
 * @category constructors
 */
export const seedPerson = (
  ids: Ids,
  index: number,
  options: { readonly companies: number; readonly createdAt?: number; readonly company?: number | null }
): Seed => {
  const pools = Seeded.pools(ids.seed)
  const random = Seeded.recordRandom(ids.seed, index * 2 + 1)
  const created = options.createdAt ?? SEED_EPOCH + index * 37_000 + Math.floor(random() * 30_000)
  const first = Seeded.pick(random, pools.firstNames)
  const last = Seeded.pick(random, pools.lastNames)
  const companyIndex = options.company === null
    ? undefined
    : options.company ?? (options.createdAt === undefined ? seededCompanyOf(index, options.companies) : undefined)
  const workDomain = companyIndex === undefined ? undefined : companyDomain(pools, companyIndex)
  const local = `${slugify(first)}.${slugify(last)}${index.toString(36)}`
  const values: Record<string, Array<ValueBody>> = {
    name: [nameBody(first, last)],
    email_addresses: [emailBody(`${local}@${workDomain ?? Seeded.pick(random, pools.domains)}`)]
  }
  if (random() < 0.25) values.email_addresses!.push(emailBody(`${slugify(first)}${index.toString(36)}@gmail.com`))
  if (random() < 0.7) {
    const digits = String(2_000_000_000 + Math.floor(random() * 7_000_000_000))
    values.phone_numbers = [phoneBody(`+1 ${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`, "US")]
  }
  if (random() < 0.85) values.job_title = [textBody(Seeded.pick(random, pools.jobTitles))]
  if (companyIndex !== undefined) values.company = [referenceBody("companies", recordId(ids.seed, "companies", companyIndex))]
  if (random() < 0.6) {
    values.primary_location = [locationBody({
      locality: Seeded.pick(random, pools.cities),
      region: Seeded.pick(random, pools.states),
      country_code: Seeded.pick(random, pools.countries)
    })]
  }
  const member: Actor = { type: "workspace-member", id: Seeded.pick(random, ids.members) }
  // People met by e-mail or in a meeting are created by Attio itself.
  const creator = extraRandom(ids.seed, index * 2 + 1)() < 0.4 ? SYSTEM : member
  return { createdAt: created, creator, values, companyIndex }
}
