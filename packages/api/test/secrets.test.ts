import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as OpenApi from "@effect/platform/OpenApi"
import { describe, expect, it } from "@effect/vitest"
import { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import { WeftApi } from "../src/WeftApi.js"
import {
  authorizeHubSpot,
  bambooCredentials,
  call,
  connectBamboo,
  connectedBamboo,
  type Json,
  keysOf,
  newSession,
  pageResult,
  visit
} from "./flows.js"
import { type Answer, type Harness, harness, ROTATED_SECRET, WEBHOOK_SECRET } from "./support.js"

/**
 * Every endpoint is called (successes and failures, inputs that carry
 * secrets included), and no answer, body or header, shows a secret: not the
 * API keys, webhook signing secrets, the session-signing secret, the vault
 * key, the providers' keys, the OAuth client secret, nor any token the OAuth
 * provider issued.
 */

interface World {
  readonly h: Harness
  readonly integrationId: string
  readonly hubspotId: string
  readonly sync: Json
  readonly run: Json
  readonly event: Json
  readonly oauthAnswers: ReadonlyArray<Answer>
}

type Walk = (w: World) => Effect.Effect<ReadonlyArray<Answer>>

const all = (...calls: ReadonlyArray<Effect.Effect<Answer>>) => Effect.all(calls, { concurrency: 1 })

const WRONG_KEY = "bhr-0f1e2d3c4b5a69788796a5b4c3d2e1f0"

/** A browser visit as an answer, to check its page and headers too. */
const visited = (url: string) =>
  Effect.map(visit(url), (v): Answer => ({ status: v.status, text: v.page, json: undefined, headers: v.headers }))

// One entry per operation of the OpenAPI document.
const endpoints: Record<string, Walk> = {
  "health.health": ({ h }) => all(call(h, "GET", "/health", { token: null })),
  "health.ready": ({ h }) => all(call(h, "GET", "/ready", { token: null })),
  "sessions.create": ({ h }) =>
    all(
      call(h, "POST", "/connect-sessions", { body: { tenant: "acme", connectors: ["bamboohr"] } }),
      call(h, "POST", "/connect-sessions", { body: { tenant: WEBHOOK_SECRET.length } })
    ),
  "connect.session": ({ h }) =>
    Effect.flatMap(newSession(h), (session) => all(call(h, "GET", "/connect/session", { token: session.token }))),
  "connect.submit": ({ h }) =>
    Effect.flatMap(newSession(h, { tenant: "umbrella" }), (session) => {
      const submit = (credentials: unknown) =>
        call(h, "POST", "/connect/integrations", { token: session.token, body: { connector: "bamboohr", credentials } })
      return all(
        submit(bambooCredentials(WRONG_KEY)),
        submit({ companyDomain: "acme", apiKey: BambooHRFake.keys.admin, extra: BambooHRFake.keys.restricted }),
        submit(BambooHRFake.keys.admin),
        submit(bambooCredentials(BambooHRFake.keys.noAccess)),
        submit(bambooCredentials()),
        submit(bambooCredentials())
      )
    }),
  "connect.authorize": ({ h }) =>
    Effect.flatMap(newSession(h, { tenant: "acme", connectors: ["hubspot"] }), (session) =>
      all(
        call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: session.token, body: { returnUrl: "https://app.example/done" } }),
        call(h, "POST", "/connect/oauth2/hubspot/authorize", { token: session.token, body: { returnUrl: WEBHOOK_SECRET } })
      )),
  "oauthCallback.callback": ({ h, oauthAnswers }) =>
    Effect.gen(function*() {
      h.hubspot.denyNextConsent()
      const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
      const denied = yield* authorizeHubSpot(h, session.token)
      const tampered = yield* call(h, "GET", "/connect/oauth2/callback?state=wos_x.y&code=abc", { token: null })
      return [...oauthAnswers, yield* visited(denied.callback), tampered]
    }),
  "integrations.list": ({ h }) => all(call(h, "GET", "/integrations"), call(h, "GET", "/integrations?connector=hubspot")),
  "integrations.get": ({ h, hubspotId, integrationId }) =>
    all(call(h, "GET", `/integrations/${integrationId}`), call(h, "GET", `/integrations/${hubspotId}`)),
  "integrations.disconnect": ({ h }) =>
    Effect.flatMap(connectBamboo(h, "initech"), (id) =>
      all(call(h, "DELETE", `/integrations/${id}`), call(h, "DELETE", `/integrations/${id}`))),
  "integrations.revalidate": ({ h, hubspotId, integrationId }) =>
    Effect.gen(function*() {
      const ok = yield* call(h, "POST", `/integrations/${integrationId}/revalidate`)
      h.bamboo.faults.inject({ kind: "status", status: 401, headers: { "x-bamboohr-message": "Invalid API key" }, body: "" }, { times: 3 })
      const refused = yield* call(h, "POST", `/integrations/${integrationId}/revalidate`)
      h.bamboo.faults.clear()
      const again = yield* call(h, "POST", `/integrations/${integrationId}/revalidate`)
      return [ok, refused, again, yield* call(h, "POST", `/integrations/${hubspotId}/revalidate`)]
    }),
  "integrations.updateCredentials": ({ h, integrationId }) =>
    all(
      call(h, "PUT", `/integrations/${integrationId}/credentials`, { body: { credentials: bambooCredentials(WRONG_KEY) } }),
      call(h, "PUT", `/integrations/${integrationId}/credentials`, { body: { credentials: BambooHRFake.keys.admin } }),
      call(h, "PUT", `/integrations/${integrationId}/credentials`, { body: { credentials: { apiKey: BambooHRFake.keys.admin } } }),
      call(h, "PUT", `/integrations/${integrationId}/credentials`, { body: { credentials: bambooCredentials() } })
    ),
  "integrations.passthrough": ({ h, hubspotId, integrationId }) =>
    Effect.gen(function*() {
      const pass = (id: string, body: unknown) => call(h, "POST", `/integrations/${id}/passthrough`, { body })
      const answers = yield* all(
        pass(integrationId, { method: "GET", path: "/api/v1/employees/1", headers: { accept: "application/json" } }),
        pass(integrationId, { method: "GET", path: "/api/v1/meta/fields", headers: { Authorization: `Basic ${BambooHRFake.keys.admin}` } }),
        pass(integrationId, { method: "GET", path: `https://collector.example/?key=${BambooHRFake.keys.admin}` }),
        pass(hubspotId, { method: "GET", path: "/crm/v3/objects/contacts", query: { limit: "2" } })
      )
      // A refresh on the way: the refreshed tokens must not show either.
      h.hubspot.expireAccessTokens()
      return [...answers, yield* pass(hubspotId, { method: "GET", path: "/crm/v3/objects/deals", query: { limit: "1" } })]
    }),
  "syncs.list": ({ h }) => all(call(h, "GET", "/syncs")),
  "syncs.get": ({ h, sync }) => all(call(h, "GET", `/syncs/${sync.id}`)),
  "syncs.create": ({ h, integrationId }) =>
    all(
      call(h, "POST", "/syncs", {
        body: { integrationId, destination: { url: `${h.receiver.url}/created`, secrets: [ROTATED_SECRET] }, paused: true }
      }),
      call(h, "POST", "/syncs", { body: { integrationId, destination: { url: 42, secrets: [WEBHOOK_SECRET] } } }),
      call(h, "POST", "/syncs", { body: { integrationId, destination: { url: "ftp://x.example", secrets: [WEBHOOK_SECRET] } } })
    ),
  "syncs.pause": ({ h, sync }) => all(call(h, "POST", `/syncs/${sync.id}/pause`)),
  "syncs.resume": ({ h, sync }) => all(call(h, "POST", `/syncs/${sync.id}/resume`)),
  "syncs.trigger": ({ h, sync }) => all(call(h, "POST", `/syncs/${sync.id}/trigger`, { body: { type: "manual" } })),
  "syncs.resync": ({ h, sync }) =>
    all(call(h, "POST", `/syncs/${sync.id}/resync`, { body: { model: "hris.employee", recordId: "2", force: true } })),
  "syncs.delete": ({ h, integrationId }) =>
    Effect.gen(function*() {
      const created = yield* call(h, "POST", "/syncs", {
        body: { integrationId, destination: { url: h.receiver.url, secrets: [WEBHOOK_SECRET] }, paused: true }
      })
      return [created, yield* call(h, "DELETE", `/syncs/${created.json.id}`)]
    }),
  "runs.list": ({ h }) => all(call(h, "GET", "/runs?limit=500")),
  "runs.get": ({ h, run }) => all(call(h, "GET", `/runs/${run.id}`)),
  "events.list": ({ h }) => all(call(h, "GET", "/events?limit=500")),
  "events.attempts": ({ event, h }) => all(call(h, "GET", `/events/${event.id}/attempts`)),
  "events.replay": ({ event, h, run }) =>
    all(call(h, "POST", "/events/replay", { body: { eventId: event.id } }), call(h, "POST", "/events/replay", { body: { runId: run.id } })),
  "destinations.list": ({ h }) => all(call(h, "GET", "/destinations")),
  "destinations.get": ({ h, sync }) => all(call(h, "GET", `/destinations/${sync.destinationId}`)),
  "destinations.create": ({ h }) =>
    all(
      call(h, "POST", "/destinations", { body: { url: `${h.receiver.url}/new`, secrets: [WEBHOOK_SECRET, ROTATED_SECRET] } }),
      call(h, "POST", "/destinations", { body: { url: h.receiver.url, secrets: [ROTATED_SECRET, "whsec_!"] } }),
      call(h, "POST", "/destinations", { body: { url: h.receiver.url, secrets: ROTATED_SECRET } })
    ),
  "destinations.enable": ({ h, sync }) => all(call(h, "POST", `/destinations/${sync.destinationId}/enable`)),
  "destinations.disable": ({ h, sync }) =>
    all(call(h, "POST", `/destinations/${sync.destinationId}/disable`, { body: { reason: "Rotating" } })),
  "destinations.rotateSecrets": ({ h, sync }) =>
    all(
      call(h, "PUT", `/destinations/${sync.destinationId}/secrets`, { body: { secrets: [WEBHOOK_SECRET, ROTATED_SECRET] } }),
      call(h, "PUT", `/destinations/${sync.destinationId}/secrets`, { body: { secrets: [ROTATED_SECRET, "nope"] } }),
      call(h, "PUT", `/destinations/${sync.destinationId}/secrets`, { body: { secrets: ROTATED_SECRET } })
    )
}

const operationIds = (): ReadonlyArray<string> => {
  const document = OpenApi.fromApi(WeftApi) as unknown as { paths: Record<string, Record<string, { operationId: string }>> }
  return Object.values(document.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId))
}

/** Every token the HubSpot fake issued or was sent, and the codes of its consents. */
const hubspotTokens = (h: Harness): ReadonlyArray<string> =>
  h.hubspot.requests.flatMap((r) => {
    const found: Array<string> = []
    const bearer = /^Bearer (\S+)$/i.exec(r.headers["authorization"] ?? "")
    if (bearer !== null) found.push(bearer[1]!)
    if (r.path === "/oauth/v1/token") {
      const form = new URLSearchParams(r.body)
      for (const name of ["refresh_token", "code"]) {
        const value = form.get(name)
        if (value !== null) found.push(value)
      }
    }
    return found
  })

const walk = (store: "memory" | "sqlite") =>
  Effect.gen(function*() {
    let sqlite: { sqlite: string } | undefined
    if (store === "sqlite") {
      const dir = mkdtempSync(join(tmpdir(), "weft-api-secrets-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      sqlite = { sqlite: join(dir, "weft.db") }
    }
    const h = yield* harness({ store: sqlite })
    const { integrationId, run, sync } = yield* connectedBamboo(h)
    const session = yield* newSession(h, { tenant: "acme", connectors: ["hubspot"] })
    const granted = yield* authorizeHubSpot(h, session.token, { returnUrl: "https://app.example/done" })
    const hubspotId = new URL(granted.answer.location!).searchParams.get("weft_integration_id")!
    const viaPage = yield* newSession(h, { tenant: "globex", connectors: ["hubspot"] })
    const page = yield* authorizeHubSpot(h, viaPage.token)
    expect(pageResult(page.answer.page).status).toBe("connected")
    const event = (yield* call(h, "GET", `/events?runId=${run.id}&type=record.new&limit=1`)).json.items[0]
    const world: World = {
      h,
      integrationId,
      hubspotId,
      sync,
      run,
      event,
      oauthAnswers: [
        { status: granted.answer.status, text: granted.answer.page, json: undefined, headers: granted.answer.headers },
        { status: page.answer.status, text: page.answer.page, json: undefined, headers: page.answer.headers }
      ]
    }

    expect(Object.keys(endpoints).sort()).toEqual([...operationIds()].sort())
    const answers: Array<readonly [string, Answer]> = []
    for (const [operation, run] of Object.entries(endpoints)) {
      for (const answer of yield* run(world)) answers.push([operation, answer])
    }
    for (const path of ["/openapi.json", "/docs"]) answers.push([path, yield* call(h, "GET", path, { token: null })])
    // Each operation answered at least once, and never with a server error.
    for (const operation of Object.keys(endpoints)) expect(answers.some(([o]) => o === operation)).toBe(true)
    for (const [operation, answer] of answers) expect(answer.status, `${operation}: ${answer.text}`).toBeLessThan(500)

    const tokens = hubspotTokens(h)
    expect(tokens.length).toBeGreaterThan(3)
    const secrets = [...new Set([...h.secrets, ...tokens, WRONG_KEY])]
    for (const [operation, answer] of answers) {
      const lines: Array<string> = []
      answer.headers.forEach((value, name) => lines.push(`${name}: ${value}`))
      const headers = lines.join("\n")
      for (const secret of secrets) {
        expect(answer.text.includes(secret), `${operation} answered a secret in its body`).toBe(false)
        expect(headers.includes(secret), `${operation} answered a secret in a header`).toBe(false)
      }
      if (answer.json !== undefined) {
        const keys = keysOf(answer.json)
        for (const key of ["secrets", "accessToken", "refreshToken", "clientSecret"]) {
          if (operation === "/openapi.json") continue // the document describes the inputs that carry them
          expect(keys, `${operation} answered a "${key}" field`).not.toContain(key)
        }
      }
    }
  })

describe("no answer shows a secret", () => {
  it.scoped("on the memory store: every endpoint", () => walk("memory"), { timeout: 300_000 })
  it.scoped("on the SQLite store: every endpoint", () => walk("sqlite"), { timeout: 300_000 })
})
