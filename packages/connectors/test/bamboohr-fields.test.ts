import { describe, expect, it } from "@effect/vitest"
import { BambooHR } from "@weft/connectors"
import { Employee } from "@weft/core/models"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import {
  collect,
  detailRequests,
  idOf,
  initialCursor,
  listRequests,
  live,
  readAllRecords,
  reader,
  setup
} from "./bamboohr.support.js"

// The two field sets: what each reads, what it costs, and that a full read and a delta agree.

const decode = (record: unknown) => Either.getOrThrow(Employee.model.decode(record))

describe("BambooHR standard fields: cost", () => {
  // [employees, page size (null: the default, 500), list requests = ⌈employees / page size⌉]
  for (const [size, pageSize, pages] of [[1234, null, 3], [1000, null, 2], [1000, 300, 4]] as const) {
    live(`a full read of ${size} employees at page[limit]=${pageSize ?? 500} is ${pages} list requests and nothing else`, () =>
      Effect.gen(function*() {
        const { bamboo, context, fake } = yield* setup({ size, pageSize })
        const pagesRead = yield* collect(reader(bamboo).readAll(context))
        expect(pagesRead.flatMap((p) => p.records)).toHaveLength(size)
        expect(pagesRead.at(-1)!.cursor).toEqual(expect.any(String))
        expect(fake.requests).toHaveLength(pages)
        expect(listRequests(fake)).toHaveLength(pages)
        for (const r of listRequests(fake)) {
          expect(r.query.get("page[limit]")).toBe(String(pageSize ?? 500))
          expect(r.query.get("fields")).toBe(BambooHR.LIST_FIELDS.join(","))
        }
        expect(detailRequests(fake)).toEqual([])
      }))
  }

  live("a delta fetches the changed employees in batches of filter[ids][] through the same list call", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 600, pageSize: null })
      const cursor = yield* initialCursor(bamboo, context)
      const ids = fake.randomIds(250, { active: true })
      for (const id of ids) fake.update(id, { mobilePhone: "385-555-0199" })
      const hired = fake.hire()
      fake.remove(ids[0]!)
      const before = fake.requests.length

      const pages = yield* collect(reader(bamboo).readChanges!(context, cursor))
      expect(pages).toHaveLength(1)
      const records = pages[0]!.records.map(decode)
      expect(new Set(records.map((r) => r.id))).toEqual(new Set([...ids.slice(1), hired.id]))
      expect(records.every((r) => r.contactInfo?.phones?.some((p) => p.number === "385-555-0199") || r.id === hired.id)).toBe(true)
      expect(pages[0]!.deleted).toEqual([ids[0]])

      const sent = fake.requests.slice(before)
      expect(sent.map((r) => r.path.replace("/acme/api/v1", ""))).toEqual([
        "/employees/changed",
        "/employees",
        "/employees",
        "/employees"
      ])
      const batches = sent.slice(1)
      // 250 changed employees (one deleted, one hired): ids 100 per request, repeated keys.
      expect(batches.map((r) => r.query.getAll("filter[ids][]").length).sort((a, b) => b - a)).toEqual([100, 100, 50])
      for (const r of batches) {
        expect(r.query.get("filter[ids]")).toBeNull()
        expect(r.query.get("page[limit]")).toBe(String(r.query.getAll("filter[ids][]").length))
        expect(r.query.get("fields")).toBe(BambooHR.LIST_FIELDS.join(","))
      }
    }))

  live("a delta page holds pageSize changes, fetched idsPerRequest at a time", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 200, pageSize: 30, connector: { idsPerRequest: 12 } })
      const cursor = yield* initialCursor(bamboo, context)
      const ids = fake.randomIds(70, { active: true })
      for (const id of ids) fake.changeTitle(id, "Analyst II")
      const before = fake.requests.length
      const pages = yield* collect(reader(bamboo).readChanges!(context, cursor))
      expect(pages.map((p) => p.records.length)).toEqual([30, 30, 10])
      expect(pages.map((p) => p.cursor === undefined)).toEqual([true, true, false])
      // Per page: ⌈30/12⌉ = 3 batches, 3, then 1.
      expect(listRequests(fake).filter((r) => fake.requests.indexOf(r) >= before)).toHaveLength(7)
    }))

  live("readOne is one list call with one id", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 40 })
      const found = yield* reader(bamboo).readOne!(context, "12")
      expect(Option.map(found, (r) => decode(r).profile?.workEmail)).toEqual(Option.some(fake.get("12")!.workEmail))
      expect(fake.requests).toHaveLength(1)
      expect(fake.requests[0]!.query.getAll("filter[ids][]")).toEqual(["12"])
      expect(yield* reader(bamboo).readOne!(context, "9999")).toEqual(Option.none())
    }))
})

describe("BambooHR field sets: a full read and a delta agree", () => {
  for (const fields of ["standard", "extended"] as const) {
    live(`${fields}: a record read by a full read, a delta and readOne is the same record`, () =>
      Effect.gen(function*() {
        const { bamboo, context, fake } = yield* setup({ size: 150, connector: { fields } })
        const pages = yield* collect(reader(bamboo).readAll(context))
        const full = new Map(pages.flatMap((p) => p.records).map((r) => [idOf(r), r]))
        // Changes neither field set reads: the feed reports them, the records must not differ.
        const touched = [...fake.randomIds(6, { active: true }), ...fake.randomIds(2, { active: false })]
        for (const id of touched) fake.update(id, { workPhoneExtension: "417" })
        const delta = (yield* collect(reader(bamboo).readChanges!(context, pages.at(-1)!.cursor!))).flatMap((p) => p.records)
        expect(delta.map(idOf).sort()).toEqual([...touched].sort())
        // Extended records carry BambooHR's lastChanged, which the change did move (and nothing else did).
        const unstamped = (record: unknown) => {
          const { remoteUpdatedAt: _, ...rest } = record as { readonly remoteUpdatedAt?: string }
          return rest
        }
        for (const record of delta) {
          const before = full.get(idOf(record))!
          expect(Either.isRight(Employee.model.decode(record))).toBe(true)
          expect(unstamped(record)).toEqual(unstamped(before))
          expect(decode(record).remoteUpdatedAt).toBe(fields === "extended" ? fake.get(idOf(record))!.lastChanged : undefined)
        }
        const one = Option.getOrThrow(yield* reader(bamboo).readOne!(context, touched[0]!))
        expect(one).toEqual(delta.find((r) => idOf(r) === touched[0]))
      }))
  }
})

describe("BambooHR field sets: mapping", () => {
  live("standard: the list's fields are mapped, what the list lacks is absent", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 200 })
      const records = (yield* readAllRecords(bamboo, context)).map(decode)
      let checkedInactive = 0
      for (const employee of records) {
        const row = fake.get(employee.id)!
        expect(employee.profile).toEqual({
          firstName: row.firstName,
          lastName: row.lastName,
          ...(row.preferredName === null ? {} : { preferredName: row.preferredName }),
          ...(row.workEmail === null ? {} : { workEmail: row.workEmail }),
          ...(row.homeEmail === null ? {} : { personalEmails: [row.homeEmail] }),
          ...(row.birthDate === null ? {} : { birthDate: row.birthDate })
        })
        expect(employee.employment?.startDate).toBe(row.hireDate)
        expect(employee.employment?.terminationDate).toBeUndefined()
        expect(employee.orgStructure).toEqual({
          jobTitle: row.jobTitleName,
          department: row.department,
          ...(row.reportsToId === null ? {} : { manager: { id: row.reportsToId } })
        })
        expect(employee.locations).toEqual({ work: { name: row.location } })
        expect(employee.contactInfo?.phones?.find((p) => p.type === "home")?.number).toBe(row.homePhone ?? undefined)
        expect(employee.compensation).toBeUndefined()
        expect(employee.remoteUpdatedAt).toBeUndefined()
        expect(employee.rawValues?.["employment.status"]).toBe(row.status)
        if (row.status === "Inactive") {
          checkedInactive += 1
          expect(employee.employment?.status).toBe("inactive")
          expect(employee.employment?.type).toBeUndefined()
          expect(Employee.model.isInactive(employee)).toBe(true)
        } else {
          expect(employee.employment?.status).toBe("active")
          expect(employee.rawValues?.["employment.type"]).toBe(row.employmentStatus)
        }
      }
      expect(checkedInactive).toBeGreaterThan(0)
      const types = new Set(records.map((e) => e.employment?.type))
      expect(types).toContain("full_time")
      expect(types).toContain("part_time")
      expect(records.find((e) => e.id === "1")!.orgStructure?.manager).toBeUndefined()
    }))

  live("extended: compensation, termination date, personal fields and home address, at one Get Employee per employee", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 200, connector: { fields: "extended" } })
      const records = (yield* readAllRecords(bamboo, context)).map(decode)
      expect(records).toHaveLength(200)
      expect(listRequests(fake)).toHaveLength(4)
      expect(detailRequests(fake)).toHaveLength(200)
      let checkedInactive = 0
      for (const employee of records) {
        const row = fake.get(employee.id)!
        expect(employee.profile?.firstName).toBe(row.firstName)
        expect(employee.profile?.displayName).toBe(row.displayName)
        expect(employee.profile?.employeeNumber).toBe(row.employeeNumber ?? undefined)
        expect(employee.profile?.birthDate).toBe(row.birthDate ?? undefined)
        expect(employee.employment?.startDate).toBe(row.hireDate)
        expect(employee.orgStructure?.department).toBe(row.department)
        expect(employee.orgStructure?.manager).toEqual(row.reportsToId === null ? undefined : { id: row.reportsToId })
        expect(employee.remoteUpdatedAt).toBe(row.lastChanged)
        expect(employee.locations?.work).toEqual({ name: row.location })
        expect(employee.locations?.home?.postalCode).toBe(row.zipcode)
        if (row.status === "Inactive") {
          checkedInactive += 1
          expect(employee.employment?.status).toBe("inactive")
          expect(employee.employment?.terminationDate).toBe(row.terminationDate)
        } else {
          expect(employee.employment?.terminationDate).toBeUndefined()
        }
        const [amount, currency] = row.payRate!.split(" ")
        expect(employee.compensation?.fixed?.[0]).toEqual({
          type: row.payType!.toLowerCase(),
          amount,
          currency,
          period: row.payPer!.toLowerCase()
        })
        expect(employee.rawValues?.["compensation.fixed.type"]).toBe(row.payType)
      }
      expect(checkedInactive).toBeGreaterThan(0)
    }))

  live("extended: a delta reads a termination with its date", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 80, connector: { fields: "extended" } })
      const cursor = yield* initialCursor(bamboo, context)
      const [terminated] = fake.randomIds(1, { active: true })
      fake.terminate(terminated!, "2026-01-05")
      const records = (yield* collect(reader(bamboo).readChanges!(context, cursor))).flatMap((p) => p.records).map(decode)
      expect(records.map((r) => [r.id, r.employment?.status, r.employment?.terminationDate])).toEqual([
        [terminated, "inactive", "2026-01-05"]
      ])
    }))

  it("the list's field names map like the Get Employee ones; restricted nulls are left out", () => {
    const listed = BambooHR.toEmployee(BambooHR.fromListed({
      employeeId: "31",
      firstName: "Ava",
      lastName: "Nguyen",
      preferredName: null,
      photoUrl: null,
      jobTitleName: "Engineering Manager",
      status: "Active",
      departmentName: "Research",
      locationName: "Lisbon",
      employmentStatusName: "Part-Time",
      birthDate: null,
      reportsToId: "4",
      _restrictedFields: ["birthDate", "photoUrl"]
    }))
    expect(listed).toEqual({
      id: "31",
      profile: { firstName: "Ava", lastName: "Nguyen" },
      employment: { status: "active", type: "part_time" },
      orgStructure: { jobTitle: "Engineering Manager", department: "Research", manager: { id: "4" } },
      locations: { work: { name: "Lisbon" } },
      rawValues: { "employment.status": "Active", "employment.type": "Part-Time" }
    })
  })
})
