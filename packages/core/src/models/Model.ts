import * as Either from "effect/Either"
import * as JSONSchema from "effect/JSONSchema"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Fingerprint from "../ground/Fingerprint.js"
import { compile as fastCheck } from "./internal/fastCheck.js"

/**
 * The categories of common models.
 *
 * @since 0.1.0
 * @category models
 */
export type Category = "hris" | "ats" | "crm"

/**
 * A common model: one entity type of a category, its Schema, its field groups
 * and what makes one of its records inactive.
 *
 * @since 0.1.0
 * @category models
 */
export interface Model<A extends { readonly id: string } = { readonly id: string }> {
  /** `<category>.<entity>`, e.g. `"hris.employee"`. */
  readonly name: string
  readonly category: Category
  readonly description: string
  readonly schema: Schema.Schema<A, unknown>
  /**
   * Group name → the top-level fields it holds. A sync subscribes to groups;
   * the fingerprint and the delivered record cover only those.
   */
  readonly fieldGroups: Readonly<Record<string, ReadonlyArray<string>>>
  /** Fields every projection keeps: `id` and the provider's timestamps. */
  readonly baseFields: ReadonlyArray<string>
  /** Fields that change without the record changing; never fingerprinted. */
  readonly volatileFields: ReadonlyArray<string>
  /** A terminated employee, an archived contact, a rejected application… */
  isInactive(record: A): boolean
  /** Validates unknown input into the model, reporting the first error with its path. Unknown keys are dropped. */
  decode(input: unknown): Either.Either<A, ParseResult.ParseError>
  /**
   * {@link decode} for hot paths: an input that is already exactly the
   * model's shape is returned as it is — a plain object with the record's
   * fields, not a class instance — and not copied; any other input is
   * decoded. Same verdicts and same data as `decode`.
   */
  validate(input: unknown): Either.Either<A, ParseResult.ParseError>
  /**
   * The model's JSON Schema (draft-07): an object schema whose `properties`
   * are the record's fields, titled with the model's name, with shared field
   * formats under `$defs`.
   */
  jsonSchema(): JSONSchema.JsonSchema7Root
}

/**
 * Any common model, whatever its record type.
 *
 * @since 0.1.0
 * @category models
 */
// Method syntax on `isInactive` / `decode` keeps `Model<Employee>` assignable here.
export type Any = Model<{ readonly id: string }>

/**
 * The type of a model's records.
 *
 * @since 0.1.0
 * @category models
 */
export type RecordOf<M> = M extends Model<infer A> ? A : never

/**
 * The fields every model has outside its groups.
 *
 * @since 0.1.0
 * @category constants
 */
export const BASE_FIELDS: ReadonlyArray<string> = ["id", "remoteCreatedAt", "remoteUpdatedAt"]

/**
 * Defines a common model. `decode` is compiled once here: it rejects on the
 * first error (`errors: "first"`) and drops unknown keys.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { Model } from "@weft/core"
 *
 * class Ticket extends Schema.Class<Ticket>("support.ticket")({
 *   id: Schema.String,
 *   subject: Schema.optional(Schema.String),
 *   closed: Schema.optional(Schema.Boolean)
 * }) {}
 *
 * export const TicketModel = Model.define({
 *   name: "support.ticket",
 *   category: "crm",
 *   description: "A support ticket",
 *   schema: Ticket,
 *   fieldGroups: { details: ["subject", "closed"] },
 *   isInactive: (t) => t.closed === true
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const define = <A extends { readonly id: string }, I>(options: {
  readonly name: string
  readonly category: Category
  readonly description: string
  readonly schema: Schema.Schema<A, I>
  readonly fieldGroups: Readonly<Record<string, ReadonlyArray<string>>>
  readonly isInactive: (record: A) => boolean
  readonly baseFields?: ReadonlyArray<string>
  readonly volatileFields?: ReadonlyArray<string>
}): Model<A> => {
  const decodeEither = Schema.decodeUnknownEither(options.schema, { errors: "first", onExcessProperty: "ignore" })
  // Change detection validates every record it reads: inputs that are certainly valid and exact skip the
  // general decoder (same refinements, no copy); everything else takes it and gets its error message.
  const fast = fastCheck(options.schema.ast)
  const validate = fast === undefined
    ? decodeEither
    : (input: unknown): Either.Either<A, ParseResult.ParseError> => (fast(input) ? Either.right(input as A) : decodeEither(input))
  let cachedJsonSchema: JSONSchema.JsonSchema7Root | undefined
  return {
    name: options.name,
    category: options.category,
    description: options.description,
    schema: options.schema as Schema.Schema<A, unknown>,
    fieldGroups: options.fieldGroups,
    baseFields: options.baseFields ?? BASE_FIELDS,
    volatileFields: options.volatileFields ?? ["remoteUpdatedAt"],
    isInactive: options.isInactive,
    decode: decodeEither,
    validate,
    jsonSchema: () => (cachedJsonSchema ??= recordJsonSchema(options.schema, options.name, options.description))
  }
}

/**
 * `JSONSchema.make` of a `Schema.Class` is only `{ "$ref": "#/$defs/<name>" }`
 * at the top; inline that definition so the root itself describes the record
 * (`type`, `properties`, `required`), which is what schema-driven forms and
 * code generators read.
 */
const recordJsonSchema = (
  schema: Schema.Schema.Any,
  name: string,
  description: string
): JSONSchema.JsonSchema7Root => {
  const made = JSONSchema.make(schema) as JSONSchema.JsonSchema7Root & { readonly $ref?: string }
  const { $ref, $defs, ...root } = made
  const defs: Record<string, JSONSchema.JsonSchema7> = { ...$defs }
  let body: object = root
  const prefix = "#/$defs/"
  if ($ref !== undefined && $ref.startsWith(prefix)) {
    const id = $ref.slice(prefix.length)
    const target = defs[id]
    if (target !== undefined) {
      body = { ...target, ...root }
      // Keep the definition only if something else still points at it.
      if (!JSON.stringify(defs).includes(`"${$ref}"`)) delete defs[id]
    }
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: name,
    description,
    ...body,
    ...(Object.keys(defs).length > 0 ? { $defs: defs } : {})
  } as JSONSchema.JsonSchema7Root
}

/**
 * A sync asked for a field group its model does not have.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownFieldGroupError extends Schema.TaggedError<UnknownFieldGroupError>()("UnknownFieldGroupError", {
  model: Schema.String,
  group: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `Model "${this.model}" has no field group "${this.group}". Use one of: ${this.known.join(", ")}.`
  }
}

/**
 * The top-level fields kept for a subscription to `groups` (all fields when
 * `groups` is undefined or empty).
 *
 * @since 0.1.0
 * @category projection
 */
export const fieldsFor = (
  model: Any,
  groups: ReadonlyArray<string> | undefined
): Either.Either<ReadonlySet<string> | undefined, UnknownFieldGroupError> => {
  if (groups === undefined || groups.length === 0) return Either.right(undefined)
  const fields = new Set(model.baseFields)
  for (const group of groups) {
    const members = model.fieldGroups[group]
    if (members === undefined) {
      return Either.left(
        new UnknownFieldGroupError({ model: model.name, group, known: Object.keys(model.fieldGroups) })
      )
    }
    for (const field of members) fields.add(field)
  }
  return Either.right(fields)
}

/**
 * The fingerprint projection of a subscription: its fields, minus the model's
 * and the connector's volatile fields.
 *
 * @since 0.1.0
 * @category projection
 */
export const projection = (
  model: Any,
  groups: ReadonlyArray<string> | undefined,
  extraVolatile: ReadonlyArray<string> = []
): Either.Either<Fingerprint.Projection, UnknownFieldGroupError> =>
  Either.map(fieldsFor(model, groups), (fields) => ({
    fields,
    volatile: [...model.volatileFields, ...extraVolatile]
  }))

/**
 * The first problem of a parse error, as `path: message`, for audits.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeParseError = (error: ParseResult.ParseError): string => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  if (first === undefined) return error.message
  const path = first.path.length === 0 ? "(record)" : first.path.map(String).join(".")
  return `${path}: ${first.message}`
}
