import { html, nothing } from "lit"
import { count, duration } from "../format.js"
import { badge } from "../parts/status.js"
import type { ModelAudit } from "../types.js"

/** A run's models: what was read and what changed, and the records that did not validate. */

const took = (m: ModelAudit) =>
  m.startedAt === undefined || m.finishedAt === undefined ? undefined : Date.parse(m.finishedAt) - Date.parse(m.startedAt)

export const modelsTable = (models: ReadonlyArray<ModelAudit>) =>
  html`<div class="table-wrap"><table>
    <thead><tr>
      <th scope="col">Model</th><th scope="col">Status</th>
      <th scope="col" class="num">Processed</th><th scope="col" class="num">New</th><th scope="col" class="num">Changed</th>
      <th scope="col" class="num">Deleted</th><th scope="col" class="num">Invalid</th>
      <th scope="col">Read</th><th scope="col" class="num">Took</th>
    </tr></thead>
    <tbody>
      ${models.map((m) => html`<tr>
        <th scope="row">${m.model}</th>
        <td>${badge(m.status)}</td>
        <td class="num">${count(m.processed)}</td>
        <td class="num">${count(m.new)}</td>
        <td class="num">${count(m.changed)}</td>
        <td class="num">${count(m.deleted)}</td>
        <td class="num">${m.invalid === 0 ? "0" : html`<span class="badge warn">${count(m.invalid)}</span>`}</td>
        <td>${m.fullRead ? "everything" : "changes"}</td>
        <td class="num">${duration(took(m))}</td>
      </tr>`)}
    </tbody>
  </table></div>`

export const invalidRecordsTable = (models: ReadonlyArray<ModelAudit>) => {
  const rows = models.flatMap((m) => m.invalidRecords.map((r) => ({ model: m.model, ...r })))
  const hidden = models.reduce((n, m) => n + Math.max(0, m.invalid - m.invalidRecords.length), 0)
  return html`
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Model</th><th scope="col">Record id</th><th scope="col">Path</th><th scope="col">First error</th></tr></thead>
      <tbody>
        ${rows.map((r) => html`<tr>
          <td>${r.model}</td>
          <td>${r.recordId === undefined ? html`<span class="muted">no id</span>` : html`<code>${r.recordId}</code>`}</td>
          <td>${r.path === undefined ? html`<span class="muted">—</span>` : html`<code>${r.path}</code>`}</td>
          <td>${r.error}</td>
        </tr>`)}
      </tbody>
    </table></div>
    ${hidden > 0 ? html`<p class="muted" style="margin-top:6px">And ${count(hidden)} more: the audit keeps the first ones of each model.</p>` : nothing}`
}
