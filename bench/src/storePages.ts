/**
 * The rows the store benchmark writes: pages of 500 records as the sync
 * engine commits them (fingerprint upserts, outbox events sealed with the
 * real Vault, the model state and the run audit), and the rows around them
 * (destination, run).
 */
import { Envelope } from "@weft/core/outbox"
import { Fingerprint, Ids } from "@weft/core/ground"
import type { Rows } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

export const PAGE = 500
export const MODEL = "hris.employee"
export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/** The Vault key every process of the benchmark shares (children open what the parent sealed). */
export const keys: Vault.VaultKeys = { current: { id: "bench", key: Redacted.make(Buffer.alloc(32, 7).toString("base64")) } }

export const vault: Vault.VaultService = Effect.runSync(Vault.make(keys))

/** A compact employee record: with the event envelope and the seal, about 800 bytes. */
const employee = (recordId: string, n: number) => ({
  id: recordId,
  remoteUpdatedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
  firstName: `First${n}`,
  lastName: `Last${n}`,
  workEmail: `person${n}@example.com`,
  workPhone: "+44 20 7946 0018",
  employment: { status: "active", type: "full_time", startDate: "2024-01-01", employeeNumber: `E-${String(n).padStart(6, "0")}` },
  jobTitle: "Senior Engineer",
  department: "Research & Development",
  location: "London HQ",
  managerId: String((n % 50) + 1),
  address: { line1: `${n} Example Street`, city: "London", postalCode: "EC1A 1BB", country: "GB" }
})

export const destinationRow = (id: string, url: string, enabled: boolean, maxConcurrency: number, now: number): Rows.DestinationRow => ({
  id,
  url,
  secrets: vault.sealJson([SECRET], id),
  enabled,
  options: {},
  maxConcurrency,
  createdAt: now,
  updatedAt: now
})

export const runRow = (id: string, syncId: string, startedAt: number): Rows.RunRow => ({
  id,
  syncId,
  integrationId: "int_bench",
  connector: "bench",
  tenant: "acme",
  type: "initial",
  status: "running",
  startedAt,
  models: {},
  warnings: [],
  errors: [],
  delivery: { recordEvents: 0, acked: 0, deadLettered: 0, emissionClosed: false, consumedEnqueued: false }
})

/**
 * One run's worth of pages: `pages` pages of 500 new records each (records
 * `<tag>-<n>`), every page with its fingerprints, its sealed `record.new`
 * events, the cursor after it and the model's audit so far.
 */
export const makePages = (options: {
  readonly run: Rows.RunRow
  readonly destinationId: string
  readonly tag: string
  readonly pages: number
}): Array<Rows.PageCommit> => {
  const { run } = options
  const writer = Envelope.writer(vault, Envelope.ofRun(run, options.destinationId))
  const scope: Rows.FingerprintScope = { syncId: run.syncId, model: MODEL }
  const out: Array<Rows.PageCommit> = []
  for (let p = 0; p < options.pages; p++) {
    const now = Date.now()
    const upserts: Array<Rows.FingerprintUpsert> = []
    const changes: Array<Envelope.Change> = []
    for (let i = 0; i < PAGE; i++) {
      const n = p * PAGE + i
      const recordId = `${options.tag}-${n}`
      const record = employee(recordId, n)
      const { hash, json } = Fingerprint.withJson(record, { volatile: [] })
      upserts.push({ recordId, fingerprint: { hash: new Uint8Array(hash), generation: 1, inactive: false } })
      changes.push({ type: "record.new", recordId, data: json })
    }
    const processed = (p + 1) * PAGE
    out.push({
      scope,
      upserts,
      deletes: [],
      state: { cursor: `cursor:${options.tag}:${processed}`, generation: 1 },
      events: writer.records(MODEL, changes, now),
      run: {
        runId: run.id,
        audit: {
          model: MODEL,
          status: "running",
          counters: { processed, new: processed, changed: 0, deleted: 0, invalid: 0 },
          startedAt: run.startedAt,
          fullRead: true,
          invalidRecords: [],
          warnings: []
        }
      }
    })
  }
  return out
}

/** A fresh run id (ids are time-sortable and random). */
export const newRunId = (): string => Ids.at("run", Date.now())
