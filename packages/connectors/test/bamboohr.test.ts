import { describe, expect, it } from "@effect/vitest"
import { BambooHR } from "@weft/connectors"
import { Employee } from "@weft/core/models"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import {
  asCursor,
  checkFailure,
  collect,
  detailRequests,
  idOf,
  initialCursor,
  keys,
  listRequests,
  live,
  readAllRecords,
  reader,
  setup
} from "./bamboohr.support.js"

// The default connector (standard field set); bamboohr-fields.test.ts compares it with the extended one.

describe("BambooHR credentials", () => {
  it.effect("reduce a pasted BambooHR address to its company domain and keep the key redacted", () =>
    Effect.gen(function*() {
      const bamboo = BambooHR.connector()
      const credentials = yield* bamboo.credentials.decode({ companyDomain: " https://Acme.bamboohr.com/home ", apiKey: "secret-key-1" })
      expect(credentials.companyDomain).toBe("acme")
      expect(Redacted.value(credentials.apiKey)).toBe("secret-key-1")
      expect(JSON.stringify(credentials)).not.toContain("secret-key-1")
      expect(bamboo.baseUrl(credentials)).toBe("https://acme.bamboohr.com")
    }))

  it.effect("refuse a malformed company domain and an empty key with a message saying what to enter", () =>
    Effect.gen(function*() {
      const bamboo = BambooHR.connector()
      const badDomain = yield* Effect.flip(bamboo.credentials.decode({ companyDomain: "acme corp!", apiKey: "k" }))
      expect(badDomain.message).toContain("company domain")
      const emptyKey = yield* Effect.flip(bamboo.credentials.decode({ companyDomain: "acme", apiKey: "" }))
      expect(emptyKey.message).toContain("API key")
    }))
})

describe("BambooHR check", () => {
  live("accepts an admin key of a known company", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup()
      yield* bamboo.check(context)
      expect(fake.authProblems()).toEqual([])
    }))

  live("a key BambooHR does not know → invalid_credentials", () =>
    Effect.gen(function*() {
      const { bamboo, context } = yield* setup({ apiKey: "bhr-unknown-key-123" })
      const error = yield* checkFailure(context, bamboo)
      expect(error.code).toBe("invalid_credentials")
      expect(error.status).toBe(401)
      expect(error.resolution).toContain("API Keys")
      expect(error.message).not.toContain("bhr-unknown-key-123")
    }))

  live("a company domain without an account → account_not_found", () =>
    Effect.gen(function*() {
      const { bamboo, context } = yield* setup({ companyDomain: "globex" })
      const error = yield* checkFailure(context, bamboo)
      expect(error.code).toBe("account_not_found")
      expect(error.status).toBe(404)
    }))

  live("a key whose user cannot view employees → insufficient_permissions", () =>
    Effect.gen(function*() {
      const { bamboo, context } = yield* setup({ apiKey: keys.noAccess })
      const error = yield* checkFailure(context, bamboo)
      expect(error.code).toBe("insufficient_permissions")
      expect(error.status).toBe(403)
      expect(error.resolution).toContain("Access Levels")
    }))

  live("a key whose user cannot see fields the list marks restricted → admin_required, naming them", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ apiKey: keys.restricted })
      const error = yield* checkFailure(context, bamboo)
      expect(error.code).toBe("admin_required")
      expect(error.message).toContain("birth date")
      expect(error.resolution).toContain("Full Admin")
      // One list call with the standard fields tells: no Get Employee probe.
      expect(listRequests(fake)).toHaveLength(1)
      expect(listRequests(fake)[0]!.query.get("fields")).toBe(BambooHR.LIST_FIELDS.join(","))
      expect(detailRequests(fake)).toEqual([])
    }))

  live("extended fields: a key whose user cannot see compensation → admin_required", () =>
    Effect.gen(function*() {
      const { bamboo, context } = yield* setup({ apiKey: keys.restricted, connector: { fields: "extended" } })
      const error = yield* checkFailure(context, bamboo)
      expect(error.code).toBe("admin_required")
      expect(error.message).toContain("compensation")
      expect(error.resolution).toContain("Full Admin")
    }))

  live("throttling that outlasts the retries → rate_limited", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ connector: { retry: { maxRetries: 0 } } })
      fake.throttle({ times: 1, retryAfter: "1" })
      const error = yield* checkFailure(context, bamboo)
      expect(error.code).toBe("rate_limited")
      expect(error.status).toBe(503)
    }))

  live("an outage (5xx without Retry-After, or no connection) → provider_unavailable", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ connector: { retry: { maxRetries: 0 } } })
      fake.faults.inject({ kind: "status", status: 500, body: "" })
      expect((yield* checkFailure(context, bamboo)).code).toBe("provider_unavailable")
      fake.faults.inject({ kind: "status", status: 503, body: "" })
      expect((yield* checkFailure(context, bamboo)).code).toBe("provider_unavailable")
      yield* Effect.promise(() => fake.close())
      const gone = yield* checkFailure(context, bamboo)
      expect(gone.code).toBe("provider_unavailable")
    }))
})

describe("BambooHR readAll", () => {
  live("reads every employee across pages, each valid, then a cursor page dated by BambooHR", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 230 })
      const pages = yield* collect(reader(bamboo).readAll(context))
      const records = pages.flatMap((p) => p.records)
      expect(pages.length).toBe(6) // 5 pages of ≤ 50, then the cursor page
      expect(pages.slice(0, -1).every((p) => p.records.length > 0 && p.cursor === undefined)).toBe(true)
      expect(pages.at(-1)).toEqual({ records: [], cursor: asCursor(fake.clock.now()) })
      expect(records.length).toBe(230)
      const decoded = records.map((r) => Employee.model.decode(r))
      expect(decoded.filter(Either.isLeft).map((l) => String(l.left))).toEqual([])
      expect(new Set(decoded.map((d) => Either.getOrThrow(d).id)).size).toBe(230)
      const lists = listRequests(fake)
      expect(lists.length).toBe(5)
      expect(lists.every((r) => r.query.get("page[limit]") === "50")).toBe(true)
      // Standard fields: the list pages are the whole read.
      expect(fake.requests.length).toBe(5)
    }))

  live("every request carried the key as Basic user with password x", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup()
      yield* bamboo.check(context)
      const cursor = yield* initialCursor(bamboo, context)
      fake.changeTitle("4", "Payroll Specialist")
      fake.remove("5")
      yield* collect(reader(bamboo).readChanges!(context, cursor))
      yield* reader(bamboo).readOne!(context, "6")
      const expected = `Basic ${Buffer.from(`${keys.admin}:x`).toString("base64")}`
      expect(fake.requests.length).toBeGreaterThan(5)
      expect(fake.requests.filter((r) => r.headers["authorization"] !== expected)).toEqual([])
      expect(fake.requests.every((r) => (r.headers["accept"] ?? "").includes("application/json"))).toBe(true)
      expect(fake.authProblems()).toEqual([])
    }))

  live("a key without access to personal fields reads employees without them (nothing invented)", () =>
    Effect.gen(function*() {
      const { bamboo, context } = yield* setup({ apiKey: keys.restricted, size: 60 })
      const records = yield* readAllRecords(bamboo, context)
      expect(records.length).toBe(60)
      for (const r of records) {
        const employee = Either.getOrThrow(Employee.model.decode(r))
        expect(employee.compensation).toBeUndefined()
        expect(employee.profile?.birthDate).toBeUndefined()
        expect(employee.profile?.firstName).toBeDefined()
      }
    }))

  live("a 500 on a later page fails the stream with a typed error after the first page", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 150 })
      fake.failListPage({ status: 500 })
      const seen = yield* Ref.make(0)
      const error = yield* reader(bamboo).readAll(context).pipe(
        Stream.tap(() => Ref.update(seen, (n) => n + 1)),
        Stream.runDrain,
        Effect.flip
      )
      expect(error._tag).toBe("ConnectorError")
      expect(error).toMatchObject({ status: 500, operation: "GET /api/v1/employees" })
      expect(yield* Ref.get(seen)).toBe(1)
    }))

  live("a malformed page fails the stream with a typed error", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 150 })
      fake.malformedListPage()
      const error = yield* Effect.flip(Stream.runDrain(reader(bamboo).readAll(context)))
      expect(error._tag).toBe("ConnectorError")
      expect(error.message).toContain("unreadable response")
    }))

  live("a record that breaks the model comes through as a record that fails decode", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 80 })
      fake.corrupt("17")
      const records = yield* readAllRecords(bamboo, context)
      expect(records.length).toBe(80)
      const bad = records.filter((r) => Either.isLeft(Employee.model.decode(r)))
      expect(bad).toHaveLength(1)
      expect(bad[0]).toMatchObject({ id: "17", profile: { workEmail: "not an e-mail address" } })
    }))

  live("survives BambooHR's 503 throttling by honouring Retry-After", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 60 })
      fake.throttle({ times: 2, retryAfter: "1" })
      const records = yield* readAllRecords(bamboo, context)
      expect(records.length).toBe(60)
      expect(fake.requests.filter((r) => r.status === 503)).toHaveLength(2)
    }))
})

describe("BambooHR deltas", () => {
  live("readChanges returns exactly the hires, changes, terminations and deletions since the cursor", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 150 })
      const cursor = yield* initialCursor(bamboo, context)

      const [retitled, terminated, removed] = fake.randomIds(3, { active: true })
      const hired = fake.hire({ firstName: "Nadia", lastName: "Okafor" })
      fake.changeTitle(retitled!, "Head of People")
      fake.terminate(terminated!, "2026-01-05")
      fake.remove(removed!)

      const pages = yield* collect(reader(bamboo).readChanges!(context, cursor))
      expect(pages).toHaveLength(1)
      const [page] = pages
      const byId = new Map(page!.records.map((r) => [idOf(r), Either.getOrThrow(Employee.model.decode(r))]))
      expect([...byId.keys()].sort()).toEqual([hired.id, retitled!, terminated!].sort())
      expect(page!.deleted).toEqual([removed])
      expect(byId.get(hired.id)!.profile?.firstName).toBe("Nadia")
      expect(byId.get(hired.id)!.employment?.status).toBe("active")
      expect(byId.get(retitled!)!.orgStructure?.jobTitle).toBe("Head of People")
      // The list gives the status, not the termination date (the extended field set reads it).
      expect(byId.get(terminated!)!.employment?.status).toBe("inactive")
      expect(byId.get(terminated!)!.employment?.terminationDate).toBeUndefined()
      // The new cursor is the feed's latest change: the last mutation, on the fake's clock.
      expect(page!.cursor).toBe(asCursor(fake.clock.now()))
      expect(fake.requests.filter((r) => r.path.endsWith("/employees/changed")).at(-1)!.query.get("since")).toBe(cursor)
    }))

  live("with nothing changed, one empty page keeps the cursor", () =>
    Effect.gen(function*() {
      const { bamboo, context } = yield* setup({ size: 60 })
      const cursor = yield* initialCursor(bamboo, context)
      const pages = yield* collect(reader(bamboo).readChanges!(context, cursor))
      expect(pages).toEqual([{ records: [], cursor }])
    }))

  live("many changes come in pages of pageSize with the new cursor on the last page only", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 200, connector: { pageSize: 20 } })
      const cursor = yield* initialCursor(bamboo, context)
      const ids = fake.randomIds(45, { active: true })
      for (const id of ids) fake.update(id, { mobilePhone: "385-555-0100" })
      const pages = yield* collect(reader(bamboo).readChanges!(context, cursor))
      expect(pages.map((p) => p.records.length)).toEqual([20, 20, 5])
      expect(pages.map((p) => p.cursor === undefined)).toEqual([true, true, false])
      expect(new Set(pages.flatMap((p) => p.records.map(idOf)))).toEqual(new Set(ids))
      // The next delta starts at the last change; the feed includes that second, so only it is read again.
      const again = yield* collect(reader(bamboo).readChanges!(context, pages.at(-1)!.cursor!))
      expect(again.flatMap((p) => p.records.map(idOf))).toEqual([ids.at(-1)])
      expect(again.at(-1)!.cursor).toBe(pages.at(-1)!.cursor)
    }))

  for (const fields of ["standard", "extended"] as const) {
    live(`${fields} fields: an employee updated and then deleted before it is fetched becomes a tombstone`, () =>
      Effect.gen(function*() {
        const { bamboo, context, fake } = yield* setup({ size: 60, connector: { fields } })
        const cursor = yield* initialCursor(bamboo, context)
        fake.changeTitle("5", "Staff Engineer")
        const updated = fake.get("5")!.lastChanged
        fake.remove("5")
        // The feed as read just before the deletion: an update of an employee that is gone when fetched.
        fake.faults.inject(
          { kind: "status", status: 200, body: { latest: updated, employees: { "5": { id: "5", action: "Updated", lastChanged: updated } } } },
          { match: (r) => r.path.endsWith("/employees/changed") }
        )
        const pages = yield* collect(reader(bamboo).readChanges!(context, cursor))
        expect(pages).toEqual([{ records: [], deleted: ["5"], cursor: asCursor(Date.parse(updated)) }])
      }))
  }

  live("a cursor that is not a timestamp is a typed error", () =>
    Effect.gen(function*() {
      const { bamboo, context } = yield* setup({ size: 10 })
      const error = yield* Effect.flip(Stream.runDrain(reader(bamboo).readChanges!(context, "page-3")))
      expect(error._tag).toBe("ConnectorError")
      expect(error.message).toContain("full sync")
    }))

  live("readOne re-reads one employee, and is None once it is deleted", () =>
    Effect.gen(function*() {
      const { bamboo, context, fake } = yield* setup({ size: 30 })
      const found = yield* reader(bamboo).readOne!(context, "12")
      expect(Option.map(found, (r) => Either.getOrThrow(Employee.model.decode(r)).profile?.lastName)).toEqual(
        Option.some(fake.get("12")!.lastName)
      )
      fake.remove("12")
      expect(yield* reader(bamboo).readOne!(context, "12")).toEqual(Option.none())
    }))
})

describe("BambooHR mapping", () => {
  it("never throws on odd values and never invents", () => {
    const odd = BambooHR.toEmployee({
      id: 9,
      firstName: 42,
      lastName: { nested: true },
      status: "On Sabbatical",
      employmentHistoryStatus: "Seasonal",
      gender: "Prefer not to say",
      maritalStatus: "It's complicated",
      hireDate: "0000-00-00",
      terminationDate: null,
      supervisorEId: "0",
      payRate: "1,234.50 usd",
      payPer: "Pay Period",
      payType: "Exception Hourly",
      workPhone: "   "
    })
    expect(odd).toEqual({
      id: "9",
      profile: { firstName: "42", gender: "undisclosed", maritalStatus: "other" },
      employment: { type: "temporary" },
      compensation: { fixed: [{ type: "exception_hourly", amount: "1234.50", currency: "USD" }] },
      rawValues: {
        "employment.status": "On Sabbatical",
        "employment.type": "Seasonal",
        "profile.gender": "Prefer not to say",
        "profile.maritalStatus": "It's complicated",
        "compensation.fixed.type": "Exception Hourly",
        "compensation.fixed.period": "Pay Period"
      }
    })
    expect(BambooHR.toEmployee({ id: "3" })).toEqual({ id: "3" })
    expect(BambooHR.toEmployee({ id: "4", payRate: { value: "52000", currency: "EUR" }, payPer: "Year" }).compensation).toEqual({
      fixed: [{ amount: "52000", currency: "EUR", period: "year" }]
    })
    // A rate without a currency is left out rather than guessed.
    expect(BambooHR.toEmployee({ id: "5", payRate: "52000" }).compensation).toBeUndefined()
  })
})
