import * as Schema from "effect/Schema"
import { Currency, Decimal, IsoDate, RawValues, RecordId, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"

/**
 * `crm.deal`: an opportunity in the customer's CRM.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category fields
 */
export const DealStatus = Schema.Literal("open", "won", "lost")

/**
 * A deal in the common CRM model. `amount` is a decimal string so no
 * precision is lost.
 *
 * @example
 * ```ts
 * import { Deal } from "@weft/core/models"
 * new Deal.Deal({ id: "d1", name: "Acme renewal", amount: "12000.00", currency: "EUR", status: "open" })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Deal extends Schema.Class<Deal>("crm.deal")({
  id: RecordId,
  ...remoteTimestamps,
  name: Schema.optional(Schema.String),
  amount: Schema.optional(Decimal),
  currency: Schema.optional(Currency),
  stage: Schema.optional(Schema.String),
  status: Schema.optional(DealStatus),
  closeDate: Schema.optional(IsoDate),
  ownerId: Schema.optional(Schema.String),
  companyId: Schema.optional(Schema.String),
  contactIds: Schema.optional(Schema.Array(Schema.String)),
  archived: Schema.optional(Schema.Boolean),
  rawValues: Schema.optional(RawValues)
}) {}

/**
 * The `crm.deal` model. Inactive = archived (a lost deal is still a deal).
 *
 * @since 0.1.0
 * @category models
 */
export const model: Model.Model<Deal> = Model.define({
  name: "crm.deal",
  category: "crm",
  description: "A deal (opportunity) in the CRM",
  schema: Deal,
  fieldGroups: {
    details: ["name", "amount", "currency", "stage", "status", "closeDate", "archived"],
    relations: ["ownerId", "companyId", "contactIds"],
    rawValues: ["rawValues"]
  },
  isInactive: (deal) => deal.archived === true
})
