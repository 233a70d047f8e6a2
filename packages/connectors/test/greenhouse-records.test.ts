import { describe, expect } from "@effect/vitest"
import { Application, Candidate, Job } from "@weft/core/models"
import type { GreenhouseFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import { cursorOf, decodeAll, live, readAll, readChanges, records, setup } from "./greenhouse.support.js"

/** The richer parts of Harvest's records, as Harvest documents them, mapped into the common ATS models. */

const byId = <A extends { readonly id: string }>(items: ReadonlyArray<A>) => new Map(items.map((r) => [r.id, r] as const))

const need = <A>(value: A | undefined, what: string): A => {
  if (value === undefined) throw new Error(`the fake has no ${what}`)
  return value
}

type Unit = GreenhouseFake.JobJson["departments"][number] | GreenhouseFake.JobJson["offices"][number]

/** A department or office as the common `OrgUnit`. */
const orgUnit = (u: Unit) => ({
  id: String(u.id),
  name: u.name,
  ...(u.parent_id === null ? {} : { parentId: String(u.parent_id) }),
  childIds: u.child_ids.map(String),
  ...(u.external_id === null ? {} : { externalId: u.external_id }),
  ...("location" in u && u.location.name !== null ? { location: u.location.name } : {})
})

/** Keyed custom fields with a value, as the common `customFields`. */
const withValues = (keyed: Readonly<Record<string, { name: string; type: string; value: unknown }>>) => {
  const out: Record<string, unknown> = {}
  for (const [key, f] of Object.entries(keyed)) if (f.value !== null) out[key] = { name: f.name, type: f.type, value: f.value }
  return out
}

const documents = (attachments: ReadonlyArray<GreenhouseFake.AttachmentJson>) =>
  attachments.map((a) => ({ fileName: a.filename, type: a.type, createdAt: a.created_at }))

describe("Greenhouse records: prospects", () => {
  live("keeps every job of an application: one for a candidate, none or several for a prospect", () =>
    Effect.gen(function*() {
      const env = yield* setup({ fake: { size: 600 } })
      const mapped = byId(decodeAll(Application.model, records(yield* readAll(env, "ats.application"))))
      const several = need(env.fake.findApplication((a) => a.prospect && a.jobs.length >= 2), "prospect on several jobs")
      expect(mapped.get(String(several.id))!.jobIds).toEqual(several.jobs.map((j) => String(j.id)))
      expect(mapped.get(String(several.id))!.jobId).toBeUndefined()
      const none = need(env.fake.findApplication((a) => a.prospect && a.jobs.length === 0), "prospect on no job")
      expect(mapped.get(String(none.id))!.jobIds).toEqual([])
      const applied = need(env.fake.findApplication((a) => !a.prospect), "candidate application")
      expect(mapped.get(String(applied.id))).toMatchObject({ jobId: String(applied.jobs[0]!.id), jobIds: [String(applied.jobs[0]!.id)] })
    }))

  live("maps a prospect's pool, owner and prospective department and office; candidate applications are not prospects", () =>
    Effect.gen(function*() {
      const env = yield* setup({ fake: { size: 600 } })
      const mapped = byId(decodeAll(Application.model, records(yield* readAll(env, "ats.application"))))
      const full = need(
        env.fake.findApplication((a) =>
          a.prospect && a.prospect_detail.prospect_pool !== null && a.prospect_detail.prospect_owner !== null &&
          a.prospective_department?.parent_id != null && a.prospective_office !== null
        ),
        "prospect with every detail"
      )
      const detail = full.prospect_detail
      expect(mapped.get(String(full.id))).toMatchObject({
        prospect: true,
        prospectPool: { id: String(detail.prospect_pool!.id), name: detail.prospect_pool!.name },
        prospectOwner: { id: String(detail.prospect_owner!.id), name: detail.prospect_owner!.name },
        prospectiveDepartment: orgUnit(full.prospective_department!),
        prospectiveOffice: orgUnit(full.prospective_office!)
      })
      expect(mapped.get(String(full.id))!.prospectiveDepartment!.parentId).toBe(String(full.prospective_department!.parent_id))

      // A prospect outside any pool has no pool and no prospect stage.
      const unpooled = need(env.fake.findApplication((a) => a.prospect && a.prospect_detail.prospect_pool === null), "unpooled prospect")
      const u = mapped.get(String(unpooled.id))!
      expect([u.prospect, u.prospectPool, u.currentStage]).toEqual([true, undefined, undefined])

      const applied = mapped.get(String(need(env.fake.findApplication((a) => !a.prospect), "candidate application").id))!
      expect(applied.prospect).toBe(false)
      expect([applied.prospectPool, applied.prospectOwner, applied.prospectiveDepartment, applied.prospectiveOffice])
        .toEqual([undefined, undefined, undefined, undefined])
    }))
})

describe("Greenhouse records: documents, background and custom fields", () => {
  live("maps a candidate's attachments (theirs and their applications'), educations, employments and custom fields", () =>
    Effect.gen(function*() {
      const env = yield* setup({ fake: { size: 600 } })
      const mapped = byId(decodeAll(Candidate.model, records(yield* readAll(env, "ats.candidate"))))
      const source = need(
        env.fake.findCandidate((c) =>
          c.attachments.length >= 2 && c.educations.some((e) => e.start_date !== null) && c.employments.length >= 2 &&
          c.keyed_custom_fields["graduation_year_1"]?.value != null
        ),
        "candidate with documents, schools, positions and a graduation year"
      )
      const record = mapped.get(String(source.id))!
      expect(record.attachments).toEqual(documents(source.attachments))
      expect(record.attachments!.some((a) => a.type === "resume")).toBe(true)
      expect(record.rawValues!["attachments.0.type"]).toBe(source.attachments[0]!.type)
      expect(record.educations).toEqual(source.educations.map((e) => ({
        id: String(e.id),
        ...(e.school_name === null ? {} : { school: e.school_name }),
        ...(e.degree === null ? {} : { degree: e.degree }),
        ...(e.discipline === null ? {} : { discipline: e.discipline }),
        ...(e.start_date === null ? {} : { startDate: e.start_date.slice(0, 10) }),
        ...(e.end_date === null ? {} : { endDate: e.end_date.slice(0, 10) })
      })))
      expect(record.employments).toEqual(source.employments.map((e) => ({
        id: String(e.id),
        ...(e.company_name === null ? {} : { company: e.company_name }),
        ...(e.title === null ? {} : { title: e.title }),
        ...(e.start_date === null ? {} : { startDate: e.start_date.slice(0, 10) }),
        ...(e.end_date === null ? {} : { endDate: e.end_date.slice(0, 10) })
      })))
      // By the immutable key, with label and type; unset fields are left out.
      expect(record.customFields).toEqual(withValues(source.keyed_custom_fields))
      expect(record.customFields!["graduation_year_1"]).toEqual({
        name: "Graduation Year",
        type: "single_select",
        value: source.custom_fields["graduation_year"]
      })
      expect(record.customFields!["graduation_year"]).toBeUndefined()

      const multi = need(env.fake.findCandidate((c) => Array.isArray(c.custom_fields["languages"])), "candidate with languages")
      expect(mapped.get(String(multi.id))!.customFields!["languages"]!.value).toEqual(multi.custom_fields["languages"])
      const current = need(env.fake.findCandidate((c) => c.employments.some((e) => e.start_date !== null && e.end_date === null)), "current position")
      const position = current.employments.findIndex((e) => e.start_date !== null && e.end_date === null)
      expect(mapped.get(String(current.id))!.employments![position]!.endDate).toBeUndefined()
      const bare = need(
        env.fake.findCandidate((c) => Object.values(c.custom_fields).every((v) => v === null) && c.educations.length === 0),
        "candidate with no custom field values and no school"
      )
      expect([mapped.get(String(bare.id))!.customFields, mapped.get(String(bare.id))!.educations]).toEqual([undefined, []])
    }))

  live("maps an application's attachments and custom fields, structured values included", () =>
    Effect.gen(function*() {
      const env = yield* setup({ fake: { size: 600 } })
      const mapped = byId(decodeAll(Application.model, records(yield* readAll(env, "ats.application"))))
      const source = need(
        env.fake.findApplication((a) => a.attachments.length >= 2 && a.custom_fields["salary_expectation"] != null),
        "application with documents and a salary expectation"
      )
      const record = mapped.get(String(source.id))!
      expect(record.attachments).toEqual(documents(source.attachments))
      expect(record.customFields).toEqual(withValues(source.keyed_custom_fields))
      expect(record.customFields!["salary_expectation"]!.value).toEqual(source.custom_fields["salary_expectation"])
      const hired = need(env.fake.findApplication((a) => a.attachments.some((d) => d.type === "offer_letter")), "offer letter")
      expect(mapped.get(String(hired.id))!.attachments!.map((a) => a.type)).toContain("offer_letter")
    }))

  live("maps a job's notes, custom fields, and its departments and offices with their trees", () =>
    Effect.gen(function*() {
      const env = yield* setup({ fake: { size: 600 } })
      const mapped = byId(decodeAll(Job.model, records(yield* readAll(env, "ats.job"))))
      const source = need(
        env.fake.findJob((j) =>
          j.notes !== null && j.departments.some((d) => d.parent_id !== null) && j.custom_fields["salary_range"] != null
        ),
        "job with notes, a sub-department and a salary range"
      )
      const record = mapped.get(String(source.id))!
      expect(record.notes).toBe(source.notes)
      expect(record.departments).toEqual(source.departments.map((d) => d.name))
      expect(record.departmentDetails).toEqual(source.departments.map(orgUnit))
      expect(record.departmentDetails![0]!.parentId).toBe(String(source.departments[0]!.parent_id))
      expect(record.officeDetails).toEqual(source.offices.map(orgUnit))
      expect(record.officeDetails!.every((o) => o.parentId !== undefined && o.location !== undefined)).toBe(true)
      expect(record.customFields).toEqual(withValues(source.keyed_custom_fields))
      expect(record.customFields!["salary_range"]!).toMatchObject({
        type: "currency_range",
        value: { min_value: expect.any(Number), max_value: expect.any(Number), unit: "USD" }
      })
      const top = need(env.fake.findJob((j) => j.departments.some((d) => d.child_ids.length > 0)), "job of a top department")
      expect(mapped.get(String(top.id))!.departmentDetails![0]!.childIds).toEqual(top.departments[0]!.child_ids.map(String))
      expect(mapped.get(String(top.id))!.departmentDetails![0]!.parentId).toBeUndefined()
      const plain = need(env.fake.findJob((j) => j.notes === null), "job without notes")
      expect(mapped.get(String(plain.id))!.notes).toBeUndefined()
    }))

  live("leaves attachment links out: Harvest signs them per answer, so two reads of the same data map the same records", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      const withDocuments = need(env.fake.findCandidate((c) => c.attachments.length > 0), "candidate with documents")
      const first = records(yield* readAll(env, "ats.candidate"))
      const second = records(yield* readAll(env, "ats.candidate"))
      // The links changed with every answer…
      expect(env.fake.candidate(withDocuments.id)!.attachments[0]!.url).not.toBe(withDocuments.attachments[0]!.url)
      // …the records did not.
      expect(second).toEqual(first)
      expect(JSON.stringify(first)).not.toContain("X-Amz-Signature")
    }))
})

describe("Greenhouse records: changes", () => {
  live("a custom field set or cleared in Harvest reaches the next delta", () =>
    Effect.gen(function*() {
      const env = yield* setup()
      const cursors = { candidate: cursorOf(yield* readAll(env, "ats.candidate")), job: cursorOf(yield* readAll(env, "ats.job")) }
      const candidate = need(env.fake.findCandidate((c) => c.custom_fields["graduation_year"] === null), "candidate without a graduation year")
      const job = need(env.fake.findJob((j) => j.keyed_custom_fields["salary_range"]!.value !== null), "job with a salary range")
      env.fake.setCustomField("candidate", candidate.id, "graduation_year_1", "2019")
      env.fake.setCustomField("job", job.id, "salary_range", null)

      const candidates = decodeAll(Candidate.model, records(yield* readChanges(env, "ats.candidate", cursors.candidate)))
      expect(candidates.map((c) => c.id)).toEqual([String(candidate.id)])
      expect(candidates[0]!.customFields!["graduation_year_1"]).toEqual({ name: "Graduation Year", type: "single_select", value: "2019" })
      const jobs = decodeAll(Job.model, records(yield* readChanges(env, "ats.job", cursors.job)))
      expect(jobs.map((j) => j.id)).toEqual([String(job.id)])
      expect(jobs[0]!.customFields?.["salary_range"]).toBeUndefined()
      expect(jobs[0]!.customFields!["employment_type"]!.value).toBe(job.custom_fields["employment_type"])
    }))
})
