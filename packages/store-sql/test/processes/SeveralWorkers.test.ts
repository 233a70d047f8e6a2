import { Vault } from "@weft/core/vault"
import { BambooHRFake, WebhookReceiver } from "@weft/testing"
import { TestPostgres } from "@weft/testing/postgres"
import * as Redacted from "effect/Redacted"
import { afterAll, describe, expect, inject, it } from "vitest"
import { allStderr, killAll, startWorker, until, type Worker } from "./harness.js"
import { judge, observer, orderWatch } from "./observe.js"
import type { WorkerConfig } from "./protocol.js"

/**
 * Three worker processes on one PostgreSQL database: one syncs (a fake
 * BambooHR company, then rounds of title changes to the same employees, so
 * records have several events each), all three deliver to one receiver
 * (delivery workers in every process, woken across processes by
 * LISTEN/NOTIFY and a poll). One of them is killed with SIGKILL while it
 * has deliveries in flight; once their lease lapses the others take them
 * over. Over 5,000 record events: none lost, each record's events in order,
 * and no event delivered by two processes at once except one the killed
 * process held.
 */

const SECRET = "whsec_c2V2ZXJhbC13b3JrZXJzLXByb2Nlc3MtdGVzdHMtMDE="
const EMPLOYEES = 2_500
const ROUNDS = 5
const CHANGES_PER_ROUND = 600
const HIRES_PER_ROUND = 30
/** The killed worker goes at this arrival (its own delivery, still unanswered). */
const KILL_AT = 1_200
const TIMEOUT_MS = 15 * 60_000
const PHASE_MS = 600_000
const TITLES = ["Senior Platform Engineer", "Customer Success Lead", "Head of Payroll", "Staff Data Analyst", "People Partner", "Payroll Specialist"]

afterAll(killAll)

describe("several worker processes on one Postgres database", () => {
  it("deliver over 5,000 events with one killed mid-delivery: none lost, per-record order kept, its leases taken over", async () => {
    const db = await TestPostgres.freshDatabase(inject("weftPostgresAdminUrl"))
    const fake = await BambooHRFake.start({ size: EMPLOYEES, seed: 31 })
    const watch = orderWatch()
    let victim: Worker | undefined
    let killedAtIndex = -1
    let arrivals = 0
    const receiver = await WebhookReceiver.start({
      secrets: [SECRET],
      script: (delivery) => {
        const index = arrivals++
        watch.arrived(delivery.body)
        if (victim !== undefined && killedAtIndex < 0 && index >= KILL_AT && delivery.headers["user-agent"] === victim.name) {
          killedAtIndex = index
          process.kill(victim.pid, "SIGKILL")
        }
        return WebhookReceiver.slow(10)
      }
    })
    watch.attach(receiver)
    const store = observer({ dialect: "postgres", url: db.url })
    const vaultKey = Redacted.value(Vault.generateKey())
    const config = (name: string, extra: Partial<WorkerConfig>): WorkerConfig => ({
      name,
      store: { dialect: "postgres", url: db.url },
      vaultKey,
      fake: { url: fake.url, companyDomain: fake.companyDomain, apiKey: BambooHRFake.keys.admin, pageSize: 250 },
      destination: { url: `${receiver.url}/hooks/weft`, secret: SECRET },
      connect: false,
      frequency: "1 day",
      runLeaseMs: 5_000,
      deliveryLeaseMs: 4_000,
      pollMs: 500,
      sinkTimeoutMs: 2_000,
      retryMs: 1_000,
      idleSweepMs: 5_000,
      ...extra
    })
    try {
      const initiallyActive: Array<string> = []
      for (let id = 1; id <= EMPLOYEES; id++) if (fake.get(String(id))?.status === "Active") initiallyActive.push(String(id))

      // The syncing worker connects and triggers a delta every second; the others only deliver (and find the sync scheduled long ahead).
      const syncer = startWorker(config("worker-sync", { connect: true, triggerEveryMs: 1_000 }))
      const { syncId } = await syncer.waitFor((m) => (m.type === "ready" ? m : undefined), "its ready message", PHASE_MS)
      await until(async () => ((await store.read((s) => s.runs.list({ syncId, limit: 1 }))).length > 0 ? true : undefined), () => `no run started\n${allStderr()}`, PHASE_MS)
      const second = startWorker(config("worker-b", {}))
      const third = startWorker(config("worker-c", {}))
      await second.waitFor((m) => (m.type === "ready" ? m : undefined), "its ready message", PHASE_MS)
      await third.waitFor((m) => (m.type === "ready" ? m : undefined), "its ready message", PHASE_MS)
      victim = second

      // Rounds of title changes (to the same employees, so records have several events) and hires,
      // each read by a delta that started after it before the next round.
      const pool = initiallyActive.slice(0, CHANGES_PER_ROUND + 100)
      const expected = new Set(initiallyActive.map((id) => `record.new:${id}`))
      const finalTitle = new Map<string, string>()
      await until(async () => ((await store.read((s) => s.syncs.get(syncId))).pipe((o) => o._tag === "Some" && o.value.initialCompletedAt !== undefined) ? true : undefined), () => `the initial sync did not complete\n${allStderr()}`, PHASE_MS, 100)
      let eventsPlanned = expected.size
      for (let round = 1; round <= ROUNDS; round++) {
        const appliedAt = Date.now()
        for (let i = 0; i < CHANGES_PER_ROUND; i++) {
          const id = pool[(i + round * 37) % pool.length]!
          const title = TITLES[(Number(id) + round) % TITLES.length]!
          if (fake.get(id)!.jobTitleName === title) continue
          fake.changeTitle(id, title)
          finalTitle.set(id, title)
          expected.add(`record.changed:${id}`)
          eventsPlanned++
        }
        for (let i = 0; i < HIRES_PER_ROUND; i++) {
          const id = fake.hire().id
          expected.add(`record.new:${id}`)
          eventsPlanned++
        }
        await until(async () => {
          const runs = await store.read((s) => s.runs.list({ syncId, limit: 5 }))
          return runs.some((r) => r.startedAt > appliedAt + 1 && r.status !== "running") ? true : undefined
        }, () => `round ${round}: no delta read it\n${allStderr()}`, PHASE_MS, 100)
      }
      expect(eventsPlanned).toBeGreaterThan(5_000)

      // Everything drains: every outbox entry settled, every record event acknowledged.
      const drained = async () => {
        const running = await store.read((s) => s.runs.list({ syncId, status: "running", limit: 1 }))
        if (running.length > 0) return undefined
        const pending = await store.read((s) => s.outbox.list({ syncId, status: "pending", limit: 1 }))
        return pending.length === 0 && killedAtIndex >= 0 ? true : undefined
      }
      await until(drained, () => `delivery did not drain (${JSON.stringify(receiver.counts())}, killed at ${killedAtIndex})\n${allStderr()}`, PHASE_MS, 250)
      expect(second.exited()?.signal, allStderr()).toBe("SIGKILL")
      expect(await syncer.stop(), allStderr()).toBe(0)
      expect(await third.stop(), allStderr()).toBe(0)

      const requests = receiver.requests()
      const j = judge(requests)
      const outbox = await store.read((s) => s.outbox.list({ syncId, limit: 100_000 }))

      // None lost: every entry the store holds was acknowledged at the receiver, and every planned event is among them.
      const ackedIds = new Set(receiver.events().map((e) => e.id))
      expect(outbox.filter((e) => e.status !== "acked").map((e) => `${e.id} ${e.status}`)).toEqual([])
      expect(outbox.filter((e) => !ackedIds.has(e.id)).map((e) => e.id)).toEqual([])
      const missing = [...expected].filter((k) => !j.eventsByKey.has(k))
      expect(missing.slice(0, 20)).toEqual([])
      expect(j.distinctRecordEvents).toBe(eventsPlanned)
      expect(j.unacked).toEqual([])
      for (const [id, title] of finalTitle) {
        const last = j.lastByRecord.get(id)
        expect((last?.data as { orgStructure?: { jobTitle?: string } } | undefined)?.orgStructure?.jobTitle, `record ${id}`).toBe(title)
      }

      // Per-record order, and the runs' counts.
      expect(j.orderProblems).toEqual([])
      expect(watch.violations(requests)).toEqual([])
      expect(j.runProblems).toEqual([])

      // The killed worker had deliveries in flight: the one it was killed at, at least, it never settled
      // (whatever the receiver answered a dead socket). Each went out again from another process.
      const agentOf = (r: (typeof requests)[number]) => r.headers["user-agent"] ?? "?"
      const killedAt = requests[killedAtIndex]!
      expect(agentOf(killedAt)).toBe(second.name)
      const takenOver = [...new Set(requests.filter((r) => agentOf(r) === second.name).map((r) => r.id!))].filter((id) =>
        requests.some((r) => r.id === id && r.acked && agentOf(r) !== second.name && r.index > killedAtIndex))
      expect(takenOver).toContain(killedAt.id)

      // No event delivered by two processes at once: an event reached by two processes was first the killed one's.
      const byId = new Map<string, Array<(typeof requests)[number]>>()
      for (const r of requests) byId.set(r.id!, [...(byId.get(r.id!) ?? []), r])
      const overlaps: Array<string> = []
      for (const [id, attempts] of byId) {
        const agents = attempts.map(agentOf)
        for (let i = 1; i < agents.length; i++) {
          if (agents[i] !== agents[i - 1] && agents[i - 1] !== second.name) overlaps.push(`${id}: ${agents.join(" → ")}`)
        }
      }
      expect(overlaps).toEqual([])

      const perAgent = new Map<string, number>()
      for (const r of requests) perAgent.set(agentOf(r), (perAgent.get(agentOf(r)) ?? 0) + 1)
      expect([...perAgent.keys()].sort()).toEqual(["worker-b", "worker-c", "worker-sync"])
      console.info(
        `[process tests] several workers: ${j.distinctRecordEvents} record events, ${requests.length} deliveries ` +
          `(${JSON.stringify(Object.fromEntries(perAgent))}), ${j.redeliveries} redeliveries, ${takenOver.length} of the killed worker's events taken over by the others ` +
          `(killed at arrival #${killedAtIndex})`
      )
    } finally {
      killAll()
      await store.dispose().catch(() => undefined)
      await receiver.close()
      await fake.close()
      await db.drop().catch(() => undefined)
    }
  }, TIMEOUT_MS)
})
