import { describe, expect, it } from "@effect/vitest"
import { country, toIsoCountry } from "../src/internal/country.js"

describe("toIsoCountry", () => {
  it("reads alpha-2 and alpha-3 codes in any case", () => {
    expect(toIsoCountry("US")).toBe("US")
    expect(toIsoCountry("gb")).toBe("GB")
    expect(toIsoCountry("USA")).toBe("US")
    expect(toIsoCountry("deu")).toBe("DE")
  })

  it("reads country names, ignoring case, spacing and diacritics", () => {
    expect(toIsoCountry("United States")).toBe("US")
    expect(toIsoCountry("  united kingdom ")).toBe("GB")
    expect(toIsoCountry("UK")).toBe("GB")
    expect(toIsoCountry("Deutschland")).toBe("DE")
    expect(toIsoCountry("Côte d'Ivoire")).toBe("CI")
  })

  it("reads the names people use that are not a country's name", () => {
    expect(toIsoCountry("England")).toBe("GB")
    expect(toIsoCountry("Scotland")).toBe("GB")
    expect(toIsoCountry("Holland")).toBe("NL")
    expect(toIsoCountry("South Korea")).toBe("KR")
    expect(toIsoCountry("Vietnam")).toBe("VN")
    expect(toIsoCountry("U.S.A.")).toBe("US")
  })

  it("gives undefined for what it cannot recognise", () => {
    expect(toIsoCountry(undefined)).toBeUndefined()
    expect(toIsoCountry("")).toBeUndefined()
    expect(toIsoCountry("Atlantis")).toBeUndefined()
    expect(toIsoCountry("XX")).toBeUndefined()
  })
})

describe("country", () => {
  it("keeps the provider's string in rawValues when it is not the code", () => {
    expect(country("United States", "home.country")).toEqual({ country: "US", rawValues: { "home.country": "United States" } })
    expect(country("Atlantis", "home.country")).toEqual({ country: undefined, rawValues: { "home.country": "Atlantis" } })
    expect(country("US", "home.country")).toEqual({ country: "US", rawValues: {} })
    expect(country(undefined, "home.country")).toEqual({ country: undefined, rawValues: {} })
  })
})
