import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { Secret, Signature } from "../src/index.js"
import { vector } from "./support/fixtures.js"

const b64 = (n: number) => Buffer.alloc(n, 1).toString("base64")

describe("Secret.decode", () => {
  it("accepts whsec_ + base64 of 24 to 64 bytes, plain or Redacted", () => {
    for (const n of [24, 32, 48, 64]) {
      const key = Secret.decode(`whsec_${b64(n)}`)
      expect(Either.isRight(key) && key.right.length).toBe(n)
    }
    expect(Either.isRight(Secret.decode(Redacted.make(vector.secret)))).toBe(true)
  })

  const bad: ReadonlyArray<readonly [string, string, string]> = [
    ["no prefix", b64(32), "must start with \"whsec_\""],
    ["wrong prefix case", `WHSEC_${b64(32)}`, "must start with \"whsec_\""],
    ["empty after prefix", "whsec_", "must be standard base64"],
    ["not base64", "whsec_not*base64*at*all*sorry*!!", "must be standard base64"],
    ["url-safe alphabet", `whsec_${Buffer.alloc(33, 0xfb).toString("base64url")}`, "must be standard base64"],
    ["bad padding", `whsec_${b64(33)}=`, "must be standard base64"],
    ["too short", `whsec_${b64(23)}`, "decodes to 23 bytes"],
    ["too long", `whsec_${b64(65)}`, "decodes to 65 bytes"]
  ]
  for (const [name, secret, problem] of bad) {
    it(`refuses ${name}, without repeating the secret`, () => {
      const result = Secret.decode(secret)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left).toContain(problem)
        const body = secret.replace(/^whsec_/i, "")
        if (body.length > 0) expect(result.left).not.toContain(body)
      }
    })
  }

  it("decodeAll names the bad secret by position and needs at least one", () => {
    expect(Secret.decodeAll([vector.secret, "nope-nope-nope"])).toEqual(
      Either.left(expect.stringContaining("secret #2 is malformed"))
    )
    expect(Secret.decodeAll([])).toEqual(Either.left(expect.stringContaining("at least one")))
  })

  it("generate makes a valid, redacted secret", () => {
    const secret = Secret.generate()
    expect(String(secret)).toBe("<redacted>")
    expect(Redacted.value(secret)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Either.isRight(Secret.decode(secret))).toBe(true)
    expect(Redacted.value(Secret.generate())).not.toBe(Redacted.value(secret))
  })
})

describe("Signature", () => {
  const key = Either.getOrThrow(Secret.decode(vector.secret))

  it("signs the published vector", () => {
    expect(Signature.sign([key], vector.id, vector.timestamp, vector.body)).toBe(vector.signature)
  })

  it("one entry per key, in order", () => {
    const other = Either.getOrThrow(Secret.decode(`whsec_${b64(32)}`))
    const header = Signature.sign([key, other], vector.id, vector.timestamp, vector.body)
    const entries = Signature.parse(header)
    expect(entries).toHaveLength(2)
    expect(`${entries[0]!.version},${entries[0]!.signature}`).toBe(vector.signature)
    expect(entries[1]!.signature).not.toBe(entries[0]!.signature)
  })

  it("depends on every signed part", () => {
    const base = Signature.sign([key], vector.id, vector.timestamp, vector.body)
    expect(Signature.sign([key], "msg_other", vector.timestamp, vector.body)).not.toBe(base)
    expect(Signature.sign([key], vector.id, vector.timestamp + 1, vector.body)).not.toBe(base)
    expect(Signature.sign([key], vector.id, vector.timestamp, vector.body + " ")).not.toBe(base)
  })

  it("parse skips entries without a comma", () => {
    expect(Signature.parse("v1,abc garbage v2,def")).toEqual([
      { version: "v1", signature: "abc" },
      { version: "v2", signature: "def" }
    ])
  })
})
