import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { HubSpot } from "@weft/connectors"
import type { ConnectorFixture, ExpectedEvent } from "../../conformance/connector/Fixture.js"
import type { Fake, ObjectType, TokenPair } from "./fake.js"
import * as HubSpotFake from "./fake.js"

/**
 * The HubSpot connector's conformance fixture: the fake, good and bad
 * credentials, and a scripted set of mutations with the events a delta sync
 * then emits.
 *
 * @since 0.1.0
 */

const types: Readonly<Record<string, ObjectType>> = {
  "crm.contact": "contacts",
  "crm.company": "companies",
  "crm.deal": "deals"
}

const modelOf: Readonly<Record<ObjectType, string>> = {
  contacts: "crm.contact",
  companies: "crm.company",
  deals: "crm.deal"
}

const credentials = (pair: TokenPair) => ({ accessToken: pair.accessToken, refreshToken: pair.refreshToken })

/**
 * One round of mutations on every object type, each on records no earlier
 * round touched, and the events the next delta emits for them:
 *
 * - creates → `record.new`;
 * - a property change → `record.changed`;
 * - an archive (HubSpot's delete, restorable for 90 days) → the record comes
 *   back with `archived: true` → `record.deleted`, reason `inactive`;
 * - a merge → the merged-away id is a tombstone (`removed`); a contact merge
 *   also changes the surviving contact (the old address lands in its
 *   `hs_additional_emails`), company and deal merges change nothing the
 *   models hold.
 *
 * Deleting a record for good leaves no trace a delta can see (only the
 * periodic full read's sweep finds it), so it is not part of the script.
 *
 * @since 0.1.0
 * @category mutations
 */
export const mutateRound = (fake: Fake, round: number): ReadonlyArray<ExpectedEvent> => {
  const events: Array<ExpectedEvent> = []
  const k = 3 + round * 8
  const at = (type: ObjectType, offset: number) => fake.idAt(type, k + offset)
  const owner = fake.owners[round % fake.owners.length]!.id
  const expect = (type: ObjectType, event: ExpectedEvent["type"], recordId: string, reason?: "removed" | "inactive") =>
    events.push({ model: modelOf[type], type: event, recordId, ...(reason === undefined ? {} : { reason }) })

  const company = fake.create("companies", {
    name: `Harbor Analytics ${round}`,
    domain: `harbor-analytics-${round}.example`,
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "42",
    hubspot_owner_id: owner
  })
  expect("companies", "record.new", company)
  for (const [first, last] of [["Ines", "Moreau"], ["Tariq", "Haddad"]] as const) {
    const id = fake.create("contacts", {
      firstname: first,
      lastname: last,
      email: `${first}.${last}.${round}@harbor-analytics-${round}.example`.toLowerCase(),
      jobtitle: "Head of Data",
      lifecyclestage: "lead",
      associatedcompanyid: company,
      hubspot_owner_id: owner
    })
    expect("contacts", "record.new", id)
  }
  const deal = fake.create(
    "deals",
    {
      dealname: `Harbor Analytics ${round} – Platform licence`,
      amount: "18400.00",
      deal_currency_code: "EUR",
      pipeline: "default",
      dealstage: "qualifiedtobuy",
      closedate: "2026-03-31T00:00:00.000Z",
      hubspot_owner_id: owner
    },
    { companies: [company], contacts: [at("contacts", 0)] }
  )
  expect("deals", "record.new", deal)

  fake.update("contacts", at("contacts", 0), { jobtitle: `VP Partnerships ${round}` })
  expect("contacts", "record.changed", at("contacts", 0))
  fake.update("companies", at("companies", 0), { numberofemployees: String(7000 + round) })
  expect("companies", "record.changed", at("companies", 0))
  fake.update("deals", at("deals", 0), { dealstage: "closedwon", amount: `${31000 + round}.50` })
  expect("deals", "record.changed", at("deals", 0))

  for (const type of HubSpotFake.objectTypes) {
    fake.archive(type, at(type, 1))
    expect(type, "record.deleted", at(type, 1), "inactive")
    fake.merge(type, at(type, 2), at(type, 3))
    if (type === "contacts") expect(type, "record.changed", at(type, 2))
    expect(type, "record.deleted", at(type, 3), "removed")
  }
  return events
}

/**
 * @since 0.1.0
 * @category fixtures
 */
export const fixture: ConnectorFixture<HubSpot.Credentials> = {
  name: "hubspot",
  setup: ({ size, seed }) =>
    Effect.gen(function*() {
      const fake = yield* HubSpotFake.scoped({ size, seed })
      const connector = HubSpot.connector({
        clientId: fake.clientId,
        clientSecret: Redacted.make(fake.clientSecret),
        baseUrl: fake.url,
        tokenUrl: fake.tokenUrl,
        authorizeUrl: fake.authorizeUrl,
        pageSize: 50,
        // The fake enforces no rate limit; keep the suite fast.
        rateLimit: { limit: 1000, interval: "1 second" }
      })
      let round = 0
      return {
        connector,
        credentials: credentials(fake.tokens.good),
        badCredentials: [
          { name: "authorization revoked", credentials: credentials(fake.tokens.revoked), code: "invalid_credentials" },
          {
            name: "deals scope not granted",
            credentials: credentials(fake.tokens.missingDealsScope),
            code: "insufficient_permissions"
          },
          { name: "hub deleted", credentials: credentials(fake.tokens.deletedHub), code: "account_not_found" }
        ],
        pageSize: 50,
        mutate: () => Effect.sync(() => mutateRound(fake, round++)),
        throttle: () => Effect.sync(() => fake.throttle({ times: 2, retryAfter: 1 })),
        failMidRead: (model) =>
          Effect.sync(() => {
            const type = types[model]
            if (type !== undefined) fake.failAfterFirstPage(type)
          }),
        requestCount: () => fake.requests.length,
        authProblems: () => fake.authProblems()
      }
    })
}
