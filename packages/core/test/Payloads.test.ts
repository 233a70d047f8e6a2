import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { Envelope, Payloads } from "@weft/core/outbox"
import type { Rows } from "@weft/core/store"
import { Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { StoreSuite } from "@weft/testing/conformance"
import { testKeys } from "./support/harness.js"

const envelope: Envelope.RunEnvelope = {
  runId: "run_test",
  syncId: "syn_test",
  integrationId: "int_test",
  connector: "fake",
  tenant: "acme",
  syncType: "initial_sync",
  destinationId: "dst_test"
}

/** A vault that counts its seals and opens. */
const counting = Effect.map(Vault.make(testKeys), (vault) => {
  const counts = { seal: 0, open: 0 }
  const counted: Vault.VaultService = {
    ...vault,
    seal: (plaintext, aad) => {
      counts.seal++
      return vault.seal(plaintext, aad)
    },
    open: (sealed, aad) => {
      counts.open++
      return vault.open(sealed, aad)
    }
  }
  return { vault: counted, counts }
})

/** A memory store that counts payload reads. */
const countingStore = Effect.map(StoreMemory.make, (store) => {
  const counts = { payload: 0 }
  const counted: Store.StoreService = {
    ...store,
    outbox: {
      ...store.outbox,
      payload: (id) => {
        counts.payload++
        return store.outbox.payload(id)
      }
    }
  }
  return { store: counted, counts }
})

const changes = (n: number, from = 0): Array<Envelope.Change> =>
  Array.from({ length: n }, (_, i) => ({
    type: "record.new" as const,
    recordId: `r${from + i}`,
    // Multi-byte characters: slices are byte offsets into the UTF-8 text.
    data: JSON.stringify({ id: `r${from + i}`, name: i % 2 === 0 ? "Zoë Ångström 😀" : "Ada" })
  }))

const text = (bytes: Uint8Array | undefined) => JSON.parse(Buffer.from(bytes!).toString())

const commitPage = (store: Store.StoreService, events: ReadonlyArray<Rows.OutboxEntry>) =>
  store.commit(StoreSuite.makeCommit({ events }))

describe("Payloads", () => {
  it.effect("a page of events is sealed in one call, and each entry's slice is its own event JSON", () =>
    Effect.gen(function*() {
      const { counts, vault } = yield* counting
      const writer = Envelope.writer(vault, envelope)
      const entries = writer.records("hris.employee", [...changes(499), { type: "record.deleted", recordId: "gone", reason: "removed" }], 1_000)
      expect(counts.seal).toBe(1)
      const ids = new Set(entries.map((e) => e.payload!.id))
      expect(ids.size).toBe(1)
      expect([...ids][0]).toMatch(/^pay_[0-9a-f]{32}$/)
      const opened = yield* vault.open(entries[0].payload!.sealed!, entries[0].payload!.id)
      let offset = 0
      for (const [i, entry] of entries.entries()) {
        const ref = entry.payload!
        expect(ref.offset).toBe(offset)
        offset += ref.length
        const event = text(opened.subarray(ref.offset, ref.offset + ref.length))
        expect(event).toMatchObject({ id: entry.id, type: entry.type, recordId: entry.recordId, model: "hris.employee", syncRunId: "run_test" })
        if (i < 499) expect(event.data.name).toBe(i % 2 === 0 ? "Zoë Ångström 😀" : "Ada")
      }
      expect(offset).toBe(opened.length)
      // Run events get a payload each.
      const processed = writer.run("sync.events.allEmitted", { status: "succeeded" }, 2_000)
      expect(counts.seal).toBe(2)
      expect(processed.payload!.id).not.toBe(entries[0].payload!.id)
      expect(text(yield* vault.open(processed.payload!.sealed!, processed.payload!.id))).toMatchObject({ id: processed.id })
      expect(writer.records("hris.employee", [], 3_000)).toEqual([])
      expect(counts.seal).toBe(2)
    }))

  it.effect("a page of large records (past the writer's first buffer) keeps every event whole", () =>
    Effect.gen(function*() {
      const { vault } = yield* counting
      const big = Array.from({ length: 10 }, (_, i) => ({
        type: "record.changed" as const,
        recordId: `big${i}`,
        data: JSON.stringify({ id: `big${i}`, notes: "é😀".repeat(2_000 + i) })
      }))
      const entries = Envelope.writer(vault, envelope).records("hris.employee", big, 1_000)
      const opened = yield* vault.open(entries[0].payload!.sealed!, entries[0].payload!.id)
      entries.forEach((entry, i) => {
        const ref = entry.payload!
        expect(text(opened.subarray(ref.offset, ref.offset + ref.length)).data.notes).toBe("é😀".repeat(2_000 + i))
      })
    }))

  it.effect("an opener reads and decrypts a page once for all its entries, however many ask at once", () =>
    Effect.gen(function*() {
      const { counts, vault } = yield* counting
      const { counts: reads, store } = yield* countingStore
      yield* store.runs.create(StoreSuite.makeRun())
      const entries = Envelope.writer(vault, envelope).records("hris.employee", changes(300), 1_000)
      yield* commitPage(store, entries)
      const claimed = yield* store.outbox.claimDue({ now: 1_000, limit: 1_000, leaseMs: 30_000 })
      expect(claimed.length).toBe(300)
      expect(claimed[0].payload!.sealed).toBeUndefined()
      const opener = Payloads.opener({ store, vault })
      const bodies = yield* Effect.forEach(claimed, opener.body, { concurrency: "unbounded" })
      expect(bodies.map((b) => text(b).id)).toEqual(claimed.map((e) => e.id))
      expect(reads.payload).toBe(1)
      expect(counts.open).toBe(1)
      yield* opener.clear
      yield* opener.body(claimed[7])
      expect(counts.open).toBe(2)
    }))

  it.effect("the cache keeps the most recently used pages only, up to its bound", () =>
    Effect.gen(function*() {
      const { counts, vault } = yield* counting
      const store = yield* StoreMemory.make
      yield* store.runs.create(StoreSuite.makeRun())
      const writer = Envelope.writer(vault, envelope)
      const pages = [0, 1, 2].map((p) => writer.records("hris.employee", changes(3, p * 10), 1_000 + p))
      yield* commitPage(store, pages.flat())
      const stored = yield* store.outbox.list({})
      const first = (p: number) => stored[p * 3]
      const opener = Payloads.opener({ store, vault }, { pages: 2 })
      for (const p of [0, 1, 0, 2]) yield* opener.body(first(p))
      expect(counts.open).toBe(3)
      // Page 1 was the least recently used: dropped for page 2. Page 0 is still there.
      yield* opener.body(first(0))
      expect(counts.open).toBe(3)
      yield* opener.body(first(1))
      expect(counts.open).toBe(4)
    }))

  it.effect("an entry without a payload, or whose payload is gone, has no body; a payload the vault cannot open fails", () =>
    Effect.gen(function*() {
      const vault = yield* Vault.make(testKeys)
      const store = yield* StoreMemory.make
      yield* store.runs.create(StoreSuite.makeRun())
      const [entry] = Envelope.writer(vault, envelope).records("hris.employee", changes(1), 1_000)
      yield* commitPage(store, [entry])
      const opener = Payloads.opener({ store, vault })
      const [claimed] = yield* store.outbox.claimDue({ now: 1_000, limit: 1, leaseMs: 30_000 })
      expect(yield* opener.body({ ...claimed, payload: null })).toBeUndefined()
      expect(yield* opener.body({ ...claimed, payload: { id: "pay_none", offset: 0, length: 1 } })).toBeUndefined()

      const other = yield* Vault.make({ current: { id: "other", key: Redacted.make(Buffer.alloc(32, 1).toString("base64")) } })
      const error = yield* Effect.flip(Payloads.opener({ store, vault: other }).body(claimed))
      expect(error).toMatchObject({ _tag: "VaultError", reason: "unknown_key" })

      yield* store.outbox.settle(claimed.id, claimed.leaseToken!, StoreSuite.settlement.acked(1_001))
      expect(Option.isNone(yield* store.outbox.payload(claimed.payload!.id))).toBe(true)
      expect(yield* opener.body(Option.getOrThrow(yield* store.outbox.get(claimed.id)))).toBeUndefined()
    }))
})
