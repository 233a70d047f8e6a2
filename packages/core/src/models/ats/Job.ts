import * as Schema from "effect/Schema"
import { IsoDateTime, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"
import { CustomFields, OrgUnit } from "./fields.js"

/**
 * `ats.job`: an opening candidates apply to.
 *
 * @since 0.1.0
 */

// The shared ATS field schemas this record uses (since 0.1.0).
export { CustomField, CustomFields, CustomFieldValue, OrgUnit } from "./fields.js"

/**
 * @since 0.1.0
 * @category fields
 */
export const JobStatus = Schema.Literal("open", "closed", "draft", "archived")

/**
 * A job in the common ATS model.
 *
 * @example
 * ```ts
 * import { Job } from "@weft/core/models"
 * new Job.Job({ id: "7", name: "Staff Engineer", status: "open", departments: ["Engineering"] })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Job extends Schema.Class<Job>("ats.job")({
  id: RecordId,
  ...remoteTimestamps,
  name: Schema.optional(Schema.String),
  code: Schema.optional(Schema.String),
  status: Schema.optional(JobStatus),
  confidential: Schema.optional(Schema.Boolean),
  /** Internal notes about the job, as the provider stores them (Greenhouse: HTML). */
  notes: Schema.optional(Schema.String),
  /** The names of the job's departments. */
  departments: Schema.optional(Schema.Array(Schema.String)),
  /** The names of the job's offices. */
  offices: Schema.optional(Schema.Array(Schema.String)),
  /** The job's departments with their ids and place in the department tree. */
  departmentDetails: Schema.optional(Schema.Array(OrgUnit)),
  /** The job's offices with their ids, location and place in the office tree. */
  officeDetails: Schema.optional(Schema.Array(OrgUnit)),
  hiringManagerIds: Schema.optional(Schema.Array(Schema.String)),
  recruiterIds: Schema.optional(Schema.Array(Schema.String)),
  openings: Schema.optional(Schema.Number),
  openedAt: Schema.optional(IsoDateTime),
  closedAt: Schema.optional(IsoDateTime),
  customFields: Schema.optional(CustomFields),
  rawValues: Schema.optional(RawValues)
}) {}

/**
 * The `ats.job` model. Inactive = archived.
 *
 * @since 0.1.0
 * @category models
 */
export const model: Model.Model<Job> = Model.define({
  name: "ats.job",
  category: "ats",
  description: "A job opening",
  schema: Job,
  fieldGroups: {
    details: ["name", "code", "status", "confidential", "openings", "openedAt", "closedAt", "notes"],
    organisation: ["departments", "offices", "departmentDetails", "officeDetails"],
    hiringTeam: ["hiringManagerIds", "recruiterIds"],
    customFields: ["customFields"],
    rawValues: ["rawValues"]
  },
  isInactive: (job) => job.status === "archived"
})
