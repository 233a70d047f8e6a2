import * as Seeded from "../kit/Seeded.js"
import {
  APPLICATION_FIELDS,
  APPLICATION_SLOTS,
  CANDIDATE_FIELDS,
  type CustomFieldDef,
  DEGREES,
  DISCIPLINES,
  IDS,
  JOB_FIELDS,
  LANGUAGES,
  NOTICE_PERIODS,
  PHONE_TYPES,
  PROSPECT_POOLS,
  PROSPECT_STAGES,
  REGIONS,
  REJECTION_REASONS,
  SCHOOLS,
  SOURCES,
  STAGES,
  TAGS,
  TOP_DEPARTMENTS,
  USERS,
  WEBSITE_TYPES
} from "./vocabulary.js"
import type {
  ApplicationJson,
  AttachmentJson,
  CandidateBase,
  CustomFieldsJson,
  DepartmentJson,
  EducationJson,
  EmploymentJson,
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
 * filter can test a record without building it; so do the richer parts
 * (attachments, educations, employments, custom fields, prospects' details),
 * drawn after the fields they came later than.
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
  user: 0x297a2d39,
  candidateExtra: 0x61c88647,
  applicationExtra: 0x3c6ef372,
  jobExtra: 0x1b873593
} as const

const iso = (ms: number): string => new Date(ms).toISOString()
const slug = (s: string): string => s.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]/g, "")
const chance = (random: () => number, p: number): boolean => random() < p
const between = (random: () => number, from: number, to: number): number => from + Math.floor(random() * Math.max(0, to - from))
/** Midnight UTC of an instant: how Harvest stamps education and employment dates. */
const dayOf = (ms: number): string => `${iso(ms).slice(0, 10)}T00:00:00.000Z`
const fileSlug = (s: string): string => s.normalize("NFKD").replace(/[^A-Za-z0-9]/g, "")

/**
 * `custom_fields` and `keyed_custom_fields` of an object: every field of
 * `defs`, `null` where `values` has none.
 *
 * @since 0.1.0
 * @category constructors
 */
export const customFields = (
  defs: Readonly<Record<string, CustomFieldDef>>,
  values: Readonly<Record<string, unknown>>
): CustomFieldsJson => {
  const plain: Record<string, unknown> = {}
  const keyed: Record<string, { name: string; type: string; value: unknown }> = {}
  for (const [name, def] of Object.entries(defs)) {
    const value = values[name] ?? null
    plain[def.key] = value
    keyed[def.fieldKey] = { name: def.name, type: def.type, value }
  }
  return { custom_fields: plain, keyed_custom_fields: keyed }
}

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
  /** The regional offices above the city offices. */
  private readonly regions: ReadonlyArray<OfficeJson>
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
    // A two-level tree: the first departments are the top, each other one sits below one of them.
    const departmentNames = this.pools.departments.slice(0, 12)
    const parentOf = (k: number) => (k < TOP_DEPARTMENTS ? null : k % TOP_DEPARTMENTS)
    this.departments = departmentNames.map((name, k) => {
      const parent = parentOf(k)
      return {
        id: IDS.department + k,
        name,
        parent_id: parent === null ? null : IDS.department + parent,
        child_ids: departmentNames.flatMap((_, c) => (parentOf(c) === k ? [IDS.department + c] : [])),
        external_id: k % 3 === 0 ? null : `D-${100 + k}`
      }
    })
    const cities = this.pools.cities.slice(0, 8).map((city, k) => ({ city, k, country: this.pools.countries[k % this.pools.countries.length]! }))
    const regionOf = (country: string) => REGIONS.findIndex((r) => r.countries.includes(country))
    this.regions = REGIONS.map((region, r) => ({
      id: IDS.region + r,
      name: region.name,
      location: { name: null },
      primary_contact_user_id: null,
      parent_id: null,
      child_ids: cities.filter((c) => regionOf(c.country) === r).map((c) => IDS.office + c.k),
      external_id: null
    }))
    this.offices = cities.map(({ city, country, k }) => {
      const region = regionOf(country)
      return {
        id: IDS.office + k,
        name: city,
        location: { name: `${city}, ${country}` },
        primary_contact_user_id: IDS.user + k,
        parent_id: region === -1 ? null : IDS.region + region,
        child_ids: [],
        external_id: `OFF-${k + 1}`
      }
    })
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
    const extra = Seeded.recordRandom(this.seed ^ SALT.jobExtra, j)
    const low = 40_000 + 5_000 * Math.floor(extra() * 30)
    const fields = customFields(JOB_FIELDS, {
      employmentType: employment,
      salaryRange: chance(extra, 0.55) ? { min_value: low, max_value: low + 10_000 * (1 + Math.floor(extra() * 5)), unit: "USD" } : null,
      costCenter: chance(extra, 0.4) ? `CC-${1000 + Math.floor(extra() * 40) * 10}` : null,
      remoteEligible: chance(extra, 0.6) ? chance(extra, 0.5) : null
    })
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
      ...fields,
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
    const extra = this.candidateExtra(i, first, last, times)
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
      attachments: extra.attachments,
      phone_numbers: phones,
      addresses,
      email_addresses: emails,
      website_addresses: websites,
      social_media_addresses: social,
      recruiter: chance(random, 0.6) ? this.user(random) : null,
      coordinator: chance(random, 0.4) ? this.user(random) : null,
      can_email: chance(random, 0.95),
      tags,
      educations: extra.educations,
      employments: extra.employments,
      linked_user_ids: extra.linkedUserIds,
      ...extra.fields
    }
  }

  /**
   * A candidate's own documents (their applications' are added when served),
   * schools, positions, custom fields and internal-applicant link.
   */
  private candidateExtra(i: number, first: string, last: string, times: { readonly created: number; readonly updated: number }) {
    const random = Seeded.recordRandom(this.seed ^ SALT.candidateExtra, i)
    const d = random()
    const educations: Array<EducationJson> = Array.from({ length: d < 0.55 ? 0 : d < 0.9 ? 1 : 2 }, (_, k) => {
      const dated = chance(random, 0.6)
      const start = times.created - Math.floor((4 + k * 4 + random() * 12) * YEAR)
      const ongoing = k === 0 && chance(random, 0.08)
      return {
        id: IDS.education + i * 2 + k,
        school_name: chance(random, 0.95) ? Seeded.pick(random, SCHOOLS) : null,
        degree: chance(random, 0.85) ? Seeded.pick(random, DEGREES) : null,
        discipline: chance(random, 0.8) ? Seeded.pick(random, DISCIPLINES) : null,
        start_date: dated ? dayOf(start) : null,
        end_date: dated && !ongoing ? dayOf(start + between(random, 2, 6) * YEAR) : null
      }
    })
    const e = random()
    let until: number | null = chance(random, 0.6) ? null : times.created - Math.floor(random() * YEAR)
    const employments: Array<EmploymentJson> = Array.from({ length: e < 0.5 ? 0 : e < 0.75 ? 1 : e < 0.9 ? 2 : 3 }, (_, k) => {
      const end = until ?? times.created
      const start = end - Math.floor((0.5 + random() * 4) * YEAR)
      const dated = chance(random, 0.75)
      const employment: EmploymentJson = {
        id: IDS.employment + i * 4 + k,
        company_name: Seeded.pick(random, this.pools.companies),
        title: chance(random, 0.9) ? Seeded.pick(random, this.pools.jobTitles) : null,
        start_date: dated ? dayOf(start) : null,
        end_date: dated && until !== null ? dayOf(until) : null
      }
      until = start - Math.floor(random() * 0.5 * YEAR)
      return employment
    })
    const attachments: Array<AttachmentJson> = chance(random, 0.1)
      ? [{
        filename: `${fileSlug(first)}_${fileSlug(last)}_Portfolio.pdf`,
        url: this.attachmentUrl(IDS.attachment + 100_000_000 + i, `${fileSlug(first)}_${fileSlug(last)}_Portfolio.pdf`),
        type: "other",
        created_at: iso(between(random, times.created, times.updated))
      }]
      : []
    const fields = customFields(CANDIDATE_FIELDS, {
      desiredSalary: chance(random, 0.3)
        ? (chance(random, 0.5) ? String(60_000 + 5_000 * Math.floor(random() * 30)) : `$${60 + 5 * Math.floor(random() * 30)}k`)
        : null,
      workRemotely: chance(random, 0.45) ? chance(random, 0.6) : null,
      graduationYear: chance(random, 0.2) ? String(2000 + Math.floor(random() * 25)) : null,
      languages: chance(random, 0.15)
        ? distinct(Array.from({ length: 1 + Math.floor(random() * 3) }, () => Seeded.pick(random, LANGUAGES)))
        : null
    })
    const linkedUserIds = chance(random, 0.02) ? [this.user(random).id] : []
    return { educations, employments, attachments, fields, linkedUserIds }
  }

  /** A document's bare link (the fake signs it per answer). */
  private attachmentUrl(id: number, filename: string): string {
    return `https://grnhse-prod.s3.amazonaws.example/person_attachments/data/${id}/original/${encodeURIComponent(filename)}`
  }

  /** The first and last name of candidate `i` (their first two draws). */
  candidateName(i: number): { readonly first: string; readonly last: string } {
    const random = Seeded.recordRandom(this.seed, i)
    const first = Seeded.pick(random, this.pools.firstNames)
    return { first, last: Seeded.pick(random, this.pools.lastNames) }
  }

  /**
   * The documents of an application: a résumé and often a cover letter for
   * one made through a job post, fewer otherwise; a take-home test past that
   * stage; an offer letter once hired.
   */
  applicationAttachments(
    i: number,
    id: number,
    options: { readonly viaJobPost: boolean; readonly prospect: boolean; readonly stage: number; readonly hired: boolean },
    times: { readonly applied: number; readonly lastActivity: number },
    random: () => number
  ): Array<AttachmentJson> {
    const { first, last } = this.candidateName(i)
    const name = `${fileSlug(first)}_${fileSlug(last)}`
    const out: Array<AttachmentJson> = []
    const add = (type: AttachmentJson["type"], filename: string, at: number) =>
      out.push({ filename, url: this.attachmentUrl(IDS.attachment + (id - IDS.application) * 4 + out.length, filename), type, created_at: iso(at) })
    const resume = options.prospect ? 0.3 : options.viaJobPost ? 0.9 : 0.5
    if (chance(random, resume)) add("resume", `${name}_Resume.${chance(random, 0.8) ? "pdf" : "docx"}`, times.applied)
    if (!options.prospect && chance(random, options.viaJobPost ? 0.35 : 0.1)) add("cover_letter", `${name}_Cover_Letter.pdf`, times.applied)
    if (options.stage >= 3 && chance(random, 0.5)) add("take_home_test", `${name}_Take_Home.zip`, between(random, times.applied, times.lastActivity))
    if (options.hired && chance(random, 0.8)) add("offer_letter", `${name}_Offer_Letter.pdf`, times.lastActivity)
    return out
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
    const extra = Seeded.recordRandom(this.seed ^ SALT.applicationExtra, i * APPLICATION_SLOTS + slot)
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
      ...this.applicationFields(extra)
    } as const
    if (prospect) {
      // Prospects are considered for zero, one or several jobs.
      const jobCount = Seeded.pick(random, [0, 0, 1, 1, 1, 2, 2, 3])
      const jobs = distinct(Array.from({ length: jobCount }, () => this.jobId(this.appliableJob(Math.floor(random() * this.jobs)))))
      const owner = this.user(random)
      const pool = Seeded.pick(random, PROSPECT_POOLS)
      const stage = Seeded.pick(random, PROSPECT_STAGES)
      // A prospect stage belongs to a pool: no pool, no stage.
      const pooled = chance(extra, 0.9)
      return {
        ...base,
        rejected_at: null,
        rejection_reason: null,
        rejection_details: null,
        jobs: jobs.map((jobId) => ({ id: jobId, name: "" })),
        job_post_id: null,
        status: chance(random, 0.1) ? "converted" : "active",
        current_stage: null,
        prospective_department: chance(extra, 0.55) ? Seeded.pick(extra, this.departments) : null,
        prospective_office: chance(extra, 0.45) ? Seeded.pick(extra, chance(extra, 0.2) ? this.regions : this.offices) : null,
        prospect_detail: {
          prospect_pool: pooled ? pool : null,
          prospect_stage: pooled && chance(extra, 0.85) ? stage : null,
          prospect_owner: chance(extra, 0.75) ? { id: owner.id, name: owner.name } : null
        },
        attachments: this.applicationAttachments(i, id, { viaJobPost: false, prospect: true, stage: 0, hired: false }, times, extra)
      }
    }
    const j = this.appliableJob(Math.floor(random() * this.jobs))
    const jobId = this.jobId(j)
    const d = random()
    const status = d < 0.55 ? "active" : d < 0.9 ? "rejected" : "hired"
    const reason = Seeded.pick(random, REJECTION_REASONS)
    const stage = status === "hired" ? STAGES.length - 1 : Math.floor(random() * (STAGES.length - 1))
    const jobPost = chance(random, 0.6) ? IDS.jobPost + j : null
    return {
      ...base,
      rejected_at: status === "rejected" ? iso(times.rejected) : null,
      rejection_reason: status === "rejected" ? { id: reason.id, name: reason.name, type: reason.type } : null,
      rejection_details: status === "rejected" ? { custom_fields: {}, keyed_custom_fields: {} } : null,
      jobs: [{ id: jobId, name: "" }],
      job_post_id: jobPost,
      status,
      current_stage: this.stage(jobId, stage),
      prospective_department: null,
      prospective_office: null,
      prospect_detail: { prospect_pool: null, prospect_stage: null, prospect_owner: null },
      attachments: this.applicationAttachments(i, id, { viaJobPost: jobPost !== null, prospect: false, stage, hired: status === "hired" }, times, extra)
    }
  }

  /** An application's custom fields (`values` drawn from `random`, or all unset). */
  applicationFields(random?: () => number): CustomFieldsJson {
    if (random === undefined) return customFields(APPLICATION_FIELDS, {})
    return customFields(APPLICATION_FIELDS, {
      noticePeriod: chance(random, 0.35) ? Seeded.pick(random, NOTICE_PERIODS) : null,
      relocation: chance(random, 0.25) ? chance(random, 0.3) : null,
      salaryExpectation: chance(random, 0.2) ? { unit: "USD", amount: 60_000 + 5_000 * Math.floor(random() * 30) } : null
    })
  }

  /** A user of the organisation (for created records). */
  someUser(n: number): UserRef {
    return this.users[n % this.users.length]!
  }
}

const distinct = <A>(items: ReadonlyArray<A>): Array<A> => items.filter((x, k) => items.indexOf(x) === k)
