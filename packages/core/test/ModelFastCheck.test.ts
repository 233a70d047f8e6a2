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
})
