import * as Schema from "effect/Schema"
import { CredentialForm } from "@weft/core/connector"

/**
 * What an end user gives to connect BambooHR: their company's subdomain and
 * an API key.
 *
 * @since 0.1.0
 */

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/**
 * The subdomain of the company's BambooHR address (`acme` for
 * `https://acme.bamboohr.com`). A pasted address is reduced to its subdomain.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompanyDomain = Schema.transform(
  Schema.String,
  Schema.String.pipe(
    Schema.pattern(SUBDOMAIN, {
      message: () =>
        "Enter the company domain from your BambooHR address: for https://acme.bamboohr.com it is \"acme\" (letters, digits and hyphens)."
    })
  ),
  {
    strict: true,
    decode: (input) =>
      input.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "").replace(/\.bamboohr\.com$/, ""),
    encode: (domain) => domain
  }
).annotations({
  identifier: "BambooHRCompanyDomain",
  title: "Company domain",
  description: "The first part of your BambooHR address: acme for https://acme.bamboohr.com",
  examples: ["acme"],
  ...CredentialForm.helpUrl("https://documentation.bamboohr.com/docs/getting-started")
})

/**
 * BambooHR credentials. The API key is created in BambooHR under the user's
 * name (top right) › API Keys, and acts with that user's access level.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Credentials = Schema.Struct({
  companyDomain: CompanyDomain,
  apiKey: Schema.Redacted(
    Schema.String.pipe(Schema.nonEmptyString({ message: () => "Paste the BambooHR API key; it must not be empty." }))
  ).annotations({
    title: "API key",
    description: "In BambooHR: your name (top right) › API Keys › Add New Key. It acts with your access level.",
    ...CredentialForm.helpUrl("https://documentation.bamboohr.com/docs/getting-started")
  })
}).annotations({ identifier: "BambooHRCredentials" })

/**
 * @since 0.1.0
 * @category models
 */
export type Credentials = typeof Credentials.Type
