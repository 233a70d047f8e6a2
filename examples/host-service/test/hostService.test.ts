import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Signature } from "@weft/sink-webhook"
import { BambooHRFake } from "@weft/testing"
import { startDemo } from "../src/demo.js"
import { start } from "../src/service.js"
import { fromFlag, StoreFlagError } from "../src/store.js"
import { walkthrough } from "../src/walkthrough.js"

// The service is plain Node: the test drives it over HTTP, like any client.

type Json = Record<string, unknown>

const client = (base: string) => {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
    })
    const text = await response.text()
    return { status: response.status, json: (text === "" ? {} : JSON.parse(text)) as Json }
  }
  return { call, get: (path: string) => call("GET", path), post: (path: string, body?: unknown) => call("POST", path, body) }
}

/**
 * Polls until `check` gives a value. The bound is a safety net against a
 * hang, far above what any machine needs: the test asserts what happened,
 * not how fast.
 */
const eventually = async <A>(what: string, check: () => Promise<A | undefined>, timeoutMs = 120_000): Promise<A> => {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what} (after ${timeoutMs} ms)`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

interface Employee {
  readonly id: string
  readonly record: { readonly profile?: { readonly firstName?: string }; readonly orgStructure?: { readonly jobTitle?: string }; readonly compensation?: unknown }
}
interface Run {
  readonly id: string
  readonly type: string
  readonly status: string
  readonly models: ReadonlyArray<{ readonly new: number; readonly changed: number; readonly deleted: number; readonly invalid: number }>
}

const form = (apiKey: string) => ({ tenant: "acme", credentials: { companyDomain: "acme", apiKey } })

describe("host service", () => {
  it("connects BambooHR, receives the initial sync and a delta through its own webhook, and shuts down", async () => {
    const demo = await startDemo({ employees: 25, seed: 3 })
    const { bamboohr, service } = demo
    const api = client(service.url)
    let closed = false
    try {
      // A key BambooHR does not know: refused with what to do, nothing stored, the key not echoed.
      const wrongKey = "bhr-0000deadbeef0000"
      const refused = await api.post("/integrations", form(wrongKey))
      expect(refused.status).toBe(400)
      expect(refused.json).toMatchObject({ error: "connection_refused", code: "invalid_credentials" })
      expect(String(refused.json.resolution)).toMatch(/API Keys/)
      expect(JSON.stringify(refused.json)).not.toContain(wrongKey)
      expect((await api.get("/integrations")).json.integrations).toEqual([])

      const connected = await api.post("/integrations", form(BambooHRFake.keys.admin))
      expect(connected.status).toBe(201)
      const syncId = (connected.json.syncs as ReadonlyArray<{ id: string }>)[0]!.id
      expect(JSON.stringify(connected.json)).not.toContain(BambooHRFake.keys.admin)

      // The initial sync's audit says how many employees it emitted; all of them arrive through the webhook.
      const initial = await eventually("the initial run", async () => {
        const runs = (await api.get(`/runs?syncId=${syncId}`)).json.runs as ReadonlyArray<Run>
        return runs.find((r) => r.type === "initial" && r.status === "succeeded")
      })
      const emitted = initial.models[0]!.new
      expect(emitted).toBeGreaterThan(0)
      const employees = await eventually("the initial employees", async () => {
        const list = (await api.get("/employees")).json.employees as ReadonlyArray<Employee>
        return list.length === emitted ? list : undefined
      })
      const sample = employees[0]!
      expect(sample.record.profile?.firstName).toBe(bamboohr.get(sample.id)!.firstName)
      // Only the subscribed field groups are delivered.
      expect(employees.every((e) => e.record.compensation === undefined)).toBe(true)

      // Changes in BambooHR, then a delta on demand.
      const [promoted, leaving] = bamboohr.randomIds(2, { active: true })
      bamboohr.changeTitle(promoted!, "Head of Smoke Tests")
      const hired = bamboohr.hire()
      bamboohr.terminate(leaving!)
      const triggered = await api.post(`/syncs/${syncId}/trigger`, { type: "delta" })
      expect(triggered.status).toBe(202)

      const after = await eventually("the delta's changes", async () => {
        const list = (await api.get("/employees")).json.employees as ReadonlyArray<Employee>
        const byId = new Map(list.map((e) => [e.id, e]))
        const done = byId.get(promoted!)?.record.orgStructure?.jobTitle === "Head of Smoke Tests" &&
          byId.has(hired.id) && !byId.has(leaving!)
        return done ? list : undefined
      })
      expect(after.length).toBe(emitted)

      const runs = (await api.get(`/runs?syncId=${syncId}`)).json.runs as ReadonlyArray<Run>
      const delta = runs.find((r) => r.type === "delta")!
      expect(delta.status).toBe("succeeded")
      expect(delta.models[0]).toMatchObject({ new: 1, changed: 1, deleted: 1, invalid: 0 })

      await demo.close()
      closed = true
      await expect(fetch(`${service.url}/employees`)).rejects.toThrow()
    } finally {
      if (!closed) await demo.close()
    }
  }, 600_000)

  it("answers 401 to a delivery that is not signed with its secret, and applies a signed one once", async () => {
    // A host reads its secret from its own config, as a plain string.
    const key = randomBytes(32)
    const service = await start({ webhookSecret: `whsec_${key.toString("base64")}` })
    const api = client(service.url)
    try {
      const event = {
        id: "evt_0123456789abcdef0123456789abcdef",
        type: "record.new",
        timestamp: new Date().toISOString(),
        integrationId: "int_x",
        connector: "bamboohr",
        tenant: "acme",
        syncId: "syn_x",
        syncRunId: "run_x",
        syncType: "initial_sync",
        model: "hris.employee",
        recordId: "7",
        data: { id: "7", profile: { firstName: "Ada" } }
      }
      const body = JSON.stringify(event)
      const timestamp = Math.floor(Date.now() / 1000)
      const headers = (keys: ReadonlyArray<Uint8Array>) => ({
        "content-type": "application/json",
        [Signature.headers.id]: event.id,
        [Signature.headers.timestamp]: String(timestamp),
        [Signature.headers.signature]: Signature.sign(keys, event.id, timestamp, body)
      })

      const forged = await api.call("POST", "/webhooks/weft", body, headers([randomBytes(32)]))
      expect(forged.status).toBe(401)
      const unsigned = await api.call("POST", "/webhooks/weft", body)
      expect(unsigned.status).toBe(401)
      expect((await api.get("/employees")).json.count).toBe(0)

      for (let i = 0; i < 2; i++) {
        expect((await api.call("POST", "/webhooks/weft", body, headers([key]))).status).toBe(204)
      }
      const employees = (await api.get("/employees")).json
      expect(employees.count).toBe(1)
      expect((employees.employees as ReadonlyArray<Employee>)[0]!.record.profile?.firstName).toBe("Ada")

      expect((await api.post("/integrations", "not json")).status).toBe(400)
      expect((await api.post("/syncs/syn_missing/trigger")).status).toBe(404)
      expect((await api.get("/nowhere")).status).toBe(404)
    } finally {
      await service.close()
    }
  })

  it("--store sqlite:<file>: the walk-through passes twice on one file; the second start disconnects the first one's integration and keeps the Vault key", async () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "weft-host-service-"))
    try {
      const store = `sqlite:${Path.join(dir, "host.db")}`
      const lines: Array<string> = []
      for (let i = 0; i < 2; i++) {
        const setup = fromFlag(store, dir)
        expect(setup.label).toBe(`SQLite host.db`)
        const demo = await startDemo({ employees: 12, seed: 5, store: setup })
        try {
          expect(demo.reset.integrations).toBe(i)
          await walkthrough(demo, (line) => lines.push(line))
          const integrations = await demo.service.weft.integrations.list({ tenant: "acme" })
          expect(integrations).toHaveLength(1)
          // Runs of the first start stay listable in the second.
          expect((await demo.service.weft.runs.list({ limit: 10 })).length).toBe(2 * (i + 1))
        } finally {
          await demo.close()
        }
      }
      expect(Fs.statSync(Path.join(dir, "host.key")).mode & 0o777).toBe(0o600)
      expect(lines.filter((l) => l.includes("5. The delta succeeded"))).toHaveLength(2)
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 600_000)

  it("--store: a bad value names the flag and never shows a password", () => {
    expect(() => fromFlag("mysql://root:hunter2@db/weft")).toThrow(StoreFlagError)
    expect(() => fromFlag("mysql://root:hunter2@db/weft")).toThrow(/^--store: .*"mysql:"/)
    expect(() => fromFlag("postgres://weft:hunter2@")).toThrow(/^--store: the PostgreSQL URL could not be read/)
    try {
      fromFlag("postgres://weft:hunter2@")
    } catch (error) {
      expect(String(error)).not.toContain("hunter2")
    }
    expect(fromFlag("postgres:postgres://weft:hunter2@127.0.0.1:5433/app").label).toBe("PostgreSQL postgres://weft@127.0.0.1:5433/app")
    expect(fromFlag("memory").label).toContain("in memory")
  })
})
