import * as Crypto from "node:crypto"
import { Fingerprint } from "@weft/core"
import * as FastCheck from "effect/FastCheck"

// The canonical JSON and fingerprints as first written: string building, one
// member at a time. Stored fingerprints were made by this code, so the
// library's faster paths must give the same bytes for every input.

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
      const keys = Object.keys(value).sort()
      let s = "{"
      let first = true
      for (const key of keys) {
        const member = write((value as Record<string, unknown>)[key])
        if (member === undefined) continue
        s += (first ? "" : ",") + JSON.stringify(key) + ":" + member
        first = false
      }
      return s + "}"
    }
  }
}

export const stringify = (value: unknown): string => write(value) ?? "null"

export const member = (key: string, value: unknown): string | undefined => {
  const written = write(value)
  return written === undefined ? undefined : JSON.stringify(key) + ":" + written
}

const sha256 = (text: string): Uint8Array => Crypto.createHash("sha256").update(text).digest().subarray(0, 16)

export const ofValue = (value: unknown): Uint8Array => sha256(stringify(value))

const topLevelOnly = (paths: ReadonlyArray<string>): boolean => paths.every((path) => !path.includes("."))

const membersJson = (record: object, projection: Fingerprint.Projection): { hashed: string; whole: string } => {
  const source = record as Record<string, unknown>
  const keys = projection.fields === undefined
    ? Object.keys(source)
    : [...projection.fields].filter((key) => Object.hasOwn(source, key))
  keys.sort()
  let hashed = "{"
  let whole = "{"
  let firstHashed = true
  let firstWhole = true
  for (const key of keys) {
    const value = source[key]
    if (value === undefined) continue
    const written = member(key, value)
    if (written === undefined) continue
    if (!projection.volatile.includes(key)) {
      hashed += firstHashed ? written : "," + written
      firstHashed = false
    }
    whole += firstWhole ? written : "," + written
    firstWhole = false
  }
  return { hashed: hashed + "}", whole: whole + "}" }
}

export const of = (record: object, projection: Fingerprint.Projection): Uint8Array =>
  topLevelOnly(projection.volatile)
    ? sha256(membersJson(record, projection).hashed)
    : ofValue(Fingerprint.project(record, projection))

export const withJson = (record: object, projection: Fingerprint.Projection): { hash: Uint8Array; json: string } =>
  topLevelOnly(projection.volatile)
    ? { hash: sha256(membersJson(record, projection).hashed), json: membersJson(record, projection).whole }
    : {
      hash: ofValue(Fingerprint.project(record, projection)),
      json: stringify(Fingerprint.project(record, { fields: projection.fields, volatile: [] }))
    }

// Values that reach every branch of canonical JSON: keys that need escaping or sort in surprising
// orders, strings with control characters, quotes, non-ASCII and lone surrogates, -0, NaN and the
// infinities, bigints, undefined members and array items, functions and symbols, toJSON (Dates and
// hand-made ones, some returning undefined), null-prototype objects.
export const awkwardKey = FastCheck.oneof(
  FastCheck.constantFrom(
    "id", "a", "B", "b", "aa", "_", "10", "2", "__proto__", "constructor", "toString", "", " ", "é", "ü",
    "\"", "\\", "\n", "\u0000", "\u001f", "\u007f", "\u2028", "\ud800", "\udc00x", "😀", "a\"b"
  ),
  FastCheck.string({ maxLength: 6 }),
  FastCheck.string({ unit: "binary", maxLength: 4 })
)

const awkwardString = FastCheck.oneof(
  FastCheck.string({ maxLength: 12 }),
  FastCheck.string({ unit: "binary", maxLength: 12 }),
  FastCheck.string({ unit: FastCheck.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
  FastCheck.constantFrom("", "\"", "\\", "\b\f\n\r\t", "\u0000\u0001\u001f", "\u007f", "é", "\u2028\u2029", "\ud800", "x\udfffy", "😀", "</script>")
)

const leaf = FastCheck.oneof(
  awkwardString,
  FastCheck.double(),
  FastCheck.integer(),
  FastCheck.constantFrom(-0, 0, NaN, Infinity, -Infinity, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER),
  FastCheck.boolean(),
  FastCheck.constant(null),
  FastCheck.constant(undefined),
  FastCheck.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  FastCheck.constantFrom(() => 1, Symbol("s")),
  FastCheck.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms))
)

const withOwnKeys = (entries: ReadonlyArray<readonly [string, unknown]>, nullPrototype: boolean): Record<string, unknown> => {
  const target: Record<string, unknown> = nullPrototype ? Object.create(null) : {}
  for (const [key, value] of entries) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return target
}

export const awkwardValue: FastCheck.Arbitrary<unknown> = FastCheck.letrec((tie) => ({
  value: FastCheck.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object"), tie("toJSON")),
  array: FastCheck.array(tie("value"), { maxLength: 5 }),
  object: FastCheck.tuple(FastCheck.array(FastCheck.tuple(awkwardKey, tie("value")), { maxLength: 6 }), FastCheck.boolean())
    .map(([entries, nullPrototype]) => withOwnKeys(entries, nullPrototype)),
  toJSON: tie("value").map((inner) => ({ ignored: 1, toJSON: () => inner }))
})).value

export const awkwardRecord: FastCheck.Arbitrary<Record<string, unknown>> = FastCheck.array(
  FastCheck.tuple(awkwardKey, awkwardValue),
  { maxLength: 8 }
).map((entries) => withOwnKeys(entries, false))
