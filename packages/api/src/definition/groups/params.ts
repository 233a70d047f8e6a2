import * as Schema from "effect/Schema"

/** Path and query parameters shared by the groups. */

export const IdPath = Schema.Struct({ id: Schema.String })

/** `limit` of a list: 1 to 500, default 50. */
export const Limit = Schema.optional(
  Schema.NumberFromString.pipe(
    Schema.int(),
    Schema.between(1, 500, { message: () => "limit must be an integer from 1 to 500" })
  ).annotations({ description: "Items per page, 1 to 500 (default 50)" })
)

/** The `next` of the previous page. */
export const Cursor = Schema.optional(Schema.String.annotations({ description: "The `next` of the previous page" }))

/** An ISO 8601 instant in a query string, as Unix ms. */
export const Instant = Schema.String.pipe(
  Schema.filter((s) => !Number.isNaN(Date.parse(s)), { message: () => "expected an ISO 8601 date-time, e.g. 2026-12-01T18:00:00Z" })
).annotations({ identifier: "Instant", description: "ISO 8601 date-time", jsonSchema: { format: "date-time" } })
