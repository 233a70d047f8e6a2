import * as Schema from "effect/Schema"

/**
 * The parts of Attio's REST API (v2) the connector reads: the record list
 * envelope, records, the typed values of the attributes it maps, the
 * identify answer (`GET /v2/self`) and the error body.
 *
 * Value schemas are used one value at a time, so a value Attio adds fields
 * to, or one of an unexpected shape, is skipped rather than failing a page.
 *
 * @since 0.1.0
 */

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/**
 * When a value was active; `active_until: null` means it still is.
 *
 * @since 0.1.0
 * @category values
 */
export const ActiveWindow = Schema.Struct({
  active_from: Schema.optional(Schema.String),
  active_until: Schema.optional(Schema.NullOr(Schema.String))
})

/**
 * @since 0.1.0
 * @category values
 */
export const TextValue = Schema.Struct({
  attribute_type: Schema.Literal("text"),
  value: Schema.String
})

/**
 * @since 0.1.0
 * @category values
 */
export const PersonalNameValue = Schema.Struct({
  attribute_type: Schema.Literal("personal-name"),
  first_name: OptionalString,
  last_name: OptionalString,
  full_name: OptionalString
})

/**
 * @since 0.1.0
 * @category values
 */
export const EmailAddressValue = Schema.Struct({
  attribute_type: Schema.Literal("email-address"),
  email_address: Schema.String
})

/**
 * @since 0.1.0
 * @category values
 */
export const DomainValue = Schema.Struct({
  attribute_type: Schema.Literal("domain"),
  domain: Schema.String
})

/**
 * @since 0.1.0
 * @category values
 */
export const PhoneNumberValue = Schema.Struct({
  attribute_type: Schema.Literal("phone-number"),
  phone_number: OptionalString,
  original_phone_number: OptionalString
})

/**
 * A location. `country_code` is ISO 3166-1 alpha-2. Attio also sends
 * `latitude` / `longitude`, as decimal strings (or `null`); the models hold
 * no coordinates, so they are not declared here and any shape of them is
 * accepted.
 *
 * @since 0.1.0
 * @category values
 */
export const LocationValue = Schema.Struct({
  attribute_type: Schema.Literal("location"),
  line_1: OptionalString,
  line_2: OptionalString,
  line_3: OptionalString,
  line_4: OptionalString,
  locality: OptionalString,
  region: OptionalString,
  postcode: OptionalString,
  country_code: OptionalString
})

/**
 * @since 0.1.0
 * @category values
 */
export const RecordReferenceValue = Schema.Struct({
  attribute_type: Schema.Literal("record-reference"),
  target_object: Schema.String,
  target_record_id: Schema.String
})

/**
 * A select value: Attio returns the chosen option inline.
 *
 * @since 0.1.0
 * @category values
 */
export const SelectValue = Schema.Struct({
  attribute_type: Schema.Literal("select"),
  option: Schema.Struct({ title: Schema.String })
})

/**
 * A record: its ids, when it was created, and its values keyed by attribute
 * slug (each an array of value objects). Every value row also names who
 * wrote it (`created_by_actor`; its `id` is `null` when Attio itself wrote
 * the value) and records carry `web_url`, their page in Attio's app; neither
 * is read.
 *
 * @since 0.1.0
 * @category records
 */
export const AttioRecord = Schema.Struct({
  id: Schema.Struct({ record_id: Schema.String }),
  created_at: Schema.optional(Schema.String),
  values: Schema.Record({ key: Schema.String, value: Schema.Array(Schema.Unknown) })
})

/**
 * @since 0.1.0
 * @category records
 */
export type AttioRecord = typeof AttioRecord.Type

/**
 * The answer of `POST /v2/objects/{object}/records/query`; records are
 * decoded one by one.
 *
 * @since 0.1.0
 * @category records
 */
export const RecordList = Schema.Struct({ data: Schema.Array(Schema.Unknown) })

/**
 * The answer of `GET /v2/objects/{object}/records/{record_id}`.
 *
 * @since 0.1.0
 * @category records
 */
export const SingleRecord = Schema.Struct({ data: Schema.Unknown })

/**
 * The answer of `GET /v2/self`: an inactive token, or the token's workspace
 * and scopes.
 *
 * @since 0.1.0
 * @category identify
 */
export const Identity = Schema.Union(
  Schema.Struct({ active: Schema.Literal(false) }),
  Schema.Struct({
    active: Schema.Literal(true),
    scope: Schema.String,
    workspace_id: Schema.String,
    workspace_name: Schema.optional(Schema.String)
  })
)

/**
 * Attio's error body.
 *
 * @since 0.1.0
 * @category errors
 */
export const ErrorBody = Schema.Struct({
  status_code: Schema.Number,
  type: Schema.String,
  code: Schema.String,
  message: Schema.String
})

/**
 * The scopes a read of companies and people needs.
 *
 * @since 0.1.0
 * @category constants
 */
export const REQUIRED_SCOPES: ReadonlyArray<string> = ["record_permission:read", "object_configuration:read"]

/**
 * Attio's documented default page size of the records query.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_PAGE_SIZE = 500
