import * as Schema from "effect/Schema"
import { IsoDateTime, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"

/**
 * `ats.application`: one candidate applying to one job.
 *
 * @since 0.1.0
 */

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
 * new Application.Application({ id: "3", candidateId: "9", jobId: "7", status: "active", currentStage: { name: "Phone screen" } })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Application extends Schema.Class<Application>("ats.application")({
  id: RecordId,
  ...remoteTimestamps,
  candidateId: Schema.optional(Schema.String),
  jobId: Schema.optional(Schema.String),
  status: Schema.optional(ApplicationStatus),
  currentStage: Schema.optional(Named),
  source: Schema.optional(Named),
  rejectionReason: Schema.optional(Schema.String),
  appliedAt: Schema.optional(IsoDateTime),
  rejectedAt: Schema.optional(IsoDateTime),
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
  description: "A candidate's application to a job",
  schema: Application,
  fieldGroups: {
    links: ["candidateId", "jobId"],
    progress: ["status", "currentStage", "rejectionReason", "appliedAt", "rejectedAt"],
    source: ["source"],
    rawValues: ["rawValues"]
  },
  isInactive: (application) => application.status === "rejected"
})
