import * as Schema from "effect/Schema"
import { Address, EmailEntry, Phone, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"

/**
 * `crm.contact`: a person in the customer's CRM.
 *
 * @since 0.1.0
 */

/**
 * A contact in the common CRM model.
 *
 * @example
 * ```ts
 * import { Contact } from "@weft/core/models"
 * new Contact.Contact({ id: "p1", firstName: "Ada", emails: [{ type: "work", value: "ada@acme.com" }], companyId: "c1" })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Contact extends Schema.Class<Contact>("crm.contact")({
  id: RecordId,
  ...remoteTimestamps,
  firstName: Schema.optional(Schema.String),
  lastName: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  emails: Schema.optional(Schema.Array(EmailEntry)),
  phones: Schema.optional(Schema.Array(Phone)),
  addresses: Schema.optional(Schema.Array(Address)),
  companyId: Schema.optional(Schema.String),
  ownerId: Schema.optional(Schema.String),
  lifecycleStage: Schema.optional(Schema.String),
  archived: Schema.optional(Schema.Boolean),
  rawValues: Schema.optional(RawValues)
}) {}

/**
 * The `crm.contact` model. Inactive = archived.
 *
 * @since 0.1.0
 * @category models
 */
export const model: Model.Model<Contact> = Model.define({
  name: "crm.contact",
  category: "crm",
  description: "A contact (person) in the CRM",
  schema: Contact,
  fieldGroups: {
    profile: ["firstName", "lastName", "title", "lifecycleStage", "archived"],
    contactInfo: ["emails", "phones", "addresses"],
    relations: ["companyId", "ownerId"],
    rawValues: ["rawValues"]
  },
  isInactive: (contact) => contact.archived === true
})
