import * as Schema from "effect/Schema"

/**
 * What connecting an Attio workspace takes.
 *
 * @since 0.1.0
 */

/**
 * An Attio access token (Workspace settings › Developers › Access tokens),
 * kept `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export const Credentials = Schema.Struct({
  apiKey: Schema.Redacted(Schema.NonEmptyTrimmedString)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Credentials = typeof Credentials.Type
