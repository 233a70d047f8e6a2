import { describe, expect, it } from "@effect/vitest"
import { CanonicalJson } from "@weft/core"
import * as FastCheck from "effect/FastCheck"
import { json, shuffleKeys } from "./jsonArbitraries.js"

describe("CanonicalJson", () => {
  it("matches JSON.stringify for already-sorted data", () => {
    const value = { a: "x\"y", b: [true, null, 1.5], c: { d: "é" } }
    expect(CanonicalJson.stringify(value)).toBe(JSON.stringify(value))
  })

  it("sorts keys at every level, drops undefined, keeps array order", () => {
    expect(CanonicalJson.stringify({ b: 1, a: { d: undefined, c: [2, 1] } })).toBe('{"a":{"c":[2,1]},"b":1}')
    expect(CanonicalJson.stringify([undefined, () => 1])).toBe("[null,null]")
    expect(CanonicalJson.stringify(undefined)).toBe("null")
    expect(CanonicalJson.stringify({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}')
  })

  it("property: parses back to the same JSON data", () => {
    FastCheck.assert(
      FastCheck.property(json, (value) => {
        expect(JSON.parse(CanonicalJson.stringify(value))).toEqual(JSON.parse(JSON.stringify(value)))
      })
    )
  })

  it("property: the text does not depend on key order", () => {
    FastCheck.assert(
      FastCheck.property(json, FastCheck.integer(), (value, seed) => {
        expect(CanonicalJson.stringify(shuffleKeys(value, seed))).toBe(CanonicalJson.stringify(value))
      })
    )
  })
})

