import { NodeHttpClient } from "@effect/platform-node"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Connector } from "@weft/core/connector"
import { Employee } from "@weft/core/models"
import { BambooHRFake } from "@weft/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"

const keys = BambooHRFake.keys
const started: Array<BambooHRFake.Fake> = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()))
})

const start = async (options: BambooHRFake.Options) => {
  const fake = await BambooHRFake.start(options)
  started.push(fake)
  return fake
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:x`).toString("base64")}`

const get = async (
  fake: BambooHRFake.Fake,
  path: string,
  options: { readonly key?: string | null; readonly accept?: string; readonly domain?: string } = {}
) => {
  const headers: Record<string, string> = { accept: options.accept ?? "application/json" }
  if (options.key !== null) headers["authorization"] = basic(options.key ?? keys.admin)
  const response = await fetch(`${fake.url}/${options.domain ?? fake.companyDomain}${path}`, { headers })
  const text = await response.text()
  let json: unknown = undefined
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json: json as Record<string, never> }
}

interface ListBody {
  readonly data: ReadonlyArray<Record<string, unknown>>
  readonly meta: { readonly total: number; readonly page: { readonly limit: number; readonly nextCursor: string | null } }
}

const cursorAfter = (id: number) => Buffer.from(JSON.stringify({ cursor: `after-${id}` })).toString("base64")

describe("BambooHR fake: data", () => {
  it("serves a company of 1,000,000 employees on demand", async () => {
    const fake = await start({ size: 1_000_000, seed: 3 })
    const first = await get(fake, "/api/v1/employees")
    const body = first.json as unknown as ListBody
    expect(body.data).toHaveLength(250) // BambooHR's default page[limit]
    expect(body.meta.total).toBe(1_000_000)
    const deep = (await get(fake, `/api/v1/employees?page[limit]=100&page[after]=${cursorAfter(999_950)}`)).json as unknown as ListBody
    expect(deep.data.map((e) => e["employeeId"])).toEqual(Array.from({ length: 50 }, (_, i) => String(999_951 + i)))
    expect(deep.meta.page.nextCursor).toBeNull()
    expect((await get(fake, "/api/v1/employees/1000000?fields=lastName")).json).toMatchObject({ id: "1000000" })
  })

  it("derives every employee from the seed alone", async () => {
    const [a, b, c] = await Promise.all([start({ seed: 11 }), start({ seed: 11 }), start({ seed: 12 })])
    expect(a.get("42")).toEqual(b.get("42"))
    expect(a.get("42")).not.toEqual(c.get("42"))
    expect(a.randomIds(5, { active: true })).toEqual(b.randomIds(5, { active: true }))
  })

  it("has a manager tree, departments, ~5 % terminated people with dates, and pay", async () => {
    const fake = await start({ size: 2000, seed: 5 })
    const rows = Array.from({ length: 2000 }, (_, i) => fake.get(String(i + 1))!)
    const inactive = rows.filter((r) => r.status === "Inactive")
    expect(inactive.length / rows.length).toBeGreaterThan(0.03)
    expect(inactive.length / rows.length).toBeLessThan(0.07)
    for (const r of inactive) {
      expect(r.employmentStatus).toBe("Terminated")
      expect(r.terminationDate! >= r.hireDate).toBe(true)
    }
    for (const r of rows) {
      if (r.id === "1") expect(r.reportsToId).toBeNull()
      else expect(Number(r.reportsToId)).toBeLessThan(Number(r.id))
      if (r.status === "Active" && r.reportsToId !== null) expect(fake.get(r.reportsToId)!.status).toBe("Active")
      expect(r.payRate).toMatch(/^\d+\.\d{2} [A-Z]{3}$/)
      expect(r.lastChanged < new Date(fake.clock.now()).toISOString()).toBe(true)
    }
    expect(new Set(rows.map((r) => r.department)).size).toBeGreaterThan(5)
    expect(new Set(rows.map((r) => r.employmentStatus)).size).toBeGreaterThan(4)
  })

  it("gives employees numbers that are not their ids (a few none), and free-text home countries", async () => {
    const fake = await start({ size: 2000, seed: 5 })
    const rows = Array.from({ length: 2000 }, (_, i) => fake.get(String(i + 1))!)
    const numbers = rows.flatMap((r) => (r.employeeNumber === null ? [] : [r.employeeNumber]))
    expect(new Set(numbers).size).toBe(numbers.length)
    expect(rows.filter((r) => r.employeeNumber === r.id)).toEqual([])
    expect(numbers.length / rows.length).toBeGreaterThan(0.94)
    expect(numbers.length).toBeLessThan(rows.length)
    const countries = new Map<string, number>()
    for (const r of rows) countries.set(r.country!, (countries.get(r.country!) ?? 0) + 1)
    expect([...countries.keys()]).toEqual(expect.arrayContaining(["United States", "United Kingdom", "Canada", "USA", "England"]))
    expect(countries.get("United States")!).toBeGreaterThan(10 * countries.get("USA")!)
  })
})

describe("BambooHR fake: protocol", () => {
  it("answers an unknown company 404, a missing or unknown key 401, a user without access 403", async () => {
    const fake = await start({ size: 10 })
    expect((await get(fake, "/api/v1/employees", { domain: "globex" })).status).toBe(404)
    const anonymous = await get(fake, "/api/v1/employees", { key: null })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get("www-authenticate")).toContain("Basic")
    expect((await get(fake, "/api/v1/employees", { key: "nope" })).status).toBe(401)
    const forbidden = await get(fake, "/api/v1/employees", { key: keys.noAccess })
    expect(forbidden.status).toBe(403)
    expect(forbidden.json).toMatchObject({ error: { code: "Forbidden" } })
    expect(fake.authProblems()).toEqual(["GET /acme/api/v1/employees: no Basic authorization"])
  })

  it("hides restricted fields from a manager-level key", async () => {
    const fake = await start({ size: 10 })
    const listed = (await get(fake, "/api/v1/employees?fields=birthDate,workEmail", { key: keys.restricted })).json as unknown as ListBody
    expect(listed.data[0]).toMatchObject({ birthDate: null, _restrictedFields: ["birthDate"] })
    expect(listed.data[0]!["workEmail"]).toEqual(expect.any(String))
    const one = (await get(fake, "/api/v1/employees/4?fields=payRate,lastName", { key: keys.restricted })).json
    expect(Object.keys(one).sort()).toEqual(["id", "lastName"])
  })

  it("validates paging and answers XML unless asked for JSON", async () => {
    const fake = await start({ size: 30 })
    expect((await get(fake, "/api/v1/employees?page[limit]=2501")).json).toMatchObject({ error: { code: "BadRequest" } })
    expect((await get(fake, "/api/v1/employees?page[after]=garbage")).json).toMatchObject({ error: { code: "BadPage" } })
    fake.remove("10")
    expect((await get(fake, `/api/v1/employees?page[after]=${cursorAfter(10)}`)).json).toMatchObject({ error: { code: "BadPage" } })
    const xml = await get(fake, "/api/v1/employees/3", { accept: "*/*" })
    expect(xml.text.startsWith("<?xml")).toBe(true)
    expect((await get(fake, "/api/v1/employees/changed?since=yesterday")).status).toBe(400)
  })

  it("records every mutation in the change feed on its logical clock", async () => {
    const fake = await start({ size: 50, tickMs: 60_000 })
    const since = new Date(fake.clock.now()).toISOString()
    const hired = fake.hire()
    fake.changeTitle("7", "Controller")
    fake.terminate("8")
    fake.remove("9")
    const feed = await get(fake, `/api/v1/employees/changed?since=${encodeURIComponent(since)}`)
    expect(new Date(feed.headers.get("date")!).getTime()).toBe(fake.clock.now())
    const employees = (feed.json as unknown as { employees: Record<string, { action: string; lastChanged: string }> }).employees
    expect(Object.fromEntries(Object.entries(employees).map(([id, c]) => [id, c.action]))).toEqual({
      [hired.id]: "Inserted",
      "7": "Updated",
      "8": "Updated",
      "9": "Deleted"
    })
    const times = Object.values(employees).map((c) => Date.parse(c.lastChanged)).sort()
    expect(times[3]! - times[0]!).toBe(3 * 60_000)
    expect((feed.json as unknown as { latest: string }).latest).toBe(employees["9"]!.lastChanged)
    expect((await get(fake, "/api/v1/employees/9")).status).toBe(404)
    const listed = (await get(fake, "/api/v1/employees?page[limit]=100")).json as unknown as ListBody
    expect(listed.data.map((e) => e["employeeId"])).not.toContain("9")
    expect(listed.meta.total).toBe(50)
    expect(fake.get("8")).toMatchObject({ status: "Inactive", employmentStatus: "Terminated" })
  })
})

describe("BambooHR fake: fields and filter[ids]", () => {
  it("answers Get Employee only to BambooHR's field names, leaving out names it does not know", async () => {
    const fake = await start({ size: 20, seed: 4 })
    const row = fake.get("4")!
    const asked = [
      "dateOfBirth", "maritalStatus", "jobTitle", "employmentHistoryStatus", "supervisorEId", "zipcode", "payPer", "paidPer",
      // List names and the OpenAPI schema's list-style names: not Get Employee fields.
      "birthDate", "marital", "jobTitleName", "employmentStatus", "reportsToId", "departmentName", "payPeriod", "nonsense"
    ]
    const one = (await get(fake, `/api/v1/employees/4?fields=${asked.join(",")}`)).json
    expect(one).toEqual({
      id: "4",
      dateOfBirth: row.birthDate,
      maritalStatus: row.marital,
      jobTitle: row.jobTitleName,
      employmentHistoryStatus: row.employmentStatus,
      supervisorEId: row.reportsToId,
      zipcode: row.zipcode,
      payPer: row.payPer,
      paidPer: row.payPer
    })
    const fields = (await get(fake, "/api/v1/meta/fields")).json as unknown as ReadonlyArray<{ readonly alias: string }>
    expect(fields.map((f) => f.alias)).toEqual(expect.arrayContaining(["dateOfBirth", "maritalStatus", "supervisorEId", "supervisorId"]))
    expect(fields.map((f) => f.alias)).not.toContain("birthDate")
  })

  it("names the manager by employee id in supervisorEId and reportsToId, by employee number in supervisorId", async () => {
    const fake = await start({ size: 60, seed: 4 })
    const id = Array.from({ length: 60 }, (_, i) => String(i + 1)).find((i) => {
      const managerId = fake.get(i)!.reportsToId
      return managerId !== null && fake.get(managerId)!.employeeNumber !== null
    })!
    const manager = fake.get(fake.get(id)!.reportsToId!)!
    const one = (await get(fake, `/api/v1/employees/${id}?fields=supervisorEId,supervisorId,supervisor,supervisorEmail`)).json
    expect(one).toEqual({
      id,
      supervisorEId: manager.id,
      supervisorId: manager.employeeNumber,
      supervisor: `${manager.lastName}, ${manager.firstName}`,
      supervisorEmail: manager.workEmail
    })
    expect(manager.employeeNumber).not.toBe(manager.id)
    const listed = (await get(fake, `/api/v1/employees?filter[ids][]=${id}&fields=reportsToId`)).json as unknown as ListBody
    expect(listed.data[0]).toMatchObject({ employeeId: id, reportsToId: manager.id })
  })

  it("adds only the requested optional fields, ignores unknown names, and nulls restricted ones", async () => {
    const fake = await start({ size: 20, seed: 4 })
    const base = ["employeeId", "firstName", "lastName", "preferredName", "photoUrl", "jobTitleName", "status", "_restrictedFields"]
    const plain = (await get(fake, "/api/v1/employees?page[limit]=5")).json as unknown as ListBody
    expect(Object.keys(plain.data[0]!).sort()).toEqual([...base].sort())
    const asked = (await get(fake, "/api/v1/employees?page[limit]=5&fields=workEmail,locationName,departmentName,payRate,nonsense")).json as unknown as ListBody
    const row = fake.get("1")!
    expect(Object.keys(asked.data[0]!).sort()).toEqual([...base, "workEmail", "locationName", "departmentName"].sort())
    expect(asked.data[0]).toMatchObject({ workEmail: row.workEmail, locationName: row.location, departmentName: row.department, _restrictedFields: [] })
    const restricted = (await get(fake, "/api/v1/employees?page[limit]=5&fields=birthDate,hireDate", { key: keys.restricted })).json as unknown as ListBody
    expect(restricted.data[0]).toMatchObject({ birthDate: null, hireDate: row.hireDate, _restrictedFields: ["birthDate"] })
  })

  it("batch-fetches by ids in both documented forms, in id order, with inactive and unknown ids", async () => {
    const fake = await start({ size: 300, seed: 4 })
    fake.remove("250")
    const repeated = (await get(fake, "/api/v1/employees?filter[ids][]=207&filter[ids][]=12&filter[ids][]=250&filter[ids][]=9999&page[limit]=10")).json as unknown as ListBody
    expect(repeated.data.map((e) => e["employeeId"])).toEqual(["12", "207"])
    expect(repeated.meta.total).toBe(2)
    const comma = (await get(fake, "/api/v1/employees?filter[ids]=207,12,250,9999&page[limit]=10")).json as unknown as ListBody
    expect(comma.data).toEqual(repeated.data)
    const inactive = fake.randomIds(1, { active: false })[0]!
    const found = (await get(fake, `/api/v1/employees?filter[ids][]=${inactive}&fields=employmentStatusName`)).json as unknown as ListBody
    expect(found.data[0]).toMatchObject({ employeeId: inactive, status: "Inactive", employmentStatusName: "Terminated" })
    expect((await get(fake, "/api/v1/employees?filter[ids][]=12&filter[ids][]=abc")).json).toMatchObject({ error: { code: "BadRequest" } })
  })

  it("pages a batch of ids by cursor, and refuses a boundary outside the batch", async () => {
    const fake = await start({ size: 100, seed: 4 })
    const ids = [5, 9, 40, 41, 77]
    const query = ids.map((id) => `filter[ids][]=${id}`).join("&")
    const first = (await get(fake, `/api/v1/employees?${query}&page[limit]=2`)).json as unknown as ListBody
    expect(first.data.map((e) => e["employeeId"])).toEqual(["5", "9"])
    expect(first.meta.total).toBe(5)
    const second = (await get(fake, `/api/v1/employees?${query}&page[limit]=2&page[after]=${first.meta.page.nextCursor}`)).json as unknown as ListBody
    expect(second.data.map((e) => e["employeeId"])).toEqual(["40", "41"])
    expect((await get(fake, `/api/v1/employees?${query}&page[limit]=2&page[after]=${cursorAfter(6)}`)).json).toMatchObject({ error: { code: "BadPage" } })
  })

  it("builds list pages of 500 from a company of 1,000,000 without scanning it", async () => {
    const fake = await start({ size: 1_000_000, seed: 3 })
    const fields = "workEmail,homeEmail,workPhone,mobilePhone,homePhone,birthDate,hireDate,departmentName,locationName,employmentStatusName,reportsToId"
    const started = performance.now()
    const page = (await get(fake, `/api/v1/employees?page[limit]=500&fields=${fields}&page[after]=${cursorAfter(600_000)}`)).json as unknown as ListBody
    const ids = Array.from({ length: 100 }, (_, i) => `filter[ids][]=${1 + i * 9_999}`).join("&")
    const batch = (await get(fake, `/api/v1/employees?${ids}&page[limit]=100&fields=${fields}`)).json as unknown as ListBody
    const elapsed = performance.now() - started
    expect(page.data).toHaveLength(500)
    expect(page.data[0]!["employeeId"]).toBe("600001")
    expect(batch.data).toHaveLength(100)
    expect(batch.meta.total).toBe(100)
    // Printed, not asserted: a figure for the fake's cost per page.
    console.log(`BambooHR fake: a page of 500 and a batch of 100 ids from 1,000,000 employees in ${elapsed.toFixed(1)} ms`)
  })
})

describe("BambooHR conformance fixture", () => {
  it.live("mutate() returns exactly what the next delta reads", () =>
    Effect.gen(function*() {
      const instance = yield* BambooHRFake.fixture.setup({ size: 120, seed: 9 })
      const reader = Connector.readerFor(instance.connector, "hris.employee")!
      const credentials = yield* instance.connector.credentials.decode(instance.credentials)
      const context = yield* Connector.makeContext(instance.connector, { integrationId: "int_fx", tenant: "t", credentials })
      const initial = Chunk.toReadonlyArray(yield* Stream.runCollect(reader.readAll(context)))
      expect(initial.length).toBeGreaterThanOrEqual(4) // ≥ 3 pages of records + the cursor page
      const expected = yield* instance.mutate()
      const delta = Chunk.toReadonlyArray(yield* Stream.runCollect(reader.readChanges!(context, initial.at(-1)!.cursor!)))
      const records = delta.flatMap((p) => p.records.map((r) => Either.getOrThrow(Employee.model.decode(r))))
      const read = [
        ...records.map((r) => `${r.id}:${Employee.model.isInactive(r) ? "inactive" : "upsert"}`),
        ...delta.flatMap((p) => p.deleted ?? []).map((id) => `${id}:removed`)
      ].sort()
      const wanted = expected.map((e) => `${e.recordId}:${e.type === "record.deleted" ? e.reason : "upsert"}`).sort()
      expect(read).toEqual(wanted)
      expect(expected.filter((e) => e.type === "record.new")).toHaveLength(2)
      for (const bad of instance.badCredentials) {
        const c = yield* instance.connector.credentials.decode(bad.credentials)
        const ctx = yield* Connector.makeContext(instance.connector, { integrationId: "int_bad", tenant: "t", credentials: c })
        expect((yield* Effect.flip(instance.connector.check(ctx))).code).toBe(bad.code)
      }
      expect(instance.authProblems()).toEqual([])
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))
})
