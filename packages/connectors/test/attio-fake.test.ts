import { describe, expect, it } from "@effect/vitest"
import { AttioFake } from "@weft/testing"
import * as Effect from "effect/Effect"

// The Attio fake on its own, through plain fetch: the shapes and rules the
// connector tests rely on.

type Json = Record<string, unknown>
type Row = Record<string, unknown> & { active_from: string; active_until: string | null }

const call = (fake: AttioFake.Fake, method: string, path: string, body?: unknown, token: string = fake.tokens.good) =>
  Effect.promise(async () => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: res.status, headers: res.headers, body: await res.json() as Json }
  })

const query = (fake: AttioFake.Fake, object: string, offset: number, limit: number) =>
  Effect.map(call(fake, "POST", `/v2/objects/${object}/records/query`, { limit, offset }), (r) => ({
    ...r,
    ids: Array.isArray(r.body.data) ? (r.body.data as ReadonlyArray<{ id: { record_id: string } }>).map((d) => d.id.record_id) : []
  }))

describe("Attio fake", () => {
  it.scoped("serves a million records per object without building them (page at a deep offset)", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 1_000_000, seed: 2 })
      const page = yield* query(fake, "people", 999_800, 500)
      expect(page.status).toBe(200)
      expect(page.ids.length).toBe(200)
      expect(page.ids[0]).toBe(fake.recordId("people", 999_800))
      expect(fake.count("companies")).toBe(1_000_000)
    }))

  it.scoped("is deterministic per seed", () =>
    Effect.gen(function*() {
      const a = yield* AttioFake.scoped({ size: 20, seed: 9 })
      const b = yield* AttioFake.scoped({ size: 20, seed: 9 })
      const c = yield* AttioFake.scoped({ size: 20, seed: 10 })
      const pa = yield* call(a, "POST", "/v2/objects/companies/records/query", { limit: 20 })
      const pb = yield* call(b, "POST", "/v2/objects/companies/records/query", { limit: 20 })
      const pc = yield* call(c, "POST", "/v2/objects/companies/records/query", { limit: 20 })
      expect(pa.body).toEqual(pb.body)
      expect(pa.body).not.toEqual(pc.body)
    }))

  it.scoped("pages with limit/offset in creation order and skips deleted records", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 10, seed: 1 })
      fake.remove("people", fake.recordId("people", 1))
      fake.remove("people", fake.recordId("people", 4))
      const created = fake.create("people")
      const first = yield* query(fake, "people", 0, 4)
      const second = yield* query(fake, "people", 4, 4)
      const third = yield* query(fake, "people", 8, 4)
      const expected = [0, 2, 3, 5, 6, 7, 8, 9].map((i) => fake.recordId("people", i)).concat([created])
      expect([...first.ids, ...second.ids, ...third.ids]).toEqual(expected)
      expect(third.ids.length).toBe(1)
    }))

  it.scoped("an update writes a new active row and retires the old one (show_historic)", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 5, seed: 1 })
      const id = fake.recordId("companies", 0)
      const before = fake.clock.now()
      expect(fake.update("companies", id, { name: "Renamed Inc" })).toBe(true)
      expect(fake.update("companies", id, { name: "Renamed Inc" })).toBe(false)
      const current = yield* call(fake, "GET", `/v2/objects/companies/records/${id}/attributes/name/values`)
      const history = yield* call(fake, "GET", `/v2/objects/companies/records/${id}/attributes/name/values?show_historic=true`)
      const rows = history.body.data as ReadonlyArray<Row>
      expect((current.body.data as ReadonlyArray<Row>).map((r) => r.value)).toEqual(["Renamed Inc"])
      expect(rows.length).toBe(2)
      expect(rows[0]!.active_until).toBeNull()
      expect(Date.parse(rows[0]!.active_from)).toBeGreaterThan(before)
      expect(rows[1]!.active_until).toBe(rows[0]!.active_from)
    }))

  it.scoped("creates, patches and deletes records over HTTP with the write scope only", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 5, seed: 1 })
      const values = { name: "Grace Hopper", email_addresses: ["grace@navy.example"], company: { target_object: "companies", target_record_id: fake.recordId("companies", 1) } }
      const refused = yield* call(fake, "POST", "/v2/objects/people/records", { data: { values } }, fake.tokens.noRecordScope)
      expect(refused.status).toBe(403)
      expect(refused.body).toMatchObject({ status_code: 403, type: "auth_error" })
      const created = yield* call(fake, "POST", "/v2/objects/people/records", { data: { values } })
      expect(created.status).toBe(200)
      const record = created.body.data as { id: { record_id: string }; values: Record<string, ReadonlyArray<Row>> }
      const id = record.id.record_id
      expect(record.values.name![0]).toMatchObject({ first_name: "Grace", last_name: "Hopper", full_name: "Grace Hopper" })
      expect(record.values.email_addresses![0]).toMatchObject({ email_address: "grace@navy.example", email_domain: "navy.example" })
      // The relation is kept on both sides.
      expect(fake.teamOf(fake.recordId("companies", 1))).toContain(id)
      const patched = yield* call(fake, "PATCH", `/v2/objects/people/records/${id}`, { data: { values: { email_addresses: ["g.hopper@navy.example"] } } })
      expect((patched.body.data as typeof record).values.email_addresses!.map((e) => e.email_address)).toEqual(["g.hopper@navy.example", "grace@navy.example"])
      const bad = yield* call(fake, "PATCH", `/v2/objects/people/records/${id}`, { data: { values: { email_addresses: ["nope"] } } })
      expect(bad.status).toBe(400)
      const deleted = yield* call(fake, "DELETE", `/v2/objects/people/records/${id}`)
      expect(deleted).toMatchObject({ status: 200, body: {} })
      const gone = yield* call(fake, "GET", `/v2/objects/people/records/${id}`)
      expect(gone.status).toBe(404)
      expect(gone.body).toMatchObject({ status_code: 404, type: "invalid_request_error", code: "not_found" })
    }))

  it.scoped("deleting a company clears the company of its people", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 12, seed: 1 })
      const company = fake.recordId("companies", 1)
      const team = fake.teamOf(company)
      expect(team).toEqual([3, 4, 5].map((i) => fake.recordId("people", i)))
      expect(fake.remove("companies", company)).toEqual(team)
      for (const person of team) expect(fake.record("people", person)!.values.company).toEqual([])
    }))

  it.scoped("answers Attio's auth errors for each token case", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 3, seed: 1 })
      const t = fake.tokens
      const self = (token: string) => call(fake, "GET", "/v2/self", undefined, token)
      const good = yield* self(t.good)
      expect(good.body).toMatchObject({ active: true, workspace_id: fake.workspaceId, iss: "attio.com" })
      expect(String(good.body.scope).split(" ")).toContain("record_permission:read-write")
      expect((yield* self(t.revoked)).body).toEqual({ active: false })
      const unknown = yield* self(t.unknown)
      expect(unknown.status).toBe(401)
      expect(unknown.body).toMatchObject({ status_code: 401, type: "auth_error", code: "unauthorized" })
      expect((yield* self(t.deletedWorkspace)).status).toBe(404)
      expect((yield* query(fake, "people", 0, 1)).status).toBe(200)
      const noObject = yield* call(fake, "POST", "/v2/objects/people/records/query", {}, t.noObjectScope)
      expect(noObject.status).toBe(403)
      expect(String(noObject.body.message)).toContain("object_configuration:read")
      const revokedRead = yield* call(fake, "POST", "/v2/objects/people/records/query", {}, t.revoked)
      expect(revokedRead.status).toBe(401)
    }))

  it.scoped("throttles with Attio's 429 body and an HTTP-date Retry-After", () =>
    Effect.gen(function*() {
      const now = Date.UTC(2026, 5, 1, 12, 0, 0, 250)
      const fake = yield* AttioFake.scoped({ size: 3, seed: 1, wallClock: () => now })
      fake.throttle({ times: 1, retryAfterSeconds: 1 })
      const throttled = yield* call(fake, "GET", "/v2/self")
      expect(throttled.status).toBe(429)
      expect(throttled.headers.get("retry-after")).toBe("Mon, 01 Jun 2026 12:00:02 GMT")
      expect(throttled.body).toEqual({
        status_code: 429,
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        message: "Rate limit exceeded, please try again later"
      })
      expect((yield* call(fake, "GET", "/v2/self")).status).toBe(200)
    }))

  it.scoped("enforces the read limit per second when asked to", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 3, seed: 1, rateLimit: { readsPerSecond: 2, writesPerSecond: 1 }, wallClock: () => 1_000 })
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((yield* query(fake, "companies", 0, 1)).status)
      expect(statuses).toEqual([200, 200, 429])
    }))

  it.scoped("refuses what it does not implement instead of answering wrongly", () =>
    Effect.gen(function*() {
      const fake = yield* AttioFake.scoped({ size: 3, seed: 1 })
      const filtered = yield* call(fake, "POST", "/v2/objects/people/records/query", { filter: { name: "Ada" } })
      expect(filtered.body).toMatchObject({ status_code: 400, code: "filter_error" })
      const sorted = yield* call(fake, "POST", "/v2/objects/people/records/query", { sorts: [{ direction: "desc", attribute: "name" }] })
      expect(sorted.status).toBe(400)
      const byCreation = yield* call(fake, "POST", "/v2/objects/people/records/query", { sorts: [{ direction: "asc", attribute: "created_at" }], limit: 2 })
      expect(byCreation.status).toBe(200)
      const negative = yield* call(fake, "POST", "/v2/objects/people/records/query", { offset: -1 })
      expect(negative.status).toBe(400)
      const unknownObject = yield* call(fake, "POST", "/v2/objects/deals/records/query", {})
      expect(unknownObject.body).toMatchObject({ status_code: 404, code: "not_found" })
    }))
})
