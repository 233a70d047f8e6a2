import * as Crypto from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { CanonicalJson, Fingerprint } from "@weft/core"
import * as FastCheck from "effect/FastCheck"

import { all, deepFreeze, json, key, record, shuffleKeys, type Json } from "./jsonArbitraries.js"
import * as Reference from "./support/canonicalReference.js"

const differs = (a: unknown, b: unknown) => CanonicalJson.stringify(a) !== CanonicalJson.stringify(b)
const hex = (value: unknown) => Fingerprint.toHex(Fingerprint.ofValue(value))

describe("Fingerprint", () => {
  it("is the first 16 bytes of SHA-256 over the canonical JSON", () => {
    const hash = Fingerprint.ofValue({ b: [1, "x"], a: null })
    expect(hash).toBeInstanceOf(Uint8Array)
    expect(hash.length).toBe(Fingerprint.HASH_BYTES)
    expect(Fingerprint.HASH_BYTES).toBe(16)
    const expected = Crypto.createHash("sha256").update('{"a":null,"b":[1,"x"]}').digest("hex").slice(0, 32)
    expect(Fingerprint.toHex(hash)).toBe(expected)
  })

  it("property: every hash is 16 bytes", () => {
    FastCheck.assert(
      FastCheck.property(record, (r) => {
        expect(Fingerprint.of(r, all).length).toBe(16)
      })
    )
  })

  it("property: the hash does not depend on key order, at any depth", () => {
    FastCheck.assert(
      FastCheck.property(record, FastCheck.integer(), (r, seed) => {
        const shuffled = shuffleKeys(r, seed) as Record<string, Json>
        expect(Fingerprint.equals(Fingerprint.of(shuffled, all), Fingerprint.of(r, all))).toBe(true)
      })
    )
  })

  it("property: any change to a subscribed field changes the hash", () => {
    FastCheck.assert(
      FastCheck.property(record, key, json, (r, field, value) => {
        FastCheck.pre(differs(r[field], value) && value !== null)
        const changed = { ...r }
        Object.defineProperty(changed, field, { value, enumerable: true, writable: true, configurable: true })
        const projection: Fingerprint.Projection = { fields: new Set(["id", field]), volatile: [] }
        expect(Fingerprint.equals(Fingerprint.of(changed, projection), Fingerprint.of(r, projection))).toBe(false)
        expect(Fingerprint.equals(Fingerprint.of(changed, all), Fingerprint.of(r, all))).toBe(false)
      })
    )
  })

  it("property: a change outside the subscribed fields keeps the hash", () => {
    FastCheck.assert(
      FastCheck.property(record, key, json, FastCheck.array(key, { maxLength: 4 }), (r, field, value, subscribed) => {
        FastCheck.pre(!subscribed.includes(field))
        const changed = { ...r }
        Object.defineProperty(changed, field, { value, enumerable: true, writable: true, configurable: true })
        const projection: Fingerprint.Projection = { fields: new Set(subscribed), volatile: [] }
        expect(hex(Fingerprint.project(changed, projection))).toBe(hex(Fingerprint.project(r, projection)))
        expect(Fingerprint.equals(Fingerprint.of(changed, projection), Fingerprint.of(r, projection))).toBe(true)
      })
    )
  })

  it("property: a change only in a volatile path (top-level or nested) keeps the hash", () => {
    FastCheck.assert(
      FastCheck.property(record, json, json, (r, before, after) => {
        const a = { ...r, fetchedAt: before, meta: { etag: before, kept: 1 } }
        const b = { ...r, fetchedAt: after, meta: { etag: after, kept: 1 } }
        const projection: Fingerprint.Projection = { volatile: ["fetchedAt", "meta.etag"] }
        expect(Fingerprint.equals(Fingerprint.of(a, projection), Fingerprint.of(b, projection))).toBe(true)
        // …and the rest of the nested object still counts.
        const c = { ...b, meta: { etag: after, kept: 2 } }
        expect(Fingerprint.equals(Fingerprint.of(c, projection), Fingerprint.of(b, projection))).toBe(false)
      })
    )
  })

  it("property: project never mutates its input", () => {
    FastCheck.assert(
      FastCheck.property(
        record,
        FastCheck.option(FastCheck.array(key, { maxLength: 4 }), { nil: undefined }),
        FastCheck.array(FastCheck.oneof(key, FastCheck.tuple(key, key).map(([p, q]) => `${p}.${q}`)), { maxLength: 4 }),
        (r, fields, volatile) => {
          const input = { ...r, nested: { a: { b: 1, c: 2 }, d: [1, { e: 3 }] } }
          const before = structuredClone(input)
          const projection: Fingerprint.Projection = {
            fields: fields === undefined ? undefined : new Set([...fields, "nested"]),
            volatile: [...volatile, "nested.a.b", "nested.d"]
          }
          const projected = Fingerprint.project(deepFreeze(input), projection)
          expect(input).toEqual(before)
          expect((projected["nested"] as { a: object }).a).toEqual({ c: 2 })
        }
      )
    )
  })

  it("a volatile path through a missing or non-object value is ignored", () => {
    const r = { id: "1", n: 3, list: [{ x: 1 }] }
    expect(Fingerprint.project(r, { volatile: ["n.x", "list.x", "gone.x"] })).toEqual(r)
  })

  it("projects to the subscribed fields and drops volatile ones", () => {
    const r = { id: "1", name: "Ada", salary: 10, fetchedAt: 5, profile: { a: 1, seenAt: 2 } }
    expect(
      Fingerprint.project(r, { fields: new Set(["id", "name", "profile", "fetchedAt"]), volatile: ["fetchedAt", "profile.seenAt"] })
    ).toEqual({ id: "1", name: "Ada", profile: { a: 1 } })
  })

  it("equals compares bytes and lengths", () => {
    const a = Fingerprint.ofValue({ a: 1 })
    expect(Fingerprint.equals(a, Uint8Array.from(a))).toBe(true)
    expect(Fingerprint.equals(a, a.subarray(0, 15))).toBe(false)
    const flipped = Uint8Array.from(a)
    flipped[15] = flipped[15]! ^ 1
    expect(Fingerprint.equals(a, flipped)).toBe(false)
  })
})

describe("Fingerprint.withJson", () => {
  const projectionOf = (keys: ReadonlyArray<string>, pick: number, volatileCount: number): Fingerprint.Projection => ({
    fields: pick % 2 === 0 ? undefined : new Set(keys.filter((_, i) => i % 3 !== 0)),
    volatile: keys.slice(0, volatileCount)
  })

  it("hash and JSON equal the canonical JSON of the projections they stand for", () => {
    FastCheck.assert(
      FastCheck.property(record, FastCheck.nat(), FastCheck.nat({ max: 3 }), (value, pick, volatileCount) => {
        const projection = projectionOf(Object.keys(value), pick, volatileCount)
        const { hash, json: text } = Fingerprint.withJson(value, projection)
        expect(Fingerprint.equals(hash, Fingerprint.ofValue(Fingerprint.project(value, projection)))).toBe(true)
        expect(Fingerprint.equals(Fingerprint.of(value, projection), hash)).toBe(true)
        expect(text).toBe(CanonicalJson.stringify(Fingerprint.project(value, { fields: projection.fields, volatile: [] })))
      }),
      { numRuns: 300 }
    )
  })

  it("handles nested volatile paths by projecting first", () => {
    const value = { id: "1", profile: { name: "Ada", fetchedAt: 1 } }
    const projection = { volatile: ["profile.fetchedAt"] }
    const { hash, json: text } = Fingerprint.withJson(value, projection)
    expect(Fingerprint.equals(hash, Fingerprint.of({ id: "1", profile: { name: "Ada", fetchedAt: 2 } }, projection))).toBe(true)
    expect(JSON.parse(text)).toEqual(value)
  })
})

describe("Fingerprint: the same bytes as the reference implementation", () => {
  // Projections over the record's own keys and a few it does not have; volatile paths top-level or nested.
  const projection = (value: object) =>
    FastCheck.record({
      fields: FastCheck.option(FastCheck.subarray([...Object.keys(value), "id", "absent"]), { nil: undefined }),
      volatile: FastCheck.subarray([...Object.keys(value).slice(0, 3), "absent", ...Object.keys(value).slice(0, 1).map((k) => `${k}.a`)])
    }).map(({ fields, volatile }): Fingerprint.Projection => ({ fields: fields === undefined ? undefined : new Set(fields), volatile }))
  const cases = Reference.awkwardRecord.chain((value) => FastCheck.tuple(FastCheck.constant(value), projection(value)))

  it("property: of, withJson, matches and ofValue agree with the reference on awkward records", () => {
    FastCheck.assert(
      FastCheck.property(cases, ([value, p]) => {
        const expected = Reference.withJson(value, p)
        const hex = Fingerprint.toHex(expected.hash)
        const { hash, json: text } = Fingerprint.withJson(value, p)
        expect(Fingerprint.toHex(hash)).toBe(hex)
        expect(text).toBe(expected.json)
        expect(Fingerprint.toHex(Fingerprint.of(value, p))).toBe(Fingerprint.toHex(Reference.of(value, p)))
        expect(Fingerprint.matches(value, p, expected.hash)).toBe(true)
        const other = Uint8Array.from(expected.hash)
        other[other.length - 1] = other[other.length - 1]! ^ 1
        expect(Fingerprint.matches(value, p, other)).toBe(false)
        expect(Fingerprint.matches(value, p, expected.hash.subarray(0, 15))).toBe(false)
        expect(Fingerprint.toHex(Fingerprint.ofValue(value))).toBe(Fingerprint.toHex(Reference.ofValue(value)))
      }),
      { numRuns: 1000 }
    )
  })

  it("the hashes of a day's records stay what they were", () => {
    // Fingerprints kept by stores must still match after an upgrade: this one was made by the first implementation.
    const employee = {
      id: "42",
      remoteUpdatedAt: "2026-01-01T09:00:00.000Z",
      profile: { firstName: "Zoë", lastName: "O\"Brien", workEmail: "zoe@example.com", employeeNumber: "E1" },
      employment: { status: "active", type: "full_time", startDate: "2021-03-01" },
      orgStructure: { jobTitle: "Engineer", manager: { id: "7" } },
      compensation: { fixed: [{ amount: "50000.00", currency: "EUR", period: "year" }] }
    }
    const p: Fingerprint.Projection = { volatile: ["remoteUpdatedAt"] }
    const { hash, json: text } = Fingerprint.withJson(employee, p)
    expect(Fingerprint.toHex(hash)).toBe(Fingerprint.toHex(Reference.of(employee, p)))
    expect(Fingerprint.toHex(hash)).toBe("b19dc1e16c409bec7185c064775481d5")
    expect(text).toBe(Reference.withJson(employee, p).json)
  })

  it("a getter that fingerprints another record meanwhile changes nothing", () => {
    const p: Fingerprint.Projection = { volatile: ["seenAt"] }
    const inner = { z: 1, seenAt: 5, a: "x" }
    // Sorted after members already written, so a shared record of member places would be overwritten.
    const record = {
      seenAt: 2,
      b: 1,
      get d() {
        return Fingerprint.withJson(inner, p).json + Fingerprint.toHex(Fingerprint.of(inner, p))
      },
      a: "first",
      c: [1]
    }
    const { hash, json: text } = Fingerprint.withJson(record, p)
    const expected = Reference.withJson(record, p)
    expect(text).toBe(expected.json)
    expect(Fingerprint.toHex(hash)).toBe(Fingerprint.toHex(expected.hash))
  })

  it("hashes handed out are never overwritten by later ones", () => {
    const first = Array.from({ length: 2000 }, (_, i) => Fingerprint.of({ i }, all))
    const copies = first.map((h) => Uint8Array.from(h))
    for (let i = 0; i < 2000; i++) Fingerprint.ofValue({ other: i })
    first.forEach((h, i) => expect(Fingerprint.equals(h, copies[i]!)).toBe(true))
    expect(Fingerprint.toHex(first[3]!)).toBe(Fingerprint.toHex(Reference.of({ i: 3 }, all)))
  })
})
