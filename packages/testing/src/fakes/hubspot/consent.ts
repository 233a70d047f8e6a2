import type { FakeRequest, FakeResponse } from "../kit/FakeServer.js"
import type { Portal } from "./portal.js"

/**
 * The fake's consent step, shaped like HubSpot's `GET /oauth/authorize`: a
 * page naming the app, the portal and the scopes asked for, whose buttons
 * post the user's decision; a granted consent redirects with an
 * authorization code for the token endpoint. A request HubSpot cannot trust
 * (unknown client, bad redirect URL, scopes the app was not configured with)
 * gets an error page and never a redirect.
 *
 * @since 0.1.0
 */

/**
 * How the fake's app is configured, and how consent is given.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConsentOptions {
  readonly clientId: string
  readonly appName: string
  readonly portalName: string
  /** The scopes the app is configured with: a request for any other is refused. */
  readonly appScopes: ReadonlyArray<string>
  /** The app's registered redirect URLs; `undefined` accepts any http(s) URL. */
  readonly redirectUris: ReadonlyArray<string> | undefined
  /** `page` shows the consent page; `auto` grants at once (tests without a browser). */
  readonly mode: "page" | "auto"
}

/**
 * The path of the consent page.
 *
 * @since 0.1.0
 * @category constants
 */
export const authorizePath = "/oauth/authorize"

/**
 * Where the consent page's buttons post.
 *
 * @since 0.1.0
 * @category constants
 */
export const decisionPath = "/oauth/authorize/decision"

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[c]!)

const html = (status: number, title: string, main: string): FakeResponse => ({
  status,
  headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  body: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`
})

const failure = (message: string): FakeResponse =>
  html(400, "Couldn't complete the connection", `<h1>Couldn't complete the connection</h1>\n<p role="alert">${escape(message)}</p>`)

const spaceList = (value: string | null): Array<string> =>
  (value ?? "").split(/[\s,]+/).filter((s) => s.length > 0)

/** A request the consent step may act on: every parameter checked. */
interface Request {
  readonly clientId: string
  readonly redirectUri: string
  readonly scope: ReadonlyArray<string>
  readonly optionalScope: ReadonlyArray<string>
  readonly state: string | null
}

/**
 * The consent step: the page, the decision, and the test hook that declines
 * the next request.
 *
 * @since 0.1.0
 * @category models
 */
export class Consent {
  private denyNext = false

  constructor(private readonly portal: Portal, private readonly options: ConsentOptions) {}

  /** The next valid authorization request is declined at once, as if the user clicked Cancel. */
  declineNext(): void {
    this.denyNext = true
  }

  /** The request's parameters, or the error page HubSpot shows instead of redirecting. */
  private validate(params: URLSearchParams): Request | FakeResponse {
    const clientId = params.get("client_id") ?? ""
    if (clientId !== this.options.clientId) {
      return failure("An invalid app client_id was provided. Please contact the app developer.")
    }
    const redirectUri = params.get("redirect_uri") ?? ""
    let url: URL | undefined
    try {
      url = new URL(redirectUri)
    } catch {
      url = undefined
    }
    if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
      return failure("Authorization failed because the redirect URL is missing or is not an http(s) URL. Please contact the app developer.")
    }
    if (this.options.redirectUris !== undefined && !this.options.redirectUris.includes(redirectUri)) {
      return failure(`Authorization failed as the redirect URL '${redirectUri}' doesn't match the app's registered redirect URL.`)
    }
    const scope = spaceList(params.get("scope"))
    const optionalScope = spaceList(params.get("optional_scope"))
    if (scope.length === 0) {
      return failure("Authorization failed because the provided scopes are insufficient. Please contact the app developer.")
    }
    if ([...scope, ...optionalScope].some((s) => !this.options.appScopes.includes(s))) {
      return failure(
        "Authorization failed because there is a mismatch between the scopes in the install URL and the app's configured scopes. Please contact the app developer."
      )
    }
    return { clientId, redirectUri, scope, optionalScope, state: params.get("state") }
  }

  private redirect(request: Request, params: Record<string, string>): FakeResponse {
    const url = new URL(request.redirectUri)
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
    if (request.state !== null) url.searchParams.set("state", request.state)
    return { status: 302, headers: { location: url.toString(), "cache-control": "no-store" } }
  }

  private grant(request: Request): FakeResponse {
    // The fake portal has every product, so optional scopes are granted too.
    const scopes = [...new Set([...request.scope, ...request.optionalScope])]
    return this.redirect(request, { code: this.portal.oauth.authorize({ hubId: this.portal.hubId, scopes }, request.redirectUri) })
  }

  // HubSpot's guide says a declined consent sends nothing back; the fake
  // redirects with RFC 6749's `access_denied` so callbacks can be tested for it.
  private deny(request: Request): FakeResponse {
    return this.redirect(request, { error: "access_denied", error_description: "The user declined to grant the app access." })
  }

  private page(request: Request): FakeResponse {
    const { appName, portalName } = this.options
    const hidden = [
      ["client_id", request.clientId],
      ["redirect_uri", request.redirectUri],
      ["scope", request.scope.join(" ")],
      ...(request.optionalScope.length > 0 ? [["optional_scope", request.optionalScope.join(" ")]] : []),
      ...(request.state === null ? [] : [["state", request.state]])
    ].map(([name, value]) => `<input type="hidden" name="${name}" value="${escape(value!)}">`).join("\n")
    const form = (decision: string, label: string) =>
      `<form method="post" action="${decisionPath}">\n${hidden}\n<button type="submit" name="decision" value="${decision}">${label}</button>\n</form>`
    const scopes = [...request.scope, ...request.optionalScope]
      .map((s) => `<li><code>${escape(s)}</code>${request.optionalScope.includes(s) ? " (optional)" : ""}</li>`)
      .join("\n")
    const heading = `${appName} wants to access ${portalName} (Hub ID ${this.portal.hubId})`
    return html(
      200,
      `Connect ${appName} to HubSpot`,
      `<h1>${escape(heading)}</h1>
<p>You are signed in to <strong>${escape(portalName)}</strong>, Hub ID <span>${this.portal.hubId}</span>.</p>
<h2 id="scopes">${escape(appName)} asks for these permissions</h2>
<ul aria-labelledby="scopes">
${scopes}
</ul>
<p>After you choose, you go back to <code>${escape(new URL(request.redirectUri).origin)}</code>.</p>
${form("grant", "Grant access")}
${form("cancel", "Cancel")}`
    )
  }

  /** `GET /oauth/authorize`. */
  authorize(request: FakeRequest): FakeResponse {
    const valid = this.validate(request.query)
    if (!("clientId" in valid)) return valid
    if (this.denyNext) {
      this.denyNext = false
      return this.deny(valid)
    }
    return this.options.mode === "auto" ? this.grant(valid) : this.page(valid)
  }

  /** `POST /oauth/authorize/decision` (form-encoded, from the page's buttons). */
  decide(request: FakeRequest): FakeResponse {
    const form = new URLSearchParams(request.body)
    // Checked again: the form came back from the browser.
    const valid = this.validate(form)
    if (!("clientId" in valid)) return valid
    const decision = form.get("decision")
    if (decision === "grant") return this.grant(valid)
    if (decision === "cancel") return this.deny(valid)
    return failure("Authorization failed because no decision was made. Please try again.")
  }
}
