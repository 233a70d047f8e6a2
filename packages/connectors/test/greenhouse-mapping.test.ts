import { describe, expect } from "@effect/vitest"
import { Application, Candidate, Job, type Model } from "@weft/core/models"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { decodeAll, live, type ModelName, readAll, records, setup } from "./greenhouse.support.js"

const byId = <A extends { readonly id: string }>(items: ReadonlyArray<A>) => new Map(items.map((r) => [r.id, r] as const))

describe("Greenhouse mapping", () => {
  live("maps candidates: names, typed e-mails and phones with raw values, links, tags, application ids, timestamps", () =>
    Effect.gen(function*() {
      const env = yield* setup({ fake: { size: 400 } })
      const mapped = byId(decodeAll(Candidate.model, records(yield* readAll(env, "ats.candidate"))))
      const source = env.fake.findCandidate((c) =>
        c.phone_numbers.some((p) => p.type === "skype") && c.social_media_addresses.length > 0 && c.tags.length > 0
      )!
      const record = mapped.get(String(source.id))!
      expect(record.firstName).toBe(source.first_name)
      expect(record.lastName).toBe(source.last_name)
      expect(record.company).toBe(source.company ?? undefined)
      expect(record.title).toBe(source.title ?? undefined)
      expect(record.remoteCreatedAt).toBe(source.created_at)
      expect(record.remoteUpdatedAt).toBe(source.updated_at)
      expect(record.emails).toEqual(source.email_addresses.map((e) => ({ type: e.type, value: e.value })))
      const skype = source.phone_numbers.findIndex((p) => p.type === "skype")
      expect(record.phones![skype]).toEqual({ type: "other", number: source.phone_numbers[skype]!.value })
      expect(record.rawValues![`phones.${skype}.type`]).toBe("skype")
      expect(record.rawValues!["emails.0.type"]).toBe(source.email_addresses[0]!.type)
      expect(record.links).toEqual([
        ...source.website_addresses.map((w) => ({ type: w.type, url: w.value })),
        ...source.social_media_addresses.map((s) => ({ type: "social", url: s.value }))
      ])
      expect(record.tags).toEqual(source.tags)
      expect(record.applicationIds).toEqual(source.application_ids.map(String))
      expect(Candidate.model.isInactive(record)).toBe(false)
    }))

  live("maps applications: links, status with raw value, stage, source, rejection; rejected ones are inactive", () =>
    Effect.gen(function*() {
      const env = yield* setup({ fake: { size: 400 } })
      const mapped = byId(decodeAll(Application.model, records(yield* readAll(env, "ats.application"))))

      const rejected = env.fake.findApplication((a) => a.status === "rejected")!
      const r = mapped.get(String(rejected.id))!
      expect(r).toMatchObject({
        candidateId: String(rejected.candidate_id),
        jobId: String(rejected.jobs[0]!.id),
        status: "rejected",
        rejectionReason: rejected.rejection_reason!.name,
        rejectedAt: rejected.rejected_at,
        appliedAt: rejected.applied_at,
        remoteUpdatedAt: rejected.last_activity_at,
        currentStage: { id: String(rejected.current_stage!.id), name: rejected.current_stage!.name },
        source: { id: String(rejected.source!.id), name: rejected.source!.public_name },
        rawValues: { status: "rejected" }
      })
      expect(Application.model.isInactive(r)).toBe(true)

      const hired = mapped.get(String(env.fake.findApplication((a) => a.status === "hired")!.id))!
      expect(hired.status).toBe("hired")
      expect(hired.rejectedAt).toBeUndefined()
      expect(Application.model.isInactive(hired)).toBe(false)

      // Prospects: no job stage, so the prospect stage; a job id only when there is exactly one job.
      const multi = env.fake.findApplication((a) => a.prospect && a.jobs.length === 2)!
      const m = mapped.get(String(multi.id))!
      expect(m.jobId).toBeUndefined()
      expect(m.currentStage).toEqual({
        id: String(multi.prospect_detail.prospect_stage!.id),
        name: multi.prospect_detail.prospect_stage!.name
      })
      const single = env.fake.findApplication((a) => a.prospect && a.jobs.length === 1)!
      expect(mapped.get(String(single.id))!.jobId).toBe(String(single.jobs[0]!.id))
      const none = env.fake.findApplication((a) => a.prospect && a.jobs.length === 0)!
      expect(mapped.get(String(none.id))!.jobId).toBeUndefined()

      // `converted` has no common status: left out, kept raw.
      const converted = mapped.get(String(env.fake.findApplication((a) => a.status === "converted")!.id))!
      expect(converted.status).toBeUndefined()
      expect(converted.rawValues).toEqual({ status: "converted" })
    }))

  live("maps jobs: code, status with raw value, organisation, hiring team, open openings, dates", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      const mapped = byId(decodeAll(Job.model, records(yield* readAll(env, "ats.job"))))
      const open = env.fake.findJob((j) => j.status === "open" && j.requisition_id !== null && j.hiring_team.hiring_managers.length > 0)!
      expect(mapped.get(String(open.id))).toMatchObject({
        name: open.name,
        code: open.requisition_id,
        status: "open",
        confidential: open.confidential,
        departments: open.departments.map((d) => d.name),
        offices: open.offices.map((o) => o.name),
        hiringManagerIds: open.hiring_team.hiring_managers.map((u) => String(u.id)),
        recruiterIds: open.hiring_team.recruiters.map((u) => String(u.id)),
        openings: open.openings.filter((o) => o.status === "open").length,
        openedAt: open.opened_at,
        remoteCreatedAt: open.created_at,
        remoteUpdatedAt: open.updated_at,
        rawValues: { status: "open" }
      })
      const closed = mapped.get(String(env.fake.findJob((j) => j.status === "closed")!.id))!
      expect([closed.status, closed.openings, typeof closed.closedAt]).toEqual(["closed", 0, "string"])
      const draft = mapped.get(String(env.fake.findJob((j) => j.status === "draft")!.id))!
      expect(draft.status).toBe("draft")
      expect(draft.openedAt).toBeUndefined()
      expect(Job.model.isInactive(draft)).toBe(false)
    }))

  live("can leave prospect applications out, also from candidates' application ids", () =>
    Effect.gen(function*() {
      const env = yield* setup({ connector: { prospects: "exclude" } })
      const applications = decodeAll(Application.model, records(yield* readAll(env, "ats.application")))
      const prospects = new Set<string>()
      for (const c of [env.fake.findCandidate((c) => c.applications.some((a) => a.prospect))!]) {
        for (const a of c.applications) if (a.prospect) prospects.add(String(a.id))
      }
      expect(prospects.size).toBeGreaterThan(0)
      expect(applications.some((a) => prospects.has(a.id))).toBe(false)
      const all = env.fake.counts().applications
      expect(applications.length).toBeLessThan(all)
      const candidates = decodeAll(Candidate.model, records(yield* readAll(env, "ats.candidate")))
      expect(candidates.some((c) => (c.applicationIds ?? []).some((id) => prospects.has(id)))).toBe(false)
    }))

  live("hands a record with a bad value to Weft as a record the model rejects, never as a failure", () =>
    Effect.gen(function*() {
      const env = yield* setup({ fake: { invalid: { candidates: [5], applications: [7], jobs: [2] } } })
      const cases: ReadonlyArray<{ model: Model.Any; name: ModelName; path: string }> = [
        { model: Candidate.model as Model.Any, name: "ats.candidate", path: "emails" },
        { model: Application.model as Model.Any, name: "ats.application", path: "appliedAt" },
        { model: Job.model as Model.Any, name: "ats.job", path: "openedAt" }
      ]
      for (const c of cases) {
        const raws = records(yield* readAll(env, c.name))
        const invalid = raws.filter((raw) => Either.isLeft(c.model.decode(raw)))
        expect(invalid.length).toBe(1)
        const error = c.model.decode(invalid[0])
        expect(Either.isLeft(error) && error.left.message).toContain(c.path)
        expect(raws.length - invalid.length).toBeGreaterThan(200)
      }
    }))
})
