import { describe, expect, it } from "@effect/vitest"
import { Company, Contact, Deal } from "@weft/core/models"
import * as Either from "effect/Either"
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
