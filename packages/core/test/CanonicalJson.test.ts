import { describe, expect, it } from "@effect/vitest"
import { CanonicalJson } from "@weft/core"

describe("CanonicalJson", () => {
  it("sorts keys at every level, drops undefined, keeps array order", () => {
    expect(CanonicalJson.stringify({ b: 1, a: { d: undefined, c: [2, 1] } })).toBe('{"a":{"c":[2,1]},"b":1}')
  })
  it("matches JSON.stringify for already-sorted data", () => {
    const value = { a: "x\"y", b: [true, null, 1.5], c: { d: "é" } }
    expect(CanonicalJson.stringify(value)).toBe(JSON.stringify(value))
  })
})
