import * as Path from "node:path"
import { TestPostgres } from "@weft/testing/postgres"
import { afterAll, describe, expect, inject, it } from "vitest"
import { tempDir } from "../layers.js"
import { type CrashOptions, type CrashResult, runCrashScenario } from "./crash.support.js"
import { allStderr, killAll } from "./harness.js"
import { keyOf } from "./observe.js"

/**
 * Crash recovery with real processes: a Weft worker on a durable store is
 * killed with SIGKILL ten times (mid-read, between a commit and its
 * delivery, mid-delivery) and started again on the same store, while the
 * parent's fake BambooHR company of 20,000 employees changes between starts.
 * After a last clean start, the receiver must hold every record's final
 * state, one event per mutation, each record's events in order, and every
 * run's allEmitted / allConsumed must match what arrived for it.
 */

const base: Omit<CrashOptions, "store"> = {
  employees: 20_000,
  seed: 23,
  kills: 10,
  round: { hires: 60, titleChanges: 250, terminations: 50, deletions: 40 },
  // Each phase waits for its outcome up to this: a safety net, minutes above what a busy machine needs.
  phaseTimeoutMs: 600_000
}

/** A safety net for the whole scenario, far above what a busy machine needs. */
const SCENARIO_TIMEOUT_MS = 20 * 60_000

afterAll(killAll)

const check = (result: CrashResult) => {
  const { judgement: j, fake } = result
  const context = `kills: ${JSON.stringify(result.kills, null, 1)}`

  // Every kill happened where it was aimed, and the last worker stopped cleanly on SIGTERM.
  expect(result.kills, context).toHaveLength(base.kills)
  expect(result.cleanExitCode, `the last worker's exit code\n${allStderr()}`).toBe(0)

  // Every record event that arrived was acknowledged at some point; no event arrived out of order.
  expect(j.unacked, context).toEqual([])
  expect(j.orderProblems, context).toEqual([])
  expect(result.liveOrderViolations, context).toEqual([])

  // Every run with record events: one allEmitted and one allConsumed, with the counts that arrived.
  expect(j.runProblems, context).toEqual([])

  // Exactly the expected record events: one record.new per employee active at the start, one event per mutation.
  const expected = new Map<string, string>()
  for (const id of result.initiallyActive) expected.set(`record.new:${id}`, "initial")
  for (const m of result.mutations) {
    const key = m.kind === "hire"
      ? `record.new:${m.id}`
      : m.kind === "title"
      ? `record.changed:${m.id}`
      : m.kind === "terminate"
      ? `record.deleted:inactive:${m.id}`
      : `record.deleted:removed:${m.id}`
    expected.set(key, `round ${m.round} ${m.kind}`)
  }
  const missing = [...expected.keys()].filter((k) => !j.eventsByKey.has(k))
  const extra = [...j.eventsByKey.keys()].filter((k) => !expected.has(k))
  const repeated = [...j.eventsByKey].filter(([, events]) => events.length > 1).map(([k, events]) => `${k}: ${events.map((e) => e.id).join(", ")}`)
  expect({ missing: missing.slice(0, 20), extra: extra.slice(0, 20), repeated: repeated.slice(0, 20) }, context).toEqual({ missing: [], extra: [], repeated: [] })
  expect(j.distinctRecordEvents).toBe(expected.size)

  // The receiver holds every record's final state.
  const wrong: Array<string> = []
  const ids = new Set([...result.initiallyActive, ...result.mutations.map((m) => m.id)])
  for (const id of ids) {
    const row = fake.get(id)
    const last = j.lastByRecord.get(id)
    if (row === undefined || row.status !== "Active") {
      if (last?.type !== "record.deleted") wrong.push(`${id}: ${row === undefined ? "deleted" : "inactive"}, last event ${last === undefined ? "none" : keyOf(last)}`)
      continue
    }
    if (last === undefined || last.type === "record.deleted") {
      wrong.push(`${id}: active, last event ${last === undefined ? "none" : keyOf(last)}`)
      continue
    }
    const data = last.data as { orgStructure?: { jobTitle?: string }; profile?: { firstName?: string } }
    if (data.orgStructure?.jobTitle !== row.jobTitleName || data.profile?.firstName !== row.firstName) {
      wrong.push(`${id}: last event carries ${JSON.stringify([data.orgStructure?.jobTitle, data.profile?.firstName])}, the fake has ${JSON.stringify([row.jobTitleName, row.firstName])}`)
    }
  }
  expect(wrong.slice(0, 20), context).toEqual([])

  // What was run, for the record.
  const byKind = (k: string) => result.kills.filter((x) => x.kind === k).length
  console.info(
    `[process tests] ${result.starts} starts, ${result.kills.length} kills (mid-read ${byKind("mid-read")}, after-commit ${byKind("after-commit")}, ` +
      `mid-delivery ${byKind("mid-delivery")}), ${result.runs.length} runs (${j.runsWithRecordEvents} with record events), ` +
      `${j.distinctRecordEvents} record events, ${result.requests.length} deliveries, ${j.redeliveries} redeliveries ` +
      `(${j.ackedTwice} events acknowledged twice), ${Math.round(result.wallMs / 1000)} s\n` +
      result.kills.map((k) => `  kill ${k.n} ${k.kind}: ${k.seen}`).join("\n") + "\n" +
      result.runs.map((r) => `  run ${r.id} ${r.type} ${r.status}: ${r.recordEvents} record events`).join("\n")
  )
}

describe("crash recovery across real processes killed with SIGKILL", () => {
  it("SQLite: ten kills, every record's final state delivered, in order, with true run counts", async () => {
    const filename = Path.join(tempDir(), "weft.db")
    try {
      check(await runCrashScenario({ ...base, store: { dialect: "sqlite", filename } }))
    } finally {
      killAll()
    }
  }, SCENARIO_TIMEOUT_MS)

  it("Postgres: ten kills, every record's final state delivered, in order, with true run counts", async () => {
    const db = await TestPostgres.freshDatabase(inject("weftPostgresAdminUrl"))
    try {
      check(await runCrashScenario({ ...base, seed: 29, store: { dialect: "postgres", url: db.url } }))
    } finally {
      killAll()
      await db.drop().catch(() => undefined)
    }
  }, SCENARIO_TIMEOUT_MS)
})
