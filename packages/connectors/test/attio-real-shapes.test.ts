import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Attio } from "@weft/connectors"
import { Connector } from "@weft/core/connector"
import { Company, Contact } from "@weft/core/models"
import { AttioFake } from "@weft/testing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"

// What real Attio workspaces answer and a fake written from the spec alone
// hid: values Attio wrote itself (`created_by_actor.id: null`), coordinates
// as strings, `web_url`, and companies with many categories.

type Json = Record<string, unknown>
type Row = Json & { created_by_actor: { type: string; id: string | null } }
type ApiRecord = { id: { record_id: string }; web_url?: unknown; values: Record<string, ReadonlyArray<Row>> }

const call = (fake: AttioFake.Fake, method: string, path: string, body?: unknown) =>
  Effect.promise(async () => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${fake.tokens.good}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return await res.json() as Json
  })

const page = (fake: AttioFake.Fake, object: "companies" | "people", limit: number) =>
  Effect.map(
    call(fake, "POST", `/v2/objects/${object}/records/query`, { limit, offset: 0 }),
    (body) => body["data"] as ReadonlyArray<ApiRecord>
  )

// Attio's documented patterns for a location's coordinates.
const LATITUDE = /^[-+]?([1-8]?\d(\.\d+)?|90(\.0+)?)$/
const LONGITUDE = /^[-+]?(180(\.0+)?|((1[0-7]\d)|([1-9]?\d))(\.\d+)?)$/

const bySystem = (row: Row | undefined) => row?.created_by_actor.type === "system" && row.created_by_actor.id === null

const share = (n: number, of: number) => n / of

describe("Attio fake: real shapes", () => {
  it.scoped("gives every record its web_url in the workspace's slug", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 20, seed: 4 })
      const self = yield* call(fake, "GET", "/v2/self")
      for (const object of ["companies", "people"] as const) {
        const kind = object === "companies" ? "company" : "person"
        for (const record of yield* page(fake, object, 20)) {
          expect(record.web_url).toBe(`https://app.attio.com/${self["workspace_slug"]}/${kind}/${record.id.record_id}`)
        }
      }
      const single = yield* call(fake, "GET", `/v2/objects/people/records/${fake.recordId("people", 3)}`)
      expect((single["data"] as ApiRecord).web_url).toBe(fake.record("people", fake.recordId("people", 3))!.web_url)
    }))

  it.scoped("serves values Attio wrote itself (actor id null) beside members' at realistic rates, the same for a seed", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 300, seed: 4 })
      const companies = yield* page(fake, "companies", 300)
      const people = yield* page(fake, "people", 300)
      const systemCreated = companies.filter((c) => bySystem(c.values["name"]![0])).length
      expect(share(systemCreated, 300)).toBeGreaterThan(0.3)
      expect(share(systemCreated, 300)).toBeLessThan(0.7)
      // Enrichment writes categories even into companies a member created.
      const enrichedByMember = companies.filter((c) => !bySystem(c.values["name"]![0]) && bySystem(c.values["categories"]![0]))
      expect(enrichedByMember.length).toBeGreaterThan(20)
      for (const c of companies) {
        for (const rows of Object.values(c.values)) {
          for (const row of rows) {
            if (row.created_by_actor.type === "system") expect(row.created_by_actor.id).toBeNull()
            else expect(row.created_by_actor.id).toMatch(/^[0-9a-f-]{36}$/)
          }
        }
      }
      const peopleBySystem = people.filter((p) => bySystem(p.values["name"]![0])).length
      expect(share(peopleBySystem, 300)).toBeGreaterThan(0.2)
      expect(share(peopleBySystem, 300)).toBeLessThan(0.6)
      const again = yield* AttioFake.scoped({ size: 300, seed: 4 })
      expect(yield* page(again, "companies", 300)).toEqual(companies)
    }))

  it.scoped("serves enriched companies with several categories and coordinates as strings", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 300, seed: 4 })
      const companies = yield* page(fake, "companies", 300)
      const many = companies.filter((c) => c.values["categories"]!.length >= 3)
      expect(many.length).toBeGreaterThan(60)
      const locations = companies.flatMap((c) => c.values["primary_location"]!)
      const geocoded = locations.filter((l) => l["latitude"] !== null)
      expect(geocoded.length).toBeGreaterThan(50)
      expect(locations.length - geocoded.length).toBeGreaterThan(20)
      for (const l of geocoded) {
        expect(typeof l["latitude"]).toBe("string")
        expect(l["latitude"]).toMatch(LATITUDE)
        expect(l["longitude"]).toMatch(LONGITUDE)
      }
    }))
})

const at = (from: string) => ({ active_from: from, active_until: null, created_by_actor: { type: "system", id: null } })

/** A company shaped as Attio returns one it enriched (values invented). */
const enriched = (location: Json) => ({
  id: { workspace_id: "w-1", object_id: "o-1", record_id: "c-77" },
  created_at: "2025-03-02T09:15:41.202000000Z",
  web_url: "https://app.attio.com/harbor/company/c-77",
  values: {
    name: [{ ...at("2025-03-02T09:15:41.202000000Z"), attribute_type: "text", value: "Harbor Analytics" }],
    domains: [{ ...at("2025-03-02T09:15:41.202000000Z"), attribute_type: "domain", domain: "harbor.example", root_domain: "harbor.example" }],
    categories: ["Logistics", "SaaS", "B2B", "Marketplace"].map((title) => ({
      ...at("2025-03-02T09:15:42.010000000Z"),
      attribute_type: "select",
      option: { id: { option_id: title }, title, is_archived: false }
    })),
    primary_location: [{
      ...at("2025-03-02T09:15:42.010000000Z"),
      attribute_type: "location",
      line_1: "12 Quay Street",
      line_2: null,
      line_3: null,
      line_4: null,
      locality: "Rotterdam",
      region: "South Holland",
      postcode: "3011",
      ...location
    }],
    team: [],
    created_by: [{ ...at("2025-03-02T09:15:41.202000000Z"), attribute_type: "actor-reference", referenced_actor_type: "system", referenced_actor_id: null }]
  }
})

describe("Attio connector on real shapes", () => {
  it("maps a company Attio enriched: every category, the address whatever shape its coordinates come in", () => {
    const expected = {
      id: "c-77",
      remoteCreatedAt: "2025-03-02T09:15:41.202000000Z",
      remoteUpdatedAt: "2025-03-02T09:15:42.010000000Z",
      name: "Harbor Analytics",
      domain: "harbor.example",
      industry: "Logistics",
      industries: ["Logistics", "SaaS", "B2B", "Marketplace"],
      addresses: [{ line1: "12 Quay Street", city: "Rotterdam", state: "South Holland", postalCode: "3011", country: "NL" }]
    }
    const withStrings = Attio.toCompany(enriched({ country_code: "NL", latitude: "51.9179680", longitude: "4.4869420" }))
    expect(withStrings).toEqual(expected)
    expect(Either.isRight(Company.model.decode(withStrings))).toBe(true)
    expect(Attio.toCompany(enriched({ country_code: "NL", latitude: 51.917968, longitude: 4.486942 }))).toEqual(expected)
    expect(Attio.toCompany(enriched({ country_code: "NL", latitude: null, longitude: null }))).toEqual(expected)
  })

  it("keeps a country code it does not know in rawValues, out of the address", () => {
    const company = Attio.toCompany(enriched({ country_code: "XX", latitude: null, longitude: null }))
    expect((company["addresses"] as ReadonlyArray<Json>)[0]).not.toHaveProperty("country")
    expect(company["rawValues"]).toEqual({ "addresses[0].country": "XX" })
    expect(Attio.toCompany(enriched({ country_code: "NL" }))).not.toHaveProperty("rawValues")
  })

  it.live("reads the fake's companies and people, system-written or not, into records that validate", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 150, seed: 4 })
      const connector = Attio.connector({ baseUrl: fake.url, pageSize: 100 })
      const credentials = yield* connector.credentials.decode({ apiKey: fake.tokens.good })
      const ctx = yield* Connector.makeContext(connector, { integrationId: "int_attio", tenant: "acme", credentials })
      const read = (model: string) =>
        Effect.map(
          Stream.runCollect(Connector.readerFor(connector, model)!.readAll(ctx)),
          (pages) => Chunk.toReadonlyArray(pages).flatMap((p) => p.records as ReadonlyArray<Json>)
        )
      const companies = yield* read("crm.company")
      const people = yield* read("crm.contact")
      expect(companies).toHaveLength(150)
      expect(people).toHaveLength(150)
      for (const c of companies) {
        expect(Either.isRight(Company.model.decode(c))).toBe(true)
        const raw = fake.record("companies", String(c["id"]))!
        const titles = raw.values["categories"]!.map((v) => (v["option"] as { title: string }).title)
        expect(c["industries"]).toEqual(titles.length === 0 ? undefined : titles)
        for (const a of (c["addresses"] ?? []) as ReadonlyArray<Json>) {
          expect(a).not.toHaveProperty("latitude")
          expect(a["country"]).toMatch(/^[A-Z]{2}$/)
        }
      }
      for (const p of people) expect(Either.isRight(Contact.model.decode(p))).toBe(true)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))
})
