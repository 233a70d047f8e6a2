import * as Schema from "effect/Schema"
import { IsoDateTime, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"
import { Attachment, CustomFields, OrgUnit } from "./fields.js"

/**
 * `ats.application`: a candidate applying to a job, or a prospect being
 * considered for zero, one or several jobs.
 *
 * @since 0.1.0
 */

// The shared ATS field schemas this record uses (since 0.1.0).
export { Attachment, AttachmentType, CustomField, CustomFields, CustomFieldValue, OrgUnit } from "./fields.js"

/**
 * @since 0.1.0
 * @category fields
 */
export const ApplicationStatus = Schema.Literal("active", "rejected", "hired")

/**
 * @since 0.1.0
 * @category fields
 */
export const Named = Schema.Struct({
  id: Schema.optional(Schema.String),
  name: Schema.String
})

/**
 * An application in the common ATS model.
 *
 * @example
 * ```ts
 * import { Application } from "@weft/core/models"
 * new Application.Application({ id: "3", candidateId: "9", jobId: "7", jobIds: ["7"], status: "active", currentStage: { name: "Phone screen" } })
 * // A prospect considered for two jobs
 * new Application.Application({ id: "4", candidateId: "9", jobIds: ["7", "8"], prospect: true, prospectPool: { id: "227", name: "Silver Medalists" } })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Application extends Schema.Class<Application>("ats.application")({
  id: RecordId,
  ...remoteTimestamps,
  candidateId: Schema.optional(Schema.String),
  /** The job, when the application is on exactly one (always the case for a candidate application). */
  jobId: Schema.optional(Schema.String),
  /** Every job the application is on: one for a candidate application, zero or more for a prospect. */
  jobIds: Schema.optional(Schema.Array(Schema.String)),
  status: Schema.optional(ApplicationStatus),
  currentStage: Schema.optional(Named),
  source: Schema.optional(Named),
  rejectionReason: Schema.optional(Schema.String),
  appliedAt: Schema.optional(IsoDateTime),
  rejectedAt: Schema.optional(IsoDateTime),
  /**
   * A prospect: someone sourced or interested who has not applied. Their
   * `currentStage` is their stage in the prospect pool.
   */
  prospect: Schema.optional(Schema.Boolean),
  /** Prospects: the pool they are kept in. */
  prospectPool: Schema.optional(Named),
  /** Prospects: the user who owns them (`id` is the user's id). */
  prospectOwner: Schema.optional(Named),
  /** Prospects: the department they are considered for. */
  prospectiveDepartment: Schema.optional(OrgUnit),
  /** Prospects: the office they are considered for. */
  prospectiveOffice: Schema.optional(OrgUnit),
  /** The documents submitted with or added to this application. */
  attachments: Schema.optional(Schema.Array(Attachment)),
  customFields: Schema.optional(CustomFields),
  rawValues: Schema.optional(RawValues)
}) {}

/**
 * The `ats.application` model. Inactive = rejected.
 *
 * @since 0.1.0
 * @category models
 */
export const model: Model.Model<Application> = Model.define({
  name: "ats.application",
  category: "ats",
  description: "A candidate's application to a job, or a prospect considered for jobs",
  schema: Application,
  fieldGroups: {
    links: ["candidateId", "jobId", "jobIds"],
    progress: ["status", "currentStage", "rejectionReason", "appliedAt", "rejectedAt"],
    source: ["source"],
    prospect: ["prospect", "prospectPool", "prospectOwner", "prospectiveDepartment", "prospectiveOffice"],
    attachments: ["attachments"],
    customFields: ["customFields"],
    rawValues: ["rawValues"]
  },
  isInactive: (application) => application.status === "rejected"
})
