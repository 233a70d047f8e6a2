import { describe, expect, it } from "@effect/vitest"
import { CanonicalJson } from "@weft/core"
import * as FastCheck from "effect/FastCheck"
import { json, shuffleKeys } from "./jsonArbitraries.js"
import * as Reference from "./support/canonicalReference.js"

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

  it("property: the same text as the reference implementation, byte for byte", () => {
    FastCheck.assert(
      FastCheck.property(Reference.awkwardValue, (value) => {
        expect(CanonicalJson.stringify(value)).toBe(Reference.stringify(value))
      }),
      { numRuns: 2000 }
    )
  })

  it("property: member is the reference's `\"key\":value`, or undefined", () => {
    FastCheck.assert(
      FastCheck.property(Reference.awkwardKey, Reference.awkwardValue, (key, value) => {
        expect(CanonicalJson.member(key, value)).toBe(Reference.member(key, value))
      }),
      { numRuns: 1000 }
    )
  })

  it("the edge cases of the reference, one by one", () => {
    const cases: ReadonlyArray<unknown> = [
      -0, NaN, Infinity, [-0, NaN, -Infinity, undefined, () => 1, Symbol("s")], 10n ** 30n, -5n,
      { b: undefined, a: () => 1, c: Symbol("s") }, { "\"": 1, "\\": 2, "\n": 3, "\u0000": 4, "é": 5, "\ud800": 6, "😀": 7 },
      { "10": 1, "2": 2, "b": 3, "B": 4, "": 5 }, "\ud800\udc00\udc00\ud800", "\u2028\u2029\u007f",
      { toJSON: () => undefined }, [{ toJSON: () => undefined }], { x: { toJSON: () => undefined } },
      { toJSON: () => ({ z: 1, y: [2, { toJSON: () => "in" }] }) }, new Date(0), [new Date(-1)], Object.create(null),
      Object.assign(Object.create(null), { b: 1, a: 2 }), new Map([["a", 1]]), new Number(3), "x".repeat(100_000),
      { long: "é".repeat(70_000), list: Array.from({ length: 5000 }, (_, i) => ({ i, s: String(i) })) }
    ]
    for (const value of cases) expect(CanonicalJson.stringify(value)).toBe(Reference.stringify(value))
    const own = JSON.parse('{"__proto__":{"b":1,"a":2},"x":1}') as object
    expect(CanonicalJson.stringify(own)).toBe('{"__proto__":{"a":2,"b":1},"x":1}')
    expect(CanonicalJson.stringify(own)).toBe(Reference.stringify(own))
  })

  it("a getter or toJSON that writes canonical JSON itself gets the same text", () => {
    const inner = { toJSON: () => CanonicalJson.stringify({ b: 2, a: [1, { d: 4, c: 3 }] }) }
    const value = {
      z: inner,
      get y() {
        return CanonicalJson.stringify({ q: "\n", p: null })
      },
      x: [inner, { toJSON: () => CanonicalJson.member("k", { v: 1 }) }]
    }
    expect(CanonicalJson.stringify(value)).toBe(Reference.stringify(value))
    expect(CanonicalJson.stringify(value)).toBe(
      '{"x":["{\\"a\\":[1,{\\"c\\":3,\\"d\\":4}],\\"b\\":2}","\\"k\\":{\\"v\\":1}"],"y":"{\\"p\\":null,\\"q\\":\\"\\\\n\\"}",' +
        '"z":"{\\"a\\":[1,{\\"c\\":3,\\"d\\":4}],\\"b\\":2}"}'
    )
  })

  it("an exception thrown while writing leaves later calls intact", () => {
    const throwing = { a: 1, get b(): never {
      throw new Error("boom")
    } }
    expect(() => CanonicalJson.stringify(throwing)).toThrow("boom")
    expect(CanonicalJson.stringify({ b: 1, a: "x" })).toBe('{"a":"x","b":1}')
    expect(() => CanonicalJson.stringify({ big: 1n, c: { toJSON: () => { throw new Error("again") } } })).toThrow("again")
    expect(CanonicalJson.stringify([1, "é"])).toBe('[1,"é"]')
  })

  it("objects of many shapes, shapes sharing a first key, in any order: the reference's text every time", () => {
    const values: Array<unknown> = []
    for (let i = 0; i < 3000; i++) {
      const n = i % 7
      const shape: Record<string, unknown> = { first: i }
      for (let k = 0; k < n; k++) shape[`k${(i * 7 + k * 3) % 11}`] = k
      if (i % 5 === 0) shape["10"] = "int-like"
      if (i % 3 === 0) delete shape["first"]
      values.push(shape, { [`key${i}`]: i, a: 1 }, Object.assign(Object.create(null) as object, shape))
    }
    for (const value of values) expect(CanonicalJson.stringify({ nested: value, list: [value] })).toBe(Reference.stringify({ nested: value, list: [value] }))
  })

  it("an enumerable key added to Object.prototype is not taken for an own key", () => {
    const before = [{ a: 1 }, { a: 1, z: 2 }, { b: 1, a: 2 }]
    for (const value of before) expect(CanonicalJson.stringify(value)).toBe(Reference.stringify(value))
    Object.defineProperty(Object.prototype, "z", { value: "inherited", enumerable: true, configurable: true, writable: true })
    try {
      for (const value of [...before, { a: 3 }, { z: 1, a: 2 }, { a: { a: 1 } }]) {
        expect(CanonicalJson.stringify(value)).toBe(Reference.stringify(value))
      }
      expect(CanonicalJson.stringify({ a: 1 })).toBe('{"a":1}')
    } finally {
      delete (Object.prototype as { z?: unknown }).z
    }
    class Point {
      constructor(readonly y: number, readonly x: number) {}
      get sum() {
        return this.x + this.y
      }
    }
    expect(CanonicalJson.stringify(new Point(2, 1))).toBe('{"x":1,"y":2}')
    expect(CanonicalJson.stringify(new Point(2, 1))).toBe(Reference.stringify(new Point(2, 1)))
  })
})
