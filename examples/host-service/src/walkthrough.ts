import { BambooHRFake } from "@weft/testing"
import type { Demo } from "./demo.js"

/**
 * The demo's walk-through: what a client of the service (a connect screen,
 * an admin page) would do, through the service's own HTTP API, printing each
 * step. The BambooHR fake stands in for the customer changing data in
 * BambooHR.
 *
 * @since 0.1.0
 */

type Json = Record<string, unknown>

const call = async (base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, json: text === "" ? {} : (JSON.parse(text) as Json) }
}

/**
 * Polls `check` until it returns a value, or fails after `timeoutMs`.
 *
 * @since 0.1.0
 * @category helpers
 */
export const waitFor = async <A>(what: string, check: () => Promise<A | undefined>, timeoutMs = 30_000): Promise<A> => {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}.`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

interface RunJson {
  readonly id: string
  readonly type: string
  readonly status: string
  readonly received: { readonly consumed?: { readonly acked: number } } | null
}

interface ReportJson {
  readonly runId: string
  readonly syncId: string
  readonly syncType: string
  readonly emitted?: { readonly status: string }
  readonly consumed?: { readonly acked: number }
}

/** A run of `type` whose record events have all reached the service (`sync.events.allConsumed`). */
const delivered = (base: string, syncId: string, type: "initial_sync" | "delta_sync") =>
  waitFor(`the ${type} run's events`, async () => {
    const { json } = await call(base, "GET", "/received")
    return (json.runs as ReadonlyArray<ReportJson>).find((r) => r.syncId === syncId && r.syncType === type && r.consumed !== undefined)
  })

interface EmployeeJson {
  readonly id: string
  readonly record: {
    readonly profile?: { readonly firstName?: string; readonly lastName?: string }
    readonly orgStructure?: { readonly jobTitle?: string }
  }
}

const employees = async (base: string): Promise<ReadonlyArray<EmployeeJson>> =>
  (await call(base, "GET", "/employees")).json.employees as ReadonlyArray<EmployeeJson>

const describe = (e: EmployeeJson | undefined): string =>
  e === undefined
    ? "(not in the directory)"
    : `${e.record.profile?.firstName ?? ""} ${e.record.profile?.lastName ?? ""}, ${e.record.orgStructure?.jobTitle ?? "no title"}`

/**
 * Runs the walk-through against a started demo.
 *
 * @since 0.1.0
 * @category demo
 */
export const walkthrough = async ({ bamboohr, service }: Demo, print: (line: string) => void): Promise<void> => {
  const base = service.url
  const form = (apiKey: string) => ({ tenant: "acme", credentials: { companyDomain: "acme", apiKey } })

  print("\n1. Connect BambooHR with a key BambooHR does not know: POST /integrations")
  const refused = await call(base, "POST", "/integrations", form("bhr-0000deadbeef0000"))
  print(`   ${refused.status} ${refused.json.code}: ${refused.json.message}`)
  print(`   resolution: ${refused.json.resolution}`)

  print("\n2. Connect with the right key (the fake's admin key)")
  const connected = await call(base, "POST", "/integrations", form(BambooHRFake.keys.admin))
  const sync = (connected.json.syncs as ReadonlyArray<{ id: string }>)[0]!
  print(`   ${connected.status}: integration ${(connected.json.integration as { id: string }).id}, sync ${sync.id}; the initial sync starts now`)

  const initial = await delivered(base, sync.id, "initial_sync")
  const directory = await employees(base)
  print(`\n3. The initial sync ${initial.emitted?.status}; its events reached POST /webhooks/weft: GET /employees lists ${directory.length}`)
  for (const e of directory.slice(0, 3)) print(`   ${e.id}: ${describe(e)}`)

  print("\n4. Meanwhile in BambooHR: a promotion, a hire, a termination")
  const [promoted, leaving] = bamboohr.randomIds(2, { active: true })
  bamboohr.changeTitle(promoted!, "Head of Examples")
  const hired = bamboohr.hire()
  bamboohr.terminate(leaving!)
  const triggered = await call(base, "POST", `/syncs/${sync.id}/trigger`, { type: "delta" })
  print(`   POST /syncs/${sync.id}/trigger → ${triggered.status}`)

  const delta = await delivered(base, sync.id, "delta_sync")
  const after = await employees(base)
  const find = (id: string) => after.find((e) => e.id === id)
  print(`\n5. The delta ${delta.emitted?.status}; the directory now has ${after.length} employees`)
  print(`   promoted ${promoted}: ${describe(find(promoted!))}`)
  print(`   hired    ${hired.id}: ${describe(find(hired.id))}`)
  print(`   left     ${leaving}: ${describe(find(leaving!))}`)

  print("\n6. The run audits: GET /runs (also in the service log above)")
  const runs = (await call(base, "GET", "/runs")).json.runs as ReadonlyArray<RunJson>
  for (const run of runs) print(`   ${run.id} ${run.type} ${run.status}, ${run.received?.consumed?.acked ?? 0} record events acknowledged`)
}
