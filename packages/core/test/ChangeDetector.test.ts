import { describe, expect, it } from "@effect/vitest"
import { ChangeDetector } from "@weft/core/engine"
import { Fingerprint } from "@weft/core/ground"
import { Model } from "@weft/core/models"
import type { Rows } from "@weft/core/store"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Reference from "./support/detectReference.js"

// Pages full of what makes detection hard: ids repeated within the page and tombstoned in it,
// records that fail validation or have no usable id, stored fingerprints of every generation and
// activity, and a model whose decoding rewrites ids (so a decoded id can collide with another raw one).
const plain = Model.define({
  name: "test.plain",
  category: "crm",
  description: "plain ids",
  schema: Schema.Struct({
    id: Schema.String,
    name: Schema.optional(Schema.String),
    status: Schema.optional(Schema.Literal("active", "inactive")),
    seenAt: Schema.optional(Schema.Number)
  }),
  fieldGroups: { all: ["name", "status", "seenAt"] },
  isInactive: (r) => r.status === "inactive",
  volatileFields: ["seenAt"]
})
const trimmed = Model.define({
  name: "test.trimmed",
  category: "crm",
  description: "ids trimmed by decoding",
  schema: Schema.Struct({
    id: Schema.Trim,
    name: Schema.optional(Schema.String),
    status: Schema.optional(Schema.Literal("active", "inactive")),
    seenAt: Schema.optional(Schema.Number)
  }),
  fieldGroups: { all: ["name", "status", "seenAt"] },
  isInactive: (r) => r.status === "inactive",
  volatileFields: ["seenAt"]
})

const id = FastCheck.constantFrom("1", "2", "3", " 1", "2 ", "4")
const input = FastCheck.oneof(
  { weight: 8, arbitrary: FastCheck.record(
    {
      id,
      name: FastCheck.constantFrom("Ada", "Grace", "Alan"),
      status: FastCheck.constantFrom("active", "inactive"),
      seenAt: FastCheck.integer({ min: 0, max: 3 })
    },
    { requiredKeys: ["id"] }
  ) },
  { weight: 1, arbitrary: FastCheck.record({ id, name: FastCheck.constant(5) }) },
  { weight: 1, arbitrary: FastCheck.constantFrom({ name: "no id" }, { id: 7, name: "numeric id" }, { id: "", name: "empty" }, null, "text") }
)
const stored = FastCheck.array(
  FastCheck.tuple(
    FastCheck.constantFrom("1", "2", "3", "4"),
    FastCheck.record({ id: FastCheck.constantFrom("1", "2", "3", "4"), name: FastCheck.constantFrom("Ada", "Grace"), status: FastCheck.constantFrom("active", "inactive") }),
    FastCheck.constantFrom(1, 2),
    FastCheck.boolean()
  ),
  { maxLength: 4 }
)

const page = FastCheck.record({
  model: FastCheck.constantFrom(plain, trimmed),
  records: FastCheck.array(input, { maxLength: 8 }),
  deleted: FastCheck.array(FastCheck.constantFrom("1", "2", "3", "4", "9"), { maxLength: 3 }),
  stored,
  includeInactive: FastCheck.boolean(),
  fullRead: FastCheck.constantFrom(true, false, undefined),
  volatile: FastCheck.constantFrom([], ["seenAt"], ["name"])
})

const comparable = (result: ChangeDetector.PageResult) => ({
  ...result,
  upserts: result.upserts.map((u) => ({ ...u, fingerprint: { ...u.fingerprint, hash: Fingerprint.toHex(u.fingerprint.hash) } }))
})

describe("ChangeDetector.detect", () => {
  it("property: judges every page as the first implementation did", () => {
    FastCheck.assert(
      FastCheck.property(page, (p) => {
        const policy: ChangeDetector.Policy = {
          model: p.model as Model.Any,
          projection: { fields: undefined, volatile: p.volatile },
          generation: 2,
          includeInactive: p.includeInactive,
          fullRead: p.fullRead
        }
        const known = new Map<string, Rows.Fingerprint>()
        for (const [key, record, generation, inactive] of p.stored) {
          known.set(key, { hash: Fingerprint.of(record, policy.projection), generation, inactive })
        }
        const expected = Reference.detect(policy, p.records, p.deleted, known)
        const actual = ChangeDetector.detect(policy, p.records, p.deleted, known)
        expect(comparable(actual)).toEqual(comparable(expected))
      }),
      { numRuns: 3000 }
    )
  })
})

describe("ChangeDetector.invalidRecord", () => {
  const Contact = Model.define({
    name: "test.contact",
    category: "crm",
    description: "a contact with e-mail addresses",
    schema: Schema.Struct({
      id: Schema.String,
      emails: Schema.optional(Schema.Array(Schema.Struct({ value: Schema.String, primary: Schema.optional(Schema.Boolean) })))
    }),
    fieldGroups: { all: ["emails"] },
    isInactive: () => false
  })
  const invalid = (record: unknown) => ChangeDetector.detect(
    { model: Contact, projection: Model.projection(Contact, undefined).pipe((p) => (p._tag === "Right" ? p.right : undefined))!, generation: 1, includeInactive: true },
    [record],
    [],
    new Map()
  ).invalid

  it("names the path of the record's first problem, array items by index, and keeps it in the error", () => {
    expect(invalid({ id: "c1", emails: [{ value: "a@example.com" }, { value: 5 }] })).toEqual([
      { recordId: "c1", path: "emails[1].value", error: "emails[1].value: Expected string, actual 5" }
    ])
    expect(invalid({ id: "c2", emails: "none" })).toEqual([
      { recordId: "c2", path: "emails", error: expect.stringMatching(/^emails: Expected ReadonlyArray<.*actual "none"$/) }
    ])
    // The record as a whole: no path.
    expect(invalid(["not", "a", "record"])).toEqual([
      { recordId: undefined, error: expect.stringMatching(/^\(record\): Expected /) }
    ])
  })
})
