import { css, html, type PropertyDeclarations, type PropertyValues } from "lit"
import { frequency, shortId, time } from "../format.js"
import { crumbs, crumbStyles } from "../parts/crumbs.js"
import { AuditElement, failed, type Loaded, loading, pending } from "../parts/element.js"
import { badge } from "../parts/status.js"
import { href } from "../route.js"
import type { Integration, Run, Sync } from "../types.js"

interface SyncRow {
  readonly sync: Sync
  readonly latest: Run | undefined
}

/** One integration: what it is, and its syncs with their latest run. */
export class IntegrationView extends AuditElement {
  static override properties: PropertyDeclarations = {
    integrationId: { attribute: false },
    integration: { state: true },
    syncs: { state: true }
  }
  static override styles = [...AuditElement.styles, crumbStyles, css`.title { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }`]

  declare integrationId: string
  declare integration: Loaded<Integration>
  declare syncs: Loaded<ReadonlyArray<SyncRow>>

  constructor() {
    super()
    this.integration = loading
    this.syncs = loading
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("integrationId") || changed.has("api")) this.refresh()
  }

  private refresh() {
    this.integration = loading
    this.syncs = loading
    void this.load("integration", () => this.api.integration(this.integrationId), (l) => (this.integration = l))
    void this.load(
      "syncs",
      async () => {
        const { items } = await this.api.syncs(this.integrationId)
        return Promise.all(items.map(async (sync) => ({ sync, latest: (await this.api.runs({ syncId: sync.id, limit: 1 })).items[0] })))
      },
      (l) => (this.syncs = l)
    )
  }

  override render() {
    const i = this.integration
    const name = i.state === "ready" ? `${i.value.tenant} · ${i.value.connector}` : "Integration"
    return html`<div class="stack">
      <div>
        ${crumbs([{ label: "Integrations", href: href.integrations() }, { label: name }])}
        <div class="title"><h1 tabindex="-1">${name}</h1>${i.state === "ready" ? badge(i.value.status) : null}</div>
      </div>
      ${i.state === "loading" ? pending("the integration") : i.state === "failed" ? failed("the integration", i.error, () => this.refresh()) : html`
        <section class="card" aria-labelledby="about">
          <h2 id="about">Integration</h2>
          <dl class="facts">
            <div><dt>Tenant</dt><dd>${i.value.tenant}</dd></div>
            <div><dt>Connector</dt><dd>${i.value.connector}</dd></div>
            <div><dt>Status</dt><dd>${badge(i.value.status)}</dd></div>
            <div><dt>Id</dt><dd>${shortId(i.value.id)}</dd></div>
            <div><dt>Connected</dt><dd>${time(i.value.createdAt)}</dd></div>
            <div><dt>Updated</dt><dd>${time(i.value.updatedAt)}</dd></div>
          </dl>
          ${i.value.statusMessage === undefined ? null : html`<p style="margin-top:10px" class="muted">${i.value.statusMessage}</p>`}
        </section>`}
      ${this.renderSyncs()}
    </div>`
  }

  private renderSyncs() {
    const s = this.syncs
    return html`<section aria-labelledby="syncs-title" class="stack" style="gap:8px">
      <h2 id="syncs-title">Syncs</h2>
      ${s.state === "loading" ? pending("syncs") : s.state === "failed" ? failed("syncs", s.error, () => this.refresh()) : s.value.length === 0
        ? html`<p class="empty">This integration has no syncs.</p>`
        : html`<div class="table-wrap"><table>
          <thead><tr>
            <th scope="col">Sync</th><th scope="col">Status</th><th scope="col">Models</th><th scope="col">Every</th>
            <th scope="col">Initial sync done</th><th scope="col">Latest run</th>
          </tr></thead>
          <tbody>
            ${s.value.map(({ sync, latest }) => html`<tr>
              <td><a href=${href.sync(sync.id)}>${shortId(sync.id)}</a></td>
              <td>${badge(sync.status)}</td>
              <td>${sync.models.map((m) => m.model).join(", ")}</td>
              <td>${frequency(sync.frequencySeconds)}</td>
              <td>${time(sync.initialCompletedAt)}</td>
              <td>${latest === undefined ? html`<span class="muted">none yet</span>` : html`<a href=${href.run(latest.id)}>${time(latest.startedAt)}</a> ${badge(latest.status)}`}</td>
            </tr>`)}
          </tbody>
        </table></div>`}
    </section>`
  }
}
