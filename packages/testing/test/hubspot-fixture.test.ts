import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Connector } from "@weft/core/connector"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { ExpectedEvent } from "../src/conformance/connector/Fixture.js"
import { fixture } from "../src/fakes/hubspot/fixture.js"

const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : typeof value === "object" && value !== null
    ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
    : value

/** Weft's fingerprint, minus the volatile `remoteUpdatedAt`. */
const fingerprint = (record: Record<string, unknown>) => {
  const { remoteUpdatedAt: _, ...rest } = record
  return JSON.stringify(canonical(rest))
}

/** A small model of Weft's change detection over a delta's pages. */
const eventsOf = (model: string, state: Map<string, string>, pages: ReadonlyArray<Connector.RecordPage>) => {
  const events: Array<ExpectedEvent> = []
  for (const page of pages) {
    for (const raw of page.records) {
      const record = raw as Record<string, unknown>
      const id = String(record["id"])
      const print = fingerprint(record)
      const inactive = record["archived"] === true
      if (!state.has(id)) {
        if (!inactive) events.push({ model, type: "record.new", recordId: id })
        if (!inactive) state.set(id, print)
      } else if (state.get(id) !== print) {
        events.push(inactive ? { model, type: "record.deleted", recordId: id, reason: "inactive" } : { model, type: "record.changed", recordId: id })
        if (inactive) state.delete(id)
        else state.set(id, print)
      }
    }
    for (const id of page.deleted ?? []) if (state.delete(id)) events.push({ model, type: "record.deleted", recordId: id, reason: "removed" })
  }
  return events
}

const sorted = (events: ReadonlyArray<ExpectedEvent>) =>
  [...events].sort((a, b) => `${a.model}/${a.recordId}/${a.type}`.localeCompare(`${b.model}/${b.recordId}/${b.type}`))

const pagesOf = <E>(stream: Stream.Stream<Connector.RecordPage, E>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

describe("HubSpot conformance fixture", () => {
  it.live("good and bad credentials, multi-page reads, and deltas that emit exactly what mutate() predicts", () =>
    Effect.gen(function*() {
      const instance = yield* fixture.setup({ size: 160, seed: 5 })
      const { connector } = instance
      const contextOf = (input: unknown) =>
        Effect.flatMap(connector.credentials.decode(input), (credentials) =>
          Connector.makeContext(connector, { integrationId: "int_fixture", tenant: "acme", credentials }))
      const context = yield* contextOf(instance.credentials)
      yield* connector.check(context)
      for (const bad of instance.badCredentials) {
        const refused = yield* Effect.flip(connector.check(yield* contextOf(bad.credentials)))
        expect([bad.name, refused.code]).toEqual([bad.name, bad.code])
      }

      const states = new Map<string, Map<string, string>>()
      const cursors = new Map<string, string>()
      for (const reader of connector.readers) {
        const pages = yield* pagesOf(reader.readAll(context))
        const records = pages.flatMap((p) => p.records as ReadonlyArray<Record<string, unknown>>)
        expect(pages.filter((p) => p.records.length > 0).length).toBeGreaterThanOrEqual(3)
        expect(Math.max(...pages.map((p) => p.records.length))).toBe(instance.pageSize)
        for (const r of records) expect(Either.isRight(reader.model.decode(r))).toBe(true)
        states.set(reader.model.name, new Map(records.map((r) => [String(r["id"]), fingerprint(r)])))
        cursors.set(reader.model.name, pages.at(-1)!.cursor!)
      }

      for (let round = 0; round < 2; round++) {
        const expected = yield* instance.mutate()
        const emitted: Array<ExpectedEvent> = []
        for (const reader of connector.readers) {
          const model = reader.model.name
          const pages = yield* pagesOf(reader.readChanges!(context, cursors.get(model)!))
          emitted.push(...eventsOf(model, states.get(model)!, pages))
          cursors.set(model, pages.at(-1)!.cursor!)
        }
        expect(sorted(emitted)).toEqual(sorted(expected))
        expect(new Set(expected.map((e) => `${e.model} ${e.type} ${e.reason ?? ""}`))).toEqual(
          new Set([
            "crm.contact record.new ", "crm.contact record.changed ", "crm.contact record.deleted inactive",
            "crm.contact record.deleted removed", "crm.company record.new ", "crm.company record.changed ",
            "crm.company record.deleted inactive", "crm.company record.deleted removed", "crm.deal record.new ",
            "crm.deal record.changed ", "crm.deal record.deleted inactive", "crm.deal record.deleted removed"
          ])
        )
      }

      yield* instance.throttle()
      const throttledRead = yield* pagesOf(connector.readers[1]!.readAll(context))
      expect(throttledRead.flatMap((p) => p.records).length).toBeGreaterThan(100)

      yield* instance.failMidRead("crm.deal")
      let pages = 0
      const failed = yield* Effect.either(
        Stream.runDrain(Stream.tap(connector.readers[2]!.readAll(context), () => Effect.sync(() => pages++)))
      )
      expect([Either.isLeft(failed), pages]).toEqual([true, 1])

      expect(instance.requestCount()).toBeGreaterThan(30)
      expect(instance.authProblems()).toEqual([])
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))
})
