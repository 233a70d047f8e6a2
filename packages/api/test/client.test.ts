import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { WeftApiClient } from "../src/index.js"
import { ADMIN_KEY, harness } from "./support.js"

// Loopback I/O happens in real time: poll on the live clock.
const until = <A, E, R>(check: Effect.Effect<A | undefined, E, R>) =>
  check.pipe(
    Effect.flatMap((a) => (a === undefined ? Effect.fail("not yet" as const) : Effect.succeed(a))),
    Effect.retry({ schedule: Schedule.spaced("50 millis"), times: 400 })
  )

describe("the typed client", () => {
  it.scopedLive("drives a whole flow on the SQLite store: session, wrong key, right key, initial run, replay", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "weft-api-client-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      const h = yield* harness({ store: { sqlite: join(dir, "weft.db") }, employees: 25 })
      const admin = yield* WeftApiClient.make({ baseUrl: h.url, token: Redacted.make(ADMIN_KEY) })

      // The host's backend mints a session for its front end.
      const session = yield* admin.sessions.create({ payload: { tenant: "acme", connectors: ["bamboohr"], expiresInSeconds: 600 } })
      expect(session.connectors).toEqual(["bamboohr"])
      const browser = yield* WeftApiClient.make({ baseUrl: h.url, token: Redacted.make(session.token) })
      const offered = yield* browser.connect.session()
      expect(offered.connectors.map((c) => c.id)).toEqual(["bamboohr"])
      expect(offered.connectors[0]!.fields.find((f) => f.name === "apiKey")).toMatchObject({
        secret: true,
        required: true,
        title: "API key",
        helpUrl: expect.stringContaining("bamboohr.com")
      })

      // A wrong key: a typed 422 with the provider's reason and the resolution.
      const refused = yield* browser.connect
        .submit({ payload: { connector: "bamboohr", credentials: { companyDomain: "acme", apiKey: "bhr-not-a-key" } } })
        .pipe(Effect.flip)
      expect(refused._tag).toBe("ConnectionRefused")
      if (refused._tag !== "ConnectionRefused") return
      expect(refused.code).toBe("invalid_credentials")
      expect(refused.resolution).toMatch(/API Keys/)

      // The right key connects, and the initial run starts on its own.
      const connected = yield* browser.connect.submit({
        payload: { connector: "bamboohr", credentials: { companyDomain: "acme", apiKey: BambooHRFake.keys.admin } }
      })
      expect(connected.status).toBe("active")
      const integration = yield* admin.integrations.get({ path: { id: connected.integrationId } })
      expect(integration.tenant).toBe("acme")

      const run = yield* until(
        admin.runs.list({ urlParams: {} }).pipe(
          Effect.map((page) => page.items.find((r) => r.integrationId === connected.integrationId && r.delivery.allConsumed))
        )
      )
      expect(run.type).toBe("initial")
      expect(run.status).toBe("succeeded")
      const employees = run.models.find((m) => m.model === "hris.employee")!
      expect(employees.processed).toBe(25)
      expect(employees.new).toBeGreaterThan(0)
      expect(employees.invalid).toBe(0)
      expect(run.delivery.acked).toBe(run.delivery.recordEvents)
      const delivered = h.receiver.counts().acked
      expect(delivered).toBeGreaterThan(0)

      // Its events, then a replay of the whole run, redelivered to the receiver.
      const events = yield* admin.events.list({ urlParams: { runId: run.id, limit: 500 } })
      expect(events.items.filter((e) => e.type.startsWith("record.")).every((e) => e.status === "acked")).toBe(true)
      const replay = yield* admin.events.replay({ payload: { runId: run.id } })
      expect(replay.requeued.length + replay.resynced.length).toBeGreaterThan(0)
      yield* until(Effect.sync(() => (h.receiver.counts().acked > delivered ? true : undefined)))
      const attempts = yield* admin.events.attempts({ path: { id: events.items[0]!.id } })
      expect(attempts.items[0]).toMatchObject({ outcome: "acked" })
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
