import * as Schema from "effect/Schema"
import { IsoDateTime, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"

/**
 * `ats.job`: an opening candidates apply to.
 *
 * @since 0.1.0
 */

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
  departments: Schema.optional(Schema.Array(Schema.String)),
  offices: Schema.optional(Schema.Array(Schema.String)),
  hiringManagerIds: Schema.optional(Schema.Array(Schema.String)),
  recruiterIds: Schema.optional(Schema.Array(Schema.String)),
  openings: Schema.optional(Schema.Number),
  openedAt: Schema.optional(IsoDateTime),
  closedAt: Schema.optional(IsoDateTime),
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
    details: ["name", "code", "status", "confidential", "openings", "openedAt", "closedAt"],
    organisation: ["departments", "offices"],
    hiringTeam: ["hiringManagerIds", "recruiterIds"],
    rawValues: ["rawValues"]
  },
  isInactive: (job) => job.status === "archived"
})
