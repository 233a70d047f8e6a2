import { describe, expect } from "@effect/vitest"
import { Company, Contact, Deal } from "@weft/core/models"
import type { HubSpotFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { changesOf, drain, known, live, reader, served, setup } from "./hubspot.support.js"

// What real portals hold and a fake that fills every property hides: sparse
// deals and contacts, record URLs, and countries typed as free text.

type Json = Record<string, unknown>

const byId = (records: ReadonlyArray<Json>) => new Map(records.map((r) => [String(r["id"]), r]))

const share = (n: number, of: number) => n / of

/** One page of the list API, as any client sees it. */
const list = (fake: HubSpotFake.Fake, query: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${fake.url}/crm/v3/objects/${query}`, {
      headers: { authorization: `Bearer ${fake.tokens.good.accessToken}` }
    })
    return await response.json() as { results: ReadonlyArray<Json & { id: string; properties: Record<string, string | null> }> }
  })

describe("HubSpot fake: real shapes", () => {
  live("serves deals without stage, amount or associations and contacts without names, at realistic rates, the same for a seed", () =>
    Effect.gen(function*() {
      const { fake } = yield* setup({ size: 400, seed: 3 })
      const { fake: again } = yield* setup({ size: 400, seed: 3 })
      const deals = Array.from({ length: 400 }, (_, i) => fake.get("deals", fake.idAt("deals", i))!)
      const stageless = deals.filter((d) => d.properties["dealstage"] === null)
      const noAmount = deals.filter((d) => d.properties["amount"] === null)
      const lonely = deals.filter((d) => d.associations === undefined)
      expect(share(stageless.length, 400)).toBeGreaterThan(0.05)
      expect(share(stageless.length, 400)).toBeLessThan(0.2)
      expect(share(noAmount.length, 400)).toBeGreaterThan(0.1)
      expect(share(noAmount.length, 400)).toBeLessThan(0.3)
      expect(share(lonely.length, 400)).toBeGreaterThan(0.08)
      expect(share(lonely.length, 400)).toBeLessThan(0.3)
      // HubSpot's calculated flags for a deal without a stage.
      for (const d of stageless) {
        expect(d.properties).toMatchObject({ pipeline: null, hs_is_closed: null, hs_is_closed_won: "false" })
      }
      const contacts = Array.from({ length: 400 }, (_, i) => fake.get("contacts", fake.idAt("contacts", i))!.properties)
      const noFirst = contacts.filter((p) => p["firstname"] === null).length
      const noLast = contacts.filter((p) => p["lastname"] === null).length
      const noName = contacts.filter((p) => p["firstname"] === null && p["lastname"] === null).length
      expect(share(noFirst, 400)).toBeGreaterThan(0.04)
      expect(share(noFirst, 400)).toBeLessThan(0.15)
      expect(share(noLast, 400)).toBeGreaterThan(0.08)
      expect(share(noLast, 400)).toBeLessThan(0.25)
      expect(noName).toBeGreaterThan(0)
      for (const p of contacts) expect(p["email"]).toMatch(/@/)
      expect(Array.from({ length: 400 }, (_, i) => again.get("deals", again.idAt("deals", i)))).toEqual(deals)
    }))

  live("puts each record's URL beside its id, in lists, reads and searches", () =>
    Effect.gen(function*() {
      const { fake } = yield* setup({ size: 20 })
      const page = yield* list(fake, "deals?limit=5&associations=companies,contacts")
      for (const record of page.results) {
        expect(record["url"]).toBe(`https://app.hubspot.com/contacts/${fake.hubId}/record/0-3/${record.id}`)
        expect(record.properties).not.toHaveProperty("url")
      }
      const contact = yield* list(fake, `contacts/${fake.idAt("contacts", 2)}`)
      expect((contact as unknown as Json)["url"]).toBe(
        `https://app.hubspot.com/contacts/${fake.hubId}/record/0-1/${fake.idAt("contacts", 2)}`
      )
      expect(fake.get("companies", fake.idAt("companies", 0))!.url).toMatch(/\/record\/0-2\/5000001$/)
    }))

  live("spells countries as people type them: several ways for one country, now and then none ISO knows", () =>
    Effect.gen(function*() {
      const { fake } = yield* setup({ size: 400, seed: 5 })
      const countries = [
        ...Array.from({ length: 400 }, (_, i) => fake.get("contacts", fake.idAt("contacts", i))!.properties["country"]),
        ...Array.from({ length: 400 }, (_, i) => fake.get("companies", fake.idAt("companies", i))!.properties["country"])
      ].filter((c): c is string => c !== null)
      const spellings = new Set(countries)
      for (const us of ["United States", "USA", "US", "United States of America"]) expect(spellings).toContain(us)
      for (const gb of ["United Kingdom", "UK"]) expect(spellings).toContain(gb)
      expect(spellings).toContain("England")
      expect(spellings.size).toBeGreaterThan(15)
    }))
})

describe("HubSpot connector on real shapes", () => {
  live("maps sparse deals and contacts to records that validate and hold only what HubSpot has", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 300, seed: 3 })
      const deals = byId((yield* drain(reader(hubspot, "crm.deal").readAll(context))).records)
      let stageless = 0
      let lonely = 0
      for (const [id, deal] of deals) {
        expect(Either.isRight(Deal.model.decode(deal))).toBe(true)
        const raw = fake.get("deals", id)!
        if (raw.properties["dealstage"] === null) {
          stageless++
          expect(deal).not.toHaveProperty("stage")
          expect(deal).not.toHaveProperty("status")
          expect(deal).not.toHaveProperty("rawValues")
        }
        if (raw.properties["amount"] === null) expect(deal).not.toHaveProperty("amount")
        if (raw.associations === undefined) {
          lonely++
          expect(deal).not.toHaveProperty("companyId")
          expect(deal).not.toHaveProperty("contactIds")
        }
        expect(deal).not.toHaveProperty("url")
      }
      expect(stageless).toBeGreaterThan(10)
      expect(lonely).toBeGreaterThan(10)
      const contacts = (yield* drain(reader(hubspot, "crm.contact").readAll(context))).records
      const nameless = contacts.filter((c) => c["firstName"] === undefined && c["lastName"] === undefined)
      expect(nameless.length).toBeGreaterThan(5)
      for (const c of contacts) expect(Either.isRight(Contact.model.decode(c))).toBe(true)
      for (const c of nameless) expect((c["emails"] as ReadonlyArray<unknown>).length).toBeGreaterThan(0)
    }))

  live("a delta over deals without associations (HubSpot's 207 with errors) maps them as the full read does", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 200, seed: 3, connector: { lookback: 0 } })
      const deals = reader(hubspot, "crm.deal")
      const full = yield* drain(deals.readAll(context))
      const lonely = Array.from({ length: 200 }, (_, i) => fake.idAt("deals", i))
        .filter((id) => fake.get("deals", id)!.associations === undefined)
        .slice(0, 4)
      expect(lonely).toHaveLength(4)
      for (const id of lonely) fake.update("deals", id, { dealname: `Renamed ${id}` })
      const delta = yield* drain(deals.readChanges!(context, full.cursor!))
      expect(changesOf(known(full.records), delta.pages).map((e) => e.recordId).sort()).toEqual([...lonely].sort())
      const before = byId(full.records)
      for (const record of delta.records) {
        expect({ ...record, name: undefined, remoteUpdatedAt: undefined })
          .toEqual({ ...before.get(String(record["id"])), name: undefined, remoteUpdatedAt: undefined })
      }
      const batches = served(fake, "POST", "/crm/v4/associations/deals/")
      expect(batches.map((r) => r.status)).toEqual([207, 207])
    }))

  live("reads free-text countries as ISO codes and keeps HubSpot's text under addresses[0].country", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 300, seed: 5 })
      const contacts = (yield* drain(reader(hubspot, "crm.contact").readAll(context))).records
      const companies = (yield* drain(reader(hubspot, "crm.company").readAll(context))).records
      const seen = new Map<string, string | undefined>()
      for (const [type, records] of [["contacts", contacts], ["companies", companies]] as const) {
        for (const record of records) {
          const written = fake.get(type, String(record["id"]))!.properties["country"]
          const address = (record["addresses"] as ReadonlyArray<Json> | undefined)?.[0]
          const raw = (record["rawValues"] as Record<string, string> | undefined)?.["addresses[0].country"]
          if (written === null) {
            expect(address?.["country"]).toBeUndefined()
            expect(raw).toBeUndefined()
            continue
          }
          const code = address?.["country"] as string | undefined
          if (code !== undefined) expect(code).toMatch(/^[A-Z]{2}$/)
          expect(raw).toBe(code === written ? undefined : written)
          seen.set(written, code)
          expect(Either.isRight((type === "contacts" ? Contact.model : Company.model).decode(record))).toBe(true)
        }
      }
      expect(seen.get("United States")).toBe("US")
      expect(seen.get("USA")).toBe("US")
      expect(seen.get("US")).toBe("US")
      expect(seen.get("United Kingdom")).toBe("GB")
      expect(seen.get("UK")).toBe("GB")
      expect(seen.get("Deutschland")).toBe("DE")
      // A constituent country reads as its state's code; the text is kept.
      expect(seen.has("England")).toBe(true)
      expect(seen.get("England")).toBe("GB")
    }))
})
