import { css, html, nothing, type PropertyDeclarations, type PropertyValues } from "lit"
import { duration, plural, shortId, time } from "../format.js"
import { crumbs, crumbStyles } from "../parts/crumbs.js"
import { AuditElement, failed, type Loaded, loading, pending } from "../parts/element.js"
import { Poller } from "../parts/poller.js"
import { badge } from "../parts/status.js"
import { href } from "../route.js"
import type { Run } from "../types.js"
import { issuesList, issueStyles } from "./issues.js"
import { RUN_STALE_EVENT } from "./deliveries.js"
import { invalidRecordsTable, modelsTable } from "./models.js"

/**
 * One run's audit: when and how long, per model counts, errors with their
 * resolution, warnings, invalid records, and its deliveries.
 */
export class RunView extends AuditElement {
  static override properties: PropertyDeclarations = {
    runId: { attribute: false },
    run: { state: true }
  }
  static override styles = [
    ...AuditElement.styles,
    crumbStyles,
    issueStyles,
    css`.title { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }`
  ]

  declare runId: string
  declare run: Loaded<Run>
  private readonly poller = new Poller(this, () => this.poll())

  constructor() {
    super()
    this.run = loading
    this.addEventListener(RUN_STALE_EVENT, () => void this.refresh())
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("runId") || changed.has("api")) {
      this.run = loading
      void this.refresh()
    }
  }

  private async refresh() {
    const run = await this.load("run", () => this.api.run(this.runId), (l) => (this.run = this.settle(this.run, l, "the run")))
    if (run?.status === "running") this.poller.start()
  }

  private async poll(): Promise<boolean> {
    await this.refresh()
    return this.run.state === "ready" && this.run.value.status === "running"
  }

  override render() {
    const r = this.run
    const run = r.state === "ready" ? r.value : undefined
    return html`<div class="stack">
      <div>
        ${crumbs([
          { label: "Integrations", href: href.integrations() },
          { label: run === undefined ? "Integration" : `${run.tenant} · ${run.connector}`, href: run && href.integration(run.integrationId) },
          { label: "Sync", href: run && href.sync(run.syncId) },
          { label: "Run" }
        ])}
        <div class="title">
          <h1 tabindex="-1">${run === undefined ? "Run" : `${run.type[0]!.toUpperCase()}${run.type.slice(1)} run`}</h1>
          ${run === undefined ? nothing : badge(run.status)}
        </div>
      </div>
      ${r.state === "loading" ? pending("the run") : r.state === "failed" ? failed("the run", r.error, () => void this.refresh()) : this.renderRun(r.value)}
    </div>`
  }

  private renderRun(run: Run) {
    const warnings = [
      ...run.warnings.map((text) => ({ text })),
      ...run.models.flatMap((m) => m.warnings.map((text) => ({ text, model: m.model })))
    ]
    const invalid = run.models.reduce((n, m) => n + m.invalid, 0)
    return html`
      <section class="card" aria-labelledby="summary-title">
        <h2 id="summary-title" class="sr-only">Summary</h2>
        <dl class="facts">
          <div><dt>Type</dt><dd>${run.type}</dd></div>
          <div><dt>Status</dt><dd>${badge(run.status)}</dd></div>
          <div><dt>Started</dt><dd>${time(run.startedAt)}</dd></div>
          <div><dt>Finished</dt><dd>${run.finishedAt === undefined ? html`<span class="muted">not yet</span>` : time(run.finishedAt)}</dd></div>
          <div><dt>Duration</dt><dd>${run.status === "running" ? "running" : duration(run.durationMs)}</dd></div>
          <div><dt>Run id</dt><dd>${shortId(run.id)}</dd></div>
        </dl>
      </section>
      ${run.errors.length + warnings.length === 0 ? nothing : html`<section aria-labelledby="issues-title" class="stack" style="gap:8px">
        <h2 id="issues-title">${[
          ...(run.errors.length > 0 ? [plural(run.errors.length, "error")] : []),
          ...(warnings.length > 0 ? [plural(warnings.length, "warning")] : [])
        ].join(" and ")}</h2>
        ${issuesList(run.errors, warnings)}
      </section>`}
      <section aria-labelledby="models-title" class="stack" style="gap:8px">
        <h2 id="models-title">Models</h2>
        ${run.models.length === 0 ? html`<p class="empty">No model was read.</p>` : modelsTable(run.models)}
      </section>
      ${invalid === 0 ? nothing : html`<section aria-labelledby="invalid-title" class="stack" style="gap:8px">
        <h2 id="invalid-title">Invalid records <span class="muted" style="font-weight:400">(${invalid}, not sent)</span></h2>
        ${invalidRecordsTable(run.models)}
      </section>`}
      <weft-audit-deliveries .api=${this.api} .pageSize=${this.pageSize} .run=${run}></weft-audit-deliveries>`
  }
}
