import * as Seeded from "../kit/Seeded.js"
import {
  APPLICATION_SLOTS,
  IDS,
  PHONE_TYPES,
  PROSPECT_POOLS,
  PROSPECT_STAGES,
  REJECTION_REASONS,
  SOURCES,
  STAGES,
  TAGS,
  USERS,
  WEBSITE_TYPES
} from "./vocabulary.js"
import type {
  ApplicationJson,
  CandidateBase,
  DepartmentJson,
  IdName,
  JobJson,
  OfficeJson,
  OpeningJson,
  TypedValue,
  UserRef
} from "./records.js"

/**
 * Seeded Harvest data: candidate *i*, its applications and job *j* depend
 * only on the seed and the index, so any page of a million records is built
 * on demand. Timestamps come from their own PRNG streams so a "changed since"
 * filter can test a record without building it.
 *
 * @since 0.1.0
 */

const DAY = 86_400_000
const YEAR = 365 * DAY

const SALT = {
  candidateTime: 0x5bd1e995,
  applicationCount: 0x165667b1,
  application: 0x27d4eb2f,
  applicationTime: 0x7feb352d,
  job: 0x846ca68b,
  jobTime: 0x2c1b3c6d,
  user: 0x297a2d39
} as const

const iso = (ms: number): string => new Date(ms).toISOString()
const slug = (s: string): string => s.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]/g, "")
const chance = (random: () => number, p: number): boolean => random() < p
const between = (random: () => number, from: number, to: number): number => from + Math.floor(random() * Math.max(0, to - from))

/**
 * The timestamps of a seeded application.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApplicationTimes {
  readonly applied: number
  readonly rejected: number
  readonly lastActivity: number
}

/**
 * The generator of one fake organisation.
 *
 * @since 0.1.0
 * @category constructors
 */
export class Generator {
  private readonly pools: Seeded.Pools
  /** No seeded timestamp is later than this: a day before the fake's start. */
  readonly horizon: number
  private readonly users: ReadonlyArray<UserRef>
  private readonly departments: ReadonlyArray<DepartmentJson>
  private readonly offices: ReadonlyArray<OfficeJson>
  /** applicationStart[i] = global position of candidate i's first application. */
  private readonly applicationStart: Uint32Array

  constructor(
    readonly seed: number,
    readonly candidates: number,
    readonly jobs: number,
    readonly startMs: number
  ) {
    this.pools = Seeded.pools(seed)
    this.horizon = startMs - DAY
    this.users = Array.from({ length: USERS }, (_, u) => {
      const random = Seeded.recordRandom(seed ^ SALT.user, u)
      const first = Seeded.pick(random, this.pools.firstNames)
      const last = Seeded.pick(random, this.pools.lastNames)
      return { id: IDS.user + u, first_name: first, last_name: last, name: `${first} ${last}`, employee_id: String(1000 + u) }
    })
    this.departments = this.pools.departments.slice(0, 12).map((name, k) => ({
      id: IDS.department + k,
      name,
      parent_id: null,
      child_ids: [],
      external_id: null
    }))
    this.offices = this.pools.cities.slice(0, 8).map((city, k) => ({
      id: IDS.office + k,
      name: city,
      location: { name: `${city}, ${this.pools.countries[k % this.pools.countries.length]}` },
      primary_contact_user_id: IDS.user + k,
      parent_id: null,
      child_ids: [],
      external_id: `OFF-${k + 1}`
    }))
    this.applicationStart = new Uint32Array(candidates + 1)
    for (let i = 0; i < candidates; i++) this.applicationStart[i + 1] = this.applicationStart[i]! + this.applicationCount(i)
  }

  /** Seeded applications in all. */
  get applications(): number {
    return this.applicationStart[this.candidates]!
  }

  private user(random: () => number): UserRef {
    return Seeded.pick(random, this.users)
  }

  // ---- jobs --------------------------------------------------------------

  jobId(j: number): number {
    return IDS.job + j
  }

  jobIndex(id: number): number | undefined {
    const j = id - IDS.job
    return Number.isInteger(j) && j >= 0 && j < this.jobs ? j : undefined
  }

  /** A seeded job's status, from the first draw of its stream (cheap). */
  jobStatus(j: number): JobJson["status"] {
    const d = Seeded.recordRandom(this.seed ^ SALT.job, j)()
    return d < 0.6 ? "open" : d < 0.9 ? "closed" : "draft"
  }

  jobUpdatedAt(j: number): number {
    return this.jobTimes(j, this.jobStatus(j)).updated
  }

  private jobTimes(j: number, status: JobJson["status"]) {
    const random = Seeded.recordRandom(this.seed ^ SALT.jobTime, j)
    const created = this.horizon - Math.floor(random() * 3 * YEAR)
    const opened = status === "draft" ? null : between(random, created, created + 20 * DAY)
    const closed = status === "closed" && opened !== null ? between(random, opened, this.horizon) : null
    const edited = between(random, Math.max(created, closed ?? opened ?? created), this.horizon)
    return { created, opened, closed, updated: Math.min(this.horizon, edited) }
  }

  stage(jobId: number, k: number): IdName {
    return { id: IDS.stage + (jobId - IDS.job) * 8 + k, name: STAGES[k]! }
  }

  job(j: number, invalidDate = false): JobJson {
    const status = this.jobStatus(j)
    const random = Seeded.recordRandom(this.seed ^ SALT.job, j)
    random() // the status draw
    const times = this.jobTimes(j, status)
    const id = this.jobId(j)
    const title = Seeded.pick(random, this.pools.jobTitles)
    const office = Seeded.pick(random, this.offices)
    const offices = chance(random, 0.2) ? [office, Seeded.pick(random, this.offices)].filter((o, k, all) => all.indexOf(o) === k) : [office]
    const name = chance(random, 0.3) ? `${title} - ${office.name}` : title
    const openingCount = 1 + Math.floor(random() * 3)
    const openings: Array<OpeningJson> = Array.from({ length: openingCount }, (_, k) => ({
      id: IDS.opening + j * 4 + k,
      opening_id: chance(random, 0.7) ? `${j + 1}-${k + 1}` : null,
      status: status === "closed" ? "closed" : "open",
      opened_at: times.opened === null ? null : iso(times.opened),
      closed_at: times.closed === null ? null : iso(times.closed),
      application_id: null,
      close_reason: status === "closed" ? { id: 689, name: "Position cancelled" } : null
    }))
    const employment = Seeded.pick(random, ["Full-Time", "Full-Time", "Part-Time", "Contract", "Intern"])
    return {
      id,
      name,
      requisition_id: chance(random, 0.85) ? `REQ-${1000 + j}` : null,
      notes: chance(random, 0.5) ? `<p>${Seeded.pick(random, this.pools.words)} experience a plus.</p>` : null,
      confidential: chance(random, 0.08),
      status,
      created_at: iso(times.created),
      opened_at: invalidDate ? "2023-13-01" : times.opened === null ? null : iso(times.opened),
      closed_at: times.closed === null ? null : iso(times.closed),
      updated_at: iso(times.updated),
      is_template: false,
      copied_from_id: null,
      departments: [Seeded.pick(random, this.departments)],
      offices,
      custom_fields: { employment_type: employment },
      keyed_custom_fields: { employment_type: { name: "Employment Type", type: "single_select", value: employment } },
      hiring_team: {
        hiring_managers: distinct([this.user(random), ...(chance(random, 0.3) ? [this.user(random)] : [])]),
        recruiters: distinct([this.user(random), ...(chance(random, 0.3) ? [this.user(random)] : [])]).map((u, k) => ({
          ...u,
          responsible: k === 0
        })),
        coordinators: chance(random, 0.6) ? [{ ...this.user(random), responsible: true }] : [],
        sourcers: chance(random, 0.4) ? [this.user(random)] : []
      },
      openings
    }
  }

  /** A job index near `j` that candidates can apply to (not a draft). */
  private appliableJob(j: number): number {
    for (let k = 0; k < this.jobs; k++) {
      const candidate = (j + k) % this.jobs
      if (this.jobStatus(candidate) !== "draft") return candidate
    }
    return j
  }

  // ---- candidates ----------------------------------------------------------

  candidateId(i: number): number {
    return IDS.candidate + i
  }

  candidateIndex(id: number): number | undefined {
    const i = id - IDS.candidate
    return Number.isInteger(i) && i >= 0 && i < this.candidates ? i : undefined
  }

  candidateTimes(i: number): { readonly created: number; readonly updated: number } {
    const random = Seeded.recordRandom(this.seed ^ SALT.candidateTime, i)
    const created = this.horizon - Math.floor(random() * 3 * YEAR)
    return { created, updated: between(random, created, this.horizon) }
  }

  /** Candidate `i` (any index, also past the seeded ones: created candidates reuse the generator). */
  candidate(i: number, invalidEmail = false): CandidateBase {
    const random = Seeded.recordRandom(this.seed, i)
    const times = this.candidateTimes(i)
    const first = Seeded.pick(random, this.pools.firstNames)
    const last = Seeded.pick(random, this.pools.lastNames)
    const company = chance(random, 0.85) ? Seeded.pick(random, this.pools.companies) : null
    const title = chance(random, 0.8) ? Seeded.pick(random, this.pools.jobTitles) : null
    const handle = `${slug(first)}.${slug(last)}${i % 97 === 0 ? "" : String(i % 1000)}`
    const emails: Array<TypedValue> = [
      { value: invalidEmail ? `${handle} at ${Seeded.pick(random, this.pools.domains)}` : `${handle}@${Seeded.pick(random, this.pools.domains)}`, type: "personal" }
    ]
    if (company !== null && chance(random, 0.4)) emails.push({ value: `${slug(first)}@${slug(company).slice(0, 20)}.com`, type: "work" })
    const phones = Array.from({ length: Math.floor(random() * 3) }, () => ({
      value: `+1 ${between(random, 201, 989)}-555-${String(between(random, 100, 9999)).padStart(4, "0")}`,
      type: Seeded.pick(random, PHONE_TYPES)
    }))
    const addresses = chance(random, 0.3)
      ? [{ value: `${Seeded.pick(random, this.pools.streets)}\n${Seeded.pick(random, this.pools.cities)}, ${Seeded.pick(random, this.pools.states)}`, type: "home" }]
      : []
    const websites = chance(random, 0.25) ? [{ value: `${slug(first)}${slug(last)}.dev`, type: Seeded.pick(random, WEBSITE_TYPES) }] : []
    const social = chance(random, 0.4) ? [{ value: `linkedin.com/in/${slug(first)}-${slug(last)}-${i}` }] : []
    const tags = distinct(Array.from({ length: Math.floor(random() * 4) }, () => Seeded.pick(random, TAGS)))
    return {
      id: this.candidateId(i),
      first_name: first,
      last_name: last,
      company,
      title,
      created_at: iso(times.created),
      updated_at: iso(times.updated),
      last_activity: iso(times.updated),
      is_private: chance(random, 0.03),
      photo_url: null,
      attachments: [],
      phone_numbers: phones,
      addresses,
      email_addresses: emails,
      website_addresses: websites,
      social_media_addresses: social,
      recruiter: chance(random, 0.6) ? this.user(random) : null,
      coordinator: chance(random, 0.4) ? this.user(random) : null,
      can_email: chance(random, 0.95),
      tags,
      educations: [],
      employments: [],
      linked_user_ids: [],
      custom_fields: {},
      keyed_custom_fields: {}
    }
  }

  // ---- applications --------------------------------------------------------

  applicationCount(i: number): number {
    return 1 + Math.floor(Seeded.recordRandom(this.seed ^ SALT.applicationCount, i)() * 3)
  }

  /** The ids of seeded candidate `i`'s applications. */
  applicationIds(i: number): Array<number> {
    return Array.from({ length: this.applicationCount(i) }, (_, slot) => IDS.application + i * APPLICATION_SLOTS + slot)
  }

  /** The global position of an application id among the seeded ones. */
  applicationPosition(id: number): number | undefined {
    const offset = id - IDS.application
    if (!Number.isInteger(offset) || offset < 0) return undefined
    const i = Math.floor(offset / APPLICATION_SLOTS)
    const slot = offset % APPLICATION_SLOTS
    if (i >= this.candidates || slot >= this.applicationCount(i)) return undefined
    return this.applicationStart[i]! + slot
  }

  /** Candidate index and slot of a global application position. */
  private locate(position: number): { readonly i: number; readonly slot: number } {
    let lo = 0
    let hi = this.candidates - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.applicationStart[mid]! <= position) lo = mid
      else hi = mid - 1
    }
    return { i: lo, slot: position - this.applicationStart[lo]! }
  }

  applicationIdAt(position: number): number {
    const { i, slot } = this.locate(position)
    return IDS.application + i * APPLICATION_SLOTS + slot
  }

  applicationTimes(i: number, slot: number): ApplicationTimes {
    const random = Seeded.recordRandom(this.seed ^ SALT.applicationTime, i * APPLICATION_SLOTS + slot)
    const candidateCreated = this.candidateTimes(i).created
    const applied = between(random, candidateCreated, candidateCreated + Math.floor((this.horizon - candidateCreated) * 0.6))
    const lastActivity = between(random, applied, this.horizon)
    return { applied, lastActivity, rejected: between(random, applied, lastActivity) }
  }

  applicationLastActivity(position: number): number {
    const { i, slot } = this.locate(position)
    return this.applicationTimes(i, slot).lastActivity
  }

  application(position: number, invalidDate = false): ApplicationJson {
    const { i, slot } = this.locate(position)
    const id = IDS.application + i * APPLICATION_SLOTS + slot
    const random = Seeded.recordRandom(this.seed ^ SALT.application, i * APPLICATION_SLOTS + slot)
    const times = this.applicationTimes(i, slot)
    const prospect = chance(random, 0.08)
    const source = Seeded.pick(random, SOURCES)
    const base = {
      id,
      candidate_id: this.candidateId(i),
      prospect,
      applied_at: invalidDate ? "30/02/2023 14:00" : iso(times.applied),
      last_activity_at: iso(times.lastActivity),
      location: chance(random, 0.5)
        ? { address: `${Seeded.pick(random, this.pools.cities)}, ${Seeded.pick(random, this.pools.states)}, USA` }
        : null,
      source: { id: source.id, public_name: source.public_name },
      credited_to: this.user(random),
      recruiter: chance(random, 0.5) ? this.user(random) : null,
      coordinator: chance(random, 0.3) ? this.user(random) : null,
      answers: chance(random, 0.5) ? [{ question: "How did you hear about this job?", answer: source.public_name }] : [],
      prospective_office: null,
      prospective_department: null,
      custom_fields: {},
      keyed_custom_fields: {},
      attachments: []
    } as const
    if (prospect) {
      const jobCount = Seeded.pick(random, [0, 0, 1, 1, 2])
      const jobs = distinct(Array.from({ length: jobCount }, () => this.jobId(this.appliableJob(Math.floor(random() * this.jobs)))))
      const owner = this.user(random)
      return {
        ...base,
        rejected_at: null,
        rejection_reason: null,
        rejection_details: null,
        jobs: jobs.map((jobId) => ({ id: jobId, name: "" })),
        job_post_id: null,
        status: chance(random, 0.1) ? "converted" : "active",
        current_stage: null,
        prospect_detail: {
          prospect_pool: Seeded.pick(random, PROSPECT_POOLS),
          prospect_stage: Seeded.pick(random, PROSPECT_STAGES),
          prospect_owner: { id: owner.id, name: owner.name }
        }
      }
    }
    const j = this.appliableJob(Math.floor(random() * this.jobs))
    const jobId = this.jobId(j)
    const d = random()
    const status = d < 0.55 ? "active" : d < 0.9 ? "rejected" : "hired"
    const reason = Seeded.pick(random, REJECTION_REASONS)
    const stage = status === "hired" ? STAGES.length - 1 : Math.floor(random() * (STAGES.length - 1))
    return {
      ...base,
      rejected_at: status === "rejected" ? iso(times.rejected) : null,
      rejection_reason: status === "rejected" ? { id: reason.id, name: reason.name, type: reason.type } : null,
      rejection_details: status === "rejected" ? { custom_fields: {}, keyed_custom_fields: {} } : null,
      jobs: [{ id: jobId, name: "" }],
      job_post_id: chance(random, 0.6) ? IDS.jobPost + j : null,
      status,
      current_stage: this.stage(jobId, stage),
      prospect_detail: { prospect_pool: null, prospect_stage: null, prospect_owner: null }
    }
  }

  /** A user of the organisation (for created records). */
  someUser(n: number): UserRef {
    return this.users[n % this.users.length]!
  }
}

const distinct = <A>(items: ReadonlyArray<A>): Array<A> => items.filter((x, k) => items.indexOf(x) === k)
