import { html, LitElement, type PropertyDeclarations, type TemplateResult } from "lit"
import type { Api } from "../api.js"
import { errorNotice, type Notice, notify } from "./notice.js"
import { base } from "../styles.js"

/** What a view knows of something it loads. */
export type Loaded<A> =
  | { readonly state: "loading" }
  | { readonly state: "ready"; readonly value: A }
  | { readonly state: "failed"; readonly error: unknown }

export const loading: Loaded<never> = { state: "loading" }

/**
 * The base of the page's components: the API client, and operator actions
 * that run one at a time and report their outcome in the app's live region.
 */
export class AuditElement extends LitElement {
  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    pageSize: { attribute: false },
    busy: { state: true }
  }
  static override styles = [base]

  declare api: Api
  /** Items per page of a list that pages (runs, events). */
  declare pageSize: number
  /** The action in progress, if any: its buttons show it and the others wait. */
  declare busy: string | undefined

  constructor() {
    super()
    this.busy = undefined
    this.pageSize = 25
  }

  protected notify(notice: Notice): void {
    notify(this, notice)
  }

  /**
   * Runs an action; its outcome (or the API's error) goes to the live
   * region. Resolves to `{ value }` when it succeeded (many answers are
   * empty), `undefined` when it failed or another action was in progress.
   */
  protected async act<A>(what: string, run: () => Promise<A>, outcome: (a: A) => Notice): Promise<{ readonly value: A } | undefined> {
    if (this.busy !== undefined) return undefined
    this.busy = what
    try {
      const value = await run()
      this.notify(outcome(value))
      return { value }
    } catch (error) {
      this.notify(errorNotice(what, error))
      return undefined
    } finally {
      this.busy = undefined
    }
  }

  /**
   * What to show after a reload: its answer, or, when it failed while
   * something is shown, what is shown (the failure goes to the live region).
   */
  protected settle<A>(shown: Loaded<A>, reloaded: Loaded<A>, what: string): Loaded<A> {
    if (reloaded.state === "failed" && shown.state === "ready") {
      this.notify(errorNotice(`Refreshing ${what}`, reloaded.error))
      return shown
    }
    return reloaded
  }

  private readonly loads = new Map<string, number>()

  /**
   * Loads `fetch` into a state, for `render` to show. Of two loads of the
   * same `what`, only the later one's answer is kept.
   */
  protected async load<A>(what: string, fetch: () => Promise<A>, into: (loaded: Loaded<A>) => void): Promise<A | undefined> {
    const ticket = (this.loads.get(what) ?? 0) + 1
    this.loads.set(what, ticket)
    try {
      const value = await fetch()
      if (this.loads.get(what) === ticket) into({ state: "ready", value })
      return value
    } catch (error) {
      if (this.loads.get(what) === ticket) into({ state: "failed", error })
      return undefined
    }
  }
}

/** A load that failed: the reason, in an alert, and a way to try again. */
export const failed = (what: string, error: unknown, retry: () => void): TemplateResult =>
  html`<div class="error-box" role="alert">
    <p>Could not load ${what}: ${error instanceof Error ? error.message : String(error)}</p>
    <p style="margin-top:8px"><button type="button" @click=${retry}>Try again</button></p>
  </div>`

export const pending = (what: string): TemplateResult => html`<p class="empty" role="status">Loading ${what}…</p>`
