/// <reference lib="dom" />
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from "lit"
import { client, type Connected, type Field, type Offer, type Problem, type Session } from "./api.js"
import { at, now } from "./clock.js"
import { type ConnectedDetail, event } from "./events.js"
import { markRedirect, type OAuthMessage, openPopup, returnUrl, takeRedirectResult, watchPopup } from "./oauth.js"
import { format, resolveStrings, type StringOverrides, type Strings } from "./strings.js"
import { styles } from "./styles.js"
import { alert, connectorList, field, success } from "./views.js"

/**
 * `<weft-connect>`: where an end user connects an integration with a
 * connect-session token. It lists the connectors the session offers, renders
 * the chosen one's credential form (or its OAuth 2 button), submits it, and
 * tells the host page what happened through events.
 *
 * @since 0.1.0
 */

type Busy = "" | "loading" | "submitting" | "authorizing"

const expiresAt = (session: Session): number => Date.parse(session.expiresAt)

/**
 * The element. Set `token` (attribute or property) to a connect-session
 * token; `api-url` / `apiUrl` to the Weft API's base URL when it is not the
 * page's origin; `strings` to replace any visible string; `connector` to
 * open one connector directly; `theme` to force `light` or `dark`.
 *
 * Events (bubbling, composed `CustomEvent`s): `weft:connected`,
 * `weft:error`, `weft:close`, `weft:session-expired`.
 *
 * @example
 * ```ts
 * /// <reference lib="dom" />
 * // After loading weft-connect.js (a module script), in the host page:
 * const element = document.createElement("weft-connect")
 * element.setAttribute("token", "wcs_…") // from the host's backend: POST /connect-sessions
 * element.addEventListener("weft:connected", (event) => {
 *   const { integrationId, connector, tenant } = (event as CustomEvent<{ integrationId: string; connector: string; tenant: string }>).detail
 *   console.log(`connected ${connector} for ${tenant}: ${integrationId}`)
 * })
 * document.body.append(element)
 * ```
 * @since 0.1.0
 * @category elements
 */
export class WeftConnect extends LitElement {
  static override styles = styles

  static override properties = {
    token: { type: String },
    apiUrl: { type: String, attribute: "api-url" },
    connector: { type: String },
    theme: { type: String, reflect: true },
    strings: { attribute: false },
    session: { state: true },
    selected: { state: true },
    busy: { state: true },
    problem: { state: true },
    loadProblem: { state: true },
    expired: { state: true },
    connected: { state: true },
    values: { state: true },
    revealed: { state: true },
    notice: { state: true }
  }

  /** The connect-session token from the host's backend (`POST /connect-sessions`). */
  declare token: string | undefined
  /** The Weft API's base URL (default: the page's origin). */
  declare apiUrl: string | undefined
  /** A connector id to open directly, when the session offers it. */
  declare connector: string | undefined
  /** `light` or `dark`; by default the user's `prefers-color-scheme`. */
  declare theme: "light" | "dark" | undefined
  /** Replacements for any visible string. */
  declare strings: StringOverrides | undefined

  declare private session: Session | undefined
  declare private selected: Offer | undefined
  declare private busy: Busy
  declare private problem: Problem | undefined
  declare private loadProblem: Problem | undefined
  declare private expired: boolean
  declare private connected: ConnectedDetail | undefined
  declare private values: Readonly<Record<string, string>>
  declare private revealed: ReadonlySet<string>
  declare private notice: string

  /** Guards against an older session load finishing after a newer one. */
  private generation = 0
  /** The token the host was last asked to replace. */
  private expiredToken: string | undefined
  /** A submission the session ran out under: made again with the new token. */
  private pending = false
  private redirectChecked = false
  private disarmExpiry: (() => void) | undefined
  private stopPopup: (() => void) | undefined
  private popup: Window | undefined

  constructor() {
    super()
    this.busy = ""
    this.expired = false
    this.values = {}
    this.revealed = new Set()
    this.notice = ""
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.armExpiry()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    // An OAuth popup stays watched until it answers or closes: moving the element in the page must not lose it.
    this.disarmExpiry?.()
  }

  protected override updated(changed: PropertyValues<this>): void {
    if ((changed.has("token") || changed.has("apiUrl")) && this.token) void this.load()
    if (changed.has("connector") && this.connector && this.session !== undefined && this.connected === undefined && this.busy === "") {
      this.selected = this.offer(this.connector) ?? this.selected
    }
  }

  private get text(): Strings {
    return resolveStrings(this.strings)
  }

  private base(): string {
    return this.apiUrl || window.location.origin
  }

  private offer(id: string): Offer | undefined {
    return this.session?.connectors.find((offer) => offer.id === id)
  }

  private async load(): Promise<void> {
    const token = this.token
    if (!token) return
    const generation = ++this.generation
    // A submission or an authorisation in flight keeps its own progress.
    if (this.busy === "") this.busy = "loading"
    this.loadProblem = undefined
    const outcome = await client(this.base(), token).session()
    if (generation !== this.generation) return
    if (this.busy === "loading") this.busy = ""
    if (!outcome.ok) {
      if (outcome.problem.code === "session_expired") return this.expire()
      this.loadProblem = this.describe(outcome.problem)
      this.dispatchError(this.loadProblem)
      return
    }
    const session = outcome.value
    if (this.connected !== undefined && this.session?.id !== session.id) {
      // A new session after a connection: start over.
      this.connected = undefined
      this.selected = undefined
      this.values = {}
    }
    this.session = session
    this.expired = false
    this.expiredToken = undefined
    this.armExpiry()
    const only = session.connectors.length === 1 ? session.connectors[0] : undefined
    this.selected = this.selected !== undefined
      ? this.offer(this.selected.id)
      : (this.connector ? this.offer(this.connector) : undefined) ?? only
    if (!this.redirectChecked) {
      this.redirectChecked = true
      const result = takeRedirectResult()
      if (result !== undefined) return this.finishOAuth(result)
    }
    if (this.pending && this.selected !== undefined && this.selected.kind === "form") void this.submit()
    this.pending = false
  }

  private armExpiry(): void {
    this.disarmExpiry?.()
    this.disarmExpiry = undefined
    if (this.session === undefined || this.connected !== undefined || this.expired) return
    this.disarmExpiry = at(expiresAt(this.session), () => this.expire())
  }

  /** The session ran out: keep everything as it is and ask the host for a new token. */
  private expire(): void {
    this.disarmExpiry?.()
    this.disarmExpiry = undefined
    // A call in flight settles it: it connects, or the API answers session_expired and this runs again.
    if (this.connected !== undefined || this.busy === "submitting" || this.busy === "authorizing") return
    this.expired = true
    if (this.expiredToken === this.token) return
    this.expiredToken = this.token
    this.dispatchEvent(event("weft:session-expired", { expiresAt: this.session?.expiresAt }))
  }

  private sessionOver(): boolean {
    return this.expired || (this.session !== undefined && expiresAt(this.session) <= now())
  }

  private async submit(): Promise<void> {
    const offer = this.selected
    const token = this.token
    if (offer === undefined || !token || this.busy !== "") return
    if (this.sessionOver()) {
      this.pending = true
      return this.expire()
    }
    this.problem = undefined
    this.notice = ""
    this.busy = "submitting"
    const credentials: Record<string, string> = {}
    for (const field of offer.fields) {
      const value = this.values[this.key(offer, field)] ?? ""
      if (value !== "") credentials[field.name] = value
    }
    const outcome = await client(this.base(), token).submit(offer.id, credentials)
    this.busy = ""
    if (outcome.ok) return this.succeed(outcome.value)
    if (outcome.problem.code === "session_expired") {
      this.pending = true
      return this.expire()
    }
    this.fail(outcome.problem)
  }

  private async authorize(): Promise<void> {
    const offer = this.selected
    const token = this.token
    if (offer === undefined || !token || this.busy !== "") return
    if (this.sessionOver()) return this.expire()
    this.problem = undefined
    this.notice = ""
    // Opened inside the click, before any await, so that popup blockers allow it.
    const popup = openPopup()
    this.busy = "authorizing"
    const outcome = await client(this.base(), token).authorize(offer.id, popup === undefined ? returnUrl() : undefined)
    if (this.busy !== "authorizing") {
      // Cancelled while the API answered.
      popup?.close()
      return
    }
    if (!outcome.ok) {
      popup?.close()
      this.busy = ""
      return outcome.problem.code === "session_expired" ? this.expire() : this.fail(outcome.problem)
    }
    if (popup === undefined) {
      // Blocked: the whole page goes to the provider and comes back to this address.
      markRedirect(offer.id)
      window.location.assign(outcome.value.url)
      return
    }
    popup.location.href = outcome.value.url
    this.popup = popup
    this.stopPopup = watchPopup(popup, new URL(this.base()).origin, {
      message: (result) => {
        this.stopPopup = undefined
        this.popup = undefined
        this.busy = ""
        this.finishOAuth(result)
      },
      closed: () => this.cancelOAuth(format(this.text.popupClosed, { name: offer.name }))
    })
  }

  private cancelOAuth(notice: string): void {
    this.stopPopup?.()
    this.stopPopup = undefined
    this.popup?.close()
    this.popup = undefined
    this.busy = ""
    this.notice = notice
    void this.focusOn(".oauth-button")
  }

  private finishOAuth(result: OAuthMessage): void {
    const offer = this.offer(result.connector)
    if (offer !== undefined) this.selected = offer
    if (result.status === "connected") {
      return this.succeed({
        integrationId: result.integrationId,
        connector: result.connector,
        tenant: this.session?.tenant ?? "",
        status: "active"
      })
    }
    this.fail({ status: 0, code: result.code as Problem["code"], message: result.message, resolution: result.resolution })
  }

  private succeed(connected: Connected): void {
    this.disarmExpiry?.()
    this.disarmExpiry = undefined
    // Only what the host needs: never the credentials, which are dropped here.
    const detail: ConnectedDetail = { integrationId: connected.integrationId, connector: connected.connector, tenant: connected.tenant }
    this.connected = detail
    this.problem = undefined
    this.values = {}
    this.revealed = new Set()
    this.dispatchEvent(event("weft:connected", detail))
    void this.focusOn(".success-heading")
  }

  /** The problem with the element's own words where the API gave none. */
  private describe(problem: Problem): Problem {
    const s = this.text
    const network = problem.code === "network_error"
    return {
      ...problem,
      message: problem.message || (network ? s.networkError : s.unexpectedError),
      resolution: problem.resolution ||
        (network
          ? s.networkResolution
          : problem.retryAfterSeconds !== undefined
          ? format(s.retryAfter, { seconds: problem.retryAfterSeconds })
          : s.genericResolution)
    }
  }

  private fail(problem: Problem): void {
    this.problem = this.describe(problem)
    this.dispatchError(this.problem)
    void this.focusOn(".alert")
  }

  private dispatchError(problem: Problem): void {
    this.dispatchEvent(event("weft:error", { code: problem.code, message: problem.message, resolution: problem.resolution }))
  }

  private async focusOn(selector: string): Promise<void> {
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus()
  }

  private choose(offer: Offer): void {
    this.selected = offer
    this.problem = undefined
    this.notice = ""
    void this.focusOn(offer.kind === "oauth2" ? ".oauth-button" : "input")
  }

  private back(): void {
    const id = this.selected?.id
    if (this.busy === "authorizing") this.cancelOAuth("")
    this.selected = undefined
    this.problem = undefined
    this.notice = ""
    void this.focusOn(`[data-connector="${CSS.escape(id ?? "")}"]`)
  }

  private close(): void {
    this.dispatchEvent(event("weft:close", null))
  }

  private key(offer: Offer, field: Field): string {
    return `${offer.id}\u0000${field.name}`
  }

  private setValue(offer: Offer, field: Field, value: string): void {
    this.values = { ...this.values, [this.key(offer, field)]: value }
  }

  private toggle(name: string): void {
    const revealed = new Set(this.revealed)
    if (!revealed.delete(name)) revealed.add(name)
    this.revealed = revealed
  }

  private status(): string {
    const s = this.text
    const name = this.selected?.name ?? ""
    if (this.busy === "loading") return s.loading
    if (this.busy === "submitting") return format(s.checking, { name })
    if (this.busy === "authorizing") return format(s.authorizing, { name })
    if (this.expired && this.connected === undefined) return s.expired
    return this.notice
  }

  protected override render(): TemplateResult {
    const s = this.text
    const offer = this.selected
    const canGoBack = offer !== undefined && this.connected === undefined && this.busy !== "submitting" &&
      (this.session?.connectors.length ?? 0) > 1
    return html`<section class="container" part="container" aria-labelledby="weft-title" aria-busy=${this.busy === "" ? "false" : "true"}>
      <div class="header" part="header">
        <h2 id="weft-title" part="title">${offer === undefined ? s.title : format(s.connectTitle, { name: offer.name })}</h2>
        <button type="button" class="icon-button" part="button close-button" aria-label=${s.close} @click=${this.close}>
          <span aria-hidden="true">✕</span>
        </button>
      </div>
      ${
      canGoBack
        ? html`<button type="button" class="icon-button back" part="button back-button" @click=${this.back}>
            <span aria-hidden="true">←</span>${s.back}
          </button>`
        : nothing
    }
      ${this.body(s, offer)}
      <p class="status" part="status" role="status">${this.status()}</p>
    </section>`
  }

  private body(s: Strings, offer: Offer | undefined): TemplateResult | typeof nothing {
    if (this.loadProblem !== undefined) {
      return html`${alert(s, this.loadProblem)}
        <button type="button" class="primary" part="button primary-button" @click=${() => void this.load()}>${s.retry}</button>`
    }
    if (this.session === undefined) return nothing
    if (this.connected !== undefined) {
      return success(s, this.offer(this.connected.connector)?.name ?? this.connected.connector, () => this.close())
    }
    if (offer === undefined) return connectorList(s, this.session.connectors, (offer) => this.choose(offer))
    return offer.kind === "oauth2" ? this.oauth(s, offer) : this.form(s, offer)
  }

  private form(s: Strings, offer: Offer): TemplateResult {
    const busy = this.busy !== ""
    return html`<form part="form" @submit=${(e: SubmitEvent) => {
      e.preventDefault()
      void this.submit()
    }}>
      ${this.problem === undefined ? nothing : alert(s, this.problem)}
      <p class="muted" part="intro">${format(s.formIntro, { name: offer.name })}</p>
      ${
      offer.fields.map((f) =>
        field(s, {
          offer,
          field: f,
          value: this.values[this.key(offer, f)] ?? "",
          revealed: this.revealed.has(f.name),
          busy,
          input: (value) => this.setValue(offer, f, value),
          toggle: () => this.toggle(f.name)
        })
      )
    }
      <button type="submit" class="primary" part="button primary-button" ?disabled=${busy || this.expired}>
        ${this.busy === "submitting" ? s.submitting : s.submit}
      </button>
    </form>`
  }

  private oauth(s: Strings, offer: Offer): TemplateResult {
    const authorizing = this.busy === "authorizing"
    return html`<div part="form">
      ${this.problem === undefined ? nothing : alert(s, this.problem)}
      <p class="muted" part="intro">${format(s.oauthIntro, { name: offer.name })}</p>
      <button type="button" class="primary oauth-button" part="button primary-button" ?disabled=${this.busy !== "" || this.expired} @click=${() =>
      void this.authorize()}>
        ${format(s.oauthButton, { name: offer.name })}
      </button>
      ${
      authorizing
        ? html`<button type="button" class="secondary" part="button cancel-button" @click=${() => this.cancelOAuth("")}>${s.cancel}</button>`
        : nothing
    }
    </div>`
  }
}
