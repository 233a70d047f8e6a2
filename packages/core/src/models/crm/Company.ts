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
 * `industries` holds every industry (category) the provider gives the
 * company, in the provider's order; `industry` is the first of them, kept so
 * readers of the single field need not change. Providers with one industry
 * per company set both.
 *
 * @example
 * ```ts
 * import { Company } from "@weft/core/models"
 * new Company.Company({ id: "c1", name: "Acme", domain: "acme.com", industry: "SaaS", industries: ["SaaS", "Fintech"] })
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
  /** The first of `industries`. */
  industry: Schema.optional(Schema.String),
  /** Every industry the provider gives, in its order; left out rather than empty. */
  industries: Schema.optional(Schema.Array(Schema.String)),
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
    details: ["name", "domain", "description", "industry", "industries", "employeeCount", "archived"],
    contactInfo: ["phones", "addresses"],
    ownership: ["ownerId"],
    rawValues: ["rawValues"]
  },
  isInactive: (company) => company.archived === true
})
