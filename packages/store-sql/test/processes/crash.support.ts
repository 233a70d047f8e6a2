import * as Fs from "node:fs"
import type { WebhookReceiver as Receiver } from "@weft/testing"
import { BambooHRFake, WebhookReceiver } from "@weft/testing"
import { Vault } from "@weft/core/vault"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { allStderr, killAll, seeded, startWorker, until, type Worker } from "./harness.js"
import { judge, type Judgement, observer, orderWatch, type StoreTarget } from "./observe.js"
import type { WorkerConfig } from "./protocol.js"

/**
 * The crash-recovery scenario: a fake BambooHR company and the recording
 * receiver live in the parent; one Weft worker process at a time runs on a
 * durable store and is killed with SIGKILL at chosen points (mid-read,
 * between a commit and its delivery, mid-delivery), then started again on
 * the same store. Between starts, once the initial sync is complete, the
 * parent applies a round of mutations (hires, title changes, terminations,
 * deletions) to records never mutated before, so each mutation must produce
 * exactly one event. A last clean start drains everything; the scenario
 * returns what the tests judge.
 */

export const SECRET = "whsec_cHJvY2Vzcy10ZXN0cy1zaWduaW5nLXNlY3JldC0wMQ=="

export type KillKind = "mid-read" | "after-commit" | "mid-delivery"

export interface CrashOptions {
  readonly store: StoreTarget
  readonly employees: number
  readonly seed: number
  readonly kills: number
  readonly round: { readonly hires: number; readonly titleChanges: number; readonly terminations: number; readonly deletions: number }
  /** Safety net for each phase (a start until its kill, the final drain): far above what any machine needs. */
  readonly phaseTimeoutMs: number
}

export interface Mutation {
  readonly kind: "hire" | "title" | "terminate" | "remove"
  readonly id: string
  readonly round: number
}

export interface KillRecord {
  readonly n: number
  readonly kind: KillKind
  /** What the parent saw when it killed: pages read in this start, pending entries, arrivals in this start. */
  readonly seen: string
}

export interface CrashResult {
  readonly kills: ReadonlyArray<KillRecord>
  readonly mutations: ReadonlyArray<Mutation>
  /** Ids active before any mutation: each must have had a `record.new`. */
  readonly initiallyActive: ReadonlyArray<string>
  readonly fake: BambooHRFake.Fake
  readonly requests: ReadonlyArray<Receiver.ReceivedRequest>
  readonly judgement: Judgement
  /** Per-record order violations seen as deliveries arrived. */
  readonly liveOrderViolations: ReadonlyArray<string>
  readonly runs: ReadonlyArray<{ readonly id: string; readonly type: string; readonly status: string; readonly recordEvents: number }>
  /** Exit code of the last worker, stopped with SIGTERM. */
  readonly cleanExitCode: number | null
  readonly starts: number
  readonly wallMs: number
}

const MODEL = "hris.employee"
const TITLES = ["Senior Platform Engineer", "Customer Success Lead", "Head of Payroll", "Staff Data Analyst", "People Partner"]
/** Every answer is a little slow, so a delivery is in flight long enough to be killed in. */
const SLOW_MS = 15
const PAGE_SIZE = 250
/** Kills during the initial sync; the others come during delta rounds. */
const INITIAL_KILLS = 3

/** A full-read list page (not an id lookup of a delta). */
const isListPage = (r: { readonly path: string; readonly query: URLSearchParams }) =>
  /\/api\/v1\/employees\/?$/.test(r.path) && !r.query.has("filter[ids][]")

/**
 * The kill kinds in a seeded order: the first three during the initial sync (mid-read first), the
 * rest, about as many of each kind, during delta rounds.
 */
const killPlan = (n: number, seed: number): ReadonlyArray<KillKind> => {
  const rng = seeded(seed)
  const shuffle = <A>(xs: Array<A>): Array<A> => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = rng.int(0, i)
      ;[xs[i], xs[j]] = [xs[j]!, xs[i]!]
    }
    return xs
  }
  const cycle: ReadonlyArray<KillKind> = ["mid-read", "after-commit", "mid-delivery"]
  const rest: Array<KillKind> = []
  for (let i = 0; i < n - 3; i++) rest.push(cycle[i % 3]!)
  return ["mid-read", ...shuffle<KillKind>(["after-commit", "mid-delivery"]), ...shuffle(rest)]
}

/** Progress lines, to the file named by WEFT_PROCESS_TESTS_LOG (when set), for watching a long run. */
export const progress = (line: string) => {
  const file = process.env["WEFT_PROCESS_TESTS_LOG"]
  if (file !== undefined && file !== "") Fs.appendFileSync(file, `${new Date().toISOString()} ${line}\n`)
}

export const runCrashScenario = async (options: CrashOptions): Promise<CrashResult> => {
  const startedAt = Date.now()
  const rng = seeded(options.seed * 7919 + 1)
  const fake = await BambooHRFake.start({ size: options.employees, seed: options.seed })
  const watch = orderWatch()
  // The receiver's mode: answer a little slowly, or hold every delivery unanswered (events pile up in the outbox).
  let hold = false
  // Set while a start is to be killed mid-delivery: the arrival that reaches the count kills it at once.
  let killOnArrival: { readonly worker: Worker; readonly agent: string; readonly after: number; arrivals: number; fired: boolean } | undefined
  const receiver = await WebhookReceiver.start({
    secrets: [SECRET],
    script: (delivery) => {
      watch.arrived(delivery.body)
      const k = killOnArrival
      if (k !== undefined && !k.fired && delivery.headers["user-agent"] === k.agent && ++k.arrivals >= k.after) {
        k.fired = true
        process.kill(k.worker.pid, "SIGKILL")
      }
      return hold ? WebhookReceiver.hang() : WebhookReceiver.slow(SLOW_MS)
    }
  })
  watch.attach(receiver)
  const store = observer(options.store)
  const vaultKey = Redacted.value(Vault.generateKey())
  const initiallyActive: Array<string> = []
  for (let id = 1; id <= options.employees; id++) if (fake.get(String(id))?.status === "Active") initiallyActive.push(String(id))

  let starts = 0
  const config = (extra: Partial<WorkerConfig>): WorkerConfig => ({
    name: `crash-worker-${++starts}`,
    store: options.store,
    vaultKey,
    fake: { url: fake.url, companyDomain: fake.companyDomain, apiKey: BambooHRFake.keys.admin, pageSize: PAGE_SIZE },
    destination: { url: `${receiver.url}/hooks/weft`, secret: SECRET },
    connect: true,
    frequency: "3 seconds",
    runLeaseMs: 2_500,
    deliveryLeaseMs: 3_000,
    pollMs: 500,
    sinkTimeoutMs: 2_000,
    retryMs: 1_000,
    ...extra
  })

  const mutated = new Set<string>()
  const mutations: Array<Mutation> = []
  const applyRound = (round: number) => {
    const { hires, titleChanges, terminations, deletions } = options.round
    const wanted = titleChanges + terminations + deletions
    const picked = fake.randomIds(wanted * 3, { active: true }).filter((id) => !mutated.has(id)).slice(0, wanted)
    if (picked.length < wanted) throw new Error(`round ${round}: only ${picked.length} unmutated active employees found, ${wanted} needed`)
    picked.forEach((id, i) => {
      mutated.add(id)
      if (i < titleChanges) {
        const current = fake.get(id)!.jobTitleName
        const title = TITLES[(round + i) % TITLES.length] === current ? TITLES[(round + i + 1) % TITLES.length]! : TITLES[(round + i) % TITLES.length]!
        fake.changeTitle(id, title)
        mutations.push({ kind: "title", id, round })
      } else if (i < titleChanges + terminations) {
        fake.terminate(id)
        mutations.push({ kind: "terminate", id, round })
      } else {
        fake.remove(id)
        mutations.push({ kind: "remove", id, round })
      }
    })
    for (let i = 0; i < hires; i++) {
      const row = fake.hire()
      mutated.add(row.id)
      mutations.push({ kind: "hire", id: row.id, round })
    }
  }

  let syncId = ""
  const initialDone = async () =>
    syncId !== "" && await store.read((s) => s.syncs.get(syncId)).then(Option.match({ onNone: () => false, onSome: (sync) => sync.initialCompletedAt !== undefined }))
  const pendingCount = (limit: number) => store.read((s) => s.outbox.list({ syncId, status: "pending", limit })).then((l) => l.length)

  const kills: Array<KillRecord> = []
  let round = 0
  let cleanExitCode: number | null = null
  try {
    const plan = killPlan(options.kills, options.seed)
    for (let n = 1; n <= plan.length; n++) {
      const kind = plan[n - 1]!
      if (n === INITIAL_KILLS + 1 && !(await initialDone())) {
        // The initial sync finishes in one start, stopped with SIGTERM after it: the rounds come next.
        const worker = startWorker(config({}))
        await worker.waitFor((m) => (m.type === "ready" ? m : undefined), "its ready message", options.phaseTimeoutMs)
        await until(async () => ((await initialDone()) ? true : undefined), () => `the initial sync did not complete\n${allStderr()}`, options.phaseTimeoutMs, 100)
        const code = await worker.stop()
        if (code !== 0) throw new Error(`${worker.name} stopped with exit code ${code} on SIGTERM\n${allStderr()}`)
        progress(`${worker.name} completed the initial sync and stopped on SIGTERM`)
      }
      const complete = await initialDone()
      if (complete) applyRound(++round)
      const pagesBefore = fake.requests.filter(isListPage).length
      const startMs = Date.now()
      hold = kind === "after-commit"
      const worker = startWorker(config(kind === "mid-read" && complete ? { triggerOnStart: "manual" } : {}))
      const what = () => `kill ${n} (${kind}) of worker ${worker.name}\n${allStderr()}`
      const ready = await worker.waitFor((m) => (m.type === "ready" ? m : undefined), "its ready message", options.phaseTimeoutMs)
      syncId = ready.syncId
      const newPending = (limit: number) => store.read((s) => s.outbox.list({ syncId, status: "pending", from: startMs, limit })).then((l) => l.length)
      let seen = ""
      switch (kind) {
        case "mid-read": {
          // Some pages of a full read served in this start (the initial sync, or a manual run), not all.
          const k = rng.int(2, Math.floor(options.employees / PAGE_SIZE / 2))
          await until(() => (fake.requests.filter(isListPage).length - pagesBefore >= k ? true : undefined), () => `${what()}: ${k} pages never read`, options.phaseTimeoutMs, 10)
          await worker.kill()
          seen = `${fake.requests.filter(isListPage).length - pagesBefore} list pages read in this start (aimed at ${k})`
          break
        }
        case "after-commit": {
          // Deliveries are held unanswered: what the worker commits stays pending. An initial sync
          // resumed by this start may have few records left to emit: then its finish will do.
          const p = rng.int(30, Math.floor((options.round.titleChanges + options.round.hires) / 2))
          await until(
            async () => ((await newPending(p)) >= p || (!complete && await initialDone()) ? true : undefined),
            () => `${what()}: ${p} new pending entries never seen`,
            options.phaseTimeoutMs,
            20
          )
          await worker.kill()
          const arrivals = receiver.requests().filter((r) => r.headers["user-agent"] === worker.name)
          seen = `${await newPending(1_000_000)} entries committed in this start still pending (aimed at ${p}), ${arrivals.length} deliveries held, none acknowledged`
          break
        }
        case "mid-delivery": {
          const a = rng.int(20, Math.floor((options.round.titleChanges + options.round.hires) / 2))
          const k = { worker, agent: worker.name, after: a, arrivals: 0, fired: false }
          killOnArrival = k
          // Nothing left to deliver (an initial sync whose earlier starts did all its work): killed idle.
          const idle = async () =>
            await initialDone() && (await store.read((s) => s.runs.list({ syncId, status: "running", limit: 1 }))).length === 0 &&
            (await pendingCount(1)) === 0
          await until(
            async () => (worker.exited() !== undefined || await idle() ? true : undefined),
            () => `${what()}: ${a} deliveries never arrived (${k.arrivals} did)`,
            options.phaseTimeoutMs,
            20
          )
          killOnArrival = undefined
          await worker.kill()
          const acked = receiver.requests().filter((r) => r.headers["user-agent"] === worker.name && r.acked).length
          seen = k.fired
            ? `killed at delivery ${k.arrivals} of this start, ${acked} acknowledged before the kill`
            : `idle: nothing left to deliver after ${k.arrivals} deliveries`
          break
        }
      }
      hold = false
      const exit = worker.exited()
      if (exit?.signal !== "SIGKILL") throw new Error(`${what()}: ended with ${JSON.stringify(exit)}, not by SIGKILL`)
      kills.push({ n, kind, seen })
      progress(`kill ${n} ${kind}: ${seen}`)
    }

    // The last round, then a clean start that reads it and drains everything.
    if (await initialDone()) applyRound(++round)
    const last = startWorker(config({ triggerOnStart: "delta" }))
    await last.waitFor((m) => (m.type === "ready" ? m : undefined), "its ready message", options.phaseTimeoutMs)
    const expected = new Set<string>(initiallyActive.map((id) => `record.new:${id}`))
    const keyOfMutation = (m: Mutation) =>
      m.kind === "hire" ? `record.new:${m.id}` : m.kind === "title" ? `record.changed:${m.id}` : m.kind === "terminate" ? `record.deleted:inactive:${m.id}` : `record.deleted:removed:${m.id}`
    for (const m of mutations) expected.add(keyOfMutation(m))
    const drained = async () => {
      if (!(await initialDone())) return undefined
      const got = new Set<string>()
      for (const e of receiver.events()) {
        if (e.type === "record.new" || e.type === "record.changed") got.add(`${e.type}:${e.recordId}`)
        else if (e.type === "record.deleted") got.add(`record.deleted:${e.data.reason}:${e.recordId}`)
      }
      for (const key of expected) if (!got.has(key)) return undefined
      const running = await store.read((s) => s.runs.list({ syncId, status: "running", limit: 1 }))
      if (running.length > 0) return undefined
      if ((await pendingCount(1)) > 0) return undefined
      return true
    }
    await until(drained, () => {
      const c = receiver.counts()
      return `the last start did not drain (${c.requests} requests, ${c.ids} ids, ${c.acked} acked)\n${allStderr()}`
    }, options.phaseTimeoutMs, 250)
    cleanExitCode = await last.stop()

    const requests = receiver.requests()
    const judgement = judge(requests)
    const runRows = await store.read((s) => s.runs.list({ syncId, limit: 10_000 }))
    const perRun = new Map<string, number>()
    for (const e of judgement.eventsByKey.values()) for (const ev of e) perRun.set(ev.syncRunId, (perRun.get(ev.syncRunId) ?? 0) + 1)
    return {
      kills,
      mutations,
      initiallyActive,
      fake,
      requests,
      judgement,
      liveOrderViolations: watch.violations(requests),
      runs: runRows.map((r) => ({ id: r.id, type: r.type, status: r.status, recordEvents: perRun.get(r.id) ?? 0 })).reverse(),
      cleanExitCode,
      starts,
      wallMs: Date.now() - startedAt
    }
  } finally {
    killAll()
    await store.dispose().catch(() => undefined)
    await receiver.close()
    await fake.close()
  }
}

export { MODEL }
