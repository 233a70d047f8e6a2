import { css, html, type PropertyDeclarations, type PropertyValues } from "lit"
import { chartStyles } from "../charts/axis.js"
import { runEventsChart } from "../charts/runEvents.js"
import { frequency, shortId, time } from "../format.js"
import { crumbs, crumbStyles } from "../parts/crumbs.js"
import { AuditElement, failed, type Loaded, loading, pending } from "../parts/element.js"
import { Poller } from "../parts/poller.js"
import { badge } from "../parts/status.js"
import { href } from "../route.js"
import type { Integration, Run, Sync } from "../types.js"
import { runsTable } from "./runsTable.js"
import { CHANGED_EVENT, type Changed } from "./syncActions.js"

/** After a run was queued, how many refreshes to wait for it to show up. */
const QUEUED_TICKS = 12

interface Runs {
  readonly items: ReadonlyArray<Run>
  readonly next: string | undefined
}

/**
 * One sync: its settings, the operator's actions, its destination, events
 * per run as a chart, and its runs, newest first, paged.
 */
export class SyncView extends AuditElement {
  static override properties: PropertyDeclarations = {
    syncId: { attribute: false },
    sync: { state: true },
    integration: { state: true },
    runs: { state: true },
    loadingMore: { state: true }
  }
  static override styles = [
    ...AuditElement.styles,
    crumbStyles,
    chartStyles,
    css`
      .title { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
      .cards { display: grid; gap: 14px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); align-items: start; }
    `
  ]

  declare syncId: string
  declare sync: Loaded<Sync>
  declare integration: Integration | undefined
  declare runs: Loaded<Runs>
  declare loadingMore: boolean
  private readonly poller = new Poller(this, () => this.poll())
  /** The newest run when a run was queued, until a newer one shows up. */
  private queuedAfter: { readonly newest: string | undefined; ticks: number } | undefined

  constructor() {
    super()
    this.sync = loading
    this.integration = undefined
    this.runs = loading
    this.loadingMore = false
    this.addEventListener(CHANGED_EVENT, (event) => {
      if ((event as CustomEvent<Changed>).detail.runQueued) this.queuedAfter = { newest: this.newest()?.id, ticks: 0 }
      void this.refresh(false)
    })
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("syncId") || changed.has("api")) void this.refresh(true)
  }

  private async refresh(reset: boolean) {
    if (reset) {
      this.sync = loading
      this.runs = loading
      this.integration = undefined
    }
    const shown = this.runs.state === "ready" ? this.runs.value.items.length : 0
    const [sync] = await Promise.all([
      this.load("sync", () => this.api.sync(this.syncId), (l) => (this.sync = this.settle(this.sync, l, "the sync"))),
      this.load(
        "runs",
        () => this.api.runs({ syncId: this.syncId, limit: Math.min(500, Math.max(this.pageSize, shown)) }).then((p) => ({ items: p.items, next: p.next })),
        (l) => (this.runs = this.settle(this.runs, l, "the runs"))
      )
    ])
    if (sync !== undefined && this.integration?.id !== sync.integrationId) {
      this.integration = await this.api.integration(sync.integrationId).catch(() => undefined)
    }
    if (this.moving()) this.poller.start()
  }

  private newest(): Run | undefined {
    return this.runs.state === "ready" ? this.runs.value.items[0] : undefined
  }

  /** Whether to look again soon: a run is in progress, or a queued one has not shown up yet. */
  private moving(): boolean {
    const newest = this.newest()
    if (this.queuedAfter !== undefined && (newest?.id !== this.queuedAfter.newest || this.queuedAfter.ticks >= QUEUED_TICKS)) {
      this.queuedAfter = undefined
    }
    return newest?.status === "running" || this.queuedAfter !== undefined
  }

  private async poll(): Promise<boolean> {
    if (this.queuedAfter !== undefined) this.queuedAfter.ticks += 1
    await this.refresh(false)
    return this.moving()
  }

  private async more() {
    if (this.runs.state !== "ready" || this.runs.value.next === undefined) return
    const { items, next } = this.runs.value
    this.loadingMore = true
    try {
      const page = await this.api.runs({ syncId: this.syncId, cursor: next, limit: this.pageSize })
      this.runs = { state: "ready", value: { items: [...items, ...page.items], next: page.next } }
    } catch (error) {
      this.notify({ tone: "error", message: `Loading older runs failed: ${error instanceof Error ? error.message : String(error)}` })
    } finally {
      this.loadingMore = false
    }
  }

  override render() {
    const s = this.sync
    const i = this.integration
    return html`<div class="stack">
      <div>
        ${crumbs([
          { label: "Integrations", href: href.integrations() },
          { label: i === undefined ? "Integration" : `${i.tenant} · ${i.connector}`, href: s.state === "ready" ? href.integration(s.value.integrationId) : undefined },
          { label: "Sync" }
        ])}
        <div class="title">
          <h1 tabindex="-1">${s.state === "ready" ? `Sync of ${s.value.models.map((m) => m.model).join(", ")}` : "Sync"}</h1>
          ${s.state === "ready" ? badge(s.value.status) : null}
        </div>
      </div>
      ${s.state === "loading" ? pending("the sync") : s.state === "failed" ? failed("the sync", s.error, () => void this.refresh(true)) : html`
        <div class="cards">${this.renderSync(s.value)}</div>`}
      ${this.renderRuns()}
    </div>`
  }

  private renderSync(sync: Sync) {
    return html`
      <section class="card" aria-labelledby="settings">
        <h2 id="settings">Settings</h2>
        <dl class="facts">
          <div><dt>Models</dt><dd>${sync.models.map((m) => m.model).join(", ")}</dd></div>
          <div><dt>Runs every</dt><dd>${frequency(sync.frequencySeconds)}</dd></div>
          <div><dt>Inactive records</dt><dd>${sync.includeInactive ? "included" : "left out"}</dd></div>
          <div><dt>Initial sync done</dt><dd>${time(sync.initialCompletedAt)}</dd></div>
          <div><dt>Created</dt><dd>${time(sync.createdAt)}</dd></div>
          <div><dt>Id</dt><dd>${shortId(sync.id)}</dd></div>
        </dl>
      </section>
      <weft-audit-sync-actions .api=${this.api} .sync=${sync}></weft-audit-sync-actions>
      <weft-audit-destination .api=${this.api} .destinationId=${sync.destinationId}></weft-audit-destination>`
  }

  private renderRuns() {
    const r = this.runs
    if (r.state === "loading") return pending("runs")
    if (r.state === "failed") return failed("the runs", r.error, () => void this.refresh(true))
    const { items, next } = r.value
    return html`
      <section class="card" aria-labelledby="chart-title">
        <h2 id="chart-title">Records per run</h2>
        ${runEventsChart(items, "per-run-chart")}
      </section>
      <section aria-labelledby="runs-title" class="stack" style="gap:8px">
        <div class="row" style="justify-content:space-between">
          <h2 id="runs-title">Runs <span class="muted" style="font-weight:400">(newest first)</span></h2>
          <button type="button" @click=${() => void this.refresh(false)}>Refresh</button>
        </div>
        ${items.length === 0 ? html`<p class="empty">No runs yet.</p>` : runsTable(items)}
        ${next === undefined ? null : html`<div><button type="button" ?disabled=${this.loadingMore} @click=${this.more}>
          ${this.loadingMore ? "Loading…" : "Load older runs"}</button></div>`}
      </section>`
  }
}
