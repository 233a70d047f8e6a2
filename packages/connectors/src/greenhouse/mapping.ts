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

const ATTACHMENT_TYPES = {
  resume: "resume",
  cover_letter: "cover_letter",
  offer_letter: "offer_letter",
  offer_packet: "offer_packet",
  take_home_test: "take_home_test",
  other: "other"
}

const isProspect = (application: unknown): boolean => isObject(application) && application.prospect === true

/** Sets a key as an own property, even `__proto__` (custom field keys come from the provider). */
const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Attachments without their `url`: Harvest signs it per answer and it expires
 * after 7 days, so it would change the record on every read.
 */
const attachments = (u: unknown, rawValues: RawValues): unknown =>
  listOf(u, (a, i) =>
    isObject(a)
      ? compact({
        fileName: present(a.filename),
        type: rawValues.map(a.type, ATTACHMENT_TYPES, `attachments.${i}.type`),
        createdAt: present(a.created_at)
      })
      : a)

/**
 * Custom fields with a value, by their immutable key: from
 * `keyed_custom_fields` (which has the label and type), or from
 * `custom_fields` (values only) when an answer has no keyed form.
 */
const customFields = (raw: Raw): unknown => {
  const keyed = present(raw.keyed_custom_fields)
  const source = keyed ?? present(raw.custom_fields)
  if (!isObject(source)) return source
  const out: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(source)) {
    if (keyed === undefined) {
      if (entry !== null) setOwn(out, key, { value: entry })
    } else if (!isObject(entry)) {
      if (entry !== null) setOwn(out, key, entry)
    } else if (entry.value !== null && entry.value !== undefined) {
      setOwn(out, key, compact({ name: present(entry.name), type: present(entry.type), value: entry.value }))
    }
  }
  return Object.keys(out).length === 0 ? undefined : out
}

/** Harvest stamps education and employment dates at midnight UTC: their date is the calendar date. */
const dateOf = (u: unknown): unknown =>
  typeof u === "string" && /^\d{4}-\d{2}-\d{2}T/.test(u) ? u.slice(0, 10) : present(u)

/** A department or office, with its place in the tree. */
const unit = (u: unknown): unknown =>
  isObject(u)
    ? compact({
      id: idOf(u.id),
      name: present(u.name),
      parentId: idOf(u.parent_id),
      childIds: listOf(u.child_ids, idOf),
      externalId: idOf(u.external_id),
      location: field(u.location, "name")
    })
    : present(u)

/**
 * A Harvest candidate as an `ats.candidate` record.
 *
 * Websites become links typed with Harvest's website type; social media
 * addresses become links of type `"social"`. With `prospects: "exclude"`,
 * `applicationIds` leaves out prospect applications. Attachments are listed
 * without their expiring download link; custom fields are keyed by their
 * immutable key (`keyed_custom_fields`).
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
    attachments: attachments(raw.attachments, rawValues),
    educations: listOf(raw.educations, (e) =>
      isObject(e)
        ? compact({
          id: idOf(e.id),
          school: present(e.school_name),
          degree: present(e.degree),
          discipline: present(e.discipline),
          startDate: dateOf(e.start_date),
          endDate: dateOf(e.end_date)
        })
        : e),
    employments: listOf(raw.employments, (e) =>
      isObject(e)
        ? compact({
          id: idOf(e.id),
          company: present(e.company_name),
          title: present(e.title),
          startDate: dateOf(e.start_date),
          endDate: dateOf(e.end_date)
        })
        : e),
    customFields: customFields(raw),
    rawValues: rawValues.result()
  })
}

const ids = (u: unknown): unknown => listOf(u, (x) => (isObject(x) ? idOf(x.id) : x))

const named = (u: unknown, nameKey = "name"): unknown =>
  isObject(u) ? compact({ id: idOf(u.id), name: present(u[nameKey]) }) : present(u)

/**
 * A Harvest application as an `ats.application` record.
 *
 * - `jobIds` lists every job (one for a candidate application, zero or more
 *   for a prospect); `jobId` is set when there is exactly one.
 * - `currentStage` is the job stage; for a prospect (no job stage) it is the
 *   prospect stage of its pool.
 * - `status` `converted` is left out (kept in `rawValues`).
 * - A prospect's pool, owner and prospective department and office come
 *   from `prospect_detail`, `prospective_department` and `prospective_office`.
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
    jobIds: ids(jobs),
    status: rawValues.map(raw.status, APPLICATION_STATUS, "status"),
    currentStage: named(stage),
    source: named(raw.source, "public_name"),
    rejectionReason: field(raw.rejection_reason, "name"),
    appliedAt: present(raw.applied_at),
    rejectedAt: present(raw.rejected_at),
    prospect: present(raw.prospect),
    prospectPool: named(field(raw.prospect_detail, "prospect_pool")),
    prospectOwner: named(field(raw.prospect_detail, "prospect_owner")),
    prospectiveDepartment: unit(raw.prospective_department),
    prospectiveOffice: unit(raw.prospective_office),
    attachments: attachments(raw.attachments, rawValues),
    customFields: customFields(raw),
    rawValues: rawValues.result()
  })
}

const names = (u: unknown): unknown =>
  Array.isArray(u) ? u.filter((x) => x !== null).map((x) => (isObject(x) ? present(x.name) : x)) : present(u)

const units = (u: unknown): unknown => (Array.isArray(u) ? u.filter((x) => x !== null).map(unit) : present(u))

/**
 * A Harvest job as an `ats.job` record. `code` is the requisition id;
 * `openings` counts the job's openings that are still open; departments and
 * offices are given by name and, with their ids and tree, as details.
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
    notes: present(raw.notes),
    departments: names(raw.departments),
    offices: names(raw.offices),
    departmentDetails: units(raw.departments),
    officeDetails: units(raw.offices),
    hiringManagerIds: isObject(team) ? ids(team.hiring_managers) : undefined,
    recruiterIds: isObject(team) ? ids(team.recruiters) : undefined,
    openings: Array.isArray(openings) ? openings.filter((o) => field(o, "status") === "open").length : present(openings),
    openedAt: present(raw.opened_at),
    closedAt: present(raw.closed_at),
    customFields: customFields(raw),
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
