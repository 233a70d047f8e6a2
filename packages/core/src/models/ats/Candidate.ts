import * as Schema from "effect/Schema"
import { EmailEntry, Phone, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"

/**
 * `ats.candidate`: a person in the hiring pipeline.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category fields
 */
export const Link = Schema.Struct({
  type: Schema.optional(Schema.String),
  url: Schema.String
})

/**
 * A candidate in the common ATS model.
 *
 * @example
 * ```ts
 * import { Candidate } from "@weft/core/models"
 * new Candidate.Candidate({ id: "9", firstName: "Grace", emails: [{ type: "personal", value: "grace@example.com" }] })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Candidate extends Schema.Class<Candidate>("ats.candidate")({
  id: RecordId,
  ...remoteTimestamps,
  firstName: Schema.optional(Schema.String),
  lastName: Schema.optional(Schema.String),
  company: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  emails: Schema.optional(Schema.Array(EmailEntry)),
  phones: Schema.optional(Schema.Array(Phone)),
  links: Schema.optional(Schema.Array(Link)),
  tags: Schema.optional(Schema.Array(Schema.String)),
  applicationIds: Schema.optional(Schema.Array(Schema.String)),
  rawValues: Schema.optional(RawValues)
}) {}

/**
 * The `ats.candidate` model. A candidate is never inactive: their
 * applications are (see `ats.application`).
 *
 * @since 0.1.0
 * @category models
 */
export const model: Model.Model<Candidate> = Model.define({
  name: "ats.candidate",
  category: "ats",
  description: "A candidate in the hiring pipeline",
  schema: Candidate,
  fieldGroups: {
    profile: ["firstName", "lastName", "company", "title"],
    contactInfo: ["emails", "phones", "links"],
    tags: ["tags"],
    applications: ["applicationIds"],
    rawValues: ["rawValues"]
  },
  isInactive: () => false
})
