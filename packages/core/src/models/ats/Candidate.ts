import * as Schema from "effect/Schema"
import { EmailEntry, IsoDate, Phone, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"
import { Attachment, CustomFields } from "./fields.js"

/**
 * `ats.candidate`: a person in the hiring pipeline.
 *
 * @since 0.1.0
 */

// The shared ATS field schemas this record uses (since 0.1.0).
export { Attachment, AttachmentType, CustomField, CustomFields, CustomFieldValue } from "./fields.js"

/**
 * @since 0.1.0
 * @category fields
 */
export const Link = Schema.Struct({
  type: Schema.optional(Schema.String),
  url: Schema.String
})

/**
 * A school the candidate attended. Dates are calendar dates; providers that
 * store an instant (Greenhouse: midnight UTC) give its date.
 *
 * @since 0.1.0
 * @category fields
 */
export const Education = Schema.Struct({
  id: Schema.optional(Schema.String),
  school: Schema.optional(Schema.String),
  degree: Schema.optional(Schema.String),
  discipline: Schema.optional(Schema.String),
  startDate: Schema.optional(IsoDate),
  endDate: Schema.optional(IsoDate)
})

/**
 * A past or current position of the candidate; no `endDate` while it lasts.
 *
 * @since 0.1.0
 * @category fields
 */
export const Employment = Schema.Struct({
  id: Schema.optional(Schema.String),
  company: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  startDate: Schema.optional(IsoDate),
  endDate: Schema.optional(IsoDate)
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
  /** Résumés, cover letters, offer documents… of the candidate and of all their applications. */
  attachments: Schema.optional(Schema.Array(Attachment)),
  educations: Schema.optional(Schema.Array(Education)),
  employments: Schema.optional(Schema.Array(Employment)),
  customFields: Schema.optional(CustomFields),
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
    attachments: ["attachments"],
    background: ["educations", "employments"],
    customFields: ["customFields"],
    rawValues: ["rawValues"]
  },
  isInactive: () => false
})
