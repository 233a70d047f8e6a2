import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Application from "./ats/Application.js"
import * as Candidate from "./ats/Candidate.js"
import * as Job from "./ats/Job.js"
import * as Company from "./crm/Company.js"
import * as Contact from "./crm/Contact.js"
import * as Deal from "./crm/Deal.js"
import * as Employee from "./hris/Employee.js"
import type * as Model from "./Model.js"

/**
 * No model of that name is known.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownModelError extends Schema.TaggedError<UnknownModelError>()("UnknownModelError", {
  model: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `Unknown model "${this.model}". Known models: ${this.known.join(", ")}.`
  }
}

/**
 * Models looked up by name (`"hris.employee"`) or listed per category.
 *
 * @since 0.1.0
 * @category models
 */
export interface Registry {
  readonly all: ReadonlyArray<Model.Any>
  readonly get: (name: string) => Either.Either<Model.Any, UnknownModelError>
  readonly byCategory: (category: Model.Category) => ReadonlyArray<Model.Any>
}

/**
 * A registry over the given models (names must be unique; a later model of
 * the same name replaces an earlier one).
 *
 * @example
 * ```ts
 * import { Registry } from "@weft/core/models"
 * const employee = Registry.builtin.get("hris.employee")   // Either.right(model)
 * const crm = Registry.builtin.byCategory("crm")           // company, contact, deal
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = (models: ReadonlyArray<Model.Any>): Registry => {
  const byName = new Map(models.map((m) => [m.name, m] as const))
  const all = [...byName.values()]
  return {
    all,
    get: (name) => {
      const model = byName.get(name)
      return model === undefined
        ? Either.left(new UnknownModelError({ model: name, known: [...byName.keys()] }))
        : Either.right(model)
    },
    byCategory: (category) => all.filter((m) => m.category === category)
  }
}

/**
 * The common models Weft ships with.
 *
 * @since 0.1.0
 * @category models
 */
export const builtinModels: ReadonlyArray<Model.Any> = [
  Employee.model,
  Job.model,
  Candidate.model,
  Application.model,
  Company.model,
  Contact.model,
  Deal.model
] as ReadonlyArray<Model.Any>

/**
 * The registry of {@link builtinModels}.
 *
 * @since 0.1.0
 * @category models
 */
export const builtin: Registry = make(builtinModels)
