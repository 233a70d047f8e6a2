import type * as Seeded from "../kit/Seeded.js"
import { Collection, type Filter, type TimeFilter, timeFilter } from "./collection.js"
import { Generator } from "./generator.js"
import type { ApplicationJson, AttachmentJson, CandidateBase, CandidateJson, JobJson, OpeningJson } from "./records.js"
import { CANDIDATE_FIELDS, type CustomFieldDef, IDS, JOB_FIELDS, REJECTION_REASONS, SOURCES } from "./vocabulary.js"

/**
 * The state of one fake Greenhouse organisation: seeded collections, the
 * mutations tests drive (each moves the provider's own change signals:
 * `updated_at`, `last_activity_at`), and the records as Harvest serves them.
 *
 * @since 0.1.0
 */

/**
 * Which seeded records carry a value the common models reject, by position
 * (0-based, in id order): candidates get an e-mail without `@`, applications
 * an `applied_at` that is not ISO 8601, jobs an `opened_at` without a time.
 *
 * @since 0.1.0
 * @category models
 */
export interface InvalidRecords {
  readonly candidates?: ReadonlyArray<number>
  readonly applications?: ReadonlyArray<number>
  readonly jobs?: ReadonlyArray<number>
}

/**
 * Candidate fields a test may change.
 *
 * @since 0.1.0
 * @category models
 */
export type CandidatePatch = Partial<
  Pick<CandidateBase, "first_name" | "last_name" | "company" | "title" | "tags" | "email_addresses" | "phone_numbers">
>

/**
 * Job fields a test may change.
 *
 * @since 0.1.0
 * @category models
 */
export type JobPatch = Partial<Pick<JobJson, "name" | "requisition_id" | "confidential">>

const STEP_MS = 1000
const iso = (ms: number) => new Date(ms).toISOString()
const ms = (timestamp: string) => Date.parse(timestamp)
/** `20260105T090000Z`, as in a signed link's `X-Amz-Date`. */
const amzDate = (at: number) => iso(at).replace(/[-:]/g, "").replace(/\.\d{3}/, "")

/** A hex digest-looking string of `n` characters, from integers (no realism needed, only that it varies). */
const hexOf = (n: number, ...parts: ReadonlyArray<number>): string => {
  let h = 0x811c9dc5
  for (const part of parts) h = Math.imul(h ^ (part | 0), 0x01000193) ^ Math.imul((part / 4294967296) | 0, 0x27d4eb2f)
  let out = ""
  for (let k = 0; out.length < n; k++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ k
    out += (h >>> 0).toString(16).padStart(8, "0")
  }
  return out.slice(0, n)
}

/**
 * @since 0.1.0
 * @category models
 */
export class Organisation {
  readonly generator: Generator
  readonly candidates: Collection<CandidateBase>
  readonly applications: Collection<ApplicationJson>
  readonly jobs: Collection<JobJson>
  /** Applications created for a candidate after seeding. */
  private readonly addedApplications = new Map<number, Array<number>>()
  private nextCandidate: number
  private nextApplication = 0
  private nextJob: number
  private nextOpening = 0
  /** Answers served so far: attachment links are signed per answer. */
  private answers = 0

  constructor(
    options: { readonly seed: number; readonly candidates: number; readonly jobs: number; readonly invalid?: InvalidRecords | undefined },
    readonly clock: Seeded.FakeClock
  ) {
    const g = new Generator(options.seed, options.candidates, options.jobs, clock.now())
    this.generator = g
    const bad = (list: ReadonlyArray<number> | undefined) => new Set(list ?? [])
    const badCandidates = bad(options.invalid?.candidates)
    const badApplications = bad(options.invalid?.applications)
    const badJobs = bad(options.invalid?.jobs)
    this.candidates = new Collection({
      count: g.candidates,
      idAt: (i) => g.candidateId(i),
      positionOf: (id) => g.candidateIndex(id),
      make: (i) => g.candidate(i, badCandidates.has(i))
    })
    this.applications = new Collection({
      count: g.applications,
      idAt: (p) => g.applicationIdAt(p),
      positionOf: (id) => g.applicationPosition(id),
      make: (p) => g.application(p, badApplications.has(p))
    })
    this.jobs = new Collection({
      count: g.jobs,
      idAt: (j) => g.jobId(j),
      positionOf: (id) => g.jobIndex(id),
      make: (j) => g.job(j, badJobs.has(j))
    })
    this.nextCandidate = g.candidates
    this.nextJob = g.jobs
  }

  private tick(): string {
    return iso(this.clock.advance(STEP_MS))
  }

  // ---- reading, as served ------------------------------------------------

  /** Counts an answer: the links served from here on carry a new signature. */
  beginAnswer(): void {
    this.answers++
  }

  /**
   * A document with its link signed for the current answer, valid 7 days
   * from the provider's clock, as Harvest serves them: the same document gets
   * a different `url` in every answer.
   */
  private sign(attachment: AttachmentJson): AttachmentJson {
    const now = this.clock.now()
    const query = [
      "X-Amz-Algorithm=AWS4-HMAC-SHA256",
      `X-Amz-Credential=FAKEHARVESTKEY%2F${amzDate(now).slice(0, 8)}%2Fus-east-1%2Fs3%2Faws4_request`,
      `X-Amz-Date=${amzDate(now)}`,
      "X-Amz-Expires=604800",
      "X-Amz-SignedHeaders=host",
      `X-Amz-Signature=${hexOf(64, this.generator.seed, this.answers, now, attachment.url.length, ms(attachment.created_at))}`
    ].join("&")
    return { ...attachment, url: `${attachment.url}?${query}` }
  }

  /** An application with its jobs' current names and signed attachment links. */
  presentApplication(application: ApplicationJson): ApplicationJson {
    return {
      ...application,
      jobs: application.jobs.map((j) => ({ id: j.id, name: this.jobs.get(j.id)?.name ?? "" })),
      attachments: application.attachments.map((a) => this.sign(a))
    }
  }

  /** The live applications of a candidate, in id order. */
  applicationsOf(candidateId: number): Array<ApplicationJson> {
    const i = this.generator.candidateIndex(candidateId)
    const ids = [...(i === undefined ? [] : this.generator.applicationIds(i)), ...(this.addedApplications.get(candidateId) ?? [])]
    return ids.flatMap((id) => {
      const application = this.applications.get(id)
      return application === undefined ? [] : [this.presentApplication(application)]
    })
  }

  /** A candidate with its applications; its attachments are its own and all of its applications'. */
  presentCandidate(candidate: CandidateBase): CandidateJson {
    const applications = this.applicationsOf(candidate.id)
    return {
      ...candidate,
      attachments: [...candidate.attachments.map((a) => this.sign(a)), ...applications.flatMap((a) => a.attachments)],
      application_ids: applications.map((a) => a.id),
      applications
    }
  }

  candidate(id: number): CandidateJson | undefined {
    const candidate = this.candidates.get(id)
    return candidate === undefined ? undefined : this.presentCandidate(candidate)
  }

  application(id: number): ApplicationJson | undefined {
    const application = this.applications.get(id)
    return application === undefined ? undefined : this.presentApplication(application)
  }

  job(id: number): JobJson | undefined {
    return this.jobs.get(id)
  }

  /** Filters of the list endpoints, over each collection's change timestamp. */
  candidateFilter(filter: TimeFilter): Filter<CandidateBase> | undefined {
    const g = this.generator
    return timeFilter<CandidateBase>(filter, g.horizon, (c) => ms(c.updated_at), (c) => ms(c.created_at), (i) => g.candidateTimes(i).updated, (i) =>
      g.candidateTimes(i).created)
  }

  applicationFilter(filter: TimeFilter): Filter<ApplicationJson> | undefined {
    const g = this.generator
    const base = timeFilter<ApplicationJson>(
      filter,
      g.horizon,
      (a) => ms(a.last_activity_at),
      (a) => ms(a.applied_at),
      (p) => g.applicationLastActivity(p),
      (p) => Date.parse(g.application(p).applied_at)
    )
    if (filter.status === undefined) return base
    const status = filter.status
    return {
      key: `${base?.key ?? ""}|status=${status}`,
      matches: (a) => a.status === status && (base?.matches(a) ?? true),
      seeded: (p) => (base?.seeded(p) ?? true) && g.application(p).status === status,
      seededNone: base?.seededNone ?? false
    }
  }

  jobFilter(filter: TimeFilter): Filter<JobJson> | undefined {
    const g = this.generator
    const base = timeFilter<JobJson>(filter, g.horizon, (j) => ms(j.updated_at), (j) => ms(j.created_at), (j) => g.jobUpdatedAt(j), (j) =>
      Date.parse(g.job(j).created_at))
    if (filter.status === undefined) return base
    const status = filter.status
    return {
      key: `${base?.key ?? ""}|status=${status}`,
      matches: (j) => j.status === status && (base?.matches(j) ?? true),
      seeded: (j) => (base?.seeded(j) ?? true) && g.jobStatus(j) === status,
      seededNone: base?.seededNone ?? false
    }
  }

  // ---- mutations -----------------------------------------------------------

  /** Adds a candidate (built like a seeded one, with the given fields) and, unless `jobId` is `null`, an application. */
  createCandidate(input: CandidatePatch & { readonly jobId?: number | null } = {}): { candidate: CandidateJson; application?: ApplicationJson } {
    const now = this.tick()
    const index = this.nextCandidate++
    const { jobId, ...patch } = input
    const base: CandidateBase = {
      ...this.generator.candidate(index),
      ...patch,
      id: IDS.candidate + index,
      created_at: now,
      updated_at: now,
      last_activity: now
    }
    this.candidates.put(base)
    if (jobId === null) return { candidate: this.candidate(base.id)! }
    const application = this.addApplication(base.id, jobId ?? this.firstOpenJob(), now)
    return { candidate: this.candidate(base.id)!, application }
  }

  updateCandidate(id: number, patch: CandidatePatch): CandidateJson {
    const current = this.require(this.candidates.get(id), "candidate", id)
    const now = this.tick()
    this.candidates.put({ ...current, ...patch, updated_at: now, last_activity: now })
    return this.candidate(id)!
  }

  /** A new active application of a candidate on a job (the candidate's `application_ids` change, so it is updated too). */
  addApplication(candidateId: number, jobId: number, at?: string): ApplicationJson {
    const candidate = this.require(this.candidates.get(candidateId), "candidate", candidateId)
    const job = this.require(this.jobs.get(jobId), "job", jobId)
    const now = at ?? this.tick()
    const id = IDS.createdApplication + this.nextApplication++
    const source = SOURCES[0]
    const index = this.generator.candidateIndex(candidateId) ?? candidateId - IDS.candidate
    const attachments = this.generator.applicationAttachments(
      index,
      id,
      { viaJobPost: true, prospect: false, stage: 0, hired: false },
      { applied: ms(now), lastActivity: ms(now) },
      // Every draw says yes: a résumé and a cover letter.
      () => 0
    )
    const application: ApplicationJson = {
      id,
      candidate_id: candidateId,
      prospect: false,
      applied_at: now,
      rejected_at: null,
      last_activity_at: now,
      location: null,
      source: { id: source.id, public_name: source.public_name },
      credited_to: this.generator.someUser(id),
      recruiter: null,
      coordinator: null,
      rejection_reason: null,
      rejection_details: null,
      jobs: [{ id: job.id, name: job.name }],
      job_post_id: IDS.jobPost + (job.id - IDS.job),
      status: "active",
      current_stage: this.generator.stage(job.id, 0),
      answers: [],
      prospective_office: null,
      prospective_department: null,
      prospect_detail: { prospect_pool: null, prospect_stage: null, prospect_owner: null },
      ...this.generator.applicationFields(),
      attachments
    }
    this.applications.put(application)
    this.addedApplications.set(candidateId, [...(this.addedApplications.get(candidateId) ?? []), id])
    this.candidates.put({ ...candidate, updated_at: now, last_activity: now })
    return this.presentApplication(application)
  }

  /** Rejects an active application (Harvest refuses any other state). */
  rejectApplication(id: number, reasonId: number = REJECTION_REASONS[0].id): ApplicationJson {
    const current = this.require(this.applications.get(id), "application", id)
    if (current.status !== "active") throw new Error(`Application must be 'active' to be rejected, is currently '${current.status}'`)
    const reason = REJECTION_REASONS.find((r) => r.id === reasonId) ?? REJECTION_REASONS[0]
    const now = this.tick()
    this.applications.put({
      ...current,
      status: "rejected",
      rejected_at: now,
      last_activity_at: now,
      rejection_reason: { id: reason.id, name: reason.name, type: reason.type },
      rejection_details: { custom_fields: {}, keyed_custom_fields: {} }
    })
    this.touchCandidateActivity(current.candidate_id, now)
    return this.application(id)!
  }

  /** Hires an active candidate application; fills the job's first open opening, if any (the job changes too). */
  hireApplication(id: number): { application: ApplicationJson; job: JobJson | undefined; filledOpening: boolean } {
    const current = this.require(this.applications.get(id), "application", id)
    if (current.status !== "active" || current.prospect) throw new Error(`Application ${id} is not an active candidate application`)
    const now = this.tick()
    const jobId = current.jobs[0]?.id
    this.applications.put({ ...current, status: "hired", last_activity_at: now, current_stage: this.generator.stage(jobId ?? IDS.job, 6) })
    this.touchCandidateActivity(current.candidate_id, now)
    const job = jobId === undefined ? undefined : this.jobs.get(jobId)
    const open = job?.openings.findIndex((o) => o.status === "open") ?? -1
    if (job === undefined || open === -1) return { application: this.application(id)!, job, filledOpening: false }
    const openings = job.openings.map((o, k): OpeningJson =>
      k === open ? { ...o, status: "closed", closed_at: now, application_id: id, close_reason: { id: 678, name: "Hired" } } : o
    )
    this.jobs.put({ ...job, openings, updated_at: now })
    return { application: this.application(id)!, job: this.jobs.get(job.id), filledOpening: true }
  }

  /** Deletes a candidate; its applications vanish with it (Harvest gives no signal for either). */
  deleteCandidate(id: number): { candidateId: number; applicationIds: ReadonlyArray<number> } {
    this.require(this.candidates.get(id), "candidate", id)
    const applicationIds = this.applicationsOf(id).map((a) => a.id)
    for (const applicationId of applicationIds) this.applications.remove(applicationId)
    this.candidates.remove(id)
    this.tick()
    return { candidateId: id, applicationIds }
  }

  /** Deletes one application (its candidate's `application_ids` change). */
  deleteApplication(id: number): void {
    const current = this.require(this.applications.get(id), "application", id)
    this.applications.remove(id)
    const now = this.tick()
    const candidate = this.candidates.get(current.candidate_id)
    if (candidate !== undefined) this.candidates.put({ ...candidate, updated_at: now, last_activity: now })
  }

  /** Closes a job and its open openings. */
  closeJob(id: number): JobJson {
    const current = this.require(this.jobs.get(id), "job", id)
    const now = this.tick()
    const openings = current.openings.map((o): OpeningJson =>
      o.status === "open" ? { ...o, status: "closed", closed_at: now, close_reason: { id: 689, name: "Position cancelled" } } : o
    )
    this.jobs.put({ ...current, status: "closed", closed_at: now, openings, updated_at: now })
    return this.jobs.get(id)!
  }

  /** A new job, open (default) or draft, built like a seeded one. */
  createJob(input: JobPatch & { readonly status?: "open" | "draft" } = {}): JobJson {
    const now = this.tick()
    const index = this.nextJob++
    const status = input.status ?? "open"
    const template = this.generator.job(index % Math.max(1, this.generator.jobs))
    const id = IDS.job + index
    const job: JobJson = {
      ...template,
      ...input,
      id,
      status,
      requisition_id: input.requisition_id ?? `REQ-${1000 + index}`,
      created_at: now,
      opened_at: status === "open" ? now : null,
      closed_at: null,
      updated_at: now,
      openings: [{
        id: IDS.opening * 3 + this.nextOpening++,
        opening_id: `${index + 1}-1`,
        status: "open",
        opened_at: status === "open" ? now : null,
        closed_at: null,
        application_id: null,
        close_reason: null
      }]
    }
    this.jobs.put(job)
    return job
  }

  /**
   * Sets (or, with `null`, clears) a custom field of a candidate or a job, by
   * its immutable key, in both `custom_fields` and `keyed_custom_fields`; the
   * record's `updated_at` moves, as with an edit in Harvest.
   */
  setCustomField(on: "candidate" | "job", id: number, fieldKey: string, value: unknown): CandidateJson | JobJson {
    const defs: ReadonlyArray<CustomFieldDef> = Object.values(on === "candidate" ? CANDIDATE_FIELDS : JOB_FIELDS)
    const def = defs.find((d) => d.fieldKey === fieldKey)
    if (def === undefined) throw new Error(`The fake has no ${on} custom field ${fieldKey}; it has ${defs.map((d) => d.fieldKey).join(", ")}`)
    const set = <R extends CandidateBase | JobJson>(current: R, now: string): R => ({
      ...current,
      custom_fields: { ...current.custom_fields, [def.key]: value },
      keyed_custom_fields: { ...current.keyed_custom_fields, [def.fieldKey]: { name: def.name, type: def.type, value } },
      updated_at: now
    })
    if (on === "candidate") {
      const current = this.require(this.candidates.get(id), "candidate", id)
      const now = this.tick()
      this.candidates.put({ ...set(current, now), last_activity: now })
      return this.candidate(id)!
    }
    const current = this.require(this.jobs.get(id), "job", id)
    this.jobs.put(set(current, this.tick()))
    return this.jobs.get(id)!
  }

  updateJob(id: number, patch: JobPatch): JobJson {
    const current = this.require(this.jobs.get(id), "job", id)
    this.jobs.put({ ...current, ...patch, updated_at: this.tick() })
    return this.jobs.get(id)!
  }

  private touchCandidateActivity(candidateId: number, now: string) {
    const candidate = this.candidates.get(candidateId)
    if (candidate !== undefined) this.candidates.put({ ...candidate, last_activity: now })
  }

  private firstOpenJob(): number {
    for (let k = 0; k < this.jobs.size; k++) {
      const job = this.jobs.slice(k, 1).items[0]
      if (job?.status === "open") return job.id
    }
    throw new Error("The fake has no open job to apply to")
  }

  private require<A>(value: A | undefined, what: string, id: number): A {
    if (value === undefined) throw new Error(`The fake has no ${what} ${id}`)
    return value
  }
}
