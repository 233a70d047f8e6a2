import * as Schema from "effect/Schema"
import { IsoDateTime } from "../fields.js"

/**
 * Field schemas shared by the ATS models (`ats.job`, `ats.candidate`,
 * `ats.application`). Each model module re-exports the ones its record uses.
 *
 * @since 0.1.0
 */

/**
 * The value of a custom field: text, a number, a yes/no, the options of a
 * multi-select, or a small object of scalars for structured types (a
 * currency amount `{ unit, amount }`, a range `{ min_value, max_value,
 * unit }`, a user). Values are the provider's own, unconverted.
 *
 * @since 0.1.0
 * @category fields
 */
export const CustomFieldValue = Schema.Union(
  Schema.String,
  Schema.Number,
  Schema.Boolean,
  Schema.Array(Schema.Union(Schema.String, Schema.Number)),
  Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Number, Schema.Boolean, Schema.Null) })
).annotations({ identifier: "CustomFieldValue", description: "A custom field's value, as the provider gives it" })

/**
 * One custom field with a value.
 *
 * @since 0.1.0
 * @category fields
 */
export const CustomField = Schema.Struct({
  /** The label users see (it may be renamed; the key in {@link CustomFields} does not change). */
  name: Schema.optional(Schema.String),
  /** The provider's field type, e.g. Greenhouse's `short_text`, `single_select`, `currency_range`. */
  type: Schema.optional(Schema.String),
  value: CustomFieldValue
})

/**
 * Custom fields that have a value, keyed by the provider's immutable field
 * key (not the label, which users can rename). Fields without a value are
 * left out.
 *
 * @since 0.1.0
 * @category fields
 */
export const CustomFields = Schema.Record({ key: Schema.String, value: CustomField })

/**
 * @since 0.1.0
 * @category fields
 */
export const AttachmentType = Schema.Literal("resume", "cover_letter", "offer_letter", "offer_packet", "take_home_test", "other")

/**
 * A document attached to a candidate or an application. Download links are
 * not part of the record: providers sign them per answer and let them expire
 * (Greenhouse after 7 days), so a link would change the record on every read
 * and be dead by the time it is used; read the record again for a fresh one.
 *
 * @since 0.1.0
 * @category fields
 */
export const Attachment = Schema.Struct({
  fileName: Schema.String,
  type: Schema.optional(AttachmentType),
  createdAt: Schema.optional(IsoDateTime)
})

/**
 * A department or office with its place in the organisation's tree.
 *
 * @since 0.1.0
 * @category fields
 */
export const OrgUnit = Schema.Struct({
  id: Schema.String,
  name: Schema.optional(Schema.String),
  /** The unit this one belongs to (e.g. "Engineering" above "Platform"); absent at the top. */
  parentId: Schema.optional(Schema.String),
  /** The units directly below this one. */
  childIds: Schema.optional(Schema.Array(Schema.String)),
  /** The id the customer's other systems (e.g. the HRIS) know the unit by. */
  externalId: Schema.optional(Schema.String),
  /** Offices: the location's name, e.g. "New York, United States". */
  location: Schema.optional(Schema.String)
})
