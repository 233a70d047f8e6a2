import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Connector, type Errors } from "@weft/core/connector"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { Credentials } from "../src/credentials.js"
import * as TicketyEffect from "../src/effect/index.js"
import * as TicketyFake from "../src/fake/index.js"
import * as TicketyPromise from "../src/promise/index.js"

// The two styles are one connector: against one fake they must read the
// same pages, tombstones and cursors, and refuse the same way.

type Tickety = Connector.Connector<Credentials>

const contextFor = (connector: Tickety, apiKey: string) =>
  Effect.flatMap(connector.credentials.decode({ apiKey }), (credentials) =>
    Connector.makeContext(connector, { integrationId: "int_styles", tenant: "acme", credentials }))

const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

const readBoth = <A, E>(
  fake: TicketyFake.Fake,
  read: (connector: Tickety, context: Connector.ConnectorContext<Credentials>) => Effect.Effect<A, E>
) =>
  Effect.forEach(
    [TicketyEffect.connector({ baseUrl: fake.url, pageSize: 7 }), TicketyPromise.connector({ baseUrl: fake.url, pageSize: 7 })],
    (connector) => Effect.flatMap(contextFor(connector, fake.keys.good), (context) => read(connector, context))
  )

const reader = (connector: Tickety) => Connector.readerFor(connector, "crm.contact")!

describe("Tickety, both styles", () => {
  it.live("read the same pages, then the same delta with tombstones and the same next cursor", () =>
    Effect.gen(function*() {
      const fake = yield* TicketyFake.scoped({ size: 30, seed: 3 })
      const [viaEffect, viaPromise] = yield* readBoth(fake, (c, ctx) => collect(reader(c).readAll(ctx)))
      expect(viaPromise).toEqual(viaEffect)
      // 30 contacts in pages of 7, then the cursor page.
      expect(viaEffect!.map((p) => p.records.length)).toEqual([7, 7, 7, 7, 2, 0])
      const cursor = viaEffect![viaEffect!.length - 1]!.cursor!
      expect(cursor).toBe(new Date(fake.clock.now()).toISOString())

      const [kept, gone] = fake.ids({ archived: false })
      fake.update(kept!, { job_title: "Escalations" })
      fake.remove(gone!)
      const [deltaEffect, deltaPromise] = yield* readBoth(fake, (c, ctx) => collect(reader(c).readChanges!(ctx, cursor)))
      expect(deltaPromise).toEqual(deltaEffect)
      expect(deltaEffect!.flatMap((p) => p.records.map((r) => (r as { id: string }).id))).toEqual([kept])
      expect(deltaEffect!.flatMap((p) => p.deleted ?? [])).toEqual([gone])
      expect(deltaEffect![deltaEffect!.length - 1]!.cursor).toBe(new Date(fake.clock.now()).toISOString())
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.live("re-read one contact, and none once it is deleted", () =>
    Effect.gen(function*() {
      const fake = yield* TicketyFake.scoped({ size: 10, seed: 3 })
      const id = fake.ids({ archived: false })[0]!
      const found = yield* readBoth(fake, (c, ctx) => reader(c).readOne!(ctx, id))
      expect(found.map((o) => Option.map(o, (r) => (r as { id: string }).id))).toEqual([Option.some(id), Option.some(id)])
      fake.remove(id)
      const missing = yield* readBoth(fake, (c, ctx) => reader(c).readOne!(ctx, id))
      expect(missing).toEqual([Option.none(), Option.none()])
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.live("a saved cursor that is not an instant fails the read before any request, saying what to do", () =>
    Effect.gen(function*() {
      const fake = yield* TicketyFake.scoped({ size: 10, seed: 3 })
      const errors = yield* readBoth(fake, (c, ctx) => Effect.flip(collect(reader(c).readChanges!(ctx, "page-2"))))
      for (const error of errors) {
        expect(error._tag).toBe("ConnectorError")
        expect((error as Errors.ConnectorError).message).toContain("run a manual sync")
      }
      expect(fake.requests).toEqual([])
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.live("a failing page mid-read fails the read with a ConnectorError naming the status", () =>
    Effect.gen(function*() {
      const fake = yield* TicketyFake.scoped({ size: 30, seed: 3 })
      const errors = yield* readBoth(fake, (c, ctx) => {
        fake.failNextPage()
        return Effect.flip(collect(reader(c).readAll(ctx)))
      })
      for (const error of errors) {
        expect(error._tag).toBe("ConnectorError")
        expect((error as Errors.ConnectorError).status).toBe(500)
      }
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.live("a credential in the wrong form is refused before Tickety is asked, without quoting it", () =>
    Effect.gen(function*() {
      for (const connector of [TicketyEffect.connector(), TicketyPromise.connector()]) {
        const error = yield* Effect.flip(connector.credentials.decode({ apiKey: "my-secret-label" }))
        expect(error.message).toContain("tk_live_")
        expect(error.message).not.toContain("my-secret-label")
      }
    }))
})
