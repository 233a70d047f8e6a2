import type { Application, Candidate, Job } from "@weft/core/models"

/**
 * Harvest objects → common ATS records.
 *
 * The mappers read a record defensively and never throw: a value that is
 * present is carried to its normalised field as is, so a value of the wrong
 * kind (a bad e-mail, a date that is not ISO 8601, a string where a list
 * belongs) makes Weft count the record `invalid` with the normalised path,
 * instead of failing the page. `null` and absent values are omitted, never
 * invented. Each normalised enum keeps the provider's own string in
 * `rawValues` under the normalised field's path.
 *
 * @since 0.1.0
 */

type Raw = Readonly<Record<string, unknown>>
type Shape<A> = { -readonly [K in keyof A]?: unknown }

/**
 * What to do with prospect applications (Harvest applications with
 * `prospect: true`, attached to zero, one or several jobs).
 *
 * @since 0.1.0
 * @category models
 */
export type Prospects = "include" | "exclude"

const isObject = (u: unknown): u is Raw => typeof u === "object" && u !== null && !Array.isArray(u)

/** `null` is Harvest's "no value": omit it. Anything else is kept for the model to judge. */
const present = (u: unknown): unknown => (u === null ? undefined : u)

/** Harvest ids are numbers; the common models use strings. */
const idOf = (u: unknown): unknown => (typeof u === "number" || typeof u === "string" ? String(u) : present(u))

const listOf = (u: unknown, f: (item: unknown, index: number) => unknown): unknown =>
  Array.isArray(u) ? u.map(f) : present(u)

const field = (u: unknown, key: string): unknown => (isObject(u) ? present(u[key]) : undefined)

const compact = <A extends object>(record: A): A => {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(record)) if (v !== undefined) out[key] = v
  return out as A
}

/** Collects `rawValues` while a record's enums are mapped. */
class RawValues {
  private readonly values: Record<string, string> = {}
  /** The normalised value of `raw` per `table`; unknown strings are omitted but kept raw. */
  map(raw: unknown, table: Readonly<Record<string, string>>, path: string): unknown {
    if (typeof raw !== "string") return present(raw)
    this.values[path] = raw
    return Object.prototype.hasOwnProperty.call(table, raw) ? table[raw] : undefined
  }
  result(): Record<string, string> | undefined {
    return Object.keys(this.values).length === 0 ? undefined : this.values
  }
}

const EMAIL_TYPES = { personal: "personal", work: "work", other: "other" }
// Harvest's `skype` has no common counterpart; it stays visible in rawValues.
const PHONE_TYPES = { home: "home", work: "work", mobile: "mobile", skype: "other", other: "other" }
// `converted` (a prospect application turned into a candidate application) has
// no common status: it is left out, and kept in rawValues.
const APPLICATION_STATUS = { active: "active", rejected: "rejected", hired: "hired" }
const JOB_STATUS = { open: "open", closed: "closed", draft: "draft" }

const isProspect = (application: unknown): boolean => isObject(application) && application.prospect === true

/**
 * A Harvest candidate as an `ats.candidate` record.
 *
 * Websites become links typed with Harvest's website type; social media
 * addresses become links of type `"social"`. With `prospects: "exclude"`,
 * `applicationIds` leaves out prospect applications.
 *
 * @since 0.1.0
 * @category mapping
 */
export const candidate = (raw: Raw, options: { readonly prospects: Prospects }): Shape<Candidate.Candidate> => {
  const rawValues = new RawValues()
  const websites = Array.isArray(raw.website_addresses)
    ? raw.website_addresses.map((w) => (isObject(w) ? compact({ type: present(w.type), url: present(w.value) }) : w))
    : []
  const social = Array.isArray(raw.social_media_addresses)
    ? raw.social_media_addresses.map((s) => (isObject(s) ? compact({ type: "social", url: present(s.value) }) : s))
    : []
  const links = [...websites, ...social]
  const applications = raw.applications
  const applicationIds = options.prospects === "exclude" && Array.isArray(applications)
    ? applications.filter((a) => !isProspect(a)).map((a) => idOf(field(a, "id")))
    : listOf(raw.application_ids, idOf)
  return compact({
    id: idOf(raw.id),
    remoteCreatedAt: present(raw.created_at),
    remoteUpdatedAt: present(raw.updated_at),
    firstName: present(raw.first_name),
    lastName: present(raw.last_name),
    company: present(raw.company),
    title: present(raw.title),
    emails: listOf(raw.email_addresses, (e, i) =>
      isObject(e) ? compact({ type: rawValues.map(e.type, EMAIL_TYPES, `emails.${i}.type`), value: present(e.value) }) : e),
    phones: listOf(raw.phone_numbers, (p, i) =>
      isObject(p) ? compact({ type: rawValues.map(p.type, PHONE_TYPES, `phones.${i}.type`), number: present(p.value) }) : p),
    links: links.length === 0 && raw.website_addresses == null && raw.social_media_addresses == null ? undefined : links,
    tags: present(raw.tags),
    applicationIds,
    rawValues: rawValues.result()
  })
}

const named = (u: unknown, nameKey = "name"): unknown =>
  isObject(u) ? compact({ id: idOf(u.id), name: present(u[nameKey]) }) : present(u)

/**
 * A Harvest application as an `ats.application` record.
 *
 * - `jobId` is set when the application has exactly one job (always the case
 *   for candidate applications); a prospect application on no job or on
 *   several jobs has none.
 * - `currentStage` is the job stage; for a prospect (no job stage) it is the
 *   prospect stage of its pool.
 * - `status` `converted` is left out (kept in `rawValues`).
 *
 * @since 0.1.0
 * @category mapping
 */
export const application = (raw: Raw): Shape<Application.Application> => {
  const rawValues = new RawValues()
  const jobs = raw.jobs
  const jobId = Array.isArray(jobs) ? (jobs.length === 1 ? idOf(field(jobs[0], "id")) : undefined) : present(jobs)
  const stage = present(raw.current_stage) ?? (isProspect(raw) ? field(raw.prospect_detail, "prospect_stage") : undefined)
  return compact({
    id: idOf(raw.id),
    remoteUpdatedAt: present(raw.last_activity_at),
    candidateId: idOf(raw.candidate_id),
    jobId,
    status: rawValues.map(raw.status, APPLICATION_STATUS, "status"),
    currentStage: named(stage),
    source: named(raw.source, "public_name"),
    rejectionReason: field(raw.rejection_reason, "name"),
    appliedAt: present(raw.applied_at),
    rejectedAt: present(raw.rejected_at),
    rawValues: rawValues.result()
  })
}

const names = (u: unknown): unknown =>
  Array.isArray(u) ? u.filter((x) => x !== null).map((x) => (isObject(x) ? present(x.name) : x)) : present(u)

const ids = (u: unknown): unknown => listOf(u, (x) => (isObject(x) ? idOf(x.id) : x))

/**
 * A Harvest job as an `ats.job` record. `code` is the requisition id;
 * `openings` counts the job's openings that are still open.
 *
 * @since 0.1.0
 * @category mapping
 */
export const job = (raw: Raw): Shape<Job.Job> => {
  const rawValues = new RawValues()
  const team = raw.hiring_team
  const openings = raw.openings
  return compact({
    id: idOf(raw.id),
    remoteCreatedAt: present(raw.created_at),
    remoteUpdatedAt: present(raw.updated_at),
    name: present(raw.name),
    code: present(raw.requisition_id),
    status: rawValues.map(raw.status, JOB_STATUS, "status"),
    confidential: present(raw.confidential),
    departments: names(raw.departments),
    offices: names(raw.offices),
    hiringManagerIds: isObject(team) ? ids(team.hiring_managers) : undefined,
    recruiterIds: isObject(team) ? ids(team.recruiters) : undefined,
    openings: Array.isArray(openings) ? openings.filter((o) => field(o, "status") === "open").length : present(openings),
    openedAt: present(raw.opened_at),
    closedAt: present(raw.closed_at),
    rawValues: rawValues.result()
  })
}

/**
 * Whether a Harvest application is a prospect application.
 *
 * @since 0.1.0
 * @category mapping
 */
export const isProspectApplication = isProspect
