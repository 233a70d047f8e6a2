import * as Http from "node:http"
import { describe, expect, it } from "@effect/vitest"
import { Greenhouse } from "@weft/connectors"
import { Connector } from "@weft/core/connector"
import { CanonicalJson } from "@weft/core/ground"
import type { Model } from "@weft/core/models"
import { GreenhouseFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { basicFor, collect, live } from "./greenhouse.support.js"

/** The Greenhouse fake itself: Harvest's HTTP surface, and the conformance fixture's promises. */

/** `key: null` sends no Authorization header. */
const get = async (fake: GreenhouseFake.Fake, path: string, key: string | null = fake.keys.full) => {
  const response = await fetch(`${fake.url}${path}`, { headers: key === null ? {} : { authorization: basicFor(key) } })
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown }
}

/** fetch refuses a GET with a body; Harvest answers one with 403, so send it raw. */
const getWithBody = (fake: GreenhouseFake.Fake, path: string) =>
  new Promise<number | undefined>((resolve, reject) => {
    const request = Http.request(`${fake.url}${path}`, {
      method: "GET",
      headers: { authorization: basicFor(fake.keys.full), "content-type": "application/json", "content-length": "2" }
    }, (response) => {
      response.resume()
      resolve(response.statusCode)
    })
    request.on("error", reject)
    request.end("{}")
  })

const withFake = (name: string, options: GreenhouseFake.Options, body: (fake: GreenhouseFake.Fake) => Promise<void>, timeout?: number) =>
  it(name, async () => {
    const fake = await GreenhouseFake.start(options)
    try {
      await body(fake)
    } finally {
      await fake.close()
    }
  }, timeout)

describe("Greenhouse fake: Harvest's surface", () => {
  withFake("pages with Link next/prev/last, drops last with skip_count, and sends no Link for a single page", { size: 50 }, async (fake) => {
    const page2 = await get(fake, "/v1/candidates?per_page=20&page=2")
    expect((page2.body as Array<unknown>).length).toBe(20)
    const link = page2.headers.get("link")!
    expect(link).toContain(`<${fake.url}/v1/candidates?per_page=20&page=3>; rel="next"`)
    expect(link).toContain('page=1>; rel="prev"')
    expect(link).toContain('page=3>; rel="last"')
    const skip = await get(fake, "/v1/candidates?per_page=20&skip_count=true")
    expect(skip.headers.get("link")).not.toContain('rel="last"')
    const last = await get(fake, "/v1/candidates?per_page=20&page=3")
    expect((last.body as Array<unknown>).length).toBe(10)
    expect(last.headers.get("link")).not.toContain('rel="next"')
    const one = await get(fake, "/v1/jobs?per_page=500")
    expect(one.headers.get("link")).toBeNull()
    expect((one.body as Array<unknown>).length).toBe(50)
  })

  withFake("validates per_page, page and timestamps with Harvest's 422 body", {}, async (fake) => {
    for (const query of ["per_page=501", "per_page=0", "page=0", "updated_after=yesterday"]) {
      const answer = await get(fake, `/v1/candidates?${query}`)
      expect(answer.status).toBe(422)
      expect(answer.body).toMatchObject({ message: "Validation error", errors: [{ field: query.split("=")[0] }] })
    }
  })

  withFake("answers 401 to a missing, unknown or revoked key and 403 to a missing permission or a GET body", {}, async (fake) => {
    expect((await get(fake, "/v1/jobs", null)).status).toBe(401)
    const unknown = await get(fake, "/v1/jobs", fake.keys.unknown)
    expect([unknown.status, unknown.body]).toEqual([401, { message: "Invalid Basic Auth credentials" }])
    expect((await get(fake, "/v1/jobs", fake.keys.revoked)).status).toBe(401)
    expect((await get(fake, "/v1/candidates", fake.keys.withoutApplications)).status).toBe(200)
    const forbidden = await get(fake, "/v1/applications", fake.keys.withoutApplications)
    expect(forbidden.status).toBe(403)
    expect(forbidden.body).toMatchObject({ message: expect.any(String) })
    expect((await get(fake, "/v1/jobs/4000000", fake.keys.candidatesOnly)).status).toBe(403)
    expect(await getWithBody(fake, "/v1/jobs")).toBe(403)
    // Only malformed Authorization headers count as problems; a wrong key is a credentials case, not a bug.
    expect(fake.authProblems()).toEqual(["GET /v1/jobs: no Authorization header"])
    await fetch(`${fake.url}/v1/jobs`, { headers: { authorization: `Basic ${Buffer.from(`${fake.keys.full}:x`).toString("base64")}` } })
    expect(fake.authProblems()[1]).toContain("non-blank Basic password")
  })

  withFake("reports X-RateLimit-* on every answer and, when enforcing, answers 429 with Retry-After", {
    rateLimit: { limit: 2, windowMs: 60_000, enforce: true }
  }, async (fake) => {
    const first = await get(fake, "/v1/jobs?per_page=1")
    expect([first.headers.get("x-ratelimit-limit"), first.headers.get("x-ratelimit-remaining")]).toEqual(["2", "1"])
    expect(first.headers.get("date")).toBe(new Date(fake.clock.now()).toUTCString())
    await get(fake, "/v1/jobs?per_page=1")
    const throttled = await get(fake, "/v1/jobs?per_page=1")
    expect(throttled.status).toBe(429)
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThanOrEqual(59)
    expect(throttled.headers.get("x-ratelimit-remaining")).toBe("0")
    expect(throttled.headers.get("x-ratelimit-reset")).toMatch(/^\d+$/)
  })

  withFake("serves any page of a million candidates without building the others", { size: 1_000_000, seed: 5 }, async (fake) => {
    expect(fake.counts().candidates).toBe(1_000_000)
    expect(fake.counts().applications).toBeGreaterThan(1_900_000)
    const deep = await get(fake, "/v1/candidates?per_page=500&page=1999")
    const body = deep.body as Array<{ id: number; applications: Array<{ candidate_id: number }> }>
    expect(body.length).toBe(500)
    expect(body[0]!.id).toBe(40_000_000 + 1998 * 500)
    expect(body.every((c) => c.applications.every((a) => a.candidate_id === c.id))).toBe(true)
    const applications = await get(fake, "/v1/applications?per_page=500&page=3900")
    expect((applications.body as Array<unknown>).length).toBe(500)
    const last = await get(fake, "/v1/candidates?per_page=500&page=2000")
    expect((last.body as Array<unknown>).length).toBe(500)
    expect(last.headers.get("link")).not.toContain('rel="next"')
  })

  withFake("keeps paging consistent over deletes and creates, and moves the change signals", { size: 120 }, async (fake) => {
    const before = fake.clock.now()
    const victim = fake.findCandidate((c) => c.applications.length > 1)!
    const { applicationIds } = fake.deleteCandidate(victim.id)
    const created = fake.createCandidate({ first_name: "Katherine" })
    expect(created.candidate.created_at).toBe(new Date(fake.clock.now()).toISOString())
    expect(fake.clock.now()).toBeGreaterThan(before)
    const seen: Array<number> = []
    for (let page = 1; ; page++) {
      const answer = (await get(fake, `/v1/applications?per_page=7&page=${page}`)).body as Array<{ id: number }>
      if (answer.length === 0) break
      seen.push(...answer.map((a) => a.id))
    }
    expect(seen.length).toBe(fake.counts().applications)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.some((id) => applicationIds.includes(id))).toBe(false)
    expect(seen).toContain(created.application!.id)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
    expect((await get(fake, `/v1/candidates/${victim.id}`)).status).toBe(404)
    const rejected = fake.rejectApplication(created.application!.id)
    expect(rejected.last_activity_at).toBe(new Date(fake.clock.now()).toISOString())
    expect(() => fake.rejectApplication(created.application!.id)).toThrow(/must be 'active'/)
    const changed = (await get(fake, `/v1/applications?last_activity_after=${new Date(before).toISOString()}`)).body as Array<{ id: number }>
    expect(changed.map((a) => a.id)).toEqual([created.application!.id])
  })

  withFake("serves JSON the connector's own reading of the Harvest docs decodes", { size: 150 }, async (fake) => {
    const cases = [
      ["/v1/candidates?per_page=150", Greenhouse.Api.Candidate],
      ["/v1/applications?per_page=400", Greenhouse.Api.Application],
      ["/v1/jobs?per_page=150", Greenhouse.Api.Job]
    ] as const
    for (const [path, schema] of cases) {
      const body = (await get(fake, path)).body as Array<unknown>
      const decode = Schema.decodeUnknownEither(schema as Schema.Schema<unknown, unknown>)
      for (const record of body) {
        const decoded = decode(record)
        if (Either.isLeft(decoded)) throw new Error(`${path}: ${decoded.left.message}`)
      }
    }
  })
})

// ---- Harvest's records ----------------------------------------------------

/** Every record of a collection, over HTTP. */
const all = async <A>(fake: GreenhouseFake.Fake, collection: string): Promise<Array<A>> => {
  const out: Array<A> = []
  for (let page = 1; ; page++) {
    const body = (await get(fake, `/v1/${collection}?per_page=500&page=${page}`)).body as Array<A>
    if (body.length === 0) return out
    out.push(...body)
  }
}

const share = <A>(items: ReadonlyArray<A>, predicate: (item: A) => boolean) => items.filter(predicate).length / items.length

const ATTACHMENT_TYPES = ["resume", "cover_letter", "offer_packet", "offer_letter", "take_home_test", "other"]

describe("Greenhouse fake: Harvest's records", () => {
  withFake("serves candidates with documents, schools, positions and every custom field, at realistic rates", { size: 2000, seed: 9 }, async (fake) => {
    const candidates = await all<GreenhouseFake.CandidateJson>(fake, "candidates")
    expect(candidates.length).toBe(2000)
    expect(share(candidates, (c) => c.attachments.length > 0)).toBeGreaterThan(0.5)
    expect(share(candidates, (c) => c.attachments.length > 0)).toBeLessThan(0.97)
    expect(share(candidates, (c) => c.educations.length > 0)).toBeGreaterThan(0.3)
    expect(share(candidates, (c) => c.educations.length > 0)).toBeLessThan(0.6)
    expect(share(candidates, (c) => c.employments.length > 0)).toBeGreaterThan(0.35)
    expect(share(candidates, (c) => c.employments.length > 0)).toBeLessThan(0.65)
    expect(share(candidates, (c) => c.linked_user_ids.length > 0)).toBeLessThan(0.06)
    expect(share(candidates, (c) => Object.values(c.custom_fields).some((v) => v !== null))).toBeGreaterThan(0.4)
    expect(share(candidates, (c) => Object.values(c.custom_fields).every((v) => v === null))).toBeGreaterThan(0.1)
    for (const c of candidates) {
      // Every active field, set or not; the keyed form names them by their immutable key.
      expect(Object.keys(c.custom_fields).sort()).toEqual(["desired_salary", "graduation_year", "languages", "work_remotely"])
      expect(Object.keys(c.keyed_custom_fields).sort()).toEqual(["desired_salary", "graduation_year_1", "languages", "work_remotely"])
      expect(c.keyed_custom_fields["graduation_year_1"]!.value).toBe(c.custom_fields["graduation_year"])
      // The candidate's documents include those of each of its applications.
      for (const a of c.applications) {
        for (const d of a.attachments) expect(c.attachments.map((x) => x.filename)).toContain(d.filename)
      }
      for (const d of c.attachments) {
        expect(ATTACHMENT_TYPES).toContain(d.type)
        expect(d.url).toMatch(/^https:\/\/.+\?.*X-Amz-Expires=604800.*X-Amz-Signature=[0-9a-f]{64}$/)
      }
      for (const e of [...c.educations, ...c.employments]) {
        for (const date of [e.start_date, e.end_date]) if (date !== null) expect(date).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/)
      }
    }
  }, 30_000)

  withFake("serves prospects on zero, one or several jobs, with pools, owners and prospective departments and offices", { size: 3000, seed: 9 }, async (fake) => {
    const applications = await all<GreenhouseFake.ApplicationJson>(fake, "applications")
    const prospects = applications.filter((a) => a.prospect)
    expect(prospects.length / applications.length).toBeGreaterThan(0.05)
    expect(prospects.length / applications.length).toBeLessThan(0.12)
    expect(share(prospects, (a) => a.jobs.length === 0)).toBeGreaterThan(0.1)
    expect(share(prospects, (a) => a.jobs.length >= 2)).toBeGreaterThan(0.15)
    expect(share(prospects, (a) => a.jobs.length >= 3)).toBeGreaterThan(0.02)
    expect(share(prospects, (a) => a.prospect_detail.prospect_pool !== null)).toBeGreaterThan(0.75)
    expect(share(prospects, (a) => a.prospect_detail.prospect_pool === null)).toBeGreaterThan(0.02)
    expect(share(prospects, (a) => a.prospect_detail.prospect_owner === null)).toBeGreaterThan(0.1)
    expect(share(prospects, (a) => a.prospective_department !== null)).toBeGreaterThan(0.35)
    expect(share(prospects, (a) => a.prospective_office !== null)).toBeGreaterThan(0.25)
    for (const a of prospects) {
      if (a.prospect_detail.prospect_pool === null) expect(a.prospect_detail.prospect_stage).toBeNull()
      expect(a.current_stage).toBeNull()
    }
    for (const a of applications.filter((x) => !x.prospect)) {
      expect(a.jobs.length).toBe(1)
      expect([a.prospective_department, a.prospective_office]).toEqual([null, null])
      expect(a.prospect_detail).toEqual({ prospect_pool: null, prospect_stage: null, prospect_owner: null })
    }
    const applied = applications.filter((a) => !a.prospect && a.job_post_id !== null)
    expect(share(applied, (a) => a.attachments.some((d) => d.type === "resume"))).toBeGreaterThan(0.8)
    expect(share(applications, (a) => Object.values(a.custom_fields).some((v) => v !== null))).toBeGreaterThan(0.3)
  }, 30_000)

  withFake("serves jobs in department and office trees, with notes and custom fields", { size: 400, seed: 9 }, async (fake) => {
    const jobs = await all<GreenhouseFake.JobJson>(fake, "jobs")
    const applications = await all<GreenhouseFake.ApplicationJson>(fake, "applications")
    const departments = new Map<number, GreenhouseFake.DepartmentJson>()
    for (const d of [...jobs.flatMap((j) => j.departments), ...applications.flatMap((a) => a.prospective_department ?? [])]) {
      departments.set(d.id, d)
    }
    const nested = [...departments.values()].filter((d) => d.parent_id !== null)
    expect(nested.length).toBeGreaterThan(0)
    expect([...departments.values()].some((d) => d.child_ids.length > 0)).toBe(true)
    for (const d of nested) {
      const parent = departments.get(d.parent_id!)
      if (parent !== undefined) expect(parent.child_ids).toContain(d.id)
    }
    const regions = applications.flatMap((a) => (a.prospective_office?.child_ids.length ? [a.prospective_office] : []))
    expect(regions.length).toBeGreaterThan(0)
    for (const office of jobs.flatMap((j) => j.offices)) {
      expect(office.parent_id).not.toBeNull()
      const region = regions.find((r) => r.id === office.parent_id)
      if (region !== undefined) expect(region.child_ids).toContain(office.id)
    }
    expect(share(jobs, (j) => j.notes !== null)).toBeGreaterThan(0.3)
    expect(share(jobs, (j) => j.custom_fields["salary_range"] !== null)).toBeGreaterThan(0.3)
    for (const j of jobs) {
      expect(Object.keys(j.keyed_custom_fields).sort()).toEqual(["cost_center", "employment_type", "remote_eligible", "salary_range"])
    }
  })

  it("builds the same records from the same seed, and others from another seed", async () => {
    const body = async (options: GreenhouseFake.Options) => {
      const fake = await GreenhouseFake.start(options)
      try {
        return JSON.stringify([
          (await get(fake, "/v1/candidates?per_page=100")).body,
          (await get(fake, "/v1/applications?per_page=100")).body,
          (await get(fake, "/v1/jobs?per_page=100")).body
        ])
      } finally {
        await fake.close()
      }
    }
    const a = await body({ size: 100, seed: 4 })
    expect(await body({ size: 100, seed: 4 })).toBe(a)
    expect(await body({ size: 100, seed: 5 })).not.toBe(a)
  })

  withFake("signs attachment links anew in every answer, like Harvest's expiring links", { size: 50 }, async (fake) => {
    const id = fake.findCandidate((c) => c.attachments.length > 0)!.id
    const first = (await get(fake, `/v1/candidates/${id}`)).body as GreenhouseFake.CandidateJson
    const second = (await get(fake, `/v1/candidates/${id}`)).body as GreenhouseFake.CandidateJson
    const [a, b] = [first.attachments[0]!.url, second.attachments[0]!.url]
    expect(a).not.toBe(b)
    expect(a.split("?")[0]).toBe(b.split("?")[0])
    expect(second.attachments.map(({ url: _, ...rest }) => rest)).toEqual(first.attachments.map(({ url: _, ...rest }) => rest))
  })
})

// ---- the conformance fixture ----------------------------------------------

interface Snapshot {
  readonly [model: string]: ReadonlyMap<string, { readonly json: string; readonly inactive: boolean }>
}

/** What a full read looks like to change detection: valid records, minus volatile fields. */
const snapshot = (connector: Connector.Connector<Greenhouse.Credentials>, context: Connector.ConnectorContext<Greenhouse.Credentials>) =>
  Effect.gen(function*() {
    const out: Record<string, Map<string, { json: string; inactive: boolean }>> = {}
    for (const r of connector.readers) {
      const model = r.model as Model.Any
      const seen = new Map<string, { json: string; inactive: boolean }>()
      for (const page of yield* collect(r.readAll(context))) {
        for (const raw of page.records) {
          const decoded = model.decode(raw)
          if (Either.isLeft(decoded)) throw new Error(`invalid ${model.name}`)
          const { remoteUpdatedAt: _, ...kept } = raw as Record<string, unknown>
          seen.set(decoded.right.id, { json: CanonicalJson.stringify(kept), inactive: model.isInactive(decoded.right) })
        }
      }
      out[model.name] = seen
    }
    return out as Snapshot
  })

/** The events a full-read delta derives from two snapshots (initial sync skips inactive records). */
const derive = (before: Snapshot, after: Snapshot) => {
  const events: Array<string> = []
  for (const model of Object.keys(after)) {
    const was = before[model]!
    const now = after[model]!
    for (const [id, record] of now) {
      const old = was.get(id)
      const known = old !== undefined && !old.inactive
      if (!known && old === undefined && !record.inactive) events.push(`${model} record.new ${id}`)
      else if (known && record.inactive) events.push(`${model} record.deleted ${id} inactive`)
      else if (known && old.json !== record.json) events.push(`${model} record.changed ${id}`)
    }
    for (const [id, old] of was) if (!now.has(id) && !old.inactive) events.push(`${model} record.deleted ${id} removed`)
  }
  return events.sort()
}

describe("Greenhouse conformance fixture", () => {
  live("starts a fake with good and bad credentials the check tells apart", () =>
    Effect.gen(function*() {
      const instance = yield* GreenhouseFake.fixture.setup({ size: 80, seed: 3 })
      const context = (credentials: unknown) =>
        Effect.flatMap(instance.connector.credentials.decode(credentials), (c) =>
          Connector.makeContext(instance.connector, { integrationId: "int_fx", tenant: "t", credentials: c }))
      yield* instance.connector.check(yield* context(instance.credentials))
      for (const bad of instance.badCredentials) {
        const error = yield* Effect.flip(instance.connector.check(yield* context(bad.credentials)))
        expect([bad.name, error.code]).toEqual([bad.name, bad.code])
      }
      expect(instance.pageSize).toBe(20)
      expect(instance.connector.readers.every((r) => r.fullReadEvery === 0)).toBe(true)
      expect(instance.requestCount()).toBeGreaterThan(0)
      expect(instance.authProblems()).toEqual([])
    }))

  live("mutate() announces exactly the events a full-read delta derives", () =>
    Effect.gen(function*() {
      const instance = yield* GreenhouseFake.fixture.setup({ size: 80, seed: 3 })
      const credentials = yield* instance.connector.credentials.decode(instance.credentials)
      const context = yield* Connector.makeContext(instance.connector, { integrationId: "int_fx", tenant: "t", credentials })
      const before = yield* snapshot(instance.connector, context)
      const announced = yield* instance.mutate()
      const after = yield* snapshot(instance.connector, context)
      const expected = announced.map((e) => [e.model, e.type, e.recordId, e.reason].filter((x) => x !== undefined).join(" ")).sort()
      expect(expected).toEqual(derive(before, after))
      const kinds = new Set(announced.map((e) => `${e.model} ${e.type} ${e.reason ?? ""}`.trim()))
      for (const kind of [
        "ats.job record.new",
        "ats.job record.changed",
        "ats.candidate record.new",
        "ats.candidate record.changed",
        "ats.candidate record.deleted removed",
        "ats.application record.new",
        "ats.application record.changed",
        "ats.application record.deleted inactive",
        "ats.application record.deleted removed"
      ]) expect(kinds.has(kind)).toBe(true)
      // A second full read right after is stable.
      expect(derive(after, yield* snapshot(instance.connector, context))).toEqual([])
    }))

  live("throttle() and failMidRead() act on the next requests", () =>
    Effect.gen(function*() {
      const instance = yield* GreenhouseFake.fixture.setup({ size: 80, seed: 3 })
      const credentials = yield* instance.connector.credentials.decode(instance.credentials)
      const context = yield* Connector.makeContext(instance.connector, { integrationId: "int_fx", tenant: "t", credentials })
      const jobs = Connector.readerFor(instance.connector, "ats.job")!
      yield* instance.throttle()
      expect((yield* collect(jobs.readAll(context))).length).toBeGreaterThan(3)
      yield* instance.failMidRead("ats.job")
      const error = yield* Effect.flip(collect(jobs.readAll(context)))
      expect(error._tag).toBe("ConnectorError")
    }))
})
