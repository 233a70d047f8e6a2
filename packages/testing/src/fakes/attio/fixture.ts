import { Attio } from "@weft/connectors"
import * as Effect from "effect/Effect"
import type { ConnectorFixture, ExpectedEvent } from "../../conformance/connector/Fixture.js"
import { bearerOf } from "./auth.js"
import { scoped } from "./fake.js"

/**
 * The Attio connector's conformance fixture: the fake with a connector
 * pointed at it, the refusals `check` must tell apart, and a scripted set of
 * mutations with the events the next (full) read must produce.
 *
 * @since 0.1.0
 */

const COMPANY = "crm.company"
const CONTACT = "crm.contact"

/**
 * @since 0.1.0
 * @category fixtures
 */
export const fixture: ConnectorFixture<Attio.Credentials> = {
  name: "attio",
  setup: ({ size, seed }) =>
    Effect.gen(function*() {
      const fake = yield* scoped({ size, seed })
      // At least three pages at any suite size, never more than Attio's 500.
      const pageSize = Math.max(1, Math.min(500, Math.floor(size / 4)))
      const connector = Attio.connector({
        baseUrl: fake.url,
        pageSize,
        retry: { baseDelay: "20 millis", maxDelay: "200 millis" }
      })
      const t = fake.tokens
      const issued = new Set([t.good, t.noRecordScope, t.noObjectScope, t.revoked, t.deletedWorkspace, t.unknown])
      const credentials = (apiKey: string) => ({ apiKey })
      return {
        connector,
        credentials: credentials(t.good),
        badCredentials: [
          { name: "an access token Attio never issued", credentials: credentials(t.unknown), code: "invalid_credentials" },
          { name: "a revoked access token", credentials: credentials(t.revoked), code: "invalid_credentials" },
          { name: "a token without record_permission:read", credentials: credentials(t.noRecordScope), code: "insufficient_permissions" },
          { name: "a token without object_configuration:read", credentials: credentials(t.noObjectScope), code: "insufficient_permissions" },
          { name: "a token of a deleted workspace", credentials: credentials(t.deletedWorkspace), code: "account_not_found" }
        ],
        pageSize,
        // Attio records have no archived state: nothing becomes inactive, and a
        // full read finds deletions by sweep (reason "removed").
        mutate: () =>
          Effect.sync(() => {
            const events = new Map<string, ExpectedEvent>()
            const add = (event: ExpectedEvent) => events.set(`${event.model}/${event.recordId}`, event)
            const company = (i: number) => fake.recordId("companies", i)
            const person = (i: number) => fake.recordId("people", i)

            add({ model: COMPANY, type: "record.new", recordId: fake.create("companies") })
            fake.update("companies", company(1), { name: "Northwind Fixtures Ltd" })
            add({ model: COMPANY, type: "record.changed", recordId: company(1) })
            // Deleting a company clears the `company` of its people: they change too.
            for (const member of fake.remove("companies", company(2))) {
              add({ model: CONTACT, type: "record.changed", recordId: member })
            }
            add({ model: COMPANY, type: "record.deleted", recordId: company(2), reason: "removed" })

            add({ model: CONTACT, type: "record.new", recordId: fake.create("people") })
            fake.update("people", person(0), { job_title: "Chief Fixture Officer" })
            add({ model: CONTACT, type: "record.changed", recordId: person(0) })
            fake.update("people", person(4), { company: { target_object: "companies", target_record_id: company(5) } })
            add({ model: CONTACT, type: "record.changed", recordId: person(4) })
            fake.remove("people", person(10))
            add({ model: CONTACT, type: "record.deleted", recordId: person(10), reason: "removed" })
            return [...events.values()]
          }),
        throttle: () => Effect.sync(() => fake.throttle({ times: 2, retryAfterSeconds: 1 })),
        failMidRead: (model) => Effect.sync(() => fake.failNextPage(model === COMPANY ? "companies" : "people")),
        requestCount: () => fake.requests.length,
        authProblems: () =>
          fake.requests.flatMap((r) => {
            const token = bearerOf(r)
            return token !== undefined && issued.has(token)
              ? []
              : [`${r.method} ${r.path}: ${token === undefined ? "no bearer token" : "a token the fixture never handed out"}`]
          })
      }
    })
}
