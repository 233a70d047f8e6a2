import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as WebhookReceiver from "../src/receiver/WebhookReceiver.js"
import { MODEL, runScenario, type ScenarioOptions, type ScenarioResult } from "./e2e.support.js"

/**
 * Weft end to end over real loopback HTTP: a fake BambooHR company of 5,000
 * employees (some inactive) → the BambooHR connector, the sync engine,
 * store-memory, delivery and the webhook sink over undici → the recording
 * receiver. An initial sync and three delta rounds; each run must deliver
 * exactly the events its mutations call for, reconcile with its
 * `allEmitted` counts and close with `allConsumed` after its last record
 * event. Then the same scenario against a receiver that fails the first
 * attempt of a fifth of the events: the same events arrive, only later.
 */

const base: ScenarioOptions = {
  employees: 5_000,
  seed: 11,
  rounds: 3,
  roundSize: { hires: 60, titleChanges: 120, terminations: 40, deletions: 25 },
  runTimeoutMs: 300_000
}

/** A scenario's own bound: above its runs' bounds together. A safety net, not a speed limit. */
const SCENARIO_TIMEOUT_MS = 4 * base.runTimeoutMs + 60_000

/** The first attempt of this share of events (by event id hash) is answered 500. */
const FAILING = 0.2

const count = (keys: ReadonlyArray<string>, prefix: string) => keys.filter((k) => k.startsWith(prefix)).length

/** Everything both scenarios must satisfy. */
const checkScenario = (result: ScenarioResult) => {
  expect(result.runs.map((r) => r.run.type)).toEqual(["initial", "delta", "delta", "delta"])
  expect(result.runs[0]!.expected.length).toBeLessThan(base.employees) // the seed has inactive employees
  expect(result.strays).toEqual([])
  expect(result.pendingAtEnd).toBe(0)

  for (const outcome of result.runs) {
    const label = `round ${outcome.round} (${outcome.run.id})`
    const { run, expected, received } = outcome
    expect(run.status, label).toBe("succeeded")

    // Exactly the mutations: nothing missing, nothing extra, one event per record.
    const want = new Set(expected)
    const got = new Set(received)
    expect({
      missing: expected.filter((k) => !got.has(k)),
      extra: received.filter((k) => !want.has(k)),
      repeatedRecords: outcome.repeatedRecords,
      unacked: outcome.unacked
    }, label).toEqual({ missing: [], extra: [], repeatedRecords: [], unacked: [] })
    expect(received.length, label).toBe(expected.length)

    // The audit and the run events agree with what arrived.
    const counts = {
      new: count(received, "record.new:"),
      changed: count(received, "record.changed:"),
      deleted: count(received, "record.deleted:")
    }
    const audit = run.models[MODEL]!.counters
    expect({ new: audit.new, changed: audit.changed, deleted: audit.deleted, invalid: audit.invalid }, label).toEqual({ ...counts, invalid: 0 })
    expect(outcome.allEmitted, label).toHaveLength(1)
    const emitted = outcome.allEmitted[0]!
    if (emitted.type !== "sync.events.allEmitted") throw new Error("not allEmitted")
    expect(emitted.data.emitted, label).toEqual({ ...counts, total: received.length })
    expect({ status: emitted.data.status, invalid: emitted.data.invalid }, label).toEqual({ status: "succeeded", invalid: 0 })
    expect(outcome.processed, label).toHaveLength(1)

    // allConsumed closes the run: acknowledged after the last record event, with the run's counts.
    expect(outcome.allConsumed, label).toHaveLength(1)
    const consumed = outcome.allConsumed[0]!
    if (consumed.type !== "sync.events.allConsumed") throw new Error("not allConsumed")
    expect(consumed.data, label).toEqual({ acked: received.length, deadLettered: 0 })
    expect(outcome.consumedAckIndex, label).toBeGreaterThan(outcome.lastRecordAckIndex)
    expect(outcome.lastRecordAckIndex, label).toBeGreaterThanOrEqual(0)
    expect({ syncType: consumed.syncType, connector: consumed.connector, tenant: consumed.tenant }, label).toEqual({
      syncType: outcome.round === 0 ? "initial_sync" : "delta_sync",
      connector: "bamboohr",
      tenant: "acme"
    })
  }

  // Every delivery, first attempts and retries alike, is a Weft event signed as Standard Webhooks says
  // (checked by the standardwebhooks package on arrival, and by the receiver).
  expect(result.requests.filter((r) => r.event === undefined || !r.verified).map((r) => r.id)).toEqual([])
  expect(result.unverified).toEqual([])
}

/** What each run delivered, comparable across scenarios. */
const deliveredPerRun = (result: ScenarioResult) => result.runs.map((r) => ({ round: r.round, type: r.run.type, events: r.received }))

describe("Weft end to end: BambooHR fake → Weft → webhook receiver", () => {
  /**
   * Both scenarios start with the first test and run side by side: the faulty
   * one spends most of its time waiting out the standard schedule's first
   * retry (5 s, in real time), which the clean one's work fills. Each test
   * judges its own scenario.
   */
  let scenarios: { readonly clean: Promise<ScenarioResult>; readonly failing: Promise<ScenarioResult> } | undefined
  const start = () => {
    if (scenarios === undefined) {
      const run = (options: ScenarioOptions) => Effect.runPromise(Effect.scoped(runScenario(options)))
      scenarios = {
        clean: run(base),
        failing: run({ ...base, script: WebhookReceiver.failFirstAttempts({ ratio: FAILING, status: 500 }) })
      }
      // Each is awaited by its test; a failure must not surface earlier as an unhandled rejection.
      scenarios.clean.catch(() => undefined)
      scenarios.failing.catch(() => undefined)
    }
    return scenarios
  }

  it.live("an initial sync and three delta rounds deliver exactly their mutations, verified, reconciled and closed by allConsumed", () =>
    Effect.gen(function*() {
      const result = yield* Effect.promise(() => start().clean)
      checkScenario(result)
      // Every event acknowledged at its first attempt.
      const retried = result.requests.filter((r) => r.attempt > 1 || !r.acked).map((r) => r.id)
      expect(retried).toEqual([])
    }), SCENARIO_TIMEOUT_MS)

  it.live("with a receiver failing the first attempt of 20 % of events, the same events arrive per run, only later", () =>
    Effect.gen(function*() {
      const result = yield* Effect.promise(() => start().failing)
      checkScenario(result)

      // The faults were played on the share chosen by event id, and only there.
      const byId = new Map<string, Array<WebhookReceiver.ReceivedRequest>>()
      for (const r of result.requests) byId.set(r.id!, [...(byId.get(r.id!) ?? []), r])
      const failing = [...byId.keys()].filter((id) => WebhookReceiver.unitHash(id) < FAILING)
      expect(failing.length / byId.size).toBeGreaterThan(FAILING - 0.03)
      expect(failing.length / byId.size).toBeLessThan(FAILING + 0.03)
      const wrong: Array<string> = []
      for (const [id, attempts] of byId) {
        const shape = attempts.map((a) => (a.acked ? "ack" : a.answer._tag === "Answered" ? String(a.answer.status) : a.answer._tag))
        const want = WebhookReceiver.unitHash(id) < FAILING ? ["500", "ack"] : ["ack"]
        if (shape.join() !== want.join()) wrong.push(`${id}: ${shape.join()}`)
        // The standard schedule's first wait is 5 s ± 20 %.
        if (attempts.length === 2) {
          const waited = attempts[1]!.receivedAt - attempts[0]!.receivedAt
          if (waited < 3_900) wrong.push(`${id}: retried after ${waited} ms`)
        }
      }
      expect(wrong).toEqual([])

      // Same seed, same mutations: the same events per run as without faults.
      const clean = yield* Effect.promise(() => start().clean.catch(() => undefined))
      if (clean !== undefined) expect(deliveredPerRun(result)).toEqual(deliveredPerRun(clean))
      // Only slower: each run waited for its retried events.
      for (const run of result.runs) expect(run.wallMs, `round ${run.round}`).toBeGreaterThanOrEqual(3_900)
    }), SCENARIO_TIMEOUT_MS)
})
