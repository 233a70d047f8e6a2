import { css, html, LitElement, type PropertyDeclarations } from "lit"
import { base } from "../styles.js"

/**
 * The sign-in form: the operator pastes one of the host's API keys. The
 * key goes to `signIn` (which checks it with the API) and nowhere else: the
 * input has no name (a form submission could not carry it), it is not
 * autocompleted, and it is emptied once accepted.
 */
export class SignIn extends LitElement {
  static override properties: PropertyDeclarations = {
    signIn: { attribute: false },
    message: { attribute: false },
    error: { state: true },
    checking: { state: true }
  }
  static override styles = [
    base,
    css`
      :host { max-width: 440px; margin: 8vh auto 0; }
      form { display: grid; gap: 14px; }
      input { font-family: var(--mono); width: 100%; }
      .note { font-size: 13px; color: var(--muted); }
      .intro { font-size: 13px; }
    `
  ]

  /** Checks the key; rejects with the reason to show. */
  declare signIn: (key: string) => Promise<void>
  /** Why the operator is here again (signed out, key refused later). */
  declare message: string | undefined
  declare error: string | undefined
  declare checking: boolean

  constructor() {
    super()
    this.message = undefined
    this.error = undefined
    this.checking = false
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector("input")?.focus()
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault()
    const input = this.renderRoot.querySelector("input")!
    const key = input.value.trim()
    if (key === "") {
      this.error = "Paste an API key first."
      input.focus()
      return
    }
    this.checking = true
    this.error = undefined
    try {
      await this.signIn(key)
      input.value = ""
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error)
      input.select()
    } finally {
      this.checking = false
    }
  }

  override render() {
    return html`<section class="card">
      <form @submit=${this.submit} autocomplete="off">
        <h1 tabindex="-1">Sign in</h1>
        <p class="intro">The sync-run audit uses the Weft API with one of the host's API keys.</p>
        ${this.message === undefined ? null : html`<p class="note" role="status">${this.message}</p>`}
        <label>API key
          <input type="password" autocomplete="off" spellcheck="false" autocapitalize="off"
            aria-invalid=${this.error === undefined ? "false" : "true"}
            aria-describedby=${this.error === undefined ? "key-note" : "key-error key-note"} ?readonly=${this.checking}>
        </label>
        <div id="key-error" role="alert">${this.error === undefined ? null : html`<div class="error-box">${this.error}</div>`}</div>
        <p class="note" id="key-note">
          The key stays in this tab's memory only: it is not saved, not put in the address, and it is
          forgotten when you sign out, reload or close the tab.
        </p>
        <div><button class="primary" type="submit" ?disabled=${this.checking}>${this.checking ? "Checking…" : "Sign in"}</button></div>
      </form>
    </section>`
  }
}
