import { css, html, type PropertyDeclarations, type PropertyValues } from "lit"
import type { IntegrationFilter } from "../api.js"
import { time } from "../format.js"
import { AuditElement, failed, type Loaded, loading, pending } from "../parts/element.js"
import { badge } from "../parts/status.js"
import { href } from "../route.js"
import type { Integration } from "../types.js"

const STATUSES = ["active", "invalid_credentials", "reauth_required", "disabled"] as const

/** Integrations by tenant, status and connector: where a support case starts. */
export class IntegrationsView extends AuditElement {
  static override properties: PropertyDeclarations = {
    filter: { attribute: false },
    list: { state: true }
  }
  static override styles = [
    ...AuditElement.styles,
    css`
      form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; }
      form.filters input { width: 180px; }
      .count { font-size: 13px; color: var(--muted); }
      td.message { color: var(--muted); max-width: 380px; }
    `
  ]

  declare filter: IntegrationFilter
  declare list: Loaded<ReadonlyArray<Integration>>

  constructor() {
    super()
    this.filter = {}
    this.list = loading
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("filter") || changed.has("api")) void this.refresh()
  }

  private refresh() {
    this.list = loading
    return this.load("list", () => this.api.integrations(this.filter).then((r) => r.items), (l) => (this.list = l))
  }

  private apply(event: SubmitEvent) {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const text = (name: string) => {
      const v = String(data.get(name) ?? "").trim()
      return v === "" ? undefined : v
    }
    location.hash = href.integrations({
      tenant: text("tenant"),
      connector: text("connector"),
      status: text("status") as IntegrationFilter["status"]
    })
  }

  override render() {
    const f = this.filter
    return html`<div class="stack">
      <h1 tabindex="-1">Integrations</h1>
      <section class="card" aria-labelledby="filters">
        <h2 id="filters" class="sr-only">Filters</h2>
        <form class="filters" role="search" @submit=${this.apply}>
          <label>Tenant <input name="tenant" .value=${f.tenant ?? ""} placeholder="any" autocomplete="off"></label>
          <label>Connector <input name="connector" .value=${f.connector ?? ""} placeholder="any" autocomplete="off"></label>
          <label>Status
            <select name="status">
              <option value="" ?selected=${f.status === undefined}>any</option>
              ${STATUSES.map((s) => html`<option value=${s} ?selected=${f.status === s}>${s.replace(/_/g, " ")}</option>`)}
            </select>
          </label>
          <button class="primary" type="submit">Filter</button>
          ${f.tenant || f.connector || f.status ? html`<a class="button" href=${href.integrations()}>Clear</a>` : null}
        </form>
      </section>
      ${this.renderList()}
    </div>`
  }

  private renderList() {
    const list = this.list
    if (list.state === "loading") return pending("integrations")
    if (list.state === "failed") return failed("integrations", list.error, () => void this.refresh())
    if (list.value.length === 0) {
      const f = this.filter
      return html`<p class="empty">${f.tenant || f.connector || f.status ? "No integrations match." : "No integrations yet."}</p>`
    }
    return html`<section aria-labelledby="list-title" class="stack" style="gap:8px">
      <div class="row" style="justify-content:space-between">
        <h2 id="list-title">Connected accounts</h2>
        <span class="count">${list.value.length} ${list.value.length === 1 ? "integration" : "integrations"}</span>
      </div>
      <div class="table-wrap">
        <table>
          <thead><tr>
            <th scope="col">Tenant</th><th scope="col">Connector</th><th scope="col">Status</th>
            <th scope="col">Note</th><th scope="col">Connected</th><th scope="col">Updated</th>
          </tr></thead>
          <tbody>
            ${list.value.map((i) => html`<tr>
              <td><a href=${href.integration(i.id)}>${i.tenant}</a></td>
              <td>${i.connector}</td>
              <td>${badge(i.status)}</td>
              <td class="message">${i.statusMessage ?? ""}</td>
              <td>${time(i.createdAt)}</td>
              <td>${time(i.updatedAt)}</td>
            </tr>`)}
          </tbody>
        </table>
      </div>
    </section>`
  }
}
