/**
 * A fake HubSpot (CRM v3 + OAuth v1) on 127.0.0.1: one portal with seeded
 * contacts, companies and deals (associations, owners, two deal pipelines),
 * as sparse as real portals' (deals without stage, amount or associations,
 * contacts without names, countries as free text, each record's `url`),
 * tokens for every credential case, the OAuth consent step (a page at
 * `authorizeUrl`, or an immediate grant with `consent: "auto"`) and token
 * endpoint, HubSpot-shaped errors and rate-limit answers, and mutations that
 * move HubSpot's own change signals.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import { HubSpot } from "@weft/connectors"
 * import { HubSpotFake } from "@weft/testing"
 *
 * const program = Effect.gen(function*() {
 *   const fake = yield* HubSpotFake.scoped({ size: 500, seed: 7 })
 *   const hubspot = HubSpot.connector({ clientId: fake.clientId, clientSecret: Redacted.make(fake.clientSecret),
 *     baseUrl: fake.url, tokenUrl: fake.tokenUrl, authorizeUrl: fake.authorizeUrl })
 *   fake.update("contacts", fake.idAt("contacts", 3), { jobtitle: "CTO" })
 *   return hubspot
 * }).pipe(Effect.scoped)
 * ```
 * @since 0.1.0
 */
export * from "./fake.js"

/**
 * The HubSpot connector's conformance fixture.
 *
 * @since 0.1.0
 * @category fixtures
 */
export { fixture } from "./fixture.js"
