import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { Auth, Connector } from "@weft/core/connector"
import { Weft } from "@weft/core/host"
import { Employee } from "@weft/core/models"
import type { SyncEngine } from "@weft/core/engine"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { T0, testDeliveryOptions, until } from "./support/delivery.js"
import { NoHttp, testKeys } from "./support/harness.js"
import { Credentials, employee, MemoryProvider } from "./support/MemoryProvider.js"
import * as RecordingSink from "./support/RecordingSink.js"

/**
 * Reads that would never end on their own (a provider handing out a new
 * cursor on every page), duplicate ids within a read, and schedules longer
 * than a JavaScript timer can wait.
 */

const DAY = 86_400_000
const destination = { url: "https://hooks.example.com/weft", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }

const hostLayer = (connector: Connector.Any, engine: SyncEngine.SyncEngineOptions = {}, delivery = testDeliveryOptions) =>
  Effect.map(RecordingSink.make, (sink) => ({
    sink,
    layer: Weft.layer({ connectors: [connector], delivery, engine }).pipe(
      Layer.provide(Layer.mergeAll(StoreMemory.layer, sink.layer, Vault.layer(testKeys), NoHttp))
    )
  }))

/** A connector over fixed pages, or over a stream the test builds. */
const pagesConnector = (read: () => Stream.Stream<Connector.RecordPage>) =>
  Connector.define({
    id: "memory",
    name: "Memory HR",
    category: "hris",
    credentials: Credentials,
    auth: Auth.bearer((c: typeof Credentials.Type) => c.token),
    baseUrl: () => "http://memory.invalid",
    check: () => Effect.void,
    readers: [{ model: Employee.model, mode: "full", readAll: () => read() }]
  })

const connect = (weft: Weft.WeftService, frequency: Duration.DurationInput = "1 day") =>
  weft.integrations.connect({ connector: "memory", tenant: "acme", credentials: { token: "good" }, syncs: [{ destination, frequency }] })

/**
 * Effect's live clock, like JavaScript timers, never wakes from a sleep
 * longer than 2^31 − 1 ms. The TestClock has no such limit, so a test of long
 * waits runs on a TestClock that keeps the live one's limit.
 */
const withTimerLimit = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const test = yield* TestClock.testClock()
    // Everything else (adjust, setTime…) is the TestClock's own.
    const limited: TestClock.TestClock = Object.create(test)
    Object.assign(limited, {
      sleep: (duration: Duration.Duration) =>
        Duration.toMillis(duration) > 2 ** 31 - 1 ? Effect.never : test.sleep(duration)
    })
    return yield* Effect.withClock(effect, limited)
  })

describe("Read bounds", () => {
  it.effect("a provider that hands out a new cursor on every page is stopped at the page budget, with a clear audit error and no sweep", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      let served = 0
      const endless = () =>
        Stream.repeatEffect(Effect.sync(() => {
          served += 1
          return { records: [employee(served)], cursor: `c${served}` }
        }))
      const { layer } = yield* hostLayer(pagesConnector(endless), { limits: { maxPages: 25 } })
      yield* Effect.gen(function*() {
        const weft = yield* Weft.Weft
        const { syncs } = yield* connect(weft)
        const [run] = yield* until(weft.runs.list({ syncId: syncs[0]!.id }), (rs) => rs.length === 1 && rs[0]!.status !== "running")
        expect(run!.status).toBe("failed")
        const audit = run!.models["hris.employee"]!
        expect(audit.error?.message).toContain("budget of 25 pages")
        expect(audit.counters.new).toBe(25)
        expect(audit.counters.deleted).toBe(0)
        // The read stopped: at most the page in hand and the one buffered behind it were fetched past the budget.
        expect(served).toBeLessThanOrEqual(27)
      }).pipe(Effect.provide(layer))
    }))

  it.effect("duplicate ids within a read: the last occurrence wins and the audit warns with the ids", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const v1 = employee(2)
      const v2 = employee(2, { orgStructure: { jobTitle: "Lead", department: "R&D" } })
      const pages: ReadonlyArray<Connector.RecordPage> = [
        { records: [employee(1), v1, v2] },
        { records: [employee(3), employee(1, { orgStructure: { jobTitle: "Director", department: "R&D" } })] }
      ]
      const { layer, sink } = yield* hostLayer(pagesConnector(() => Stream.fromIterable(pages)))
      yield* Effect.gen(function*() {
        const weft = yield* Weft.Weft
        const { syncs } = yield* connect(weft)
        const [run] = yield* until(weft.runs.list({ syncId: syncs[0]!.id }), (rs) => rs.length === 1 && rs[0]!.status !== "running")
        const audit = run!.models["hris.employee"]!
        // Not a failure: every record was synced, once, in its last version.
        expect(run!.status).toBe("succeeded")
        expect(audit.warnings).toHaveLength(1)
        expect(audit.warnings[0]).toContain("2 record id(s) came more than once")
        expect(audit.warnings[0]).toMatch(/: 2, 1\./)
        expect(run!.warnings[0]).toContain("hris.employee")
        yield* until(sink.deliveries, (ds) => ds.some((d) => d.event.type === "sync.events.allConsumed"))
        const recordEvents = (yield* sink.deliveries).flatMap((d) =>
          d.event.type === "record.new" || d.event.type === "record.changed"
            ? [{ type: d.event.type, id: d.event.recordId, title: (d.event.data as { orgStructure?: { jobTitle?: string } }).orgStructure?.jobTitle }]
            : []
        )
        expect(recordEvents).toEqual([
          { type: "record.new", id: "1", title: "Engineer" },
          { type: "record.new", id: "2", title: "Lead" },
          { type: "record.new", id: "3", title: "Engineer" },
          // Seen again on a later page in a newer version: that version is what the receiver holds.
          { type: "record.changed", id: "1", title: "Director" }
        ])
      }).pipe(Effect.provide(layer))
    }))

  it.effect("a 30-day frequency fires every 30 days, though no timer can wait that long in one go", () =>
    withTimerLimit(Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const provider = new MemoryProvider()
      provider.employees.put(employee(1))
      // Idle delivery workers look in once a day: a month of TestClock stays quick.
      const { layer } = yield* hostLayer(provider.connector(), {}, { pollInterval: "1 day" })
      yield* Effect.gen(function*() {
        const weft = yield* Weft.Weft
        const { syncs } = yield* connect(weft, "30 days")
        const syncId = syncs[0]!.id
        yield* until(weft.runs.list({ syncId }), (rs) => rs.length === 1 && rs[0]!.status !== "running")
        yield* TestClock.adjust(29 * DAY)
        expect(yield* weft.runs.list({ syncId })).toHaveLength(1)
        yield* TestClock.adjust(DAY)
        const runs = yield* until(weft.runs.list({ syncId }), (rs) => rs.length === 2 && rs[0]!.status !== "running")
        expect(runs[0]!.type).toBe("delta")
        expect(runs[0]!.startedAt).toBe(T0 + 30 * DAY)
      }).pipe(Effect.provide(layer))
    })), 120_000)
})
