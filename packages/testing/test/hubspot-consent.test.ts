import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { HubSpot } from "@weft/connectors"
import { Auth } from "@weft/core/connector"
import { HubSpotFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { fixture } from "../src/fakes/hubspot/fixture.js"

const callback = "https://app.example/oauth/callback"

/** A browser's view of an answer: status, where it redirects, and the page. */
const visit = async (url: string, form?: Record<string, string>) => {
  const response = await fetch(url, {
    redirect: "manual",
    ...(form === undefined
      ? {}
      : { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() })
  })
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    location: response.headers.get("location"),
    page: await response.text()
  }
}

const unescape = (text: string) =>
  text.replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")

/** The page's forms, as a browser would submit them by their one button. */
const formsOf = (page: string) =>
  [...page.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)].map(([, action, body]) => {
    const fields: Record<string, string> = {}
    for (const [, name, value] of body!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields[name!] = unescape(value!)
    }
    const button = /<button type="submit" name="([^"]+)" value="([^"]+)">([^<]+)<\/button>/.exec(body!)!
    fields[button[1]!] = button[2]!
    return { action: action!, label: button[3]!, fields }
  })

const connectorFor = (fake: HubSpotFake.Fake) => {
  const hubspot = HubSpot.connector({
    clientId: fake.clientId,
    clientSecret: Redacted.make(fake.clientSecret),
    baseUrl: fake.url,
    tokenUrl: fake.tokenUrl,
    authorizeUrl: fake.authorizeUrl
  })
  if (hubspot.auth.kind !== "oauth2") throw new Error("HubSpot uses OAuth 2")
  return hubspot.auth
}

const withFake = <A>(options: HubSpotFake.Options, f: (fake: HubSpotFake.Fake) => Effect.Effect<A, unknown, never>) =>
  Effect.scoped(Effect.flatMap(HubSpotFake.scoped({ size: 3, ...options }), f))

describe("HubSpotFake consent", () => {
  it.live("grant: the page's button redirects with a code the connector exchanges for tokens that read the portal", () =>
    withFake({ appName: "Acme Sync", portalName: "Harbor & Sons" }, (fake) =>
      Effect.gen(function*() {
        const auth = connectorFor(fake)
        const url = Auth.authorizationUrl(auth, { redirectUri: callback, state: "st<1>" })
        expect(url.startsWith(`${fake.authorizeUrl}?`)).toBe(true)
        const page = yield* Effect.promise(() => visit(url))
        expect([page.status, page.type, page.location]).toEqual([200, "text/html; charset=utf-8", null])
        expect(page.page).toContain("<html lang=\"en\">")
        expect(page.page).toMatch(/<title>Connect Acme Sync to HubSpot<\/title>/)
        expect(page.page).toContain(`<h1>Acme Sync wants to access Harbor &amp; Sons (Hub ID ${fake.hubId})</h1>`)
        for (const scope of HubSpot.defaultScopes) expect(page.page).toContain(`<li><code>${scope}</code></li>`)

        const forms = formsOf(page.page)
        expect(forms.map((f) => [f.action, f.label])).toEqual([
          ["/oauth/authorize/decision", "Grant access"],
          ["/oauth/authorize/decision", "Cancel"]
        ])
        expect(forms[0]!.fields).toEqual({
          client_id: fake.clientId,
          redirect_uri: callback,
          scope: HubSpot.defaultScopes.join(" "),
          state: "st<1>",
          decision: "grant"
        })

        const granted = yield* Effect.promise(() => visit(new URL(forms[0]!.action, fake.url).toString(), forms[0]!.fields))
        expect(granted.status).toBe(302)
        const back = new URL(granted.location!)
        expect(back.origin + back.pathname).toBe(callback)
        expect(back.searchParams.get("state")).toBe("st<1>")
        const code = back.searchParams.get("code")!
        expect(code).toMatch(/^[0-9a-f-]{36}$/)

        const tokens = yield* Auth.exchangeCode(auth, "hubspot", { code, redirectUri: callback })
        const read = yield* Effect.promise(() =>
          fetch(`${fake.url}/crm/v3/objects/deals`, { headers: { authorization: `Bearer ${Redacted.value(tokens.accessToken)}` } })
        )
        expect(read.status).toBe(200)
        // The code is bound to the redirect URL it was issued for, and spent once exchanged.
        const again = yield* Effect.either(Auth.exchangeCode(auth, "hubspot", { code, redirectUri: callback }))
        expect(again._tag).toBe("Left")
        expect(fake.authProblems()).toEqual([])
      }).pipe(Effect.provide(NodeHttpClient.layerUndici))))

  it.live("the code is refused at the token endpoint for another redirect URL", () =>
    withFake({}, (fake) =>
      Effect.gen(function*() {
        const auth = connectorFor(fake)
        const page = yield* Effect.promise(() => visit(Auth.authorizationUrl(auth, { redirectUri: callback, state: "s" })))
        const grant = formsOf(page.page)[0]!
        const granted = yield* Effect.promise(() => visit(`${fake.url}${grant.action}`, grant.fields))
        const code = new URL(granted.location!).searchParams.get("code")!
        const refused = yield* Effect.either(Auth.exchangeCode(auth, "hubspot", { code, redirectUri: "https://evil.example/cb" }))
        expect(refused._tag === "Left" && refused.left._tag).toBe("ReauthRequiredError")
      }).pipe(Effect.provide(NodeHttpClient.layerUndici))))

  it.live("cancel redirects with access_denied and the state, and mints no code", () =>
    withFake({}, (fake) =>
      Effect.promise(async () => {
        const page = await visit(`${fake.authorizeUrl}?client_id=${fake.clientId}&redirect_uri=${encodeURIComponent(callback)}` +
          "&scope=crm.objects.contacts.read%20crm.objects.deals.read&state=xyz")
        const cancel = formsOf(page.page).find((f) => f.label === "Cancel")!
        const answer = await visit(`${fake.url}${cancel.action}`, cancel.fields)
        expect(answer.status).toBe(302)
        const back = new URL(answer.location!)
        expect(back.origin + back.pathname).toBe(callback)
        expect(back.searchParams.get("error")).toBe("access_denied")
        expect(back.searchParams.get("error_description")).toMatch(/declined/)
        expect(back.searchParams.get("state")).toBe("xyz")
        expect(back.searchParams.has("code")).toBe(false)
      })))

  it.live("an unknown client, a missing or non-http(s) redirect URL or a scope the app lacks get a 400 page and never a redirect", () =>
    withFake({ redirectUris: [callback, "http://localhost:3000/cb"] }, (fake) =>
      Effect.promise(async () => {
        const query = (params: Record<string, string>) =>
          `${fake.authorizeUrl}?${new URLSearchParams({ client_id: fake.clientId, redirect_uri: callback, scope: "crm.objects.contacts.read", state: "s", ...params })}`
        const cases: Array<[Record<string, string>, RegExp]> = [
          [{ client_id: "not-this-app" }, /invalid app client_id/],
          [{ redirect_uri: "" }, /redirect URL is missing/],
          [{ redirect_uri: "javascript:alert(1)" }, /not an http\(s\) URL/],
          [{ redirect_uri: "https://evil.example/cb" }, /doesn&#39;t match the app&#39;s registered redirect URL/],
          [{ scope: "crm.objects.contacts.write" }, /mismatch between the scopes/],
          [{ optional_scope: "automation" }, /mismatch between the scopes/],
          [{ scope: "" }, /scopes are insufficient/]
        ]
        for (const [params, message] of cases) {
          const answer = await visit(query(params))
          expect([answer.status, answer.location, answer.type]).toEqual([400, null, "text/html; charset=utf-8"])
          expect(answer.page).toMatch(message)
          expect(answer.page).not.toContain("<form")
        }
        // A decision posted for a request the page would refuse redirects nowhere either.
        const forged = await visit(`${fake.url}/oauth/authorize/decision`, {
          client_id: fake.clientId,
          redirect_uri: "https://evil.example/cb",
          scope: "crm.objects.contacts.read",
          decision: "grant"
        })
        expect([forged.status, forged.location]).toEqual([400, null])
        // The registered localhost URL is fine over plain http.
        expect((await visit(query({ redirect_uri: "http://localhost:3000/cb" }))).status).toBe(200)
        expect(fake.authProblems()).toEqual([])
      })))

  it.live("optional_scope is listed and granted with the scopes", () =>
    withFake({}, (fake) =>
      Effect.promise(async () => {
        const page = await visit(`${fake.authorizeUrl}?${new URLSearchParams({
          client_id: fake.clientId,
          redirect_uri: callback,
          scope: "crm.objects.contacts.read",
          optional_scope: "crm.objects.deals.read"
        })}`)
        expect(page.page).toContain("<li><code>crm.objects.deals.read</code> (optional)</li>")
        const grant = formsOf(page.page)[0]!
        expect(grant.fields["optional_scope"]).toBe("crm.objects.deals.read")
        expect(grant.fields["state"]).toBeUndefined()
        const granted = await visit(`${fake.url}${grant.action}`, grant.fields)
        const back = new URL(granted.location!)
        expect(back.searchParams.has("state")).toBe(false)
        const exchanged = await fetch(fake.tokenUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "authorization_code",
            client_id: fake.clientId,
            client_secret: fake.clientSecret,
            redirect_uri: callback,
            code: back.searchParams.get("code")!
          }).toString()
        })
        const token = (await exchanged.json() as { access_token: string }).access_token
        const deals = await fetch(`${fake.url}/crm/v3/objects/deals`, { headers: { authorization: `Bearer ${token}` } })
        const companies = await fetch(`${fake.url}/crm/v3/objects/companies`, { headers: { authorization: `Bearer ${token}` } })
        expect([deals.status, companies.status]).toEqual([200, 403])
      })))

  it.live("auto mode redirects at once as if granted; denyNextConsent declines the next request only", () =>
    withFake({ consent: "auto" }, (fake) =>
      Effect.gen(function*() {
        const auth = connectorFor(fake)
        const url = Auth.authorizationUrl(auth, { redirectUri: callback, state: "auto-1" })
        const first = yield* Effect.promise(() => visit(url))
        expect(first.status).toBe(302)
        const back = new URL(first.location!)
        expect(back.searchParams.get("state")).toBe("auto-1")
        const tokens = yield* Auth.exchangeCode(auth, "hubspot", { code: back.searchParams.get("code")!, redirectUri: callback })
        expect(Redacted.value(tokens.accessToken)).toMatch(/^CK/)

        fake.denyNextConsent()
        const denied = new URL((yield* Effect.promise(() => visit(url))).location!)
        expect([denied.searchParams.get("error"), denied.searchParams.get("state"), denied.searchParams.has("code")])
          .toEqual(["access_denied", "auto-1", false])
        const next = new URL((yield* Effect.promise(() => visit(url))).location!)
        expect(next.searchParams.has("code")).toBe(true)
        // Auto mode still refuses what it cannot trust.
        const bad = yield* Effect.promise(() => visit(url.replace(`client_id=${fake.clientId}`, "client_id=other")))
        expect([bad.status, bad.location]).toEqual([400, null])
      }).pipe(Effect.provide(NodeHttpClient.layerUndici))))

  it.live("the conformance fixture's connector sends the end user to the fake's consent page", () =>
    Effect.gen(function*() {
      const instance = yield* fixture.setup({ size: 3, seed: 1 })
      const auth = instance.connector.auth
      if (auth.kind !== "oauth2") return expect.fail("HubSpot uses OAuth 2")
      const url = new URL(Auth.authorizationUrl(auth, { redirectUri: callback, state: "s" }))
      expect([url.hostname, url.pathname]).toEqual(["127.0.0.1", "/oauth/authorize"])
      const page = yield* Effect.promise(() => visit(url.toString()))
      expect(page.status).toBe(200)
      expect(formsOf(page.page).map((f) => f.label)).toEqual(["Grant access", "Cancel"])
      expect(instance.authProblems()).toEqual([])
    }).pipe(Effect.scoped))
})
