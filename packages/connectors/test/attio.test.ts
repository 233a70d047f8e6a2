import type * as HttpClient from "@effect/platform/HttpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Attio } from "@weft/connectors"
import { Connector, Errors } from "@weft/core/connector"
import { Company, Contact } from "@weft/core/models"
import { AttioFake } from "@weft/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { realPause, untilSleeping } from "./waiting.js"

type Fake = AttioFake.Fake
type Rec = Record<string, unknown> & { readonly id: string }

const withHttp = <A, E>(effect: Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>) =>
  effect.pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))

const setup = (options: AttioFake.Options & { readonly pageSize?: number; readonly token?: keyof AttioFake.Tokens; readonly maxRetries?: number } = {}) =>
  Effect.gen(function*() {
    const fake = yield* AttioFake.scoped({ size: 1200, seed: 11, ...options })
    const connector = Attio.connector({
      baseUrl: fake.url,
      pageSize: options.pageSize,
      ...(options.maxRetries === undefined ? {} : { retry: { maxRetries: options.maxRetries } })
    })
    const credentials = yield* connector.credentials.decode({ apiKey: fake.tokens[options.token ?? "good"] })
    const ctx = yield* Connector.makeContext(connector, { integrationId: "int_attio", tenant: "acme", credentials })
    return { fake, connector, ctx }
  })

const readAll = (connector: Connector.Connector<Attio.Credentials>, ctx: Connector.ConnectorContext<Attio.Credentials>, model: string) =>
  Effect.map(Stream.runCollect(Connector.readerFor(connector, model)!.readAll(ctx)), (c) => Chunk.toReadonlyArray(c))

const recordsOf = (pages: ReadonlyArray<Connector.RecordPage>) => pages.flatMap((p) => p.records as ReadonlyArray<Rec>)

const queryBodies = (fake: Fake, object: string) =>
  fake.requests.filter((r) => r.path === `/v2/objects/${object}/records/query`).map((r) => JSON.parse(r.body) as unknown)

describe("Attio connector", () => {
  describe("check", () => {
    it.effect("accepts a token with the read scopes", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup()
        yield* connector.check(ctx)
        expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v2/self"])
      })))

    const refusals: ReadonlyArray<[keyof AttioFake.Tokens, Errors.ConnectionErrorCode, string]> = [
      ["unknown", "invalid_credentials", "did not accept"],
      ["revoked", "invalid_credentials", "revoked"],
      ["noRecordScope", "insufficient_permissions", "record_permission:read"],
      ["noObjectScope", "insufficient_permissions", "object_configuration:read"],
      ["deletedWorkspace", "account_not_found", "no longer exists"]
    ]
    for (const [token, code, says] of refusals) {
      it.effect(`refuses the ${token} token with ${code}`, () =>
        withHttp(Effect.gen(function*() {
          const { connector, ctx, fake } = yield* setup({ token })
          const error = yield* connector.check(ctx).pipe(Effect.flip)
          expect(error).toBeInstanceOf(Errors.ConnectionError)
          expect(error.code).toBe(code)
          expect(error.message).toContain(says)
          expect(error.resolution).toMatch(/Attio/)
          const secret = fake.tokens[token]
          expect(JSON.stringify(error)).not.toContain(secret)
          expect(`${error.message} ${error.resolution} ${String(error)}`).not.toContain(secret)
        })))
    }

    it.effect("reports throttling that outlasts the retries as rate_limited", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ maxRetries: 0 })
        fake.throttle({ times: 1 })
        const error = yield* connector.check(ctx).pipe(Effect.flip)
        expect(error.code).toBe("rate_limited")
        expect(error.status).toBe(429)
      })))

    it.effect("reports an outage as provider_unavailable", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ maxRetries: 0 })
        fake.throttle({ times: 1, status: 503 })
        const error = yield* connector.check(ctx).pipe(Effect.flip)
        expect(error.code).toBe("provider_unavailable")
        expect(error.status).toBe(503)
        expect(error.resolution).toContain("status.attio.com")
      })))

    it.effect("refuses malformed credentials before calling Attio", () =>
      Effect.gen(function*() {
        const error = yield* Attio.connector().credentials.decode({ apiKey: "  " }).pipe(Effect.flip)
        expect(error._tag).toBe("ParseError")
        expect(error.message).toContain("apiKey")
      }))
  })

  describe("readAll", () => {
    it.effect("reads every company and person across pages; every record validates", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup()
        for (const [model, object, schema] of [["crm.company", "companies", Company.model], ["crm.contact", "people", Contact.model]] as const) {
          const pages = yield* readAll(connector, ctx, model)
          // Each page re-reads the last 10 of the previous one and drops them.
          expect(pages.map((p) => p.records.length)).toEqual([500, 490, 210])
          const records = recordsOf(pages)
          expect(new Set(records.map((r) => r.id)).size).toBe(1200)
          for (const record of records) {
            const decoded = schema.decode(record)
            if (Either.isLeft(decoded)) throw new Error(`${record.id}: ${decoded.left.message}`)
          }
          const sorts = [{ direction: "asc", attribute: "created_at" }]
          expect(queryBodies(fake, object)).toEqual([
            { sorts, limit: 500, offset: 0 },
            { sorts, limit: 500, offset: 490 },
            { sorts, limit: 500, offset: 980 }
          ])
        }
      })))

    it.effect("asks for one more page when the last one is full, and yields no page with nothing new", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ size: 990 })
        const pages = yield* readAll(connector, ctx, "crm.company")
        expect(pages.map((p) => p.records.length)).toEqual([500, 490])
        expect(queryBodies(fake, "companies").map((b) => (b as { offset: number }).offset)).toEqual([0, 490, 980])
      })))

    it.effect("loses no record when records are deleted between two pages", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ size: 250, pageSize: 100 })
        const pull = yield* Stream.toPull(Connector.readerFor(connector, "crm.contact")!.readAll(ctx))
        const ids: Array<string> = []
        const take = Effect.map(pull, (chunk) => Chunk.forEach(chunk, (page) => ids.push(...page.records.map((r) => (r as Rec).id))))
        yield* take
        // Three records the read already passed disappear: later offsets shift by three.
        for (const i of [5, 50, 95]) fake.remove("people", fake.recordId("people", i))
        yield* take
        yield* take
        expect(yield* Effect.either(pull)).toEqual(Either.left(Option.none()))
        const expected = Array.from({ length: 250 }, (_, i) => fake.recordId("people", i))
        expect(new Set(ids).size).toBe(ids.length)
        expect([...ids].sort()).toEqual(expected.sort())
      })))

    it.effect("fails instead of skipping records when more records vanish than a page re-reads", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ size: 250, pageSize: 100 })
        const pull = yield* Stream.toPull(Connector.readerFor(connector, "crm.contact")!.readAll(ctx))
        yield* pull
        for (let i = 0; i < 12; i++) fake.remove("people", fake.recordId("people", i))
        const error = yield* Effect.flip(pull)
        expect(Option.getOrThrow(error)).toBeInstanceOf(Errors.ConnectorError)
        expect((Option.getOrThrow(error) as Errors.ConnectorError).detail).toContain("deleted while the read paged")
      })))

    it.effect("sends the token on every request", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup()
        yield* connector.check(ctx)
        yield* readAll(connector, ctx, "crm.company")
        yield* readAll(connector, ctx, "crm.contact")
        expect(fake.requests.length).toBe(7)
        for (const r of fake.requests) expect(r.headers.authorization).toBe(`Bearer ${fake.tokens.good}`)
      })))
  })

  describe("mapping", () => {
    it.effect("maps a company's active values, every category, and the size band in rawValues", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ size: 60 })
        const companies = recordsOf(yield* readAll(connector, ctx, "crm.company"))
        let checked = 0
        for (const company of companies) {
          const raw = fake.record("companies", company.id)!
          const v = raw.values as Record<string, ReadonlyArray<Record<string, unknown>>>
          expect(company.remoteCreatedAt).toBe(raw.created_at)
          expect(company.name).toBe(v.name![0]!.value)
          expect(company.domain).toBe(v.domains![0]!.domain)
          const categories = v.categories!.map((c) => (c.option as { title: string }).title)
          expect(company.industry).toBe(categories[0])
          expect(company.industries).toEqual(categories.length === 0 ? undefined : categories)
          const band = v.employee_range![0] && (v.employee_range![0].option as { title: string }).title
          expect(company.employeeCount).toBeUndefined()
          const raws = company.rawValues as Record<string, string> | undefined
          expect(raws?.industry).toBeUndefined()
          expect(raws?.employeeCount).toBe(band)
          const location = v.primary_location![0]
          if (location === undefined) expect(company.addresses).toBeUndefined()
          else {
            expect(company.addresses).toEqual([{
              line1: location.line_1,
              city: location.locality,
              state: location.region,
              postalCode: location.postcode,
              country: location.country_code
            }])
          }
          if (categories.length > 1 && band !== undefined && location !== undefined) checked++
        }
        // The seeded data exercises every branch.
        expect(checked).toBeGreaterThan(0)
      })))

    it.effect("maps a person: name, title, e-mails, E.164 phones and the company link", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ size: 60 })
        const people = recordsOf(yield* readAll(connector, ctx, "crm.contact"))
        const byId = new Map(people.map((p) => [p.id, p]))
        // Seeded teams: people 0, 1, 2 work at company 0; person 9 has no company.
        for (const i of [0, 1, 2]) expect(byId.get(fake.recordId("people", i))!.companyId).toBe(fake.recordId("companies", 0))
        expect(byId.get(fake.recordId("people", 9))!.companyId).toBeUndefined()
        for (const person of people) {
          const raw = fake.record("people", person.id)!
          const v = raw.values as Record<string, ReadonlyArray<Record<string, unknown>>>
          expect(person.firstName).toBe(v.name![0]!.first_name)
          expect(person.lastName).toBe(v.name![0]!.last_name)
          expect(person.emails).toEqual(v.email_addresses!.map((e) => ({ value: e.email_address })))
          const phones = v.phone_numbers!.map((p) => ({ number: p.phone_number }))
          expect(person.phones).toEqual(phones.length === 0 ? undefined : phones)
          for (const phone of (person.phones ?? []) as ReadonlyArray<{ number: string }>) expect(phone.number).toMatch(/^\+1\d{10}$/)
          expect(person.title).toBe(v.job_title![0]?.value)
          expect(person.companyId).toBe(v.company![0]?.target_record_id)
          // Attio keeps both sides of the relation: the company's team lists the person.
          if (person.companyId !== undefined) expect(fake.teamOf(String(person.companyId))).toContain(person.id)
        }
      })))

    it("maps only active values and skips values of an unexpected shape", () => {
      const at = (from: string, until: string | null = null) => ({ active_from: from, active_until: until, created_by_actor: { type: "system", id: null } })
      const record = {
        id: { workspace_id: "w", object_id: "o", record_id: "p-1" },
        created_at: "2024-02-01T10:00:00.000000000Z",
        values: {
          name: [{ ...at("2024-02-01T10:00:00.000000000Z"), attribute_type: "personal-name", first_name: "Ada", last_name: "Lovelace", full_name: "Ada Lovelace" }],
          job_title: [
            { ...at("2024-03-01T09:00:00.000000000Z"), attribute_type: "text", value: "Chief Analyst" },
            { ...at("2024-02-01T10:00:00.000000000Z", "2024-03-01T09:00:00.000000000Z"), attribute_type: "text", value: "Analyst" }
          ],
          email_addresses: [{ ...at("2024-02-01T10:00:00.000000000Z"), attribute_type: "email-address", email_address: 42 }],
          phone_numbers: [],
          company: [{ ...at("2024-02-01T10:00:00.000000000Z"), attribute_type: "record-reference", target_object: "companies", target_record_id: "c-9" }],
          primary_location: [{ ...at("2024-02-01T10:00:00.000000000Z"), attribute_type: "location", line_1: null, locality: "London", region: null, postcode: null, country_code: "GB" }]
        }
      }
      expect(Attio.toContact(record)).toEqual({
        id: "p-1",
        remoteCreatedAt: "2024-02-01T10:00:00.000000000Z",
        remoteUpdatedAt: "2024-03-01T09:00:00.000000000Z",
        firstName: "Ada",
        lastName: "Lovelace",
        title: "Chief Analyst",
        addresses: [{ city: "London", country: "GB" }],
        companyId: "c-9"
      })
      // Garbage never throws: what is readable is mapped, the model decides.
      expect(Attio.toCompany({ values: { name: "not a list" } })).toEqual({})
      expect(Attio.toCompany(null)).toEqual({})
      expect(Either.isLeft(Company.model.decode(Attio.toCompany(null)))).toBe(true)
    })
  })

  describe("deltas (full reads with sweep)", () => {
    it.effect("a second full read shows exactly the fixture's mutations", () =>
      withHttp(Effect.gen(function*() {
        const instance = yield* AttioFake.fixture.setup({ size: 90, seed: 5 })
        const connector = instance.connector
        const credentials = yield* connector.credentials.decode(instance.credentials)
        const ctx = yield* Connector.makeContext(connector, { integrationId: "int_attio", tenant: "acme", credentials })
        const snapshot = (model: string) =>
          Effect.map(readAll(connector, ctx, model), (pages) => {
            const volatile = new Set(["remoteUpdatedAt", ...(Connector.readerFor(connector, model)!.volatileFields ?? [])])
            return new Map(recordsOf(pages).map((r) => [
              r.id,
              JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !volatile.has(k)).sort(([a], [b]) => a.localeCompare(b))))
            ]))
          })
        const models = ["crm.company", "crm.contact"]
        const before = new Map<string, Map<string, string>>()
        for (const m of models) before.set(m, yield* snapshot(m))
        const expected = yield* instance.mutate()
        const seen: Array<{ model: string; type: string; recordId: string; reason?: string }> = []
        for (const m of models) {
          const after = yield* snapshot(m)
          const old = before.get(m)!
          for (const [id, fp] of after) {
            if (!old.has(id)) seen.push({ model: m, type: "record.new", recordId: id })
            else if (old.get(id) !== fp) seen.push({ model: m, type: "record.changed", recordId: id })
          }
          for (const id of old.keys()) if (!after.has(id)) seen.push({ model: m, type: "record.deleted", recordId: id, reason: "removed" })
        }
        const key = (e: { model: string; recordId: string; type: string }) => `${e.model} ${e.type} ${e.recordId}`
        expect(seen.map(key).sort()).toEqual(expected.map(key).sort())
        expect(expected.filter((e) => e.type === "record.deleted").every((e) => e.reason === "removed")).toBe(true)
        // Every kind of change shows up for both models.
        for (const m of models) {
          for (const type of ["record.new", "record.changed", "record.deleted"]) {
            expect(expected.some((e) => e.model === m && e.type === type)).toBe(true)
          }
        }
        expect(instance.authProblems()).toEqual([])
      })))

    it.effect("readOne re-reads a record with its new value, and None once it is deleted", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ size: 30 })
        const reader = Connector.readerFor(connector, "crm.contact")!
        const id = fake.recordId("people", 3)
        fake.update("people", id, { job_title: "Head of Fixtures" })
        const one = yield* reader.readOne!(ctx, id)
        expect(Option.getOrThrow(one)).toMatchObject({ id, title: "Head of Fixtures" })
        // The replaced title is still in Attio's history, but no longer active.
        expect(fake.record("people", id)!.values.job_title!.length).toBe(1)
        fake.remove("people", id)
        expect(yield* reader.readOne!(ctx, id)).toEqual(Option.none())
      })))
  })

  describe("failures", () => {
    it.live("survives a 429 burst, waiting for the HTTP-date Retry-After", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ size: 600 })
        fake.throttle({ times: 2, retryAfterSeconds: 1 })
        const started = performance.now()
        const pages = yield* readAll(connector, ctx, "crm.company")
        expect(recordsOf(pages).length).toBe(600)
        expect(performance.now() - started).toBeGreaterThanOrEqual(1000)
        const statuses = fake.requests.map((r) => r.status)
        expect(statuses).toEqual([429, 429, 200, 200])
      })))

    it.effect("waits exactly until the Retry-After date (TestClock)", () =>
      withHttp(Effect.gen(function*() {
        const now = Date.UTC(2026, 0, 5, 9, 0, 0)
        yield* TestClock.setTime(now)
        const { connector, ctx, fake } = yield* setup({ size: 10, wallClock: () => now })
        fake.throttle({ times: 1, retryAfterSeconds: 1 })
        const fiber = yield* readAll(connector, ctx, "crm.company").pipe(Effect.fork)
        // (A request's own timeout may be sleeping too: wait for the retry's wake-up, at the date.)
        yield* untilSleeping("the retry after the 429", now + 1000)
        expect(fake.requests.map((r) => r.status)).toEqual([429])
        yield* TestClock.adjust("999 millis")
        yield* realPause(30)
        expect(fake.requests.length).toBe(1)
        yield* TestClock.adjust("1 millis")
        const pages = yield* Fiber.join(fiber)
        expect(recordsOf(pages).length).toBe(10)
      })))

    it.effect("a 500 after the first page fails the read with a typed error", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup()
        fake.failNextPage("people")
        const pages: Array<Connector.RecordPage> = []
        const error = yield* Stream.runForEach(
          Connector.readerFor(connector, "crm.contact")!.readAll(ctx),
          (page) => Effect.sync(() => pages.push(page))
        ).pipe(Effect.flip)
        expect(pages.length).toBe(1)
        expect(error).toBeInstanceOf(Errors.ConnectorError)
        const e = error as Errors.ConnectorError
        expect(e.status).toBe(500)
        expect(e.operation).toBe("POST /v2/objects/people/records/query")
        expect(e.detail).toContain("internal_server_error")
      })))

    it.effect("a malformed page fails the read with a typed error", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup()
        fake.failNextPage("companies", "malformed")
        const error = yield* readAll(connector, ctx, "crm.company").pipe(Effect.flip)
        expect(error).toBeInstanceOf(Errors.ConnectorError)
        const e = error as Errors.ConnectorError
        expect(e.operation).toBe("POST /v2/objects/companies/records/query")
        expect(e.detail).toContain("not JSON")
      })))

    it.effect("a read with a token lacking scopes fails with Attio's 403", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx } = yield* setup({ token: "noRecordScope" })
        const error = yield* readAll(connector, ctx, "crm.contact").pipe(Effect.flip)
        expect(error).toBeInstanceOf(Errors.ConnectorError)
        expect((error as Errors.ConnectorError).status).toBe(403)
        expect((error as Errors.ConnectorError).detail).toContain("record_permission:read")
      })))

    it.effect("records that violate the model come through and fail model.decode", () =>
      withHttp(Effect.gen(function*() {
        const { connector, ctx, fake } = yield* setup({ size: 50, invalid: { people: [3], companies: [7] } })
        const people = recordsOf(yield* readAll(connector, ctx, "crm.contact"))
        const companies = recordsOf(yield* readAll(connector, ctx, "crm.company"))
        const bad = (records: ReadonlyArray<Rec>, model: typeof Contact.model | typeof Company.model) =>
          records.filter((r) => Either.isLeft(model.decode(r))).map((r) => r.id)
        expect(people.length).toBe(50)
        expect(bad(people, Contact.model)).toEqual([fake.recordId("people", 3)])
        expect(companies.length).toBe(50)
        expect(bad(companies, Company.model)).toEqual([fake.recordId("companies", 7)])
      })))
  })
})
