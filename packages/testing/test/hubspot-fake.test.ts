import { describe, expect, it } from "@effect/vitest"
import { HubSpotFake } from "@weft/testing"
import * as Effect from "effect/Effect"

/** The fake is plain HTTP: drive it with fetch, as any client would. */
const call = async (
  fake: HubSpotFake.Fake,
  path: string,
  init: { method?: string; token?: string | null; json?: unknown; form?: Record<string, string> } = {}
) => {
  const headers: Record<string, string> = {}
  if (init.token !== null) headers["authorization"] = `Bearer ${init.token ?? fake.tokens.good.accessToken}`
  let body: string | undefined
  if (init.json !== undefined) {
    headers["content-type"] = "application/json"
    body = JSON.stringify(init.json)
  }
  if (init.form !== undefined) {
    headers["content-type"] = "application/x-www-form-urlencoded"
    body = new URLSearchParams(init.form).toString()
  }
  const response = await fetch(`${fake.url}${path}`, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body === undefined ? {} : { body })
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text.length > 0 ? JSON.parse(text) : undefined }
}

const withFake = (name: string, options: HubSpotFake.Options, f: (fake: HubSpotFake.Fake) => Promise<void>, timeout?: number) =>
  it.live(name, () => Effect.scoped(Effect.flatMap(HubSpotFake.scoped(options), (fake) => Effect.promise(() => f(fake)))), timeout)

const search = (fake: HubSpotFake.Fake, type: string, body: unknown) =>
  call(fake, `/crm/v3/objects/${type}/search`, { json: body })

describe("HubSpotFake auth", () => {
  withFake("refuses missing, unknown, expired and revoked tokens with HubSpot's 401 categories", { size: 5 }, async (fake) => {
    const missing = await call(fake, "/crm/v3/objects/contacts", { token: null })
    expect([missing.status, missing.body.category]).toEqual([401, "INVALID_AUTHENTICATION"])
    expect((await call(fake, "/crm/v3/objects/contacts", { token: "nope" })).body.category).toBe("INVALID_AUTHENTICATION")
    const expired = await call(fake, "/crm/v3/objects/contacts", { token: fake.tokens.expired.accessToken })
    expect([expired.status, expired.body.category]).toEqual([401, "EXPIRED_AUTHENTICATION"])
    expect(expired.body.message).toMatch(/expired 60 minute/)
    expect((await call(fake, "/crm/v3/objects/contacts", { token: fake.tokens.revoked.accessToken })).status).toBe(401)
    expect(fake.authProblems()).toEqual([
      "GET /crm/v3/objects/contacts: no Bearer token",
      "GET /crm/v3/objects/contacts: a token this fake never issued"
    ])
  })

  withFake("names the missing scope, and answers a deleted hub with 404", { size: 5 }, async (fake) => {
    const token = fake.tokens.missingDealsScope.accessToken
    expect((await call(fake, "/crm/v3/objects/contacts", { token })).status).toBe(200)
    const deals = await call(fake, "/crm/v3/objects/deals", { token })
    expect([deals.status, deals.body.category]).toEqual([403, "MISSING_SCOPES"])
    expect(deals.body.errors[0].context.requiredGranularScopes).toEqual(["crm.objects.deals.read"])
    const assoc = await call(fake, "/crm/v4/associations/contacts/deals/batch/read", { token, json: { inputs: [] } })
    expect(assoc.status).toBe(403)
    const gone = await call(fake, "/crm/v3/objects/contacts", { token: fake.tokens.deletedHub.accessToken })
    expect(gone.status).toBe(404)
    expect(gone.body.message).toMatch(/unknown to this Hublet/)
  })

  withFake("token endpoint: refresh keeps the refresh token unless rotation is on; BAD_* errors", { size: 1 }, async (fake) => {
    const base = { client_id: fake.clientId, client_secret: fake.clientSecret }
    const refreshed = await call(fake, "/oauth/v1/token", {
      token: null,
      form: { ...base, grant_type: "refresh_token", refresh_token: fake.tokens.good.refreshToken }
    })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body).toMatchObject({ token_type: "bearer", refresh_token: fake.tokens.good.refreshToken, expires_in: 1800 })
    expect((await call(fake, "/crm/v3/objects/deals", { token: refreshed.body.access_token })).status).toBe(200)
    const refuse = async (form: Record<string, string>) => (await call(fake, "/oauth/v1/token", { token: null, form })).body
    expect((await refuse({ ...base, grant_type: "refresh_token", refresh_token: fake.tokens.revoked.refreshToken })).status)
      .toBe("BAD_REFRESH_TOKEN")
    expect((await refuse({ ...base, grant_type: "refresh_token", refresh_token: fake.tokens.deletedHub.refreshToken })).status)
      .toBe("BAD_REFRESH_TOKEN")
    expect((await refuse({ ...base, client_secret: "wrong", grant_type: "refresh_token" })).status).toBe("BAD_CLIENT_SECRET")
    expect((await refuse({ ...base, grant_type: "password" })).status).toBe("BAD_GRANT_TYPE")
    const code = fake.authorize("https://app.example/cb")
    expect((await refuse({ ...base, grant_type: "authorization_code", code, redirect_uri: "https://evil.example" })).status)
      .toBe("BAD_REDIRECT_URI")
    expect(fake.refreshCount()).toBe(1)
  })

  withFake("rotation retires each refresh token once it is spent", { size: 1, rotateRefreshTokens: true }, async (fake) => {
    const form = (refresh: string) => ({
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      grant_type: "refresh_token",
      refresh_token: refresh
    })
    const first = await call(fake, "/oauth/v1/token", { token: null, form: form(fake.tokens.good.refreshToken) })
    expect(first.body.refresh_token).not.toBe(fake.tokens.good.refreshToken)
    const replay = await call(fake, "/oauth/v1/token", { token: null, form: form(fake.tokens.good.refreshToken) })
    expect([replay.status, replay.body.status]).toEqual([400, "BAD_REFRESH_TOKEN"])
    expect((await call(fake, "/oauth/v1/token", { token: null, form: form(first.body.refresh_token) })).status).toBe(200)
  })
})

describe("HubSpotFake objects", () => {
  withFake("lists with after paging, rate-limit headers, inline associations and archived listings", { size: 25 }, async (fake) => {
    const first = await call(fake, "/crm/v3/objects/deals?limit=10&associations=companies,contacts&properties=dealname,amount")
    expect(first.body.results).toHaveLength(10)
    expect(first.headers.get("x-hubspot-ratelimit-max")).toBe("110")
    expect(first.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("10000")
    expect(first.headers.get("x-hubspot-ratelimit-daily")).toBeNull()
    expect(first.headers.get("date")).toBe("Mon, 05 Jan 2026 09:00:00 GMT")
    const deal = first.body.results[0]
    expect(Object.keys(deal.properties).sort()).toEqual(["amount", "createdate", "dealname", "hs_lastmodifieddate", "hs_object_id"])
    expect(deal.associations.contacts.results[0].type).toBe("deal_to_contact")
    const after = first.body.paging.next.after
    const second = await call(fake, `/crm/v3/objects/deals?limit=10&after=${after}`)
    expect(second.body.results[0].id).toBe(fake.idAt("deals", 10))
    const third = await call(fake, `/crm/v3/objects/deals?limit=10&after=${second.body.paging.next.after}`)
    expect([third.body.results.length, third.body.paging]).toEqual([5, undefined])
    expect((await call(fake, "/crm/v3/objects/deals?limit=101")).status).toBe(400)
    fake.archive("deals", fake.idAt("deals", 3))
    const archived = await call(fake, "/crm/v3/objects/deals?archived=true")
    expect(archived.body.results).toMatchObject([{ id: fake.idAt("deals", 3), archived: true }])
    expect(Date.parse(archived.body.results[0].archivedAt)).toBe(fake.clock.now())
  })

  withFake("search filters on the modified date (GTE/LT/BETWEEN), sorts both ways, counts, and caps paging at 10,000", { size: 300 }, async (fake) => {
    const all = await search(fake, "companies", { sorts: [{ propertyName: "hs_lastmodifieddate", direction: "ASCENDING" }], limit: 200 })
    expect(all.body.total).toBe(300)
    expect(all.headers.get("x-hubspot-ratelimit-max")).toBeNull()
    const times = all.body.results.map((r: { properties: Record<string, string> }) => Date.parse(r.properties["hs_lastmodifieddate"]!))
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    const pivot = times[150]
    const newer = await search(fake, "companies", {
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(pivot) }] }],
      sorts: [{ propertyName: "hs_lastmodifieddate", direction: "DESCENDING" }],
      limit: 5
    })
    expect(newer.body.total).toBe(150)
    expect(newer.body.paging.next.after).toBe("5")
    const between = await search(fake, "companies", {
      filterGroups: [{
        filters: [{ propertyName: "hs_lastmodifieddate", operator: "BETWEEN", value: String(times[10]), highValue: String(times[19]) }]
      }]
    })
    expect(between.body.total).toBe(10)
    fake.update("companies", fake.idAt("companies", 0), { name: "Zeta" })
    const latest = await search(fake, "companies", { sorts: [{ propertyName: "hs_lastmodifieddate", direction: "DESCENDING" }], limit: 1 })
    expect(latest.body.results[0].id).toBe(fake.idAt("companies", 0))
    const byName = await search(fake, "companies", {
      filterGroups: [{ filters: [{ propertyName: "name", operator: "EQ", value: "Zeta" }] }],
      properties: ["name"]
    })
    expect(byName.body.results.map((r: { id: string }) => r.id)).toEqual([fake.idAt("companies", 0)])
    const wrong = await search(fake, "contacts", {
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: "0" }] }]
    })
    expect([wrong.status, wrong.body.category]).toEqual([400, "VALIDATION_ERROR"])
    expect((await search(fake, "contacts", { after: "10000" })).status).toBe(400)
    expect((await search(fake, "contacts", { limit: 201 })).status).toBe(400)
  })

  withFake("archive, merge and purge move HubSpot's own signals", { size: 10 }, async (fake) => {
    const [a, b, c, d] = [0, 1, 2, 3].map((i) => fake.idAt("contacts", i))
    const before = fake.get("contacts", a!)!.properties["lastmodifieddate"]
    fake.archive("contacts", a!)
    expect(fake.get("contacts", a!)!.properties["lastmodifieddate"]).toBe(before)
    expect(fake.get("contacts", a!)!.archived).toBe(true)
    const mergedEmail = fake.get("contacts", c!)!.properties["email"]
    fake.merge("contacts", b!, c!)
    expect(fake.get("contacts", b!)!.properties).toMatchObject({ hs_merged_object_ids: c, hs_additional_emails: mergedEmail })
    expect(fake.get("contacts", c!)).toBeUndefined()
    const redirected = await call(fake, `/crm/v3/objects/contacts/${c}`)
    expect(redirected.body.id).toBe(b)
    fake.purge("contacts", d!)
    expect((await call(fake, `/crm/v3/objects/contacts/${d}`)).status).toBe(404)
    expect((await call(fake, `/crm/v3/objects/contacts/${d}?archived=true`)).status).toBe(404)
    const listed = await call(fake, "/crm/v3/objects/contacts?limit=100")
    expect(listed.body.results.map((r: { id: string }) => r.id)).not.toEqual(expect.arrayContaining([a, c, d]))
    expect(listed.body.results).toHaveLength(7)
  })

  withFake("v4 association batches name the primary company and report deals without associations", { size: 20 }, async (fake) => {
    const lonely = fake.create("deals", { dealname: "No one", dealstage: "closedlost", pipeline: "default" })
    const withOne = fake.idAt("deals", 0)
    const answer = await call(fake, "/crm/v4/associations/deals/companies/batch/read", {
      json: { inputs: [{ id: withOne }, { id: lonely }] }
    })
    expect(answer.status).toBe(207)
    expect(answer.body.errors).toHaveLength(1)
    const types = answer.body.results[0].to[0].associationTypes.map((t: { typeId: number }) => t.typeId)
    expect(types).toEqual([5, 341])
    expect(fake.get("deals", lonely)!.properties).toMatchObject({ hs_is_closed: "true", hs_is_closed_won: "false" })
  })

  withFake("throttle knobs answer with HubSpot's 429 body and headers", { size: 3 }, async (fake) => {
    fake.throttle({ times: 1 })
    const burst = await call(fake, "/crm/v3/objects/contacts")
    expect([burst.status, burst.body.policyName, burst.body.errorType]).toEqual([429, "TEN_SECONDLY_ROLLING", "RATE_LIMIT"])
    expect(burst.headers.get("x-hubspot-ratelimit-remaining")).toBe("0")
    expect(burst.headers.get("retry-after")).toBeNull()
    fake.throttle({ times: 1, policy: "SECONDLY", retryAfter: 1 })
    expect((await call(fake, "/crm/v3/objects/contacts")).status).toBe(200)
    const secondly = await search(fake, "contacts", {})
    expect([secondly.status, secondly.body.policyName, secondly.headers.get("retry-after")]).toEqual([429, "SECONDLY", "1"])
    fake.throttle({ times: 1, policy: "DAILY" })
    const daily = await call(fake, "/crm/v3/objects/contacts")
    expect(daily.headers.get("x-hubspot-ratelimit-daily-remaining")).toBe("0")
  })

  withFake("serves a million-record portal on demand: first and last pages, and a delta search", { size: 1_000_000 }, async (fake) => {
    const first = await call(fake, "/crm/v3/objects/contacts?limit=100")
    expect(first.body.results).toHaveLength(100)
    const lastId = Number(fake.idAt("contacts", 999_999))
    const after = Buffer.from(String(lastId - 49)).toString("base64url")
    const last = await call(fake, `/crm/v3/objects/contacts?limit=100&after=${after}`)
    expect(last.body.results.map((r: { id: string }) => r.id).at(-1)).toBe(String(lastId))
    expect(last.body.paging).toBeUndefined()
    fake.update("contacts", fake.idAt("contacts", 123_456), { jobtitle: "Archivist" })
    const changed = await search(fake, "contacts", {
      filterGroups: [{ filters: [{ propertyName: "lastmodifieddate", operator: "GTE", value: String(fake.clock.now()) }] }],
      properties: ["jobtitle"]
    })
    expect(changed.body.total).toBe(1)
    expect(changed.body.results[0].properties.jobtitle).toBe("Archivist")
  })
})
