import * as Schema from "effect/Schema"

/**
 * Field schemas shared by the common models. Values stay JSON on both sides
 * (no `Date` objects), so a decoded record is exactly what goes on the wire
 * and what the fingerprint hashes.
 *
 * @since 0.1.0
 */

/**
 * A calendar date, `YYYY-MM-DD`.
 *
 * @since 0.1.0
 * @category fields
 */
export const IsoDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => "Expected a calendar date as YYYY-MM-DD, e.g. 2024-03-01" }),
  Schema.annotations({ identifier: "IsoDate", description: "A calendar date, YYYY-MM-DD", examples: ["2024-03-01"] })
)

/**
 * An instant in ISO 8601 with a zone, e.g. `2026-11-26T18:00:00.000Z`.
 *
 * @since 0.1.0
 * @category fields
 */
export const IsoDateTime = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/, {
    message: () => "Expected an ISO 8601 instant with a zone, e.g. 2026-11-26T18:00:00.000Z"
  }),
  Schema.annotations({
    identifier: "IsoDateTime",
    description: "An instant in ISO 8601 with a zone offset",
    examples: ["2026-11-26T18:00:00.000Z"]
  })
)

/**
 * An e-mail address (shape check only: something@domain).
 *
 * @since 0.1.0
 * @category fields
 */
export const Email = Schema.String.pipe(
  Schema.pattern(/^[^\s@]+@[^\s@]+$/, { message: () => "Expected an e-mail address like name@example.com" }),
  Schema.annotations({ identifier: "Email", description: "An e-mail address", examples: ["ada@example.com"] })
)

/**
 * A decimal amount as a string, so no precision is lost: `"1234.50"`.
 *
 * @since 0.1.0
 * @category fields
 */
export const Decimal = Schema.String.pipe(
  Schema.pattern(/^-?\d+(\.\d+)?$/, { message: () => "Expected a decimal number as a string, e.g. \"1234.50\"" }),
  Schema.annotations({ identifier: "Decimal", description: "A decimal number as a string", examples: ["1234.50"] })
)

/**
 * An ISO 4217 currency code.
 *
 * @since 0.1.0
 * @category fields
 */
export const Currency = Schema.String.pipe(
  Schema.pattern(/^[A-Z]{3}$/, { message: () => "Expected an ISO 4217 currency code of three capital letters, e.g. EUR" }),
  Schema.annotations({ identifier: "Currency", description: "ISO 4217 currency code", examples: ["EUR"] })
)

/**
 * A reference to another record of the same provider.
 *
 * @since 0.1.0
 * @category fields
 */
export const Ref = Schema.Struct({ id: Schema.String })

/**
 * @since 0.1.0
 * @category fields
 */
export const PhoneType = Schema.Literal("work", "mobile", "home", "fax", "other")

/**
 * @since 0.1.0
 * @category fields
 */
export const Phone = Schema.Struct({
  type: Schema.optional(PhoneType),
  number: Schema.String
})

/**
 * @since 0.1.0
 * @category fields
 */
export const EmailEntry = Schema.Struct({
  type: Schema.optional(Schema.Literal("work", "personal", "other")),
  value: Email
})

/**
 * @since 0.1.0
 * @category fields
 */
export const Address = Schema.Struct({
  /** The site's name where the provider names locations (e.g. "Berlin HQ"). */
  name: Schema.optional(Schema.String),
  line1: Schema.optional(Schema.String),
  line2: Schema.optional(Schema.String),
  city: Schema.optional(Schema.String),
  state: Schema.optional(Schema.String),
  postalCode: Schema.optional(Schema.String),
  /**
   * ISO 3166-1 alpha-2 (`US`, `GB`). Connectors read codes and country names
   * alike (`USA`, `United Kingdom`); a string no code is recognised for is
   * left out here. Whenever the provider's string is not the code, it is kept
   * in the record's `rawValues` under the address's path (e.g.
   * `"home.country": "United States"`).
   */
  country: Schema.optional(Schema.String)
})

/**
 * The provider's own strings for each normalised enum value, keyed by the
 * normalised field's path (e.g. `"employment.status": "Terminated"`).
 *
 * @since 0.1.0
 * @category fields
 */
export const RawValues = Schema.Record({ key: Schema.String, value: Schema.String })

/**
 * `remoteCreatedAt` / `remoteUpdatedAt`: the provider's own timestamps, when
 * it has them.
 *
 * @since 0.1.0
 * @category fields
 */
export const remoteTimestamps = {
  remoteCreatedAt: Schema.optional(IsoDateTime),
  remoteUpdatedAt: Schema.optional(IsoDateTime)
}

const nonEmpty = Schema.String.pipe(Schema.minLength(1, { message: () => "Expected a non-empty string" }))

/**
 * The provider's id of a record, as a non-empty string.
 *
 * @since 0.1.0
 * @category fields
 */
export const RecordId = nonEmpty.pipe(
  Schema.annotations({ title: "RecordId", description: "The provider's id of the record" })
)
