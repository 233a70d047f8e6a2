import { describe, expect, it } from "@effect/vitest"
import { Company, Contact, Deal } from "@weft/core/models"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { ListPage } from "../src/hubspot/api.js"
import type { CrmObject } from "../src/hubspot/api.js"
import { classify, missingScopes } from "../src/hubspot/check.js"
import * as Mapping from "../src/hubspot/mapping.js"

const record = (properties: Record<string, unknown>, extra: Partial<CrmObject> = {}): CrmObject => ({
  id: "501",
  properties,
  ...extra
})

describe("HubSpot mapping", () => {
  it("leaves out empty and null properties instead of inventing values", () => {
    const mapped = Mapping.contact(record({ firstname: "  ", lastname: null, email: "", jobtitle: "CFO", phone: null }))
    expect(mapped).toEqual({ id: "501", title: "CFO", archived: false })
    expect(Either.isRight(Contact.model.decode(mapped))).toBe(true)
  })

  it("reads Unix-ms dates (older APIs) as ISO instants and calendar days", () => {
    const deal = Mapping.deal(
      record({ createdate: "1700000000000", closedate: "1735603200000", dealstage: "contractsent" }),
      { companies: [], contacts: [] }
    )
    expect(deal).toMatchObject({ remoteCreatedAt: "2023-11-14T22:13:20.000Z", closeDate: "2024-12-31", status: "open" })
    expect(Either.isRight(Deal.model.decode(deal))).toBe(true)
  })

  it("derives a deal's status from the closed flags first, the default stages next, and leaves custom stages alone", () => {
    expect(Mapping.dealStatus({ hs_is_closed: "true", hs_is_closed_won: "true", dealstage: "x" })).toBe("won")
    expect(Mapping.dealStatus({ hs_is_closed: "true", hs_is_closed_won: "false", dealstage: "closedwon" })).toBe("lost")
    expect(Mapping.dealStatus({ hs_is_closed: "false", dealstage: "closedwon" })).toBe("open")
    expect(Mapping.dealStatus({ dealstage: "closedlost" })).toBe("lost")
    expect(Mapping.dealStatus({ dealstage: "appointmentscheduled" })).toBe("open")
    expect(Mapping.dealStatus({ dealstage: "3114711" })).toBeUndefined()
  })

  it("takes the primary company once, however many association types name it, and sorts contact ids", () => {
    const deal = record({ dealname: "Renewal", amount: "1200.5", deal_currency_code: "eur" }, {
      associations: {
        companies: {
          results: [
            { id: "77", type: "deal_to_company_unlabeled" },
            { id: "900", type: "deal_to_company" },
            { id: "900", type: "deal_to_company_unlabeled" }
          ]
        },
        contacts: { results: [{ id: "12", type: "deal_to_contact" }, { id: 3, type: "deal_to_contact" }] }
      }
    })
    const mapped = Mapping.deal(deal, Mapping.inlineDealAssociations(deal))
    expect(mapped).toMatchObject({ companyId: "900", contactIds: ["3", "12"], amount: "1200.5", currency: "EUR" })
    expect(Mapping.deal(deal, { companies: [{ id: "77", primary: false }, { id: "8", primary: false }], contacts: [] }))
      .toMatchObject({ companyId: "8" })
  })

  it("passes values the model cannot hold through, so the record is refused rather than silently trimmed", () => {
    const deal = Mapping.deal(record({ amount: "1,200", closedate: "next week" }), { companies: [], contacts: [] })
    expect(deal).toMatchObject({ amount: "1,200", closeDate: "next week" })
    expect(Either.isLeft(Deal.model.decode(deal))).toBe(true)
    const company = Mapping.company(record({ numberofemployees: "about fifty", name: "Acme" }))
    expect(Either.isLeft(Company.model.decode(company))).toBe(true)
  })

  it("maps a deal as sparse as HubSpot sends them: no stage, pipeline, amount, currency, close date or associations", () => {
    // The shape of a list answer for a deal created through the API (values invented).
    const page = Schema.decodeUnknownSync(ListPage)({
      results: [{
        id: "31200457",
        properties: {
          amount: null,
          closedate: null,
          createdate: "2025-02-11T08:14:03.120Z",
          deal_currency_code: null,
          dealname: "Inbound enquiry",
          dealstage: null,
          hs_is_closed: null,
          hs_is_closed_won: "false",
          hs_lastmodifieddate: "2025-02-11T08:14:04.377Z",
          hs_merged_object_ids: null,
          hs_object_id: "31200457",
          hubspot_owner_id: null,
          pipeline: null
        },
        createdAt: "2025-02-11T08:14:03.120Z",
        updatedAt: "2025-02-11T08:14:04.377Z",
        archived: false,
        url: "https://app.hubspot.com/contacts/4412718/record/0-3/31200457"
      }]
    })
    const deal = page.results[0]!
    const mapped = Mapping.deal(deal, Mapping.inlineDealAssociations(deal))
    expect(mapped).toEqual({
      id: "31200457",
      remoteCreatedAt: "2025-02-11T08:14:03.120Z",
      remoteUpdatedAt: "2025-02-11T08:14:04.377Z",
      name: "Inbound enquiry",
      archived: false
    })
    expect(Either.isRight(Deal.model.decode(mapped))).toBe(true)
  })

  it("maps a contact known only by its e-mail", () => {
    const mapped = Mapping.contact(record({
      firstname: null,
      lastname: null,
      email: "orders@harbor.example",
      lifecyclestage: "lead",
      createdate: "2025-02-11T08:14:03.120Z"
    }, { updatedAt: "2025-02-11T08:14:04.377Z", archived: false }))
    expect(mapped).toEqual({
      id: "501",
      remoteCreatedAt: "2025-02-11T08:14:03.120Z",
      remoteUpdatedAt: "2025-02-11T08:14:04.377Z",
      emails: [{ value: "orders@harbor.example" }],
      lifecycleStage: "lead",
      archived: false,
      rawValues: { lifecycleStage: "lead" }
    })
    expect(Either.isRight(Contact.model.decode(mapped))).toBe(true)
  })

  it("reads a free-text country as its ISO code and keeps HubSpot's text in rawValues", () => {
    const contact = (country: string) => Mapping.contact(record({ city: "Leeds", country }))
    expect(contact("United Kingdom")).toMatchObject({
      addresses: [{ city: "Leeds", country: "GB" }],
      rawValues: { "addresses[0].country": "United Kingdom" }
    })
    expect(contact("UK")["addresses"]).toEqual([{ city: "Leeds", country: "GB" }])
    expect(contact("USA")).toMatchObject({ addresses: [{ city: "Leeds", country: "US" }], rawValues: { "addresses[0].country": "USA" } })
    // An ISO code is not repeated in rawValues.
    expect(contact("GB")).toEqual({ id: "501", addresses: [{ city: "Leeds", country: "GB" }], archived: false })
    // Text no code is found for stays out of the address, and in rawValues.
    expect(contact("England")).toMatchObject({ addresses: [{ city: "Leeds", country: "GB" }], rawValues: { "addresses[0].country": "England" } })
    expect(contact("Atlantis")).toMatchObject({ addresses: [{ city: "Leeds" }], rawValues: { "addresses[0].country": "Atlantis" } })
    expect(contact("Atlantis")["addresses"]).toEqual([{ city: "Leeds" }])
    const company = Mapping.company(record({ name: "Acme", industry: "RETAIL", country: "Deutschland" }))
    expect(company).toMatchObject({
      addresses: [{ country: "DE" }],
      rawValues: { industry: "RETAIL", "addresses[0].country": "Deutschland" }
    })
    expect(Either.isRight(Company.model.decode(company))).toBe(true)
  })

  it("gives a company its one HubSpot industry as industry and as the single member of industries", () => {
    expect(Mapping.company(record({ industry: "COMPUTER_SOFTWARE" }))).toMatchObject({
      industry: "COMPUTER_SOFTWARE",
      industries: ["COMPUTER_SOFTWARE"]
    })
    expect(Mapping.company(record({ industry: null }))).not.toHaveProperty("industries")
  })

  it("reads merged ids and additional e-mails as HubSpot's ;-separated lists", () => {
    const merged = record({ hs_merged_object_ids: "12;501; 77;", email: "a@x.io", hs_additional_emails: "b@x.io;a@x.io" })
    expect(Mapping.mergedIds(merged)).toEqual(["12", "77"])
    expect(Mapping.contact(merged)["emails"]).toEqual([{ value: "a@x.io" }, { value: "b@x.io" }])
  })
})

describe("HubSpot check classification", () => {
  it("maps each refusal to its code", () => {
    expect(classify("contacts", 401, { category: "EXPIRED_AUTHENTICATION" }).code).toBe("invalid_credentials")
    expect(classify("contacts", 403, { category: "FORBIDDEN", message: "no access" }).code).toBe("insufficient_permissions")
    expect(classify("deals", 403, { category: "MISSING_SCOPES" }).message).toContain("crm.objects.deals.read")
    expect(classify("contacts", 400, { message: "Hub 42 is unknown to this Hublet" }).code).toBe("account_not_found")
    expect(classify("contacts", 404, undefined).code).toBe("account_not_found")
    expect(classify("contacts", 429, undefined).code).toBe("rate_limited")
    expect(classify("contacts", 502, undefined).code).toBe("provider_unavailable")
  })

  it("names only scope-shaped strings from a MISSING_SCOPES body", () => {
    const body = {
      category: "MISSING_SCOPES",
      errors: [
        { context: { requiredGranularScopes: ["crm.objects.deals.read", "Bearer CKabc secret value", 42] } },
        { context: { requiredScopes: ["crm.objects.companies.read"] } },
        { context: "odd" }
      ]
    }
    expect(missingScopes(body)).toEqual(["crm.objects.deals.read", "crm.objects.companies.read"])
  })
})
