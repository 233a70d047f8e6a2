import { css, html, LitElement, nothing, type PropertyDeclarations } from "lit"
import { type Api, ApiError, makeApi } from "./api.js"
import { resolveConfig, type ResolvedConfig } from "./config.js"
import { NOTICE_EVENT, type Notice } from "./parts/notice.js"
import { parseRoute, type Route } from "./route.js"
import { base, tokens } from "./styles.js"

/**
 * `<weft-audit>`: the page. It reads its configuration, asks for an API key
 * in key mode, shows the view the URL's fragment names, and announces the
 * outcome of every operator action in its live regions.
 *
 * The API key lives in the `Api` closure this element holds, and nowhere
 * else: signing out (or reloading) drops the closure.
 */
export class AuditApp extends LitElement {
  static override properties: PropertyDeclarations = {
    api: { state: true },
    route: { state: true },
    notice: { state: true },
    signInMessage: { state: true }
  }
  static override styles = [
    tokens,
    base,
    css`
      :host { min-height: 100vh; background: var(--bg); }
      header {
        display: flex; align-items: center; justify-content: space-between; gap: 12px;
        min-height: 52px; padding: 8px 24px; background: var(--surface); border-bottom: 1px solid var(--border);
      }
      .brand { display: flex; align-items: baseline; gap: 10px; font-size: 15px; }
      .brand strong { font-size: 16px; letter-spacing: -0.01em; }
      .brand span { color: var(--muted); }
      .who { display: flex; align-items: center; gap: 10px; font-size: 13px; color: var(--muted); }
      main { max-width: 1240px; margin: 0 auto; padding: 18px 24px 48px; }
      .notices { position: sticky; top: 0; z-index: 2; max-width: 1240px; margin: 0 auto; padding: 0 24px; }
      .notice {
        margin-top: 10px; padding: 10px 12px; border-radius: var(--radius); border: 1px solid;
        display: flex; gap: 12px; align-items: start; justify-content: space-between;
        box-shadow: 0 2px 8px rgb(0 0 0 / 0.08);
      }
      .notice.ok { background: var(--ok-bg); color: var(--ok); border-color: color-mix(in srgb, var(--ok) 40%, transparent); }
      .notice.error { background: var(--bad-bg); color: var(--bad); border-color: color-mix(in srgb, var(--bad) 40%, transparent); }
      .notice p + p { margin-top: 4px; }
      .notice a { color: inherit; font-weight: 600; }
      .notice button { background: transparent; border-color: transparent; color: inherit; padding: 2px 8px; min-height: 0; }
      .notice .resolution { color: var(--text); }
    `
  ]

  declare api: Api | undefined
  declare route: Route
  declare notice: Notice | undefined
  declare signInMessage: string | undefined
  private config: ResolvedConfig | undefined
  private focusView = false

  constructor() {
    super()
    this.api = undefined
    this.route = parseRoute(location.hash)
    this.notice = undefined
    this.signInMessage = undefined
    this.addEventListener(NOTICE_EVENT, (event) => {
      this.notice = (event as CustomEvent<Notice>).detail
    })
  }

  private readonly onHash = () => {
    this.route = parseRoute(location.hash)
    this.notice = undefined
    this.focusView = true
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.config = resolveConfig(this)
    if (this.config.auth === "proxy") {
      this.api = makeApi(this.config.apiUrl, undefined, (error) => {
        this.notice = { tone: "error", message: `The API refused the request: ${error.message}`, resolution: "Sign in to the application again, then reload this page." }
      })
    }
    window.addEventListener("hashchange", this.onHash)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener("hashchange", this.onHash)
  }

  /** Checks the key with the API; on success the page opens with it. */
  private readonly signIn = async (key: string): Promise<void> => {
    const config = this.config!
    try {
      await makeApi(config.apiUrl, key).check()
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        throw new Error(`The API refused that key: ${error.message}`)
      }
      throw error
    }
    this.api = makeApi(config.apiUrl, key, () => this.signOut("The API no longer accepts that key. Sign in again."))
    this.signInMessage = undefined
    this.focusView = true
  }

  private signOut(message?: string) {
    this.api = undefined
    this.notice = undefined
    // The sign-in form comes back (its input takes the focus).
    this.signInMessage = message ?? "Signed out: the key is forgotten."
  }

  protected override async updated(): Promise<void> {
    if (!this.focusView) return
    this.focusView = false
    const view = this.renderRoot.querySelector("main > *") as LitElement | null
    if (view === null) return
    await view.updateComplete
    window.scrollTo(0, 0)
    view.shadowRoot?.querySelector<HTMLElement>("h1")?.focus()
  }

  override render() {
    const keyMode = this.config?.auth === "key"
    return html`
      <header>
        <div class="brand"><strong>Weft</strong><span>Sync-run audit</span></div>
        ${this.api !== undefined && keyMode
          ? html`<div class="who"><span>Signed in with an API key</span><button type="button" @click=${() => this.signOut()}>Sign out</button></div>`
          : nothing}
      </header>
      <div class="notices">
        <div role="status" aria-live="polite">${this.notice?.tone === "ok" ? this.renderNotice(this.notice) : nothing}</div>
        <div role="alert">${this.notice?.tone === "error" ? this.renderNotice(this.notice) : nothing}</div>
      </div>
      <main>
        ${this.api === undefined
          ? html`<weft-audit-signin .signIn=${this.signIn} .message=${this.signInMessage}></weft-audit-signin>`
          : this.renderView(this.api, this.route)}
      </main>`
  }

  private renderView(api: Api, route: Route) {
    switch (route.view) {
      case "integrations":
        return html`<weft-audit-integrations .api=${api} .filter=${route.filter}></weft-audit-integrations>`
      case "integration":
        return html`<weft-audit-integration .api=${api} .integrationId=${route.id}></weft-audit-integration>`
      case "sync":
        return html`<weft-audit-sync .api=${api} .pageSize=${this.config!.pageSize} .syncId=${route.id}></weft-audit-sync>`
      case "run":
        return html`<weft-audit-run .api=${api} .pageSize=${this.config!.pageSize} .runId=${route.id}></weft-audit-run>`
    }
  }

  private renderNotice(notice: Notice) {
    return html`<div class="notice ${notice.tone}">
      <div>
        <p>${notice.message}${notice.code === undefined ? nothing : html` <code class="code">${notice.code}</code>`}</p>
        ${notice.resolution === undefined ? nothing : html`<p class="resolution"><strong>What to do:</strong> ${notice.resolution}</p>`}
        ${notice.link === undefined ? nothing : html`<p><a href=${notice.link.href}>${notice.link.label}</a></p>`}
      </div>
      <button type="button" aria-label="Dismiss" @click=${() => (this.notice = undefined)}>✕</button>
    </div>`
  }
}
