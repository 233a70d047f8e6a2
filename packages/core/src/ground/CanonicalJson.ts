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
export const stringify = (value: unknown): string => {
  const out = write(value)
  return out === undefined ? "null" : out
}

/**
 * One object member, `"key":value`, in canonical form; `undefined` when the
 * value has no JSON form (it is dropped, as `undefined` members are).
 *
 * @since 0.1.0
 * @category encoding
 */
export const member = (key: string, value: unknown): string | undefined => {
  const written = write(value)
  return written === undefined ? undefined : quote(key) + ":" + written
}

// Quoted field names, remembered: records of one model repeat the same few names endlessly.
const quoted = new Map<string, string>()
const quote = (key: string): string => {
  let q = quoted.get(key)
  if (q === undefined) {
    q = JSON.stringify(key)
    // Bounded: arbitrary keys (free-form maps) must not grow it without end.
    if (quoted.size >= 4096) quoted.clear()
    quoted.set(key, q)
  }
  return q
}

/**
 * Sorts keys in place in canonical order (UTF-16 code units, as
 * `Array.prototype.sort` does), fast for the handful of keys a record has.
 *
 * @since 0.1.0
 * @category encoding
 */
// An insertion sort beats Array.prototype.sort's setup at record sizes.
export const sortKeys = (keys: Array<string>): Array<string> => {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!
    let j = i - 1
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!
      j--
    }
    keys[j + 1] = key
  }
  return keys
}

const write = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value)
    case "number":
      return Number.isFinite(value) ? String(value) : "null"
    case "boolean":
      return value ? "true" : "false"
    case "undefined":
    case "function":
    case "symbol":
      return undefined
    case "bigint":
      return value.toString()
    case "object": {
      if (value === null) return "null"
      if (Array.isArray(value)) {
        let s = "["
        for (let i = 0; i < value.length; i++) {
          if (i > 0) s += ","
          s += write(value[i]) ?? "null"
        }
        return s + "]"
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON
      if (typeof toJSON === "function") return write((toJSON as () => unknown).call(value))
      const keys = sortKeys(Object.keys(value))
      let s = "{"
      let first = true
      for (const key of keys) {
        const member = write((value as Record<string, unknown>)[key])
        if (member === undefined) continue
        s += (first ? "" : ",") + quote(key) + ":" + member
        first = false
      }
      return s + "}"
    }
  }
}
