import * as Schema from "effect/Schema"
import { CredentialForm } from "@weft/core/connector"

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
  apiKey: Schema.Redacted(Schema.NonEmptyTrimmedString).annotations({
    title: "Access token",
    description: "In Attio: Workspace settings › Developers › New access token, with read access to records and objects.",
    ...CredentialForm.helpUrl("https://docs.attio.com/rest-api/guides/authentication")
  })
})

/**
 * @since 0.1.0
 * @category models
 */
export type Credentials = typeof Credentials.Type
