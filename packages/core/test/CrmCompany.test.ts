import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { Company } from "@weft/core"

describe("crm.company industries", () => {
  it("carries every industry, with the first also in industry", () => {
    const company = Either.getOrThrow(
      Company.model.decode({ id: "c1", industry: "Retail", industries: ["Retail", "E-commerce", "B2C"] })
    )
    expect(company.industry).toBe("Retail")
    expect(company.industries).toEqual(["Retail", "E-commerce", "B2C"])
    expect(Either.isRight(Company.model.validate({ id: "c1", industries: ["SaaS"] }))).toBe(true)
  })

  it("refuses industries that are not a list of strings", () => {
    expect(Either.isLeft(Company.model.decode({ id: "c1", industries: "Retail, B2C" }))).toBe(true)
    expect(Either.isLeft(Company.model.validate({ id: "c1", industries: ["Retail", 3] }))).toBe(true)
  })

  it("keeps industries with the company details, so a subscriber to details sees them", () => {
    expect(Company.model.fieldGroups["details"]).toContain("industries")
    expect(Company.model.jsonSchema()).toHaveProperty(["properties", "industries"])
  })
})
