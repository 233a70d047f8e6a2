import { describe, expect } from "@effect/vitest"
import { Company, Contact, Deal } from "@weft/core/models"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { bodyOf, changesOf, collect, drain, known, live, reader, served, setup } from "./hubspot.support.js"

// The fake's free-text countries and the ISO code each is read as (England names no ISO country).
const isoOf: Readonly<Record<string, string | undefined>> = {
  "United States": "US", USA: "US", US: "US", "United States of America": "US", "united states": "US", "U.S.": "US",
  "United Kingdom": "GB", UK: "GB", England: undefined, Germany: "DE", Deutschland: "DE", France: "FR", Canada: "CA",
  Netherlands: "NL", "The Netherlands": "NL", Australia: "AU", Ireland: "IE", India: "IN", Spain: "ES"
}

const byId = (records: ReadonlyArray<Record<string, unknown>>) => new Map(records.map((r) => [String(r["id"]), r]))

describe("HubSpot full reads", () => {
  live("read every contact over several pages, each valid, and end with the newest change as cursor", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 120 })
      const read = yield* drain(reader(hubspot, "crm.contact").readAll(context))
      expect(read.pages.map((p) => p.records.length)).toEqual([50, 50, 20, 0])
      expect(new Set(read.records.map((r) => r["id"])).size).toBe(120)
      for (const record of read.records) expect(Either.isRight(Contact.model.decode(record))).toBe(true)
      const newest = Math.max(...read.records.map((r) => Date.parse(String(r["remoteUpdatedAt"]))))
      expect(read.cursor).toBe(String(newest))
      expect(read.pages.slice(0, -1).every((p) => p.cursor === undefined)).toBe(true)
      const lists = served(fake, "GET", "/crm/v3/objects/contacts")
      expect(lists).toHaveLength(3)
      expect(lists.map((r) => r.query.get("limit"))).toEqual(["50", "50", "50"])
      expect(lists.every((r) => r.query.get("archived") === "false")).toBe(true)
      expect(lists[0]!.query.get("properties")).toContain("lastmodifieddate")
      expect(fake.authProblems()).toEqual([])
    }))

  live("read companies and deals that validate, with HubSpot's modified-date property per type", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 80 })
      const companies = yield* drain(reader(hubspot, "crm.company").readAll(context))
      const deals = yield* drain(reader(hubspot, "crm.deal").readAll(context))
      expect(companies.records).toHaveLength(80)
      expect(deals.records).toHaveLength(80)
      for (const r of companies.records) expect(Either.isRight(Company.model.decode(r))).toBe(true)
      for (const r of deals.records) expect(Either.isRight(Deal.model.decode(r))).toBe(true)
      const probes = served(fake, "POST", "/crm/v3/objects/").map((r) => bodyOf(r) as { sorts: Array<{ propertyName: string }> })
      expect(probes.map((b) => b.sorts[0]!.propertyName)).toEqual(["hs_lastmodifieddate", "hs_lastmodifieddate"])
      expect(served(fake, "GET", "/crm/v3/objects/deals")[0]!.query.get("associations")).toBe("companies,contacts")
    }))

  live("map contacts: names, e-mails, typed phones, company, owner, lifecycle stage with its raw value", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 60 })
      const records = byId((yield* drain(reader(hubspot, "crm.contact").readAll(context))).records)
      let withMobile = 0
      for (const [id, record] of records) {
        const p = fake.get("contacts", id)!.properties
        expect(record["firstName"]).toBe(p["firstname"] ?? undefined)
        expect(record["lastName"]).toBe(p["lastname"] ?? undefined)
        expect(record["emails"]).toEqual([{ value: p["email"] }])
        expect(record["companyId"]).toBe(p["associatedcompanyid"] ?? undefined)
        expect(record["ownerId"]).toBe(p["hubspot_owner_id"] ?? undefined)
        expect(record["lifecycleStage"]).toBe(p["lifecyclestage"])
        expect(record["rawValues"]).toEqual({
          lifecycleStage: p["lifecyclestage"],
          ...(p["country"] === null || p["country"] === isoOf[p["country"]!] ? {} : { "addresses[0].country": p["country"] })
        })
        expect(record["remoteCreatedAt"]).toBe(p["createdate"])
        expect(record["archived"]).toBe(false)
        const phones = (record["phones"] ?? []) as Array<{ type?: string; number: string }>
        if (p["mobilephone"] !== null) {
          withMobile++
          expect(phones.at(-1)).toEqual({ type: "mobile", number: p["mobilephone"] })
        }
        if (p["phone"] !== null) expect(phones[0]).toEqual({ number: p["phone"] })
        if (p["city"] !== null) {
          expect((record["addresses"] as Array<{ city: string; country?: string }>)[0]).toMatchObject({
            city: p["city"],
            country: isoOf[p["country"]!]
          })
        }
      }
      expect(withMobile).toBeGreaterThan(5)
    }))

  live("map companies: employee count as a number, industry as HubSpot's value, a two-line address", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 60 })
      const records = byId((yield* drain(reader(hubspot, "crm.company").readAll(context))).records)
      for (const [id, record] of records) {
        const p = fake.get("companies", id)!.properties
        expect(record["name"]).toBe(p["name"])
        expect(record["domain"]).toBe(p["domain"])
        expect(record["employeeCount"]).toBe(Number(p["numberofemployees"]))
        expect(record["industry"]).toBe(p["industry"] ?? undefined)
        expect(record["industries"]).toEqual(p["industry"] === null ? undefined : [p["industry"]])
        if (p["address2"] !== null) {
          expect((record["addresses"] as Array<Record<string, string>>)[0]).toMatchObject({
            line1: p["address"],
            line2: p["address2"],
            postalCode: p["zip"]
          })
        }
      }
    }))

  live("map deals: decimal amount, currency, status from HubSpot's closed flags, close date, primary company, contacts", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 150 })
      const records = byId((yield* drain(reader(hubspot, "crm.deal").readAll(context))).records)
      const statuses = new Set<unknown>()
      for (const [id, record] of records) {
        const p = fake.get("deals", id)!.properties
        expect(record["amount"]).toBe(p["amount"] ?? undefined)
        expect(record["currency"]).toBe(p["deal_currency_code"] ?? undefined)
        expect(record["stage"]).toBe(p["dealstage"] ?? undefined)
        expect(record["closeDate"]).toBe(p["closedate"]?.slice(0, 10))
        const expected = p["hs_is_closed_won"] === "true"
          ? "won"
          : p["hs_is_closed"] === "true"
          ? "lost"
          : p["hs_is_closed"] === "false"
          ? "open"
          : undefined
        expect(record["status"]).toBe(expected)
        statuses.add(`${p["pipeline"]}:${record["status"]}`)
        expect(record["rawValues"]).toEqual(
          p["dealstage"] === null ? undefined : { status: p["dealstage"], pipeline: p["pipeline"] }
        )
      }
      // Both pipelines (named and numeric stage ids), all three statuses, and deals without a stage occur.
      expect([...statuses].sort()).toEqual(
        ["3114709:lost", "3114709:open", "3114709:won", "default:lost", "default:open", "default:won", "null:undefined"]
      )
      const withCompany = [...records.values()].filter((r) => r["companyId"] !== undefined)
      expect(withCompany.length).toBeGreaterThan(100)
      for (const r of records.values()) {
        const ids = (r["contactIds"] ?? []) as Array<string>
        expect([...ids].sort()).toEqual(ids)
      }
    }))

  live("read one record: active, archived, merged away, deleted for good", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 30 })
      const contacts = reader(hubspot, "crm.contact")
      const [a, b, c, d, e] = [0, 1, 2, 3, 4].map((i) => fake.idAt("contacts", i))
      fake.archive("contacts", b!)
      fake.merge("contacts", c!, d!)
      fake.purge("contacts", e!)
      const one = (id: string) => Effect.map(contacts.readOne!(context, id), Option.getOrUndefined) as Effect.Effect<
        Record<string, unknown> | undefined,
        unknown
      >
      expect((yield* one(a!))?.["id"]).toBe(a)
      expect(yield* one(b!)).toMatchObject({ id: b, archived: true })
      expect(yield* one(d!)).toBeUndefined()
      expect(yield* one(e!)).toBeUndefined()
      expect(yield* one("999")).toBeUndefined()
      const deal = yield* Effect.map(reader(hubspot, "crm.deal").readOne!(context, fake.idAt("deals", 0)), Option.getOrThrow)
      const all = byId((yield* drain(reader(hubspot, "crm.deal").readAll(context))).records)
      expect(deal).toEqual(all.get(fake.idAt("deals", 0)))
    }))
})

describe("HubSpot deltas", () => {
  live("return exactly the changes since the cursor: creates, edits, archives (inactive), merges (tombstones)", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 120, connector: { lookback: 0 } })
      const contacts = reader(hubspot, "crm.contact")
      const full = yield* drain(contacts.readAll(context))
      const state = known(full.records)
      const [edited, archived, primary, merged, purged] = [5, 6, 7, 8, 9].map((i) => fake.idAt("contacts", i))
      const created = fake.create("contacts", { firstname: "Ada", lastname: "Byron", email: "ada@analytical.example" })
      fake.update("contacts", edited!, { jobtitle: "Chief Evangelist" })
      fake.archive("contacts", archived!)
      fake.merge("contacts", primary!, merged!)
      fake.purge("contacts", purged!)
      const delta = yield* drain(contacts.readChanges!(context, full.cursor!))
      expect(changesOf(state, delta.pages)).toEqual([
        { type: "record.new", recordId: created },
        { type: "record.changed", recordId: edited },
        { type: "record.changed", recordId: primary },
        { type: "record.deleted", recordId: merged, reason: "removed" },
        { type: "record.deleted", recordId: archived, reason: "inactive" }
      ])
      const emailsOf = (r: Record<string, unknown> | undefined) => (r?.["emails"] as Array<{ value: string }>).map((e) => e.value)
      expect(emailsOf(delta.records.find((r) => r["id"] === primary))).toEqual([
        ...emailsOf(full.records.find((r) => r["id"] === primary)),
        ...emailsOf(full.records.find((r) => r["id"] === merged))
      ])
      // The new cursor is the newest modification HubSpot reported, not the local clock.
      expect(delta.cursor).toBe(String(Date.parse(fake.get("contacts", primary!)!.properties["lastmodifieddate"]!)))
      const search = bodyOf(served(fake, "POST", "/crm/v3/objects/contacts/search").at(-1)!) as {
        filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }>
        sorts: Array<{ direction: string }>
      }
      expect(search.filterGroups[0]!.filters[0]).toEqual({ propertyName: "lastmodifieddate", operator: "GTE", value: full.cursor })
      expect(search.sorts[0]!.direction).toBe("ASCENDING")
      // A second delta from the new cursor finds nothing new.
      const again = yield* drain(contacts.readChanges!(context, delta.cursor!))
      expect(changesOf(state, again.pages)).toEqual([])
      expect(again.cursor).toBe(delta.cursor)
    }))

  live("see deal changes with their associations through the v4 batch API, mapped as the full read maps them", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 70, connector: { lookback: 0 } })
      const deals = reader(hubspot, "crm.deal")
      const full = yield* drain(deals.readAll(context))
      const ids = [0, 1, 2, 3].map((i) => fake.idAt("deals", i))
      for (const id of ids) fake.update("deals", id, { amount: "1000.10" })
      const company = fake.idAt("companies", 9)
      const created = fake.create("deals", { dealname: "Orbit – Pilot", dealstage: "3114712", pipeline: "3114709" }, {
        companies: [company],
        contacts: [fake.idAt("contacts", 4), fake.idAt("contacts", 2)]
      })
      const delta = yield* drain(deals.readChanges!(context, full.cursor!))
      const got = byId(delta.records)
      for (const id of ids) {
        expect({ ...got.get(id), amount: undefined, remoteUpdatedAt: undefined }).toEqual({
          ...full.records.find((r) => r["id"] === id),
          amount: undefined,
          remoteUpdatedAt: undefined
        })
      }
      expect(got.get(created)).toMatchObject({
        status: "won",
        companyId: company,
        contactIds: [fake.idAt("contacts", 2), fake.idAt("contacts", 4)],
        rawValues: { status: "3114712", pipeline: "3114709" }
      })
      expect(served(fake, "POST", "/crm/v4/associations/deals/")).toHaveLength(2)
    }))

  live("miss nothing when records change while the delta pages through them (keyset, not offsets)", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 120, connector: { lookback: 0 } })
      const contacts = reader(hubspot, "crm.contact")
      const full = yield* drain(contacts.readAll(context))
      const ids = Array.from({ length: 120 }, (_, i) => fake.idAt("contacts", i))
      for (const id of ids) fake.update("contacts", id, { jobtitle: "Analyst" })
      let first = true
      const pages = yield* collect(
        contacts.readChanges!(context, full.cursor!).pipe(
          Stream.tap(() =>
            Effect.sync(() => {
              // Records of the first page change again: offset paging would now skip some.
              if (first) for (const id of ids.slice(0, 5)) fake.update("contacts", id, { jobtitle: "Senior Analyst" })
              first = false
            })
          )
        )
      )
      const seen = new Set(pages.flatMap((p) => p.records.map((r) => (r as { id: string }).id)))
      expect(ids.filter((id) => !seen.has(id))).toEqual([])
    }))

  live("walk an import that stamped more records than a page with one millisecond by id, even while some change", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 160, connector: { lookback: 0 } })
      const contacts = reader(hubspot, "crm.contact")
      const full = yield* drain(contacts.readAll(context))
      const ids = Array.from({ length: 130 }, (_, i) => fake.idAt("contacts", i + 10))
      fake.importUpdates("contacts", ids, { lifecyclestage: "customer", jobtitle: "Imported" })
      fake.update("contacts", fake.idAt("contacts", 0), { jobtitle: "Founder" })
      let first = true
      const pages = yield* collect(
        contacts.readChanges!(context, full.cursor!).pipe(
          Stream.tap(() =>
            Effect.sync(() => {
              // Imported records change again while the run is walked.
              if (first) for (const id of [ids[2]!, ids[77]!, ids[129]!]) fake.update("contacts", id, { jobtitle: "Re-imported" })
              first = false
            })
          )
        )
      )
      const state = known(full.records)
      const changed = new Set(changesOf(state, pages).map((e) => e.recordId))
      expect(ids.filter((id) => !changed.has(id))).toEqual([])
      expect(changed.has(fake.idAt("contacts", 0))).toBe(true)
      const bodies = served(fake, "POST", "/crm/v3/objects/contacts/search").map((r) =>
        bodyOf(r) as { after?: string; sorts: Array<{ propertyName: string }> }
      )
      expect(bodies.some((b) => b.sorts[0]!.propertyName === "hs_object_id")).toBe(true)
      expect(bodies.every((b) => b.after === undefined)).toBe(true)
    }))

  live("refuse a cursor it did not write with a typed error", () =>
    Effect.gen(function*() {
      const { hubspot, context } = yield* setup({ size: 10 })
      const result = yield* Effect.either(Stream.runDrain(reader(hubspot, "crm.company").readChanges!(context, "2024-01-01")))
      expect(Either.isLeft(result) && result.left._tag).toBe("ConnectorError")
      if (Either.isLeft(result)) expect(result.left.message).toMatch(/full sync/)
    }))
})
