import * as Schema from "effect/Schema"
import { Address, Phone, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"

/**
 * `crm.company`: an organisation in the customer's CRM.
 *
 * @since 0.1.0
 */

/**
 * A company in the common CRM model.
 *
 * @example
 * ```ts
 * import { Company } from "@weft/core/models"
 * new Company.Company({ id: "c1", name: "Acme", domain: "acme.com" })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Company extends Schema.Class<Company>("crm.company")({
  id: RecordId,
  ...remoteTimestamps,
  name: Schema.optional(Schema.String),
  domain: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  industry: Schema.optional(Schema.String),
  employeeCount: Schema.optional(Schema.Number),
  phones: Schema.optional(Schema.Array(Phone)),
  addresses: Schema.optional(Schema.Array(Address)),
  ownerId: Schema.optional(Schema.String),
  archived: Schema.optional(Schema.Boolean),
  rawValues: Schema.optional(RawValues)
}) {}

/**
 * The `crm.company` model. Inactive = archived.
 *
 * @since 0.1.0
 * @category models
 */
export const model: Model.Model<Company> = Model.define({
  name: "crm.company",
  category: "crm",
  description: "A company (account) in the CRM",
  schema: Company,
  fieldGroups: {
    details: ["name", "domain", "description", "industry", "employeeCount", "archived"],
    contactInfo: ["phones", "addresses"],
    ownership: ["ownerId"],
    rawValues: ["rawValues"]
  },
  isInactive: (company) => company.archived === true
})
