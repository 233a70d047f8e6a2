import * as Schema from "effect/Schema"

/**
 * The Greenhouse Harvest v1 objects Weft reads, as Schemas of their documented
 * JSON. Harvest renders absent values as `null`, so nullable fields are
 * `NullOr`; fields Weft does not map are left out (decoding ignores them).
 *
 * The readers map records through the defensive mappers in `mapping.ts` rather
 * than decoding each record here first: a record with one bad value must reach
 * Weft as a record the common model rejects (counted `invalid`), not fail the
 * whole page. These Schemas document the shape, type the mappers' view of a
 * record and decode single-record and error answers.
 *
 * @since 0.1.0
 */

const Id = Schema.Number
const Timestamp = Schema.String
const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

/**
 * A user as embedded in other objects (recruiter, hiring team member…).
 *
 * @since 0.1.0
 * @category models
 */
export const UserRef = Schema.Struct({
  id: Id,
  first_name: nullable(Schema.String),
  last_name: nullable(Schema.String),
  name: nullable(Schema.String),
  employee_id: nullable(Schema.String),
  responsible: Schema.optional(Schema.Boolean)
})

/**
 * `{ value, type }` entries of a candidate's e-mails, phones, addresses and
 * websites.
 *
 * @since 0.1.0
 * @category models
 */
export const TypedValue = Schema.Struct({ value: Schema.String, type: nullable(Schema.String) })

/**
 * @since 0.1.0
 * @category models
 */
export const IdName = Schema.Struct({ id: Id, name: Schema.String })

/**
 * A document of a candidate or an application. `url` is signed per answer
 * and expires after 7 days.
 *
 * @since 0.1.0
 * @category models
 */
export const Attachment = Schema.Struct({
  filename: Schema.String,
  url: Schema.String,
  /** `resume`, `cover_letter`, `offer_packet`, `offer_letter`, `take_home_test` or `other`. */
  type: nullable(Schema.String),
  created_at: nullable(Timestamp)
})

/**
 * `custom_fields`: every active custom field of the object by its name-derived
 * key, `null` when unset.
 *
 * @since 0.1.0
 * @category models
 */
export const CustomFields = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * `keyed_custom_fields`: the same fields by their immutable field key, with
 * their label and type.
 *
 * @since 0.1.0
 * @category models
 */
export const KeyedCustomFields = Schema.Record({
  key: Schema.String,
  value: Schema.Struct({ name: nullable(Schema.String), type: nullable(Schema.String), value: Schema.Unknown })
})

/**
 * A department or office (embedded in jobs, and as a prospect's prospective
 * department or office). Both are trees: `parent_id` and `child_ids`.
 *
 * @since 0.1.0
 * @category models
 */
export const Unit = Schema.Struct({
  id: Id,
  name: Schema.String,
  parent_id: nullable(Id),
  child_ids: Schema.optional(Schema.Array(Id)),
  external_id: nullable(Schema.String),
  /** Offices only. */
  location: nullable(Schema.Struct({ name: nullable(Schema.String) }))
})

/**
 * The application object (`GET /v1/applications`, and embedded in candidates).
 *
 * @since 0.1.0
 * @category models
 */
export const Application = Schema.Struct({
  id: Id,
  candidate_id: Id,
  prospect: Schema.Boolean,
  applied_at: nullable(Timestamp),
  rejected_at: nullable(Timestamp),
  last_activity_at: nullable(Timestamp),
  source: nullable(Schema.Struct({ id: Id, public_name: Schema.String })),
  credited_to: nullable(UserRef),
  recruiter: nullable(UserRef),
  coordinator: nullable(UserRef),
  rejection_reason: nullable(
    Schema.Struct({ id: Id, name: Schema.String, type: nullable(Schema.Struct({ id: Id, name: Schema.String })) })
  ),
  /** One job for a candidate application; zero or more for a prospect. */
  jobs: Schema.Array(IdName),
  job_post_id: nullable(Id),
  /** One of `active`, `rejected`, `hired`, `converted`. */
  status: Schema.String,
  current_stage: nullable(IdName),
  prospect_detail: nullable(
    Schema.Struct({
      prospect_pool: nullable(IdName),
      prospect_stage: nullable(IdName),
      prospect_owner: nullable(IdName)
    })
  ),
  prospective_department: nullable(Unit),
  prospective_office: nullable(Unit),
  custom_fields: nullable(CustomFields),
  keyed_custom_fields: nullable(KeyedCustomFields),
  attachments: Schema.optional(Schema.Array(Attachment))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Application = typeof Application.Type

/**
 * The candidate object (`GET /v1/candidates`).
 *
 * @since 0.1.0
 * @category models
 */
export const Candidate = Schema.Struct({
  id: Id,
  first_name: nullable(Schema.String),
  last_name: nullable(Schema.String),
  company: nullable(Schema.String),
  title: nullable(Schema.String),
  created_at: nullable(Timestamp),
  updated_at: nullable(Timestamp),
  last_activity: nullable(Timestamp),
  is_private: Schema.Boolean,
  application_ids: Schema.Array(Id),
  /** `home`, `work`, `mobile`, `skype` or `other`. */
  phone_numbers: Schema.Array(TypedValue),
  addresses: Schema.Array(TypedValue),
  /** `personal`, `work` or `other`. */
  email_addresses: Schema.Array(TypedValue),
  /** `personal`, `company`, `portfolio`, `blog` or `other`. */
  website_addresses: Schema.Array(TypedValue),
  social_media_addresses: Schema.Array(Schema.Struct({ value: Schema.String })),
  recruiter: nullable(UserRef),
  coordinator: nullable(UserRef),
  can_email: Schema.optional(Schema.Boolean),
  tags: Schema.Array(Schema.String),
  applications: Schema.Array(Application),
  /** The candidate's documents and those of all their applications. */
  attachments: Schema.Array(Attachment),
  educations: Schema.Array(Schema.Struct({
    id: Id,
    school_name: nullable(Schema.String),
    degree: nullable(Schema.String),
    discipline: nullable(Schema.String),
    start_date: nullable(Timestamp),
    end_date: nullable(Timestamp)
  })),
  employments: Schema.Array(Schema.Struct({
    id: Id,
    company_name: nullable(Schema.String),
    title: nullable(Schema.String),
    start_date: nullable(Timestamp),
    end_date: nullable(Timestamp)
  })),
  custom_fields: nullable(CustomFields),
  keyed_custom_fields: nullable(KeyedCustomFields)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Candidate = typeof Candidate.Type

/**
 * One opening of a job.
 *
 * @since 0.1.0
 * @category models
 */
export const Opening = Schema.Struct({
  id: Id,
  opening_id: nullable(Schema.String),
  /** `open` or `closed`. */
  status: Schema.String,
  opened_at: nullable(Timestamp),
  closed_at: nullable(Timestamp),
  application_id: nullable(Id),
  close_reason: nullable(IdName)
})

/**
 * The job object (`GET /v1/jobs`).
 *
 * @since 0.1.0
 * @category models
 */
export const Job = Schema.Struct({
  id: Id,
  name: Schema.String,
  requisition_id: nullable(Schema.String),
  /** HTML. */
  notes: nullable(Schema.String),
  confidential: Schema.Boolean,
  /** `open`, `closed` or `draft`. */
  status: Schema.String,
  created_at: nullable(Timestamp),
  opened_at: nullable(Timestamp),
  closed_at: nullable(Timestamp),
  updated_at: nullable(Timestamp),
  is_template: nullable(Schema.Boolean),
  departments: Schema.Array(Schema.NullOr(Unit)),
  offices: Schema.Array(Unit),
  custom_fields: nullable(CustomFields),
  keyed_custom_fields: nullable(KeyedCustomFields),
  hiring_team: Schema.Struct({
    hiring_managers: Schema.Array(UserRef),
    recruiters: Schema.Array(UserRef),
    coordinators: Schema.Array(UserRef),
    sourcers: Schema.Array(UserRef)
  }),
  openings: Schema.Array(Opening)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Job = typeof Job.Type

/**
 * A list answer: a JSON array of objects. Each object is mapped on its own.
 *
 * @since 0.1.0
 * @category models
 */
export const Page = Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/**
 * What Harvest answers on errors: `{ "message": … }`, with `errors` on 422.
 *
 * @since 0.1.0
 * @category models
 */
export const ErrorBody = Schema.Struct({
  message: Schema.String,
  errors: Schema.optional(Schema.Array(Schema.Struct({ message: Schema.String, field: Schema.optional(Schema.String) })))
})

/**
 * The collections Weft reads, with their paths, the filter Harvest offers for
 * "changed since" and the permission a Harvest key needs for them (as named in
 * Greenhouse's *Manage Permissions* screen).
 *
 * @since 0.1.0
 * @category constants
 */
export const endpoints = {
  candidates: {
    path: "/v1/candidates",
    changedSince: "updated_after",
    permission: "Candidates › GET: List Candidates",
    label: "candidates"
  },
  applications: {
    path: "/v1/applications",
    // Applications have no `updated_at`; Harvest filters them by last activity.
    changedSince: "last_activity_after",
    permission: "Applications › GET: List Applications",
    label: "applications"
  },
  jobs: {
    path: "/v1/jobs",
    changedSince: "updated_after",
    permission: "Jobs › GET: List Jobs",
    label: "jobs"
  }
} as const

/**
 * @since 0.1.0
 * @category models
 */
export type Collection = keyof typeof endpoints

/**
 * Harvest's largest `per_page`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_PAGE_SIZE = 500
