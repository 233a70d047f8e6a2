import * as Writer from "./internal/jsonWriter.js"

/**
 * Canonical JSON: object keys sorted at every level, `undefined` members
 * dropped, arrays kept in order. Two values that are equal as JSON data give
 * the same string whatever the order their keys were written in, which is what
 * makes a fingerprint stable.
 *
 * @since 0.1.0
 */

/**
 * The canonical JSON text of a JSON-compatible value.
 *
 * @example
 * ```ts
 * import { CanonicalJson } from "@weft/core"
 * CanonicalJson.stringify({ b: 1, a: { d: undefined, c: [2, 1] } }) // '{"a":{"c":[2,1]},"b":1}'
 * ```
 * @since 0.1.0
 * @category encoding
 */
export const stringify = (value: unknown): string =>
  Writer.using((writer) => (writer.value(value) ? writer.text() : "null"))

/**
 * One object member, `"key":value`, in canonical form; `undefined` when the
 * value has no JSON form (it is dropped, as `undefined` members are).
 *
 * @since 0.1.0
 * @category encoding
 */
export const member = (key: string, value: unknown): string | undefined =>
  Writer.using((writer) => (writer.member(key, value) ? writer.text() : undefined))

/**
 * Sorts keys in place in canonical order (UTF-16 code units, as
 * `Array.prototype.sort` does), fast for the handful of keys a record has.
 *
 * @since 0.1.0
 * @category encoding
 */
export const sortKeys: (keys: Array<string>) => Array<string> = Writer.sortKeys
