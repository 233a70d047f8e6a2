import { describe, expect } from "@effect/vitest"
import { Contact, Deal } from "@weft/core/models"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { bodyOf, drain, live, reader, setup } from "./hubspot.support.js"

const pagesUntilFailure = <A, E>(stream: Stream.Stream<A, E>) =>
  Effect.gen(function*() {
    const pages = yield* Ref.make(0)
    const result = yield* Effect.either(Stream.runDrain(Stream.tap(stream, () => Ref.update(pages, (n) => n + 1))))
    return { result, pages: yield* Ref.get(pages) }
  })

describe("HubSpot throttling", () => {
  live("survives a ten-secondly 429 burst without Retry-After on the policy's backoff", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 120 })
      fake.throttle({ times: 4 })
      const read = yield* drain(reader(hubspot, "crm.contact").readAll(context))
      expect(read.records).toHaveLength(120)
      const throttled = fake.requests.filter((r) => r.status === 429)
      expect(throttled).toHaveLength(4)
      expect(fake.authProblems()).toEqual([])
    }))

  live("waits what Retry-After asks before retrying", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 60 })
      fake.throttle({ times: 1, retryAfter: 1 })
      const started = yield* Clock.currentTimeMillis
      const read = yield* drain(reader(hubspot, "crm.company").readAll(context))
      expect(read.records).toHaveLength(60)
      expect((yield* Clock.currentTimeMillis) - started).toBeGreaterThanOrEqual(950)
    }))

  live("survives the search API's secondly limit during a delta", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 60, connector: { lookback: 0 } })
      const deals = reader(hubspot, "crm.deal")
      const full = yield* drain(deals.readAll(context))
      fake.update("deals", fake.idAt("deals", 1), { dealname: "Renamed" })
      fake.throttle({ times: 2, policy: "SECONDLY" })
      const delta = yield* drain(deals.readChanges!(context, full.cursor!))
      expect(delta.records.map((r) => r["name"])).toContain("Renamed")
      expect(fake.requests.filter((r) => r.status === 429).every((r) => r.path.endsWith("/search"))).toBe(true)
    }))

  live("survives a short outage (503)", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 60 })
      fake.outage({ times: 2 })
      expect((yield* drain(reader(hubspot, "crm.contact").readAll(context))).records).toHaveLength(60)
    }))
})

describe("HubSpot failures mid-read", () => {
  live("a 500 after the first page fails the full read with a typed error and no cursor", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 120 })
      fake.failAfterFirstPage("contacts")
      const { result, pages } = yield* pagesUntilFailure(reader(hubspot, "crm.contact").readAll(context))
      expect(pages).toBe(1)
      expect(Either.isLeft(result) && result.left._tag).toBe("ConnectorError")
      if (Either.isLeft(result) && result.left._tag === "ConnectorError") expect(result.left.status).toBe(500)
    }))

  live("a malformed page fails the full read with a typed error", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 120 })
      fake.failAfterFirstPage("deals", "malformed")
      const { result, pages } = yield* pagesUntilFailure(reader(hubspot, "crm.deal").readAll(context))
      expect(pages).toBe(1)
      expect(Either.isLeft(result) && result.left._tag).toBe("ConnectorError")
      if (Either.isLeft(result)) expect(result.left.message).toMatch(/unreadable/)
    }))

  live("a 500 in the middle of a delta fails it before the cursor page", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 120, connector: { lookback: 0 } })
      const companies = reader(hubspot, "crm.company")
      const full = yield* drain(companies.readAll(context))
      for (let i = 0; i < 70; i++) fake.update("companies", fake.idAt("companies", i), { description: `rev ${i}` })
      fake.failAfterFirstPage("companies")
      const cursors = yield* Ref.make<ReadonlyArray<string>>([])
      const result = yield* Effect.either(
        Stream.runDrain(
          Stream.tap(companies.readChanges!(context, full.cursor!), (p) =>
            p.cursor === undefined ? Effect.void : Ref.update(cursors, (c) => [...c, p.cursor!]))
        )
      )
      expect(Either.isLeft(result)).toBe(true)
      expect(yield* Ref.get(cursors)).toEqual([])
    }))
})

describe("HubSpot search limits", () => {
  live("a delta reads an import of more than 10,000 records stamped with one millisecond, never paging by offset", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 10_050, connector: { lookback: 0, pageSize: 100 } })
      const contacts = reader(hubspot, "crm.contact")
      const cursor = String(fake.clock.now())
      const ids = Array.from({ length: 10_001 }, (_, i) => fake.idAt("contacts", i))
      fake.importUpdates("contacts", ids, { lifecyclestage: "other" })
      const delta = yield* drain(contacts.readChanges!(context, cursor))
      expect(new Set(delta.records.map((r) => r["id"])).size).toBe(10_001)
      expect(delta.records).toHaveLength(10_001)
      const searches = fake.requests.filter((r) => r.path === "/crm/v3/objects/contacts/search")
      expect(searches.every((r) => r.status === 200 && (bodyOf(r) as { after?: unknown }).after === undefined)).toBe(true)
      expect(delta.cursor).toBe(String(Date.parse(fake.get("contacts", ids[0]!)!.properties["lastmodifieddate"]!)))
    }))
})

describe("HubSpot records the models refuse", () => {
  live("come through as records that fail model validation, without failing the read", () =>
    Effect.gen(function*() {
      const { fake, hubspot, context } = yield* setup({ size: 60 })
      const badContact = fake.idAt("contacts", 7)
      const badDeal = fake.idAt("deals", 8)
      fake.update("contacts", badContact, { email: "not-an-email" })
      fake.update("deals", badDeal, { closedate: "31/12/2025", deal_currency_code: "euro" })
      const contacts = (yield* drain(reader(hubspot, "crm.contact").readAll(context))).records
      const deals = (yield* drain(reader(hubspot, "crm.deal").readAll(context))).records
      expect(contacts).toHaveLength(60)
      const refused = contacts.filter((r) => Either.isLeft(Contact.model.decode(r))).map((r) => r["id"])
      expect(refused).toEqual([badContact])
      expect(contacts.find((r) => r["id"] === badContact)!["emails"]).toEqual([{ value: "not-an-email" }])
      const decoded = Deal.model.decode(deals.find((r) => r["id"] === badDeal))
      expect(Either.isLeft(decoded)).toBe(true)
      expect(deals.filter((r) => Either.isLeft(Deal.model.decode(r)))).toHaveLength(1)
    }))
})
