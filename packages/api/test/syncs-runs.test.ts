import { describe, expect, it } from "@effect/vitest"
import { Receiver } from "@weft/sink-webhook"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import {
  call,
  connectedBamboo,
  expectBadRequest,
  expectError,
  expectOk,
  type Json,
  settledRun,
  until
} from "./flows.js"
import { harness, ROTATED_SECRET, WEBHOOK_SECRET } from "./support.js"

describe("syncs", () => {
  it.scoped("list and get the sync a connect started; 404 for an unknown one", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId, sync } = yield* connectedBamboo(h)
      expect(sync).toMatchObject({
        integrationId,
        destinationId: expect.stringMatching(/^dst_/),
        models: [{ model: "hris.employee" }],
        frequencySeconds: 3600,
        status: "active",
        includeInactive: false,
        initialCompletedAt: "1970-01-01T00:00:00.000Z"
      })
      expect((yield* call(h, "GET", `/syncs/${sync.id}`)).json).toEqual(sync)
      expect((yield* call(h, "GET", "/syncs")).json.items.map((s: Json) => s.id)).toEqual([sync.id])
      expect((yield* call(h, "GET", "/syncs?integrationId=int_other")).json.items).toEqual([])
      const missing = yield* call(h, "GET", "/syncs/syn_missing")
      expectError(missing, 404, "NotFound", "not_found")
      expect(missing.json).toMatchObject({ entity: "sync", id: "syn_missing" })
    }))

  it.scoped("create: to an existing destination (paused: no run), or to a new one whose initial run delivers signed with its secret", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId, sync } = yield* connectedBamboo(h)
      const paused = yield* call(h, "POST", "/syncs", {
        body: { integrationId, destination: sync.destinationId, frequencySeconds: 600, includeInactive: true, paused: true }
      })
      expectOk(paused, 201)
      expect(paused.json).toMatchObject({ destinationId: sync.destinationId, frequencySeconds: 600, includeInactive: true, status: "paused" })
      expect((yield* call(h, "GET", `/runs?syncId=${paused.json.id}`)).json.items).toEqual([])

      h.receiver.clear()
      const created = yield* call(h, "POST", "/syncs", {
        body: {
          integrationId,
          models: [{ model: "hris.employee" }],
          destination: { url: `${h.receiver.url}/second`, secrets: [ROTATED_SECRET], maxConcurrency: 4 }
        }
      })
      expectOk(created, 201)
      expect(created.json.destinationId).not.toBe(sync.destinationId)
      const run = yield* settledRun(h, `syncId=${created.json.id}`)
      expect(run).toMatchObject({ type: "initial", status: "succeeded", syncId: created.json.id })
      // The record events, then processed, allEmitted and allConsumed.
      const second = () => h.receiver.requests().filter((r) => r.path === "/second" && r.acked)
      yield* Effect.promise(() => h.receiver.until(() => second().length >= run.delivery.recordEvents + 3, 20_000))
      const delivered = second()
      expect(delivered.length).toBe(run.delivery.recordEvents + 3)
      for (const request of delivered) {
        expect(Receiver.verifySync([ROTATED_SECRET], request.headers, request.bytes, { toleranceSeconds: Infinity }).ok).toBe(true)
        expect(Receiver.verifySync([WEBHOOK_SECRET], request.headers, request.bytes, { toleranceSeconds: Infinity }).ok).toBe(false)
      }
      const destination = yield* call(h, "GET", `/destinations/${created.json.destinationId}`)
      expect(destination.json).toMatchObject({ url: `${h.receiver.url}/second`, maxConcurrency: 4, secretCount: 1, enabled: true })
    }))

  it.scoped("create: 404 for an unknown integration or destination, 400 naming what is wrong", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId } = yield* connectedBamboo(h)
      const create = (body: Record<string, unknown>) =>
        call(h, "POST", "/syncs", { body: { integrationId, destination: { url: h.receiver.url, secrets: [WEBHOOK_SECRET] }, ...body } })
      const noIntegration = yield* create({ integrationId: "int_missing" })
      expectError(noIntegration, 404, "NotFound")
      expect(noIntegration.json.entity).toBe("integration")
      const noDestination = yield* create({ destination: "dst_missing" })
      expectError(noDestination, 404, "NotFound")
      expect(noDestination.json.entity).toBe("destination")

      expectBadRequest(yield* create({ models: ["crm.deal"] }), "models", "unsupported_model")
      expectBadRequest(yield* create({ models: [{ model: "hris.employee", fieldGroups: ["horoscope"] }] }), "models", "unsupported_model")
      expectBadRequest(yield* create({ destination: { url: "ftp://hooks.example/weft", secrets: [WEBHOOK_SECRET] } }), "destination.url", "invalid_destination")
      expectBadRequest(yield* create({ destination: { url: h.receiver.url, secrets: ["not-a-secret"] } }), "destination.secrets", "invalid_destination")
      expectBadRequest(yield* create({ destination: { url: h.receiver.url, secrets: [] } }), "body.destination.secrets")
      expectBadRequest(yield* create({ destination: { url: h.receiver.url, secrets: [WEBHOOK_SECRET], maxConcurrency: 0 } }), "body.destination.maxConcurrency")
      expectBadRequest(yield* create({ destination: undefined }), "body.destination")
      expectBadRequest(yield* create({ frequencySeconds: 59 }), "body.frequencySeconds")
      expectBadRequest(yield* create({ includeInactive: "yes" }), "body.includeInactive")
      expect((yield* call(h, "GET", `/syncs?integrationId=${integrationId}`)).json.items.length).toBe(1)
    }))

  it.scoped("pause, trigger is 409 sync_paused, resume runs a delta; trigger runs one (202) or a manual one", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { sync, run: initial } = yield* connectedBamboo(h)
      const post = (path: string, body?: unknown) => call(h, "POST", path, body === undefined ? {} : { body })

      const pause = yield* post(`/syncs/${sync.id}/pause`)
      expect(pause.status).toBe(204)
      expect((yield* call(h, "GET", `/syncs/${sync.id}`)).json.status).toBe("paused")
      expectError(yield* post(`/syncs/${sync.id}/trigger`, {}), 409, "Conflict", "sync_paused")
      expectError(yield* post(`/syncs/${sync.id}/resync`, { model: "hris.employee", recordId: "3" }), 409, "Conflict", "sync_paused")

      yield* TestClock.adjust("1 minute")
      h.bamboo.changeTitle("3", "Chief Pastry Officer")
      expect((yield* post(`/syncs/${sync.id}/resume`)).status).toBe(204)
      expect((yield* call(h, "GET", `/syncs/${sync.id}`)).json.status).toBe("active")
      const delta = yield* until(async () => {
        const runs = (await h.call("GET", `/runs?syncId=${sync.id}`)).json.items
        return runs.length === 2 && runs[0].delivery.allConsumed ? runs[0] : undefined
      })
      expect(delta).toMatchObject({ type: "delta", status: "succeeded" })
      expect(delta.models[0]).toMatchObject({ changed: 1 })

      yield* TestClock.adjust("1 minute")
      const queued = yield* post(`/syncs/${sync.id}/trigger`, {})
      expectOk(queued, 202)
      expect(queued.json).toEqual({ queued: true })
      const runsDone = (count: number) =>
        until(async () => {
          const runs = (await h.call("GET", `/runs?syncId=${sync.id}`)).json.items
          return runs.length === count && runs[0].status !== "running" ? runs[0] : undefined
        })
      expect(yield* runsDone(3)).toMatchObject({ type: "delta", status: "succeeded" })
      yield* TestClock.adjust("1 minute")
      expectOk(yield* post(`/syncs/${sync.id}/trigger`, { type: "manual" }), 202)
      const manual = yield* runsDone(4)
      expect(manual).toMatchObject({ type: "manual", status: "succeeded" })
      expect(manual.models[0].fullRead).toBe(true)
      expect(initial.type).toBe("initial")

      expectError(yield* post("/syncs/syn_missing/trigger", {}), 404, "NotFound")
      expectError(yield* post("/syncs/syn_missing/pause"), 404, "NotFound")
      expectError(yield* post("/syncs/syn_missing/resume"), 404, "NotFound")
      expectBadRequest(yield* post(`/syncs/${sync.id}/trigger`, { type: "full" }), "body.type")
      expectBadRequest(yield* post(`/syncs/${sync.id}/trigger`, { confirmDeletes: "yes" }), "body.confirmDeletes")
    }))

  it.scoped("409 run_in_progress while a run waits on the provider's throttling, with the run's id", () =>
    Effect.gen(function*() {
      const h = yield* harness({ employees: 300 })
      const { sync } = yield* connectedBamboo(h)
      // Every request answers 503 with Retry-After: 60 s on the TestClock: the run waits until the test moves it.
      h.bamboo.throttle({ times: 1_000, retryAfter: "60" })
      expectOk(yield* call(h, "POST", `/syncs/${sync.id}/trigger`, { body: {} }), 202)
      const running = yield* until(async () => (await h.call("GET", `/runs?syncId=${sync.id}&status=running`)).json.items[0])
      const busy = yield* call(h, "POST", `/syncs/${sync.id}/trigger`, { body: { type: "manual" } })
      expectError(busy, 409, "Conflict", "run_in_progress")
      expect(busy.json.runId).toBe(running.id)
      expect(busy.json.message).toContain(running.id)
      const resync = yield* call(h, "POST", `/syncs/${sync.id}/resync`, { body: { model: "hris.employee", recordId: "3" } })
      expectError(resync, 409, "Conflict", "run_in_progress")

      h.bamboo.faults.clear()
      yield* TestClock.adjust("1 minute")
      const done = yield* settledRun(h, `syncId=${sync.id}`)
      expect(done).toMatchObject({ id: running.id, status: "succeeded" })
      expectOk(yield* call(h, "POST", `/syncs/${sync.id}/trigger`, { body: {} }), 202)
    }))

  it.scoped("resync one record: the run's audit, an event only when forced or changed; 400 and 404", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { sync } = yield* connectedBamboo(h)
      const resync = (body: unknown, id = sync.id) => call(h, "POST", `/syncs/${id}/resync`, { body })

      const unchanged = yield* resync({ model: "hris.employee", recordId: "3" })
      expectOk(unchanged)
      expect(unchanged.json).toMatchObject({ syncId: sync.id, type: "manual", status: "succeeded" })
      expect(unchanged.json.models[0]).toMatchObject({ model: "hris.employee", processed: 1, new: 0, changed: 0 })

      h.receiver.clear()
      const forced = yield* resync({ model: "hris.employee", recordId: "3", force: true })
      expectOk(forced)
      expect(forced.json.delivery.recordEvents).toBe(1)
      yield* Effect.promise(() => h.receiver.until((r) => r.events().some((e) => e.type === "record.changed"), 20_000))
      const event = h.receiver.events().find((e) => e.type === "record.changed")!
      expect(event).toMatchObject({ syncRunId: forced.json.id, recordId: "3" })
      expect((yield* call(h, "GET", `/runs/${forced.json.id}`)).json.type).toBe("manual")

      expectBadRequest(yield* resync({ model: "crm.deal", recordId: "1" }), "model", "unsupported_model")
      expectBadRequest(yield* resync({ recordId: "3" }), "body.model")
      expectBadRequest(yield* resync({ model: "hris.employee", recordId: 3 }), "body.recordId")
      expectError(yield* resync({ model: "hris.employee", recordId: "3" }, "syn_missing"), 404, "NotFound")
    }))

  it.scoped("delete: 204, the sync is gone (404), its runs stay", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { run, sync } = yield* connectedBamboo(h)
      expect((yield* call(h, "DELETE", `/syncs/${sync.id}`)).status).toBe(204)
      expectError(yield* call(h, "GET", `/syncs/${sync.id}`), 404, "NotFound")
      expectError(yield* call(h, "POST", `/syncs/${sync.id}/trigger`, { body: {} }), 404, "NotFound")
      expectError(yield* call(h, "DELETE", `/syncs/${sync.id}`), 404, "NotFound")
      expect((yield* call(h, "GET", `/runs?syncId=${sync.id}`)).json.items.map((r: Json) => r.id)).toEqual([run.id])
    }))
})

describe("runs", () => {
  it.scoped("list newest first, by sync, integration and status, paged with next; get one's audit; 404", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { integrationId, run: initial, sync } = yield* connectedBamboo(h)
      const other = yield* connectedBamboo(h, "globex")
      const runIds = [initial.id]
      for (let i = 0; i < 2; i++) {
        yield* TestClock.adjust("1 minute")
        expectOk(yield* call(h, "POST", `/syncs/${sync.id}/trigger`, { body: {} }), 202)
        const next = yield* until(async () => {
          const newest = (await h.call("GET", `/runs?syncId=${sync.id}&limit=1`)).json.items[0]
          return newest.id !== runIds[0] && newest.delivery.allConsumed ? newest : undefined
        })
        runIds.unshift(next.id)
      }
      const all = yield* call(h, "GET", `/runs?syncId=${sync.id}`)
      expect(all.json.items.map((r: Json) => r.id)).toEqual(runIds)
      expect(all.json.next).toBeUndefined()
      expect(all.json.items.map((r: Json) => r.startedAt)).toEqual([
        "1970-01-01T00:02:00.000Z",
        "1970-01-01T00:01:00.000Z",
        "1970-01-01T00:00:00.000Z"
      ])

      const paged: Array<string> = []
      let cursor: string | undefined
      do {
        const page = yield* call(h, "GET", `/runs?integrationId=${integrationId}&limit=1${cursor === undefined ? "" : `&cursor=${cursor}`}`)
        expectOk(page)
        expect(page.json.items.length).toBe(1)
        paged.push(page.json.items[0].id)
        cursor = page.json.next
      } while (cursor !== undefined)
      expect(paged).toEqual(runIds)

      expect((yield* call(h, "GET", `/runs?integrationId=${other.integrationId}`)).json.items.map((r: Json) => r.id)).toEqual([other.run.id])
      expect((yield* call(h, "GET", "/runs?status=succeeded")).json.items.length).toBe(4)
      expect((yield* call(h, "GET", "/runs?status=failed")).json.items).toEqual([])

      const audit = yield* call(h, "GET", `/runs/${initial.id}`)
      expectOk(audit)
      expect(audit.json).toMatchObject({
        id: initial.id,
        syncId: sync.id,
        integrationId,
        connector: "bamboohr",
        tenant: "acme",
        type: "initial",
        status: "succeeded",
        startedAt: "1970-01-01T00:00:00.000Z",
        warnings: [],
        errors: [],
        delivery: { recordEvents: 12, acked: 12, deadLettered: 0, pending: 0, allEmitted: true, allConsumed: true }
      })
      expect(audit.json.models).toEqual([
        expect.objectContaining({ model: "hris.employee", status: "succeeded", processed: 12, new: 12, invalid: 0, fullRead: true, invalidRecords: [] })
      ])
      const missing = yield* call(h, "GET", "/runs/run_missing")
      expectError(missing, 404, "NotFound")
      expect(missing.json).toMatchObject({ entity: "run", id: "run_missing" })
    }))

  it.scoped("an invalid record is in the audit with its path", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      const { sync } = yield* connectedBamboo(h)
      yield* TestClock.adjust("1 minute")
      h.bamboo.corrupt("5")
      expectOk(yield* call(h, "POST", `/syncs/${sync.id}/trigger`, { body: {} }), 202)
      const run = yield* settledRun(h, `syncId=${sync.id}&limit=1`)
      expect(run.models[0].invalid).toBe(1)
      expect(run.models[0].invalidRecords).toEqual([expect.objectContaining({ recordId: "5", path: "profile.workEmail" })])
    }))

  it.scoped("400 for a limit that is not an integer from 1 to 500 or an unknown status", () =>
    Effect.gen(function*() {
      const h = yield* harness()
      for (const limit of ["abc", "0", "501", "1.5", "", "-1", "1e3"]) {
        expectBadRequest(yield* call(h, "GET", `/runs?limit=${limit}`), "query.limit")
      }
      expectOk(yield* call(h, "GET", "/runs?limit=500"))
      expectBadRequest(yield* call(h, "GET", "/runs?status=done"), "query.status")
    }))
})
