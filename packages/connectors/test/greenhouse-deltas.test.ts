import { describe, expect } from "@effect/vitest"
import { Greenhouse } from "@weft/connectors"
import { Connector } from "@weft/core/connector"
import { Application, Candidate, Job } from "@weft/core/models"
import { FakeServer } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import {
  basicFor,
  collect,
  cursorOf,
  decodeAll,
  live,
  readAll,
  readChanges,
  reader,
  records,
  setup
} from "./greenhouse.support.js"

const ids = (raws: ReadonlyArray<Record<string, unknown>>) => raws.map((r) => String(r.id)).sort()
const sorted = (values: ReadonlyArray<number | string>) => values.map(String).sort()

describe("Greenhouse deltas", () => {
  live("readChanges returns exactly what changed since the cursor, for every model", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      const fake = env.fake
      const cursors = {
        job: cursorOf(yield* readAll(env, "ats.job")),
        candidate: cursorOf(yield* readAll(env, "ats.candidate")),
        application: cursorOf(yield* readAll(env, "ats.application"))
      }

      const toHire = fake.findApplication((a) =>
        a.status === "active" && !a.prospect && fake.job(a.jobs[0]!.id)!.openings.some((o) => o.status === "open") &&
        fake.job(a.jobs[0]!.id)!.status === "open"
      )!
      const toReject = fake.findApplication((a) => a.status === "active" && !a.prospect, [toHire.id])!
      const toClose = fake.findJob((j) => j.status === "open", [toHire.jobs[0]!.id])!
      const toUpdate = fake.findCandidate(() => true, [toHire.candidate_id, toReject.candidate_id])!
      const toDelete = fake.findCandidate(() => true, [toHire.candidate_id, toReject.candidate_id, toUpdate.id])!

      const job = fake.createJob({ name: "Founding Engineer" })
      fake.closeJob(toClose.id)
      const created = fake.createCandidate({ first_name: "Grace", last_name: "Hopper", jobId: job.id })
      fake.updateCandidate(toUpdate.id, { title: "Rear Admiral" })
      fake.rejectApplication(toReject.id)
      const hired = fake.hireApplication(toHire.id)
      expect(hired.filledOpening).toBe(true)
      const deleted = fake.deleteCandidate(toDelete.id)

      const jobs = records(yield* readChanges(env, "ats.job", cursors.job))
      expect(ids(jobs)).toEqual(sorted([job.id, toClose.id, toHire.jobs[0]!.id]))
      const candidates = records(yield* readChanges(env, "ats.candidate", cursors.candidate))
      // A rejection or a hire touches only the application; a new application also updates its candidate.
      expect(ids(candidates)).toEqual(sorted([created.candidate.id, toUpdate.id]))
      const applicationPages = yield* readChanges(env, "ats.application", cursors.application)
      const applications = records(applicationPages)
      expect(ids(applications)).toEqual(sorted([created.application!.id, toReject.id, toHire.id]))

      // The changes carry their new state: the rejection makes the application inactive.
      const decoded = new Map(decodeAll(Application.model, applications).map((a) => [a.id, a]))
      expect(Application.model.isInactive(decoded.get(String(toReject.id))!)).toBe(true)
      expect(decoded.get(String(toHire.id))!.status).toBe("hired")
      expect(decodeAll(Job.model, jobs).find((j) => j.id === String(toClose.id))!.status).toBe("closed")
      expect(decodeAll(Candidate.model, candidates).find((c) => c.id === String(toUpdate.id))!.title).toBe("Rear Admiral")

      // No delete feed: the deleted candidate and its applications are simply absent, until a full read sweeps them.
      expect(ids(candidates)).not.toContain(String(deleted.candidateId))
      const all = new Set(ids(records(yield* readAll(env, "ats.application"))))
      for (const id of deleted.applicationIds) expect(all.has(String(id))).toBe(false)
      expect(new Set(ids(records(yield* readAll(env, "ats.candidate")))).has(String(deleted.candidateId))).toBe(false)

      // The filters Harvest documents, with the cursor as their value.
      const deltaRequests = env.fake.requests.filter((r) =>
        r.query.has("updated_after") || r.query.has("last_activity_after")
      )
      expect(deltaRequests.map((r) => `${r.path}?${r.query.has("updated_after") ? "updated_after" : "last_activity_after"}`)).toEqual([
        "/v1/jobs?updated_after",
        "/v1/candidates?updated_after",
        "/v1/applications?last_activity_after"
      ])
      expect(deltaRequests[2]!.query.get("last_activity_after")).toBe(cursors.application)
      cursorOf(applicationPages)
    }))

  live("cursors come from the provider's Date header minus the look-back, never from the local clock", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      const first = cursorOf(yield* readAll(env, "ats.job"))
      expect(first).toBe(new Date(env.fake.clock.now() - 60_000).toISOString())
      env.fake.createJob()
      env.fake.clock.advance(3_600_000)
      const next = cursorOf(yield* readChanges(env, "ats.job", first))
      expect(next).toBe(new Date(env.fake.clock.now() - 60_000).toISOString())
    }))

  live("a delta after the clock moved on lists nothing; a change lands in the next one", () =>
    Effect.gen(function*() {
      const env = yield* setup({ connector: { lookback: "0 millis" } })
      env.fake.createCandidate({ jobId: null })
      env.fake.clock.advance(5_000)
      const first = cursorOf(yield* readAll(env, "ats.candidate"))
      const quiet = yield* readChanges(env, "ats.candidate", first)
      expect(records(quiet)).toEqual([])
      const cursor = cursorOf(quiet)
      const changed = env.fake.updateCandidate(env.fake.findCandidate(() => true)!.id, { company: "Initech" })
      expect(ids(records(yield* readChanges(env, "ats.candidate", cursor)))).toEqual([String(changed.id)])
    }))

  live("the change filters are inclusive: a record stamped at the cursor's instant is read again", () =>
    Effect.gen(function*() {
      const env = yield* setup({ connector: { lookback: "0 millis" } })
      const changed = env.fake.updateJob(env.fake.findJob(() => true)!.id, { name: "Renamed" })
      const cursor = cursorOf(yield* readAll(env, "ats.job"))
      expect(cursor).toBe(changed.updated_at)
      expect(ids(records(yield* readChanges(env, "ats.job", cursor)))).toEqual([String(changed.id)])
    }))

  live("an unreadable cursor fails with a typed error that says to run a full sync", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      const error = yield* Effect.flip(readChanges(env, "ats.candidate", "page=3"))
      expect(error._tag).toBe("ConnectorError")
      expect(error.message).toContain("full sync")
      expect(env.fake.requests).toEqual([])
    }))
})

describe("Greenhouse failures and throttling", () => {
  live("survives a burst of 429s by waiting out Retry-After", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      env.fake.throttle({ times: 2, retryAfterSeconds: 1 })
      const started = Date.now()
      const all = records(yield* readAll(env, "ats.job"))
      expect(all.length).toBe(env.fake.counts().jobs)
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900)
      const throttled = env.fake.requests.filter((r) => r.status === 429)
      expect(throttled.length).toBe(2)
    }))

  live("survives the provider's own rate-limit window and a 503 with Retry-After", () =>
    Effect.gen(function*() {
      // The window must outlast two page requests, however slow the machine: a 429 is then certain,
      // and waiting it out costs what is left of the window.
      const env = yield* setup({ fake: { rateLimit: { limit: 2, windowMs: 3000, enforce: true } }, connector: { pageSize: 80 } })
      env.fake.throttle({ times: 1, status: 503, retryAfterSeconds: 1 })
      const all = records(yield* readAll(env, "ats.candidate"))
      expect(all.length).toBe(env.fake.counts().candidates)
      expect(env.fake.requests.filter((r) => r.status === 503).length).toBe(1)
      expect(env.fake.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0)
    }))

  live("a 500 after the first page fails the read with a typed error, after that page was emitted", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      env.fake.failMidRead("candidates")
      const outcome = yield* reader(env.connector, "ats.candidate").readAll(env.context).pipe(
        Stream.either,
        Stream.runCollect,
        Effect.map((chunk) => [...chunk])
      )
      expect(outcome.length).toBe(2)
      expect(Either.isRight(outcome[0]!) && outcome[0].right.records.length).toBe(100)
      const error = Either.isLeft(outcome[1]!) ? outcome[1].left : undefined
      expect(error?._tag).toBe("ConnectorError")
      expect(error?._tag === "ConnectorError" && error.status).toBe(500)
    }))

  live("a malformed page fails the read with a typed error", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      env.fake.failMidRead("applications", "malformed")
      const error = yield* Effect.flip(readAll(env, "ats.application"))
      expect(error._tag).toBe("ConnectorError")
      expect(error.message).toContain("unreadable response")
    }))

  live("a key that loses a permission mid-sync fails the read with the provider's 403", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      env.fake.grant(env.fake.keys.full, ["candidates.list"])
      const error = yield* Effect.flip(readAll(env, "ats.job"))
      expect(error._tag === "ConnectorError" && error.status).toBe(403)
      expect(String(error)).not.toContain(env.fake.keys.full)
    }))
})

describe("Greenhouse Link handling", () => {
  live("follows next links on the configured base URL, below its path", () =>
    Effect.gen(function*() {
      const pages: Record<string, ReadonlyArray<object>> = { "1": [{ id: 1, name: "One" }], "2": [{ id: 2, name: "Two" }] }
      let origin = ""
      const server = yield* FakeServer.scoped(
        new FakeServer.Router().on("GET", "/proxy/v1/jobs", (request) => {
          const page = request.query.get("page") ?? "1"
          return {
            status: 200,
            headers: page === "1" ? { link: `<${origin}/proxy/v1/jobs?page=2&per_page=1>; rel="next"` } : {},
            body: pages[page] ?? []
          }
        })
      )
      origin = server.url
      const connector = Greenhouse.connector({ baseUrl: `${server.url}/proxy/`, pageSize: 1 })
      const context = yield* Connector.makeContext(connector, {
        integrationId: "int_gh",
        tenant: "acme",
        credentials: yield* connector.credentials.decode({ apiKey: "k" })
      })
      const all = records(yield* collect(reader(connector, "ats.job").readAll(context)))
      expect(all.map((j) => j.id)).toEqual(["1", "2"])
      expect(server.requests.map((r) => `${r.path}?${r.query.toString()}`)).toEqual([
        "/proxy/v1/jobs?per_page=1&skip_count=true",
        "/proxy/v1/jobs?page=2&per_page=1"
      ])
      expect(server.requests.every((r) => r.headers["authorization"] === basicFor("k"))).toBe(true)
    }))
})
