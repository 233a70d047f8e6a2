import type { Connector } from "@weft/core/connector"
import type { ConnectorFixture } from "@weft/testing"
import * as Effect from "effect/Effect"
import { MAX_PAGE_SIZE } from "./api.js"
import type { Credentials } from "./credentials.js"
import * as TicketyEffect from "./effect/index.js"
import * as TicketyFake from "./fake/index.js"
import type { Options } from "./options.js"
import * as TicketyPromise from "./promise/index.js"

/**
 * The conformance fixtures: what the Connector conformance suite of
 * `@weft/testing/conformance` needs to run a connector against its fake —
 * how to start the fake, good and bad credentials, a scripted set of
 * mutations with the exact events the next delta must emit, and the fault
 * knobs. One fixture per style; both run the same script.
 *
 * @since 0.1.0
 */

const MODEL = "crm.contact"

/**
 * A fixture for a Tickety connector made by `make`.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const fixtureFor = (
  name: string,
  make: (options: Options) => Connector.Connector<Credentials>
): ConnectorFixture.ConnectorFixture<Credentials> => ({
  name,
  setup: ({ seed, size }) =>
    Effect.gen(function*() {
      const fake = yield* TicketyFake.scoped({ size, seed })
      // At least three pages at any suite size, never above Tickety's limit.
      const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(size / 4)))
      const connector = make({
        baseUrl: fake.url,
        pageSize,
        // Fast retries: the suite's throttling test should not wait seconds per attempt.
        retry: { baseDelay: "20 millis", maxDelay: "200 millis" }
      })
      const credentials = (apiKey: string) => ({ apiKey })
      return {
        connector,
        credentials: credentials(fake.keys.good),
        badCredentials: [
          { name: "an API key Tickety never issued", credentials: credentials(fake.keys.unknown), code: "invalid_credentials" },
          { name: "a revoked API key", credentials: credentials(fake.keys.revoked), code: "invalid_credentials" },
          { name: "a key without the contacts:read scope", credentials: credentials(fake.keys.ticketsOnly), code: "insufficient_permissions" },
          { name: "a key of a closed helpdesk", credentials: credentials(fake.keys.closedAccount), code: "account_not_found" }
        ],
        pageSize,
        mutate: () =>
          Effect.sync(() => {
            const active = fake.ids({ archived: false })
            const archived = fake.ids({ archived: true })
            const [retitled, rephoned, archiving, deleting, touched] = [active[1]!, active[5]!, active[9]!, active[12]!, active[20]!]
            const restored = archived[0]!
            const hired = [fake.create(), fake.create({ job_title: "Support Lead" })]
            fake.update(retitled, { job_title: "Head of Customer Success" })
            fake.update(rephoned, { phones: [{ kind: "mobile", number: "+1 555 0199 0" }] })
            fake.archive(archiving)
            fake.remove(deleting)
            fake.restore(restored)
            // A new ticket changes nothing the connector maps: no event.
            fake.touch(touched)
            return [
              ...hired.map((row) => ({ model: MODEL, type: "record.new" as const, recordId: row.id })),
              { model: MODEL, type: "record.changed", recordId: retitled },
              { model: MODEL, type: "record.changed", recordId: rephoned },
              { model: MODEL, type: "record.deleted", recordId: archiving, reason: "inactive" },
              { model: MODEL, type: "record.deleted", recordId: deleting, reason: "removed" },
              // Weft never announced an archived contact, so its return is new to the receiver.
              { model: MODEL, type: "record.new", recordId: restored }
            ]
          }),
        throttle: () => Effect.sync(() => fake.throttle({ times: 2, retryAfterSeconds: 1 })),
        failMidRead: () => Effect.sync(() => fake.failNextPage()),
        requestCount: () => fake.requests.length,
        authProblems: () => fake.authProblems()
      }
    })
})

/**
 * The Effect-native connector's fixture.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const effectFixture = fixtureFor("tickety (Effect-native)", TicketyEffect.connector)

/**
 * The Promise/ky connector's fixture.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const promiseFixture = fixtureFor("tickety (Promise/ky)", TicketyPromise.connector)
