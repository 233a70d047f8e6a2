import { BambooHR } from "@weft/connectors"
import * as Effect from "effect/Effect"
import type { ConnectorFixture, ExpectedEvent } from "../../conformance/connector/Fixture.js"
import { org } from "./data.js"
import { keys, scoped } from "./fake.js"

/**
 * The BambooHR connector's conformance fixtures, one per field set: the fake
 * with a connector pointed at it, four refusals `check` must tell apart, and
 * a scripted delta.
 *
 * @since 0.1.0
 */

const MODEL = "hris.employee"

const make = (fields: BambooHR.FieldSet): ConnectorFixture<BambooHR.Credentials> => ({
  name: fields === "standard" ? "bamboohr" : "bamboohr (extended fields)",
  setup: ({ size, seed }) =>
    Effect.gen(function*() {
      const fake = yield* scoped({ size, seed, companyDomain: "acme" })
      // At least three pages at any suite size, and never more than BambooHR-like 100.
      const pageSize = Math.max(1, Math.min(100, Math.floor(size / 4)))
      const connector = BambooHR.connector({
        baseUrl: fake.baseUrl,
        fields,
        pageSize,
        rateLimit: "none",
        retry: { baseDelay: "20 millis", maxDelay: "200 millis" }
      })
      const credentials = (apiKey: string, companyDomain = "acme") => ({ companyDomain, apiKey })
      return {
        connector,
        credentials: credentials(keys.admin),
        badCredentials: [
          { name: "an API key BambooHR does not know", credentials: credentials("bhr-0000deadbeef0000"), code: "invalid_credentials" },
          { name: "a company domain with no BambooHR account", credentials: credentials(keys.admin, "globex"), code: "account_not_found" },
          { name: "a key whose user cannot view employees", credentials: credentials(keys.noAccess), code: "insufficient_permissions" },
          {
            // Standard: the list marks birth dates restricted; extended: Get Employee leaves out pay.
            name: fields === "standard" ? "a key whose user cannot see personal fields" : "a key whose user cannot see compensation",
            credentials: credentials(keys.restricted),
            code: "admin_required"
          }
        ],
        models: [MODEL],
        pageSize,
        mutate: () =>
          Effect.sync(() => {
            const [retitled, moved, terminated, removed] = fake.randomIds(4, { active: true })
            const hired = [fake.hire(), fake.hire()]
            const before = fake.get(retitled!)!
            fake.changeTitle(retitled!, `${before.jobTitleName} (Lead)`)
            const departments = org(seed).departments
            const current = fake.get(moved!)!.department
            fake.update(moved!, { department: departments.find((d) => d !== current) ?? `${current} II` })
            fake.terminate(terminated!)
            fake.remove(removed!)
            const events: ReadonlyArray<ExpectedEvent> = [
              ...hired.map((row): ExpectedEvent => ({ model: MODEL, type: "record.new", recordId: row.id })),
              { model: MODEL, type: "record.changed", recordId: retitled! },
              { model: MODEL, type: "record.changed", recordId: moved! },
              { model: MODEL, type: "record.deleted", recordId: terminated!, reason: "inactive" },
              { model: MODEL, type: "record.deleted", recordId: removed!, reason: "removed" }
            ]
            return events
          }),
        throttle: () => Effect.sync(() => fake.throttle({ times: 2, retryAfter: "1" })),
        failMidRead: () => Effect.sync(() => fake.failListPage({ status: 500 })),
        requestCount: () => fake.requests.length,
        authProblems: () => fake.authProblems()
      }
    })
})

/**
 * The fixture of the default connector (standard field set).
 *
 * @since 0.1.0
 * @category fixtures
 */
export const fixture: ConnectorFixture<BambooHR.Credentials> = make("standard")

/**
 * The fixture of a connector reading the extended field set.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const fixtureExtended: ConnectorFixture<BambooHR.Credentials> = make("extended")
