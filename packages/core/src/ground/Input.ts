import * as Schema from "effect/Schema"

/**
 * The error of input Weft refuses before doing anything with it. It lives on
 * the ground floor so that every floor (the connector contract's passthrough
 * as much as the host API) refuses bad input with the same error.
 *
 * @since 0.1.0
 */

/**
 * An input value is out of range or malformed. `field` names it (a dotted
 * path such as `request.url`), `detail` says what is wrong with it and what to
 * send instead. Neither quotes secrets.
 *
 * @example
 * ```ts
 * import { Input } from "@weft/core/ground"
 * new Input.InvalidInputError({ field: "tenant", detail: "must not be empty" }).message
 * // "Invalid tenant: must not be empty"
 * ```
 * @since 0.1.0
 * @category errors
 */
export class InvalidInputError extends Schema.TaggedError<InvalidInputError>()("InvalidInputError", {
  field: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `Invalid ${this.field}: ${this.detail}`
  }
}
