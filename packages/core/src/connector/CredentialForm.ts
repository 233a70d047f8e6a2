import * as JSONSchema from "effect/JSONSchema"
import * as Option from "effect/Option"
import * as SchemaAST from "effect/SchemaAST"
import type * as Connector from "./Connector.js"

/**
 * A connector's credentials as a form an end user fills in: one field per
 * credential, with its label, help text, where to find the value, and
 * whether it is a secret. Read from the credentials Schema and its
 * annotations, so the form and the validation never disagree.
 *
 * @since 0.1.0
 */

/**
 * The annotation that says where the end user finds a credential's value
 * (a page of the provider's help centre).
 *
 * @since 0.1.0
 * @category annotations
 */
export const HelpUrlId: unique symbol = Symbol.for("@weft/core/connector/CredentialForm/HelpUrl")

/**
 * Annotates a credential field with where to find its value.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { CredentialForm } from "@weft/core/connector"
 *
 * const Credentials = Schema.Struct({
 *   apiKey: Schema.Redacted(Schema.String).annotations({
 *     title: "API key",
 *     description: "Your name (top right) › API Keys › Add new key",
 *     ...CredentialForm.helpUrl("https://documentation.bamboohr.com/docs/getting-started")
 *   })
 * })
 * ```
 * @since 0.1.0
 * @category annotations
 */
export const helpUrl = (url: string): { readonly [HelpUrlId]: string } => ({ [HelpUrlId]: url })

/**
 * @since 0.1.0
 * @category models
 */
export interface Field {
  readonly name: string
  /** The label: the field's `title`, or its name in words. */
  readonly title: string
  readonly description?: string | undefined
  readonly required: boolean
  /** Entered as a password, stored sealed, never shown back. */
  readonly secret: boolean
  readonly helpUrl?: string | undefined
  readonly examples?: ReadonlyArray<string> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Form {
  /** `form`: the end user fills in `fields`; `oauth2`: they grant access at the provider. */
  readonly kind: "form" | "oauth2"
  readonly fields: ReadonlyArray<Field>
  /** JSON Schema of what is submitted; secret fields are `writeOnly` with `format: "password"`. */
  readonly jsonSchema: Readonly<Record<string, unknown>>
}

// A secret is a field whose decoded value is `Redacted`.
const isSecret = (ast: SchemaAST.AST): boolean => {
  const target = SchemaAST.typeAST(ast)
  if (target._tag === "Union") return target.types.some(isSecret)
  return Option.exists(SchemaAST.getTypeConstructorAnnotation(target), (c) => c._tag === "effect/Redacted")
}

const words = (name: string): string => {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase()
  return spaced.charAt(0).toUpperCase() + spaced.slice(1)
}

// Only the annotations written on the field itself count: deeper ones are
// Effect's own (`String` is titled "string", `nonEmptyString()` describes
// itself), which are not labels or help text for an end user.
const GENERATED_DESCRIPTION = /^(a|an) [a-z ]*(string|number)/
const GENERATED_TITLE = /^[a-z][A-Za-z]*$/

const fieldOf = (property: SchemaAST.PropertySignature): Field => {
  const ast = property.type
  const title = Option.getOrUndefined(SchemaAST.getTitleAnnotation(ast))
  const description = Option.getOrUndefined(SchemaAST.getDescriptionAnnotation(ast))
  const examples = Option.getOrUndefined(SchemaAST.getExamplesAnnotation(ast))
  return {
    name: String(property.name),
    title: title === undefined || GENERATED_TITLE.test(title) ? words(String(property.name)) : title,
    description: description === undefined || GENERATED_DESCRIPTION.test(description) ? undefined : description,
    required: !property.isOptional,
    secret: isSecret(ast),
    helpUrl: Option.getOrUndefined(SchemaAST.getAnnotation<string>(ast, HelpUrlId)),
    examples: examples?.filter((e): e is string => typeof e === "string")
  }
}

const propertiesOf = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.PropertySignature> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures
    case "Refinement":
    case "Transformation":
      return propertiesOf(ast.from)
    case "Suspend":
      return propertiesOf(ast.f())
    default:
      return []
  }
}

// Marks secret fields in the generated JSON Schema, wherever the generator put them.
const markSecrets = (jsonSchema: Record<string, unknown>, secrets: ReadonlySet<string>): Record<string, unknown> => {
  const visit = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return
    const object = node as Record<string, unknown>
    const properties = object["properties"]
    if (typeof properties === "object" && properties !== null) {
      for (const [name, property] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
        if (secrets.has(name) && typeof property === "object") Object.assign(property, { writeOnly: true, format: "password" })
      }
    }
    for (const value of Object.values(object)) visit(value)
  }
  const copy = structuredClone(jsonSchema)
  visit(copy)
  return copy
}

/**
 * The form of a connector's credentials. An OAuth 2 connector's tokens
 * come from the provider's consent step, not from the end user: its form
 * has `kind: "oauth2"` and no fields.
 *
 * @example
 * ```ts
 * import { CredentialForm } from "@weft/core/connector"
 * import type { Connector } from "@weft/core/connector"
 *
 * declare const connector: Connector.Any
 * const form = CredentialForm.of(connector)
 * form.fields.map((f) => `${f.title}${f.secret ? " (secret)" : ""}`)
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const of = (connector: Connector.Any): Form => {
  const schema = connector.credentials.schema
  if (connector.auth.kind === "oauth2") {
    return { kind: "oauth2", fields: [], jsonSchema: { type: "object", properties: {} } }
  }
  const fields = propertiesOf(schema.ast).map(fieldOf)
  const secrets = new Set(fields.filter((f) => f.secret).map((f) => f.name))
  let jsonSchema: Record<string, unknown>
  try {
    jsonSchema = markSecrets(JSONSchema.make(schema) as unknown as Record<string, unknown>, secrets)
  } catch {
    // A schema JSON Schema cannot express (a custom declaration): describe the fields alone.
    jsonSchema = {
      type: "object",
      required: fields.filter((f) => f.required).map((f) => f.name),
      properties: Object.fromEntries(fields.map((f) => [f.name, { type: "string", title: f.title, ...(f.secret ? { writeOnly: true, format: "password" } : {}) }]))
    }
  }
  return { kind: "form", fields, jsonSchema }
}
