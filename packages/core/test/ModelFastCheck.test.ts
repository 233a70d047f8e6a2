import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { Registry } from "@weft/core/models"

// A model's `validate` takes a fast path for inputs that are certainly valid and exact.
// It must agree with the Schema's own decoder on every input: same verdict, same data.
describe("Model.validate fast path", () => {
  for (const model of Registry.builtin.all) {
    const slow = Schema.decodeUnknownEither(model.schema, { errors: "first", onExcessProperty: "ignore" })
    const encode = Schema.encodeSync(model.schema)
    const valid = Arbitrary.make(model.schema).map((record) => encode(record) as Record<string, unknown>)

    it(`${model.name}: valid records decode to the same data`, () => {
      FastCheck.assert(
        FastCheck.property(valid, (input) => {
          const fast = model.validate(input)
          const reference = slow(input)
          expect(Either.isRight(fast)).toBe(Either.isRight(reference))
          if (Either.isRight(fast) && Either.isRight(reference)) {
            expect(JSON.parse(JSON.stringify(fast.right))).toEqual(JSON.parse(JSON.stringify(reference.right)))
          }
        }),
        { numRuns: 200 }
      )
    })

    it(`${model.name}: broken records are refused exactly when the Schema refuses them`, () => {
      const broken = FastCheck.tuple(valid, FastCheck.string(), FastCheck.anything()).map(([record, key, value]) => {
        const keys = Object.keys(record)
        const target = keys.length === 0 ? key : keys[key.length % keys.length]!
        return { ...record, [target]: value, ...(key.length % 3 === 0 ? { [`x_${key}`]: value } : {}) }
      })
      FastCheck.assert(
        FastCheck.property(broken, (input) => {
          const fast = model.validate(input)
          const reference = slow(input)
          expect(Either.isRight(fast)).toBe(Either.isRight(reference))
          if (Either.isRight(fast) && Either.isRight(reference)) {
            expect(JSON.parse(JSON.stringify(fast.right))).toEqual(JSON.parse(JSON.stringify(reference.right)))
          }
        }),
        { numRuns: 300 }
      )
    })
  }

  it("an input with an undeclared key is decoded (the key dropped), not passed through", () => {
    const model = Registry.builtin.get("crm.company")
    if (Either.isLeft(model)) throw model.left
    const decoded = model.right.validate({ id: "c1", name: "Acme", secret: "x" })
    expect(Either.isRight(decoded) && "secret" in decoded.right).toBe(false)
    const exact = { id: "c2", name: "Acme" }
    const same = model.right.validate(exact)
    expect(Either.isRight(same) && same.right).toBe(exact)
  })

  it("inputs of every prototype get the Schema's verdict: null-prototype, class instances, inherited keys", () => {
    const model = Registry.builtin.get("crm.company")
    if (Either.isLeft(model)) throw model.left
    const slow = Schema.decodeUnknownEither(model.right.schema, { errors: "first", onExcessProperty: "ignore" })
    const agree = (input: unknown) => {
      const fast = model.right.validate(input)
      const reference = slow(input)
      expect(Either.isRight(fast)).toBe(Either.isRight(reference))
      if (Either.isRight(fast) && Either.isRight(reference)) {
        expect(JSON.parse(JSON.stringify(fast.right))).toEqual(JSON.parse(JSON.stringify(reference.right)))
      }
    }
    const bare = Object.assign(Object.create(null) as object, { id: "c1", name: "Acme" })
    agree(bare)
    expect(model.right.validate(bare)).toEqual(Either.right(bare))
    agree(Object.assign(Object.create(null) as object, { id: "c1", name: 3 }))
    agree(Object.assign(Object.create(null) as object, { name: "Acme" }))
    agree(Object.assign(Object.create({ id: "inherited" }) as object, { name: "Acme" }))
    agree(Object.assign(Object.create({ extra: "inherited" }) as object, { id: "c1", name: "Acme" }))
    class Row {
      id = "c1"
      name = "Acme"
    }
    agree(new Row())
    agree({ id: "c1", name: undefined })
    agree({ id: "", name: "Acme" })
    // An enumerable key on Object.prototype shows up in every for…in: such inputs still get the Schema's verdict.
    Object.defineProperty(Object.prototype, "polluted", { value: "x", enumerable: true, configurable: true, writable: true })
    try {
      agree({ id: "c1", name: "Acme" })
      agree({ id: "c1", name: 3 })
      agree({ name: "Acme" })
    } finally {
      delete (Object.prototype as { polluted?: unknown }).polluted
    }
    // …even when that key is a field the model requires: an inherited id is no id.
    Object.defineProperty(Object.prototype, "id", { value: "inherited", enumerable: true, configurable: true, writable: true })
    try {
      agree({ name: "Acme" })
      agree({ id: "c1", name: "Acme" })
    } finally {
      delete (Object.prototype as { id?: unknown }).id
    }
    agree({ id: "c1", name: "Acme" })
  })
})
