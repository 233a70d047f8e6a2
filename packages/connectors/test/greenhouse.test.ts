import { describe, expect } from "@effect/vitest"
import { Greenhouse } from "@weft/connectors"
import { Connector } from "@weft/core/connector"
import { Application, Candidate, Job } from "@weft/core/models"
import type { GreenhouseFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import {
  basicFor,
  cursorOf,
  decodeAll,
  live,
  readAll,
  records,
  refusal,
  setup
} from "./greenhouse.support.js"

describe("Greenhouse connector declaration", () => {
  live("keeps the API key redacted and reads three ATS models incrementally with a daily sweep", () =>
    Effect.gen(function*() {
      const greenhouse = Greenhouse.connector()
      const credentials = yield* greenhouse.credentials.decode({ apiKey: "0123456789abcdef0123456789abcdef" })
      expect(Redacted.value(credentials.apiKey)).toBe("0123456789abcdef0123456789abcdef")
      expect(JSON.stringify(credentials)).not.toContain("0123456789abcdef")
      expect(greenhouse.baseUrl(credentials)).toBe("https://harvest.greenhouse.io")
      expect(greenhouse.category).toBe("ats")
      expect(greenhouse.readers.map((r) => r.model.name)).toEqual(["ats.job", "ats.candidate", "ats.application"])
      for (const r of greenhouse.readers) {
        expect(r.mode).toBe("incremental")
        expect(r.fullReadEvery).toBe("24 hours")
        expect(r.readChanges).toBeTypeOf("function")
        expect(r.readOne).toBeTypeOf("function")
      }
      expect(greenhouse.rateLimit).toEqual({ limit: 50, interval: "10 seconds" })
      expect(Greenhouse.connector({ fullReadEvery: "6 hours" }).readers[0]!.fullReadEvery).toBe("6 hours")
      const missing = yield* Effect.flip(greenhouse.credentials.decode({}))
      expect(missing._tag).toBe("ParseError")
    }))
})

describe("Greenhouse check", () => {
  live("accepts a key with every permission it needs", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      yield* env.connector.check(env.context)
      expect(env.fake.requests.map((r) => r.path)).toEqual(["/v1/candidates", "/v1/applications", "/v1/jobs"])
      expect(env.fake.requests.every((r) => r.query.get("per_page") === "1")).toBe(true)
    }))

  live("refuses an unknown key as invalid_credentials, pointing at the Dev Center", () =>
    Effect.gen(function*() {
      const env = yield* setup({ apiKey: (k) => k.unknown })
      const error = refusal(yield* Effect.flip(env.connector.check(env.context)), env.fake.keys)
      expect(error.code).toBe("invalid_credentials")
      expect(error.status).toBe(401)
      expect(error.resolution).toContain("API Credential Management")
    }))

  live("refuses a revoked key as invalid_credentials", () =>
    Effect.gen(function*() {
      const env = yield* setup({ apiKey: (k) => k.revoked })
      const error = refusal(yield* Effect.flip(env.connector.check(env.context)), env.fake.keys)
      expect(error.code).toBe("invalid_credentials")
    }))

  live("names the one missing endpoint permission (insufficient_permissions)", () =>
    Effect.gen(function*() {
      const env = yield* setup({ apiKey: (k) => k.withoutApplications })
      const error = refusal(yield* Effect.flip(env.connector.check(env.context)), env.fake.keys)
      expect(error.code).toBe("insufficient_permissions")
      expect(error.status).toBe(403)
      expect(error.message).toBe("This Harvest API key is not allowed to read applications.")
      expect(error.resolution).toContain("Manage Permissions")
      expect(error.resolution).toContain("Applications › GET: List Applications")
      expect(error.resolution).not.toContain("Candidates ›")
    }))

  live("names every missing permission at once", () =>
    Effect.gen(function*() {
      const env = yield* setup({ apiKey: (k) => k.candidatesOnly })
      const error = refusal(yield* Effect.flip(env.connector.check(env.context)), env.fake.keys)
      expect(error.code).toBe("insufficient_permissions")
      expect(error.message).toContain("applications and jobs")
      expect(error.resolution).toContain("Jobs › GET: List Jobs")
    }))

  live("reports throttling that outlasts the retries as rate_limited", () =>
    Effect.gen(function*() {
      const env = yield* setup({ connector: { retry: { maxRetries: 0 } } })
      env.fake.throttle({ times: 3, retryAfterSeconds: 30 })
      const error = refusal(yield* Effect.flip(env.connector.check(env.context)), env.fake.keys)
      expect(error.code).toBe("rate_limited")
    }))

  live("reports an outage (500, 503, refused connection) as provider_unavailable", () =>
    Effect.gen(function*() {
      const env = yield* setup({ connector: { retry: { maxRetries: 0 } } })
      env.fake.faults.inject({ kind: "status", status: 500, body: { message: "Internal Server Error" } })
      const five = refusal(yield* Effect.flip(env.connector.check(env.context)), env.fake.keys)
      expect([five.code, five.status]).toEqual(["provider_unavailable", 500])
      expect(five.resolution).toContain("status.greenhouse.io")
      env.fake.throttle({ times: 1, status: 503, retryAfterSeconds: 1 })
      const unavailable = yield* Effect.flip(env.connector.check(env.context))
      expect([unavailable.code, unavailable.status]).toEqual(["provider_unavailable", 503])

      const closed = Greenhouse.connector({ baseUrl: "http://127.0.0.1:9", retry: { maxRetries: 0 } })
      const context = yield* Connector.makeContext(closed, {
        integrationId: "int_gh",
        tenant: "acme",
        credentials: yield* closed.credentials.decode({ apiKey: env.fake.keys.full })
      })
      const refused = refusal(yield* Effect.flip(closed.check(context)), env.fake.keys)
      expect(refused.code).toBe("provider_unavailable")
    }))
})

describe("Greenhouse full reads", () => {
  const models = [
    { name: "ats.job", model: Job.model, path: "/v1/jobs", count: (c: ReturnType<GreenhouseFake.Fake["counts"]>) => c.jobs },
    { name: "ats.candidate", model: Candidate.model, path: "/v1/candidates", count: (c: ReturnType<GreenhouseFake.Fake["counts"]>) => c.candidates },
    { name: "ats.application", model: Application.model, path: "/v1/applications", count: (c: ReturnType<GreenhouseFake.Fake["counts"]>) =>
      c.applications }
  ] as const

  for (const m of models) {
    live(`reads every ${m.name} over several pages, each record valid, the cursor on the closing page`, () =>
      Effect.gen(function*() {
        const env = yield* setup()
        const pages = yield* readAll(env, m.name)
        const all = decodeAll<{ readonly id: string }>(m.model, records(pages))
        const expected = m.count(env.fake.counts())
        expect(all.length).toBe(expected)
        expect(new Set(all.map((r) => r.id)).size).toBe(expected)
        const listed = env.fake.requests.filter((r) => r.path === m.path)
        expect(listed.length).toBe(Math.ceil(expected / 100))
        expect(listed.length).toBeGreaterThanOrEqual(3)
        expect(listed.map((r) => r.query.get("page") ?? "1")).toEqual(listed.map((_, k) => String(k + 1)))
        expect(listed.every((r) => r.query.get("per_page") === "100" && r.query.get("skip_count") === "true")).toBe(true)
        cursorOf(pages)
      }))
  }

  live("sends the key as the Basic user with a blank password on every request", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      yield* env.connector.check(env.context)
      for (const m of models) yield* readAll(env, m.name)
      expect(env.fake.requests.length).toBeGreaterThan(9)
      for (const request of env.fake.requests) expect(request.headers["authorization"]).toBe(basicFor(env.fake.keys.full))
      expect(env.fake.authProblems()).toEqual([])
    }))

  live("refuses a page size Harvest would reject, with a typed error", () =>
    Effect.gen(function*() {
      const env = yield* setup({ connector: { pageSize: 501 } })
      const error = yield* Effect.flip(readAll(env, "ats.job"))
      expect(error._tag).toBe("ConnectorError")
      expect(error.message).toContain("1 to 500")
      expect(env.fake.requests).toEqual([])
    }))

  live("reads one record back, and none once it is gone", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      const candidate = env.fake.findCandidate(() => true)!
      const one = yield* Connector.readerFor(env.connector, "ats.candidate")!.readOne!(env.context, String(candidate.id))
      expect(one._tag).toBe("Some")
      expect((one as { value: { id: string } }).value.id).toBe(String(candidate.id))
      env.fake.deleteCandidate(candidate.id)
      const gone = yield* Connector.readerFor(env.connector, "ats.candidate")!.readOne!(env.context, String(candidate.id))
      expect(gone._tag).toBe("None")
      const bogus = yield* Connector.readerFor(env.connector, "ats.job")!.readOne!(env.context, "../candidates")
      expect(bogus._tag).toBe("None")
    }))
})
