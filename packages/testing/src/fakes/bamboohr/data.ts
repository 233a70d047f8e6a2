import * as Seeded from "../kit/Seeded.js"

/**
 * Seeded BambooHR employees: the employee at index `i` is derived from
 * `(seed, i)` on demand, so a company of a million people costs nothing until a page of
 * it is asked for.
 *
 * @since 0.1.0
 */

/**
 * An employee as the fake stores it. These are storage names: the names
 * BambooHR's endpoints answer to, and how each reads a row, are in
 * `fields.ts`. Empty values are `null`, as BambooHR sends them.
 *
 * @since 0.1.0
 * @category models
 */
export interface EmployeeRow {
  /** BambooHR's employee id (`id`, `employeeId`). */
  readonly id: string
  /** The number the company gives the employee (`employeeNumber`): not the id, and sometimes unset. */
  readonly employeeNumber: string | null
  readonly firstName: string
  readonly lastName: string
  readonly middleName: string | null
  readonly preferredName: string | null
  readonly displayName: string
  readonly status: "Active" | "Inactive"
  readonly jobTitleName: string
  readonly department: string
  readonly division: string
  readonly location: string
  readonly employmentStatus: string
  /** The manager's employee id (not their employee number). */
  readonly reportsToId: string | null
  readonly workEmail: string | null
  readonly homeEmail: string | null
  readonly workPhone: string | null
  readonly workPhoneExtension: string | null
  readonly mobilePhone: string | null
  readonly homePhone: string | null
  readonly birthDate: string | null
  readonly gender: string | null
  readonly marital: string | null
  readonly hireDate: string
  readonly terminationDate: string | null
  readonly address1: string | null
  readonly address2: string | null
  readonly city: string | null
  readonly state: string | null
  readonly zipcode: string | null
  /** Free text, as BambooHR stores it: mostly its country names, now and then another spelling. */
  readonly country: string | null
  readonly payRate: string | null
  readonly payType: string | null
  /** The unit of `payRate` ("Year", "Hour"). */
  readonly payPer: string | null
  /** How often the employee is paid ("Twice a month"): not the unit of the rate. */
  readonly payFrequency: string | null
  readonly photoUrl: string | null
  /** When BambooHR last saw a change to this employee (ISO 8601, `+00:00`). */
  readonly lastChanged: string
}

const COUNTRY: Record<string, { readonly name: string; readonly currency: string; readonly division: string }> = {
  US: { name: "United States", currency: "USD", division: "North America" },
  CA: { name: "Canada", currency: "CAD", division: "North America" },
  GB: { name: "United Kingdom", currency: "GBP", division: "EMEA" },
  DE: { name: "Germany", currency: "EUR", division: "EMEA" },
  FR: { name: "France", currency: "EUR", division: "EMEA" },
  NL: { name: "Netherlands", currency: "EUR", division: "EMEA" },
  ES: { name: "Spain", currency: "EUR", division: "EMEA" },
  IE: { name: "Ireland", currency: "EUR", division: "EMEA" },
  AU: { name: "Australia", currency: "AUD", division: "APAC" },
  SE: { name: "Sweden", currency: "SEK", division: "EMEA" }
}

/**
 * Other spellings of a home country that real BambooHR records carry now and
 * then (imports, older accounts): some are recognisable ("USA"), some are not
 * a country at all ("England").
 */
const OTHER_SPELLINGS: Readonly<Record<string, ReadonlyArray<string>>> = {
  US: ["USA"],
  GB: ["UK", "England"],
  NL: ["Holland"]
}

const DAY = 86_400_000
const HIRE_FROM = Date.UTC(2010, 0, 4)
const HIRE_TO = Date.UTC(2025, 10, 28)

/**
 * A calendar date (`YYYY-MM-DD`) of a UTC instant.
 *
 * @since 0.1.0
 * @category formatting
 */
export const isoDay = (ms: number): string => {
  // Seeded dates fall on a few tens of thousands of days: formatting each once keeps pages cheap.
  const day = Math.floor(ms / DAY)
  let text = dayCache.get(day)
  if (text === undefined) {
    text = new Date(day * DAY).toISOString().slice(0, 10)
    dayCache.set(day, text)
  }
  return text
}

const dayCache = new Map<number, string>()

const two = (n: number): string => (n < 10 ? `0${n}` : String(n))

/**
 * BambooHR's timestamp form: seconds precision with a `+00:00` offset.
 *
 * @since 0.1.0
 * @category formatting
 */
export const bambooTimestamp = (ms: number): string => {
  const seconds = Math.floor((ms - Math.floor(ms / DAY) * DAY) / 1000)
  return `${isoDay(ms)}T${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}+00:00`
}

const slug = (s: string): string => s.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]/g, "")

const digits = (random: () => number, n: number): string => {
  let out = ""
  for (let i = 0; i < n; i++) out += Math.floor(random() * 10)
  return out
}

/**
 * The company's org pools for a seed: departments, work locations.
 *
 * @since 0.1.0
 * @category models
 */
export interface Org {
  readonly departments: ReadonlyArray<string>
  readonly locations: ReadonlyArray<{ readonly name: string; readonly country: string; readonly state: string }>
}

const orgCache = new Map<number, Org>()

/**
 * @since 0.1.0
 * @category constructors
 */
export const org = (seed: number): Org => {
  const cached = orgCache.get(seed)
  if (cached !== undefined) return cached
  const pools = Seeded.pools(seed)
  const random = Seeded.prng(seed ^ 0x5eed)
  const countries = ["US", "US", "US", "GB", "DE", "CA", "NL", "AU"]
  const made: Org = {
    departments: pools.departments.slice(0, 12),
    locations: countries.map((country, i) => {
      const city = pools.cities[i % pools.cities.length]!
      return { name: country === "US" ? `${city}, ${Seeded.pick(random, pools.states)}` : city, country, state: Seeded.pick(random, pools.states) }
    })
  }
  orgCache.set(seed, made)
  return made
}

/**
 * What decides the shape of the org chart, cheap to compute for any index:
 * whether employee `index` is terminated, and whom they report to.
 */
const traits = (seed: number, index: number): { readonly inactive: boolean; readonly manager: number | null } => {
  const random = Seeded.prng(Math.imul(seed ^ 0x27d4eb2f, 0x165667b1) ^ Math.imul(index + 7, 0x9e3779b1))
  const inactive = index > 0 && random() < 0.05
  const manager = index === 0 ? null : Math.floor(random() * index)
  return { inactive, manager }
}

/**
 * The index of employee `index`'s manager: an earlier employee, skipping
 * terminated ones so that active people report to active people.
 *
 * @since 0.1.0
 * @category constructors
 */
export const managerOf = (seed: number, index: number): number | null => {
  let manager = traits(seed, index).manager
  while (manager !== null && manager > 0 && traits(seed, manager).inactive) manager = traits(seed, manager).manager
  return manager
}

/**
 * The id of the employee at `index` (0-based): BambooHR ids are integers.
 *
 * @since 0.1.0
 * @category constructors
 */
export const idOf = (index: number): string => String(index + 1)

/**
 * The seeded employee at `index`. `hiredAt` pins the hire date (for
 * employees hired by a mutation); `nowMs` bounds every past timestamp.
 *
 * @since 0.1.0
 * @category constructors
 */
export const employee = (
  seed: number,
  index: number,
  options: { readonly domain: string; readonly nowMs: number; readonly hiredAt?: number }
): EmployeeRow => {
  const pools = Seeded.pools(seed)
  const company = org(seed)
  const random = Seeded.recordRandom(seed, index)
  const { inactive } = options.hiredAt === undefined ? traits(seed, index) : { inactive: false }
  const manager = managerOf(seed, index)
  const id = idOf(index)

  const firstName = Seeded.pick(random, pools.firstNames)
  const lastName = Seeded.pick(random, pools.lastNames)
  const preferredName = random() < 0.12 ? Seeded.pick(random, pools.firstNames) : null
  const middleName = random() < 0.3 ? Seeded.pick(random, pools.firstNames) : null
  const location = company.locations[Math.floor(random() * company.locations.length)]!
  const country = COUNTRY[location.country]!
  const homeCountry = random() < 0.9 ? location.country : Seeded.pick(random, Object.keys(COUNTRY))

  // BambooHR's default employment statuses (admins can add more).
  const typeDraw = random()
  const employmentType = typeDraw < 0.74
    ? "Full-Time"
    : typeDraw < 0.86
    ? "Part-Time"
    : typeDraw < 0.93
    ? "Contractor"
    : typeDraw < 0.96
    ? "Intern"
    : typeDraw < 0.99
    ? "Temporary"
    : "Per Diem"

  const hiredAt = options.hiredAt ?? HIRE_FROM + Math.floor(random() * ((HIRE_TO - HIRE_FROM) / DAY)) * DAY
  const terminatedAt = inactive
    ? Math.min(hiredAt + (30 + Math.floor(random() * 2000)) * DAY, options.nowMs - 7 * DAY)
    : undefined
  const birthAt = Date.UTC(1960 + Math.floor(random() * 43), Math.floor(random() * 12), 1 + Math.floor(random() * 28))
  const lastTouched = Math.max(hiredAt, terminatedAt ?? 0)
  const changedAt = options.hiredAt !== undefined
    ? options.hiredAt
    : lastTouched + Math.floor(random() * Math.max(1, options.nowMs - DAY - lastTouched))

  const salaried = employmentType === "Full-Time"
  const amount = salaried
    ? (45_000 + Math.floor(random() * 350) * 500).toFixed(2)
    : (15 + Math.floor(random() * 120) / 2).toFixed(2)

  const genderDraw = random()
  const maritalDraw = random()
  const first = slug(firstName)
  const last = slug(lastName)
  // A stream of its own, so the draws above (and so every other field) stay what they were.
  const late = Seeded.prng(Math.imul(seed ^ 0x2545f491, 0x27d4eb2d) ^ Math.imul(index + 11, 0x85ebca6b))
  const spellings = OTHER_SPELLINGS[homeCountry] ?? []
  const homeCountryText = spellings.length > 0 && late() < 0.08 ? Seeded.pick(late, spellings) : COUNTRY[homeCountry]!.name
  return {
    id,
    // Numbers run three ahead of ids, so a number read as an id names another (real) employee.
    employeeNumber: late() < 0.03 ? null : String(index + 4),
    firstName,
    lastName,
    middleName,
    preferredName,
    displayName: `${preferredName ?? firstName} ${lastName}`,
    status: inactive ? "Inactive" : "Active",
    jobTitleName: index === 0 ? "Chief Executive Officer" : Seeded.pick(random, pools.jobTitles),
    department: Seeded.pick(random, company.departments),
    division: country.division,
    location: location.name,
    employmentStatus: inactive ? "Terminated" : employmentType,
    reportsToId: manager === null ? null : idOf(manager),
    workEmail: `${first}.${last}${id}@${options.domain}.example.com`,
    homeEmail: random() < 0.6 ? `${first}${last.slice(0, 3)}${id}@${Seeded.pick(random, pools.domains)}` : null,
    workPhone: random() < 0.8 ? `801-555-${digits(random, 4)}` : null,
    workPhoneExtension: random() < 0.2 ? digits(random, 3) : null,
    mobilePhone: random() < 0.7 ? `385-${digits(random, 3)}-${digits(random, 4)}` : null,
    homePhone: random() < 0.25 ? `801-${digits(random, 3)}-${digits(random, 4)}` : null,
    birthDate: random() < 0.95 ? isoDay(birthAt) : null,
    gender: genderDraw < 0.48 ? "Male" : genderDraw < 0.96 ? "Female" : genderDraw < 0.98 ? "Non-binary" : null,
    marital: maritalDraw < 0.4
      ? "Single"
      : maritalDraw < 0.8
      ? "Married"
      : maritalDraw < 0.86
      ? "Domestic Partnership"
      : maritalDraw < 0.93
      ? "Divorced"
      : maritalDraw < 0.96
      ? "Separated"
      : maritalDraw < 0.98
      ? "Widowed"
      : null,
    hireDate: isoDay(hiredAt),
    terminationDate: terminatedAt === undefined ? null : isoDay(terminatedAt),
    address1: Seeded.pick(random, pools.streets),
    address2: random() < 0.15 ? `Apt ${1 + Math.floor(random() * 400)}` : null,
    city: Seeded.pick(random, pools.cities),
    state: homeCountry === "US" ? Seeded.pick(random, pools.states) : null,
    zipcode: digits(random, 5),
    country: homeCountryText,
    payRate: `${amount} ${country.currency}`,
    payType: salaried ? "Salary" : "Hourly",
    payPer: salaried ? "Year" : "Hour",
    payFrequency: location.country === "US" ? "Twice a month" : "Monthly",
    photoUrl: random() < 0.7 ? `https://images.example.com/photos/${id}.jpg` : null,
    lastChanged: bambooTimestamp(Math.floor(changedAt / 1000) * 1000)
  }
}
