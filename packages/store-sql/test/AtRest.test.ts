import * as Fs from "node:fs"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { BambooHR } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StorePostgres } from "@weft/store-sql/postgres"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { BambooHRFake } from "@weft/testing"
import * as WebhookReceiver from "@weft/testing/receiver"
import { freshPgUrl, sqliteFile } from "./layers.js"

/**
 * What a durable store holds at rest after a sync: fingerprints, ids,
 * counts and sealed bytes. None of the provider's personal data, none of the
 * credentials, none of the signing secrets appears in clear, in any table or
 * in the SQLite file's bytes, while events wait in the outbox with their
 * (sealed) record payloads.
 */

const SECRET = "whsec_YXQtcmVzdC1zaWduaW5nLXNlY3JldC1mb3ItdGVzdHM="
const keys: Vault.VaultKeys = { current: { id: "at-rest", key: Redacted.make(Buffer.alloc(32, 9).toString("base64")) } }
const EMPLOYEES = 40

/** What must never be found in clear: each employee's names and e-mail, the API key, the signing secret. */
const plaintexts = (fake: BambooHRFake.Fake): ReadonlyArray<string> => {
  const out = new Set<string>([BambooHRFake.keys.admin, SECRET, SECRET.slice("whsec_".length)])
  for (let id = 1; id <= EMPLOYEES; id++) {
    const row = fake.get(String(id))
    if (row === undefined) continue
    if (row.workEmail !== null) out.add(row.workEmail)
    out.add(`${row.firstName} ${row.lastName}`)
    // Short names could turn up in random bytes by chance; longer ones cannot.
    if (row.lastName.length >= 6) out.add(row.lastName)
  }
  return [...out]
}

/** Syncs the fake into `store`, with a receiver that refuses everything: every event stays pending, sealed. */
const syncInto = <E>(store: Layer.Layer<Store.Store, E>) =>
  Effect.gen(function*() {
    const fake = yield* BambooHRFake.scoped({ size: EMPLOYEES, seed: 11 })
    const receiver = yield* WebhookReceiver.make({ secrets: [SECRET], script: () => WebhookReceiver.status(503) })
    const context = yield* Layer.build(
      Weft.layer({ connectors: [BambooHR.connector({ baseUrl: fake.baseUrl })] }).pipe(
        Layer.provideMerge(Layer.mergeAll(
          store,
          SinkWebhook.layer({ allowHosts: ["127.0.0.1"] }),
          Vault.layer(keys)
        )),
        Layer.provide(NodeHttpClient.layerUndici)
      )
    )
    const weft = Context.get(context, Weft.Weft)
    const { syncs } = yield* weft.integrations.connect({
      connector: "bamboohr",
      tenant: "acme",
      credentials: { companyDomain: fake.companyDomain, apiKey: BambooHRFake.keys.admin },
      syncs: [{ models: ["hris.employee"], destination: { url: `${receiver.url}/hooks`, secrets: [SECRET] }, frequency: "1 day" }]
    })
    const run = yield* weft.syncs.triggerAndWait(syncs[0]!.id, { type: "manual" })
    const pending = yield* weft.events.list({ syncId: syncs[0]!.id, status: "pending", limit: 10_000 })
    return { fake, run, pending: pending.length }
  })

const found = (haystack: string, needles: ReadonlyArray<string>) => needles.filter((n) => haystack.includes(n))

describe("At rest", () => {
  it.scoped("SQLite: the database file and its WAL hold no personal data, credentials or secrets in clear", () =>
    Effect.gen(function*() {
      const filename = sqliteFile()
      const { fake, pending, run } = yield* syncInto(StoreSqlite.layer({ filename }))
      expect(run.status).toBe("succeeded")
      expect(pending).toBeGreaterThan(EMPLOYEES / 2)
      const bytes = [filename, `${filename}-wal`].filter((f) => Fs.existsSync(f)).map((f) => Fs.readFileSync(f).toString("latin1"))
      const needles = plaintexts(fake)
      // The scan reads what is stored: the destination's URL is kept in clear, and is found.
      expect(bytes.join("").includes("/hooks")).toBe(true)
      expect(found(bytes.join(""), needles)).toEqual([])
    }), 120_000)

  it.scoped("Postgres: no table holds personal data, credentials or secrets in clear", () =>
    Effect.gen(function*() {
      const url = yield* freshPgUrl
      const { fake, pending, run } = yield* syncInto(StorePostgres.layer({ url }))
      expect(run.status).toBe("succeeded")
      expect(pending).toBeGreaterThan(EMPLOYEES / 2)
      // Read every table back, as text and bytes, through a client of our own.
      const sql = yield* Effect.map(Layer.build(StorePostgres.layer({ url })), (ctx) => Context.get(ctx, SqlClient.SqlClient))
      const tables = yield* sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
      expect(tables.length).toBeGreaterThan(5)
      let dump = ""
      for (const { table_name } of tables) {
        const rows = yield* sql<Record<string, unknown>>`SELECT * FROM ${sql(table_name)}`
        for (const row of rows) {
          for (const value of Object.values(row)) {
            dump += value instanceof Uint8Array ? Buffer.from(value).toString("latin1") : JSON.stringify(value)
            dump += "\n"
          }
        }
      }
      expect(dump.includes("/hooks")).toBe(true)
      expect(found(dump, plaintexts(fake))).toEqual([])
    }), 120_000)
})
