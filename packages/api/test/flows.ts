import { expect } from "@effect/vitest"
import { BambooHRFake } from "@weft/testing"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { type Answer, eventually, type Harness } from "./support.js"

/**
 * Steps the endpoint tests share: calls as Effects, the checks every error
 * answer must pass, and the flows that set up a connected integration.
 */

type CallOptions = Parameters<Harness["call"]>[2]

/** `h.call` as an Effect. */
export const call = (h: Harness, method: string, path: string, options?: CallOptions): Effect.Effect<Answer> =>
  Effect.promise(() => h.call(method, path, options))

/** Waits (in real time: loopback I/O) until `check` returns a value. */
export const until = <A>(check: () => Promise<A | undefined>, timeoutMs?: number): Effect.Effect<A> =>
  Effect.promise(() => eventually(check, timeoutMs))

/** A JSON error answer with this status, `_tag` and `code`, and a message. */
export const expectError = (answer: Answer, status: number, tag: string, code?: string): void => {
  expect({ status: answer.status, tag: answer.json?._tag, code: answer.json?.code }, answer.text).toEqual({
    status,
    tag,
    code: code ?? answer.json?.code
  })
  expect(answer.headers.get("content-type")).toMatch(/^application\/json/)
  expect(typeof answer.json.message).toBe("string")
  expect(answer.json.message.length).toBeGreaterThan(0)
}

/** A 400 naming `path`. */
export const expectBadRequest = (answer: Answer, path: string, code = "invalid_input"): void => {
  expectError(answer, 400, "BadRequest", code)
  expect(answer.json.path).toBe(path)
}

export const expectOk = (answer: Answer, status = 200): void => {
  expect(answer.status, answer.text).toBe(status)
}

export interface Session {
  readonly id: string
  readonly token: string
  readonly tenant: string
  readonly connectors: ReadonlyArray<string>
  readonly expiresAt: string
}

/** A connect session minted with the admin key. */
export const newSession = (h: Harness, body: Record<string, unknown> = { tenant: "acme" }): Effect.Effect<Session> =>
  Effect.map(call(h, "POST", "/connect-sessions", { body }), (answer) => {
    expectOk(answer, 201)
    return answer.json as Session
  })

export const bambooCredentials = (apiKey: string = BambooHRFake.keys.admin) => ({ companyDomain: "acme", apiKey })

/** Connects BambooHR through a connect session, as the end user's browser would. */
export const connectBamboo = (h: Harness, tenant = "acme"): Effect.Effect<string> =>
  Effect.gen(function*() {
    const session = yield* newSession(h, { tenant, connectors: ["bamboohr"] })
    const answer = yield* call(h, "POST", "/connect/integrations", {
      token: session.token,
      body: { connector: "bamboohr", credentials: bambooCredentials() }
    })
    expectOk(answer, 201)
    return answer.json.integrationId as string
  })

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs are read field by field
export type Json = any

/** The newest run of an integration (or sync) once it finished and all its events were consumed. */
export const settledRun = (h: Harness, query: string): Effect.Effect<Json> =>
  until(async () => {
    const answer = await h.call("GET", `/runs?${query}`)
    const run = answer.json?.items?.[0]
    return run !== undefined && run.status !== "running" && run.delivery.allConsumed ? run : undefined
  })

/** The first sync of an integration. */
export const syncOf = (h: Harness, integrationId: string): Effect.Effect<Json> =>
  Effect.map(call(h, "GET", `/syncs?integrationId=${integrationId}`), (answer) => {
    expectOk(answer)
    expect(answer.json.items.length).toBeGreaterThan(0)
    return answer.json.items[0]
  })

/** BambooHR connected, its initial run done and delivered: the integration, its sync and that run. */
export const connectedBamboo = (h: Harness, tenant = "acme"): Effect.Effect<{ integrationId: string; sync: Json; run: Json }> =>
  Effect.gen(function*() {
    const integrationId = yield* connectBamboo(h, tenant)
    const run = yield* settledRun(h, `integrationId=${integrationId}`)
    const sync = yield* syncOf(h, integrationId)
    return { integrationId, sync, run }
  })

/**
 * Runs `promise` while moving the TestClock forward by `step` until it
 * settles: for calls that wait on the Clock (retries, backoff) on the
 * server's side.
 */
export const whileAdvancing = <A>(promise: Promise<A>, step: Duration.DurationInput = "1 minute"): Effect.Effect<A> =>
  Effect.gen(function*() {
    let done = false
    const settled = promise.finally(() => {
      done = true
    })
    while (!done) {
      yield* TestClock.adjust(step)
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
    }
    return yield* Effect.promise(() => settled)
  })

/** Every key of every object in a JSON value. */
export const keysOf = (value: unknown): ReadonlyArray<string> => {
  if (Array.isArray(value)) return value.flatMap(keysOf)
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)])
  }
  return []
}

// ---- OAuth: what a browser does at the HubSpot fake's consent step

const unescape = (text: string) =>
  text.replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")

/** The consent page's forms, as a browser would submit them by their one button. */
export const formsOf = (page: string) =>
  [...page.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)].map(([, action, body]) => {
    const fields: Record<string, string> = {}
    for (const [, name, value] of body!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields[name!] = unescape(value!)
    }
    const button = /<button type="submit" name="([^"]+)" value="([^"]+)">([^<]+)<\/button>/.exec(body!)!
    fields[button[1]!] = button[2]!
    return { action: action!, label: button[3]!, fields }
  })

/** A browser's visit: status, where it redirects, and the page. */
export interface Visit {
  readonly status: number
  readonly type: string | null
  readonly location: string | null
  readonly page: string
  readonly headers: Headers
}

export const visit = (url: string, form?: Record<string, string>, cookie?: string): Effect.Effect<Visit> =>
  Effect.promise(async () => {
    const cookieHeader: Record<string, string> = cookie === undefined ? {} : { cookie }
    const response = await fetch(url, {
      redirect: "manual",
      ...(form === undefined
        ? { headers: cookieHeader }
        : {
          method: "POST",
          headers: { ...cookieHeader, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(form).toString()
        })
    })
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      location: response.headers.get("location"),
      page: await response.text(),
      headers: response.headers
    }
  })

/**
 * Follows an authorisation URL through the HubSpot fake's consent step to
 * where it redirects (the API's callback): by clicking `button` on the
 * consent page, or at once when the fake grants (`consent: "auto"`) or
 * declines (`denyNextConsent`) by itself.
 */
export const throughConsent = (h: Harness, url: string, button: "Grant access" | "Cancel" = "Grant access") =>
  Effect.gen(function*() {
    const first = yield* visit(url)
    if (first.status === 302) return first.location!
    expect(first.status, first.page).toBe(200)
    const form = formsOf(first.page).find((f) => f.label === button)!
    const decided = yield* visit(new URL(form.action, h.hubspot.url).toString(), form.fields)
    expect(decided.status).toBe(302)
    return decided.location!
  })

/** The `name=value` of the cookie an answer set (what a browser would send back). */
export const browserCookie = (answer: Answer): string | undefined => answer.headers.get("set-cookie")?.split(";")[0]

/** The result the callback page hands to the window that opened it. */
export const pageResult = (page: string): Json => {
  const match = /<script type="application\/json" id="weft-oauth-result">([\s\S]*?)<\/script>/.exec(page)
  expect(match).not.toBeNull()
  return JSON.parse(match![1]!)
}

/** An OAuth authorisation from start to the callback's answer. */
export const authorizeHubSpot = (
  h: Harness,
  token: string,
  options: { readonly returnUrl?: string; readonly button?: "Grant access" | "Cancel" } = {}
) =>
  Effect.gen(function*() {
    const started = yield* call(h, "POST", "/connect/oauth2/hubspot/authorize", {
      token,
      body: options.returnUrl === undefined ? {} : { returnUrl: options.returnUrl }
    })
    expectOk(started)
    const callback = yield* throughConsent(h, started.json.url, options.button)
    expect(callback.startsWith(`${h.url}/connect/oauth2/callback?`)).toBe(true)
    // The browser that started it sends back the cookie `authorize` set.
    const cookie = browserCookie(started)
    const answer = yield* visit(callback, undefined, cookie)
    return { url: started.json.url as string, callback, answer, cookie }
  })
