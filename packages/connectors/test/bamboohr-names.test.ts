import { describe, expect, it } from "@effect/vitest"
import { BambooHR } from "@weft/connectors"
import { Employee } from "@weft/core/models"
import { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { keys, live, readAllRecords, setup } from "./bamboohr.support.js"

// BambooHR's own field names and what they hold: a name BambooHR does not know reads nothing (the fake,
// like BambooHR, leaves it out), so a wrong name shows up as a field missing from the record.

type Row = NonNullable<ReturnType<BambooHRFake.Fake["get"]>>

const decode = (record: unknown) => Either.getOrThrow(Employee.model.decode(record))

/** The employee list's optional fields, as the OpenAPI spec lists them (`EmployeeOptionalField`). */
const LIST_OPTIONAL_FIELDS = [
  "workEmail", "homeEmail", "bestEmail", "middleName", "workPhone", "workPhoneExtension", "mobilePhone", "homePhone",
  "skypeUsername", "linkedinUrl", "facebookUrl", "instagramUrl", "twitterUrl", "pinterestUrl", "birthDate", "hireDate",
  "divisionName", "divisionId", "departmentName", "departmentId", "locationName", "locationId", "jobTitleId",
  "employmentStatusName", "employmentStatusId", "reportsToName", "reportsToId"
]

/** Every home-country spelling the fake serves, and the ISO code it stands for (none: no code is recognised). */
const ISO: Readonly<Record<string, string | undefined>> = {
  "United States": "US",
  USA: "US",
  "United Kingdom": "GB",
  UK: "GB",
  England: "GB",
  Canada: "CA",
  Germany: "DE",
  France: "FR",
  Netherlands: "NL",
  Holland: "NL",
  Spain: "ES",
  Ireland: "IE",
  Australia: "AU",
  Sweden: "SE"
}

const isoOf = (text: string): string | undefined => {
  if (!(text in ISO)) throw new Error(`the fake served a country this test does not know: ${text}`)
  return ISO[text]
}

const GENDER: Readonly<Record<string, string>> = { Male: "male", Female: "female", "Non-binary": "non_binary" }
const MARITAL: Readonly<Record<string, string>> = {
  Single: "single",
  Married: "married",
  "Domestic Partnership": "domestic_partnership",
  Divorced: "divorced",
  Separated: "separated",
  Widowed: "widowed"
}
const TYPE: Readonly<Record<string, string>> = {
  "Full-Time": "full_time",
  "Part-Time": "part_time",
  Contractor: "contractor",
  Intern: "intern",
  Temporary: "temporary",
  "Per Diem": "other"
}

const some = <A>(value: A | null): A | undefined => value ?? undefined

/** The record the extended field set must give for a row: every mapped field, from the row alone. */
const expectedExtended = (row: Row) => {
  const [amount, currency] = row.payRate!.split(" ")
  const terminated = row.employmentStatus === "Terminated"
  const phones = ([["work", row.workPhone], ["mobile", row.mobilePhone], ["home", row.homePhone]] as const)
    .flatMap(([type, number]) => (number === null ? [] : [{ type, number }]))
  const rawCountry = row.country!
  return {
    id: row.id,
    remoteUpdatedAt: row.lastChanged,
    profile: {
      firstName: row.firstName,
      lastName: row.lastName,
      preferredName: some(row.preferredName),
      displayName: row.displayName,
      employeeNumber: some(row.employeeNumber),
      workEmail: some(row.workEmail),
      personalEmails: row.homeEmail === null ? undefined : [row.homeEmail],
      birthDate: some(row.birthDate),
      gender: row.gender === null ? undefined : GENDER[row.gender],
      maritalStatus: row.marital === null ? undefined : MARITAL[row.marital]
    },
    employment: {
      status: row.status.toLowerCase(),
      type: terminated ? undefined : TYPE[row.employmentStatus],
      startDate: row.hireDate,
      terminationDate: some(row.terminationDate)
    },
    orgStructure: {
      jobTitle: row.jobTitleName,
      department: row.department,
      manager: row.reportsToId === null ? undefined : { id: row.reportsToId }
    },
    contactInfo: phones.length === 0 ? undefined : { phones },
    locations: {
      work: { name: row.location },
      home: {
        line1: some(row.address1),
        line2: some(row.address2),
        city: some(row.city),
        state: some(row.state),
        postalCode: some(row.zipcode),
        country: isoOf(rawCountry)
      }
    },
    compensation: {
      fixed: [{ type: row.payType!.toLowerCase(), amount, currency, period: row.payPer!.toLowerCase() }]
    },
    rawValues: {
      "employment.status": row.status,
      "employment.type": terminated ? undefined : row.employmentStatus,
      "profile.gender": some(row.gender),
      "profile.maritalStatus": some(row.marital),
      "compensation.fixed.type": row.payType,
      "compensation.fixed.period": row.payPer,
      "locations.home.country": rawCountry
    }
  }
}

const basic = `Basic ${Buffer.from(`${keys.admin}:x`).toString("base64")}`

const getJson = async (fake: BambooHRFake.Fake, path: string): Promise<unknown> => {
  const response = await fetch(`${fake.url}/${fake.companyDomain}${path}`, {
    headers: { accept: "application/json", authorization: basic }
  })
  expect(response.status).toBe(200)
  return response.json()
}

describe("BambooHR field names", () => {
  it("every Get Employee field the extended set asks for is an alias in BambooHR's field list, and is answered", async () => {
    const fake = await BambooHRFake.start({ size: 10, seed: 2 })
    try {
      const listed = (await getJson(fake, "/api/v1/meta/fields")) as ReadonlyArray<{ readonly alias?: string }>
      const aliases = new Set(listed.map((f) => f.alias))
      expect(BambooHR.EMPLOYEE_FIELDS.filter((name) => !aliases.has(name))).toEqual([])
      const one = (await getJson(fake, `/api/v1/employees/6?fields=${BambooHR.EMPLOYEE_FIELDS.join(",")}`)) as object
      expect(Object.keys(one).sort()).toEqual(["id", ...BambooHR.EMPLOYEE_FIELDS].sort())
    } finally {
      await fake.close()
    }
  })

  it("every list field the standard set asks for is one of the list's optional fields, and is answered", async () => {
    expect(BambooHR.LIST_FIELDS.filter((name) => !LIST_OPTIONAL_FIELDS.includes(name))).toEqual([])
    const fake = await BambooHRFake.start({ size: 10, seed: 2 })
    try {
      const page = (await getJson(fake, `/api/v1/employees?page[limit]=1&fields=${BambooHR.LIST_FIELDS.join(",")}`)) as {
        readonly data: ReadonlyArray<object>
      }
      expect(BambooHR.LIST_FIELDS.filter((name) => !(name in page.data[0]!))).toEqual([])
    } finally {
      await fake.close()
    }
  })

  live("extended: each record holds exactly what BambooHR's fields say, field by field", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 300, seed: 13, connector: { fields: "extended" } })
      const records = yield* readAllRecords(bamboo, context)
      expect(records).toHaveLength(300)
      for (const record of records) {
        const row = fake.get((record as { readonly id: string }).id)!
        expect(record).toEqual(expectedExtended(row))
        decode(record)
      }
    }), 60_000)
})

describe("BambooHR manager", () => {
  for (const fields of ["standard", "extended"] as const) {
    live(`${fields}: manager.id is the manager's employee id, not their employee number`, () =>
      Effect.gen(function*() {
        const { bamboo, context, fake } = yield* setup({ size: 250, seed: 13, connector: { fields } })
        const records = (yield* readAllRecords(bamboo, context)).map(decode)
        let numbered = 0
        let unnumbered = 0
        for (const employee of records) {
          const row = fake.get(employee.id)!
          if (row.reportsToId === null) {
            expect(employee.orgStructure?.manager).toBeUndefined()
            continue
          }
          const manager = fake.get(row.reportsToId)!
          expect(employee.orgStructure?.manager).toEqual({ id: manager.id })
          if (manager.employeeNumber === null) unnumbered += 1
          // The number names another, real employee: reading it as the id would point at the wrong person.
          else if (manager.employeeNumber !== manager.id && fake.get(manager.employeeNumber) !== undefined) numbered += 1
        }
        expect(numbered).toBeGreaterThan(100)
        expect(unnumbered).toBeGreaterThan(0)
      }), 60_000)
  }

  it("the manager is supervisorEId (an employee id); supervisorId (an employee number) is not read", () => {
    expect(BambooHR.toEmployee({ id: "4", supervisorEId: "9", supervisorId: "6" }).orgStructure).toEqual({ manager: { id: "9" } })
    expect(BambooHR.toEmployee({ id: "4", supervisorId: "6" }).orgStructure).toBeUndefined()
  })
})

describe("BambooHR home country", () => {
  live("extended: BambooHR's free-text country becomes an ISO code; its own string stays in rawValues", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 300, seed: 13, connector: { fields: "extended" } })
      const records = (yield* readAllRecords(bamboo, context)).map(decode)
      const seen = new Set<string>()
      for (const employee of records) {
        const raw = fake.get(employee.id)!.country!
        seen.add(raw)
        expect(employee.locations?.home?.country).toBe(isoOf(raw))
        expect(employee.rawValues?.["locations.home.country"]).toBe(raw)
      }
      for (const spelling of ["United States", "United Kingdom", "Canada", "USA"]) expect(seen).toContain(spelling)
      // Informal names as real records have them ("England", "Holland") are among them.
      expect([...seen].some((s) => s === "England" || s === "Holland")).toBe(true)
    }), 60_000)

  it("reads codes and names, keeps what is not a code, and drops what is not a country", () => {
    const home = (country: string) => {
      const e = BambooHR.toEmployee({ id: "1", country })
      return [e["locations"], e["rawValues"]]
    }
    expect(home("United States")).toEqual([{ home: { country: "US" } }, { "locations.home.country": "United States" }])
    expect(home("USA")).toEqual([{ home: { country: "US" } }, { "locations.home.country": "USA" }])
    expect(home("GB")).toEqual([{ home: { country: "GB" } }, undefined])
    expect(home("England")).toEqual([{ home: { country: "GB" } }, { "locations.home.country": "England" }])
    expect(home("Atlantis")).toEqual([undefined, { "locations.home.country": "Atlantis" }])
  })
})
