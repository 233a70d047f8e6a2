import * as Seeded from "../kit/Seeded.js"

/**
 * Seeded HubSpot CRM data: record `i` of each object type is derived from
 * `(seed, type, i)` when asked for, so a portal of a million contacts costs
 * nothing until a page is read.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type ObjectType = "contacts" | "companies" | "deals"

/**
 * @since 0.1.0
 * @category constants
 */
export const objectTypes: ReadonlyArray<ObjectType> = ["contacts", "companies", "deals"]

/**
 * Property values as HubSpot sends them: strings, or `null` when unset.
 *
 * @since 0.1.0
 * @category models
 */
export type Properties = Record<string, string | null>

/**
 * A deal's (or contact's) associations, by target type.
 *
 * @since 0.1.0
 * @category models
 */
export interface Associations {
  readonly companies: ReadonlyArray<string>
  readonly contacts: ReadonlyArray<string>
}

/**
 * The first id of each type; record `i` has id `base + i`, created records
 * continue after the seeded ones.
 *
 * @since 0.1.0
 * @category constants
 */
export const idBase: Readonly<Record<ObjectType, number>> = {
  contacts: 1_000_001,
  companies: 5_000_001,
  deals: 9_000_001
}

/**
 * @since 0.1.0
 * @category constants
 */
export const modifiedProperty: Readonly<Record<ObjectType, string>> = {
  contacts: "lastmodifieddate",
  companies: "hs_lastmodifieddate",
  deals: "hs_lastmodifieddate"
}

/**
 * Every property the fake knows per type (search filters on anything else
 * are refused, as HubSpot does).
 *
 * @since 0.1.0
 * @category constants
 */
export const knownProperties: Readonly<Record<ObjectType, ReadonlySet<string>>> = {
  contacts: new Set([
    "firstname", "lastname", "email", "hs_additional_emails", "phone", "mobilephone", "jobtitle", "associatedcompanyid",
    "hubspot_owner_id", "lifecyclestage", "address", "city", "state", "zip", "country", "createdate",
    "lastmodifieddate", "hs_object_id", "hs_merged_object_ids"
  ]),
  companies: new Set([
    "name", "domain", "description", "industry", "numberofemployees", "phone", "address", "address2", "city", "state",
    "zip", "country", "hubspot_owner_id", "createdate", "hs_lastmodifieddate", "hs_object_id", "hs_merged_object_ids"
  ]),
  deals: new Set([
    "dealname", "amount", "deal_currency_code", "dealstage", "pipeline", "closedate", "hs_is_closed", "hs_is_closed_won",
    "hubspot_owner_id", "createdate", "hs_lastmodifieddate", "hs_object_id", "hs_merged_object_ids"
  ])
}

/**
 * What a list or search answers when no `properties` are asked for.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultProperties: Readonly<Record<ObjectType, ReadonlyArray<string>>> = {
  contacts: ["firstname", "lastname", "email", "createdate", "lastmodifieddate", "hs_object_id"],
  companies: ["name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"],
  deals: ["dealname", "amount", "closedate", "pipeline", "dealstage", "createdate", "hs_lastmodifieddate", "hs_object_id"]
}

/**
 * A deal pipeline stage.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stage {
  readonly id: string
  readonly label: string
  readonly displayOrder: number
  readonly probability: string
  readonly isClosed: boolean
  readonly won: boolean
}

/**
 * The portal's deal pipelines: HubSpot's default one (named stage ids) and a
 * custom one (numeric ids).
 *
 * @since 0.1.0
 * @category constants
 */
export const pipelines: ReadonlyArray<{ readonly id: string; readonly label: string; readonly stages: ReadonlyArray<Stage> }> = [
  {
    id: "default",
    label: "Sales Pipeline",
    stages: [
      { id: "appointmentscheduled", label: "Appointment Scheduled", displayOrder: 0, probability: "0.2", isClosed: false, won: false },
      { id: "qualifiedtobuy", label: "Qualified To Buy", displayOrder: 1, probability: "0.4", isClosed: false, won: false },
      { id: "presentationscheduled", label: "Presentation Scheduled", displayOrder: 2, probability: "0.6", isClosed: false, won: false },
      { id: "decisionmakerboughtin", label: "Decision Maker Bought-In", displayOrder: 3, probability: "0.8", isClosed: false, won: false },
      { id: "contractsent", label: "Contract Sent", displayOrder: 4, probability: "0.9", isClosed: false, won: false },
      { id: "closedwon", label: "Closed Won", displayOrder: 5, probability: "1.0", isClosed: true, won: true },
      { id: "closedlost", label: "Closed Lost", displayOrder: 6, probability: "0.0", isClosed: true, won: false }
    ]
  },
  {
    id: "3114709",
    label: "Renewals",
    stages: [
      { id: "3114710", label: "Renewal due", displayOrder: 0, probability: "0.5", isClosed: false, won: false },
      { id: "3114711", label: "In negotiation", displayOrder: 1, probability: "0.7", isClosed: false, won: false },
      { id: "3114712", label: "Renewed", displayOrder: 2, probability: "1.0", isClosed: true, won: true },
      { id: "3114713", label: "Churned", displayOrder: 3, probability: "0.0", isClosed: true, won: false }
    ]
  }
]

/**
 * The stage of an id, in any pipeline.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stageOf = (id: string | null | undefined): Stage | undefined => {
  for (const p of pipelines) for (const s of p.stages) if (s.id === id) return s
  return undefined
}

/**
 * Which of a seeded record's often-empty properties it has (`false`: the
 * property is `null`, or the deal has no associations at all).
 *
 * @since 0.1.0
 * @category models
 */
export interface Sparseness {
  readonly firstName: boolean
  readonly lastName: boolean
  /** A deal without stage and pipeline (one created through the API). */
  readonly stageless: boolean
  readonly amount: boolean
  readonly currency: boolean
  readonly closeDate: boolean
  readonly associations: boolean
}

/**
 * A HubSpot user who owns records.
 *
 * @since 0.1.0
 * @category models
 */
export interface Owner {
  readonly id: string
  readonly email: string
  readonly firstName: string
  readonly lastName: string
  readonly userId: number
}

const INDUSTRIES = [
  "COMPUTER_SOFTWARE", "INFORMATION_TECHNOLOGY_AND_SERVICES", "FINANCIAL_SERVICES", "HOSPITAL_HEALTH_CARE",
  "MARKETING_AND_ADVERTISING", "RETAIL", "CONSTRUCTION", "EDUCATION_MANAGEMENT", "LOGISTICS_AND_SUPPLY_CHAIN",
  "MANAGEMENT_CONSULTING", "TELECOMMUNICATIONS", "REAL_ESTATE", "FOOD_BEVERAGES", "AUTOMOTIVE", "INSURANCE"
]
const LIFECYCLE = [
  "subscriber", "lead", "lead", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer",
  "customer", "evangelist", "other"
]
// HubSpot's `country` is free text: the same country is spelled several
// ways in one portal, and now and then in a way no ISO code is found for.
const COUNTRIES = [
  "United States", "United States", "United States", "United States", "United States", "USA", "USA", "US",
  "United States of America", "united states", "U.S.", "United Kingdom", "United Kingdom", "UK", "England",
  "Germany", "Germany", "Deutschland", "France", "Canada", "Canada", "Netherlands", "The Netherlands", "Australia",
  "Ireland", "India", "Spain"
]
const DEAL_KINDS = ["New business", "Renewal", "Expansion", "Upsell", "Pilot", "Platform licence", "Services"]
const FREE_MAIL = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com"]
const TLDS = ["com", "com", "com", "io", "co", "net"]
const CURRENCIES = ["USD", "USD", "USD", "EUR", "GBP"]

// Seeded records were created and last changed between these instants; the
// fake's clock starts after them, so every mutation is newer than any seed.
const SEED_FROM = Date.UTC(2022, 0, 1)
const DAY = 86_400_000

const typeSalt: Readonly<Record<ObjectType, number>> = { contacts: 0x1c0, companies: 0x2c0, deals: 0x3c0 }

const slug = (s: string): string =>
  s.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "x"

const digits = (random: () => number, n: number): string =>
  Array.from({ length: n }, () => Math.floor(random() * 10)).join("")

const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * The seeded portal of one fake: sizes, pools, owners, and per-record
 * generators.
 *
 * @since 0.1.0
 * @category models
 */
export class SeedData {
  readonly pools: Seeded.Pools
  readonly owners: ReadonlyArray<Owner>

  constructor(
    readonly seed: number,
    readonly sizes: Readonly<Record<ObjectType, number>>,
    /** The fake clock's start: every seeded timestamp is before it. */
    readonly until: number
  ) {
    this.pools = Seeded.pools(seed)
    const r = Seeded.prng(seed ^ 0x0a11ce)
    this.owners = Array.from({ length: 12 }, (_, k) => {
      const firstName = Seeded.pick(r, this.pools.firstNames)
      const lastName = Seeded.pick(r, this.pools.lastNames)
      return {
        id: String(71_200_300 + k * 7919),
        email: `${slug(firstName)}.${slug(lastName)}@northwind-traders.example`,
        firstName,
        lastName,
        userId: 9_100_000 + k
      }
    })
  }

  private random(type: ObjectType, i: number, salt = 0): () => number {
    return Seeded.recordRandom((this.seed ^ typeSalt[type]) + salt, i)
  }

  /** Creation and last-modification instants of seeded record `i` (ms). */
  times(type: ObjectType, i: number): { readonly created: number; readonly modified: number } {
    const r = this.random(type, i, 7)
    const span = this.until - SEED_FROM - DAY
    const created = SEED_FROM + Math.floor(r() * span)
    const modified = created + Math.floor(r() * (this.until - 1000 - created))
    return { created, modified }
  }

  /**
   * How sparse seeded record `i` is, from its own stream (so the other
   * properties of a seed stay what they were). Rates follow what real
   * portals hold: contacts known only by their e-mail, deals created through
   * the API without a stage, pipeline, amount or any association.
   */
  sparseness(type: ObjectType, i: number): Sparseness {
    const s = this.random(type, i, 29)
    const names = s()
    const stageless = s() < 0.1
    return {
      firstName: !(names < 0.06 || (names >= 0.14 && names < 0.17)),
      lastName: !(names < 0.14),
      stageless,
      amount: s() >= (stageless ? 0.6 : 0.12),
      currency: s() >= 0.3,
      closeDate: !stageless && s() >= 0.15,
      associations: s() >= (stageless ? 0.7 : 0.12)
    }
  }

  private owner(r: () => number): string | null {
    return r() < 0.9 ? Seeded.pick(r, this.owners).id : null
  }

  private companyName(j: number): string {
    return Seeded.pick(this.random("companies", j), this.pools.companies)
  }

  /** A company's domain, derived from its name. */
  companyDomain(j: number): string {
    const r = this.random("companies", j)
    const name = Seeded.pick(r, this.pools.companies)
    return `${slug(name)}.${Seeded.pick(r, TLDS)}`
  }

  private address(r: () => number, withLine2: boolean): Properties {
    if (r() >= 0.75) return { address: null, address2: null, city: null, state: null, zip: null, country: null }
    return {
      address: Seeded.pick(r, this.pools.streets),
      address2: withLine2 && r() < 0.25 ? `Suite ${100 + Math.floor(r() * 900)}` : null,
      city: Seeded.pick(r, this.pools.cities),
      state: Seeded.pick(r, this.pools.states),
      zip: digits(r, 5),
      country: Seeded.pick(r, COUNTRIES)
    }
  }

  private phone(r: () => number): string {
    return `+1 ${200 + Math.floor(r() * 700)}-${200 + Math.floor(r() * 700)}-${digits(r, 4)}`
  }

  /** Seeded contact `i`. */
  contact(i: number): Properties {
    const r = this.random("contacts", i)
    const sparse = this.sparseness("contacts", i)
    const { created, modified } = this.times("contacts", i)
    const first = Seeded.pick(r, this.pools.firstNames)
    const last = Seeded.pick(r, this.pools.lastNames)
    const company = this.sizes.companies > 0 && r() < 0.85 ? Math.floor(r() * this.sizes.companies) : undefined
    const domain = company === undefined ? Seeded.pick(r, FREE_MAIL) : this.companyDomain(company)
    const { address2: _, ...address } = this.address(r, false)
    const id = String(idBase.contacts + i)
    return {
      firstname: sparse.firstName ? first : null,
      lastname: sparse.lastName ? last : null,
      email: `${slug(first).replace(/-/g, "")}.${slug(last).replace(/-/g, "")}.${i}@${domain}`,
      phone: r() < 0.8 ? this.phone(r) : null,
      mobilephone: r() < 0.5 ? this.phone(r) : null,
      jobtitle: r() < 0.9 ? Seeded.pick(r, this.pools.jobTitles) : null,
      lifecyclestage: Seeded.pick(r, LIFECYCLE),
      hubspot_owner_id: this.owner(r),
      associatedcompanyid: company === undefined ? null : String(idBase.companies + company),
      ...address,
      hs_additional_emails: null,
      hs_merged_object_ids: null,
      createdate: iso(created),
      lastmodifieddate: iso(modified),
      hs_object_id: id
    }
  }

  /** Seeded company `j`. */
  company(j: number): Properties {
    const r = this.random("companies", j)
    const { created, modified } = this.times("companies", j)
    const name = Seeded.pick(r, this.pools.companies)
    const domain = `${slug(name)}.${Seeded.pick(r, TLDS)}`
    const size = [8, 25, 60, 140, 400, 1200, 5000][Math.floor(r() * 7)]!
    return {
      name,
      domain,
      industry: r() < 0.85 ? Seeded.pick(r, INDUSTRIES) : null,
      numberofemployees: String(Math.max(1, Math.round(size * (0.5 + r())))),
      phone: r() < 0.8 ? this.phone(r) : null,
      description: r() < 0.4
        ? `${Seeded.pick(r, this.pools.words)} and ${Seeded.pick(r, this.pools.words)} for ${Seeded.pick(r, this.pools.words)} teams`
        : null,
      hubspot_owner_id: this.owner(r),
      ...this.address(r, true),
      hs_merged_object_ids: null,
      createdate: iso(created),
      hs_lastmodifieddate: iso(modified),
      hs_object_id: String(idBase.companies + j)
    }
  }

  /** Seeded deal `k`. */
  deal(k: number): Properties {
    const r = this.random("deals", k)
    const sparse = this.sparseness("deals", k)
    const { created, modified } = this.times("deals", k)
    const company = this.sizes.companies > 0 && r() < 0.9 ? Math.floor(r() * this.sizes.companies) : undefined
    const pipeline = r() < 0.8 ? pipelines[0]! : pipelines[1]!
    const stage = Seeded.pick(r, pipeline.stages)
    const cents = r() < 0.3
    const amount = cents ? (Math.floor(r() * 5_000_000) / 100).toFixed(2) : String(Math.floor(r() * 200) * 500 + 500)
    const close = created + Math.floor(r() * 200) * DAY
    const owner = this.owner(r)
    return {
      dealname: `${company === undefined ? Seeded.pick(r, this.pools.companies) : this.companyName(company)} – ${Seeded.pick(r, DEAL_KINDS)}`,
      amount: sparse.amount ? amount : null,
      deal_currency_code: sparse.currency ? Seeded.pick(r, CURRENCIES) : null,
      pipeline: sparse.stageless ? null : pipeline.id,
      dealstage: sparse.stageless ? null : stage.id,
      // HubSpot's calculation for a deal without a stage.
      hs_is_closed: sparse.stageless ? null : String(stage.isClosed),
      hs_is_closed_won: sparse.stageless ? "false" : String(stage.won),
      closedate: sparse.closeDate ? iso(close - (close % DAY)) : null,
      hubspot_owner_id: owner,
      hs_merged_object_ids: null,
      createdate: iso(created),
      hs_lastmodifieddate: iso(modified),
      hs_object_id: String(idBase.deals + k)
    }
  }

  /** Seeded record `i` of a type. */
  record(type: ObjectType, i: number): Properties {
    return type === "contacts" ? this.contact(i) : type === "companies" ? this.company(i) : this.deal(i)
  }

  /** A seeded deal's companies (primary first) and contacts. */
  dealAssociations(k: number): Associations {
    if (!this.sparseness("deals", k).associations) return { companies: [], contacts: [] }
    const r = this.random("deals", k)
    const company = this.sizes.companies > 0 && r() < 0.9 ? Math.floor(r() * this.sizes.companies) : undefined
    const c = this.random("deals", k, 13)
    const n = this.sizes.contacts === 0 ? 0 : 1 + Math.floor(c() * 3)
    const contacts = new Set<string>()
    for (let x = 0; x < n; x++) contacts.add(String(idBase.contacts + Math.floor(c() * this.sizes.contacts)))
    return {
      companies: company === undefined ? [] : [String(idBase.companies + company)],
      contacts: [...contacts]
    }
  }
}
