import { html } from "lit"
import { count, duration, time } from "../format.js"
import { badge } from "../parts/status.js"
import { href } from "../route.js"
import type { Run } from "../types.js"

/** A sync's runs, newest first: one line each with its counts and deliveries. */

const sum = (run: Run, key: "processed" | "new" | "changed" | "deleted" | "invalid") => run.models.reduce((n, m) => n + m[key], 0)

export const runsTable = (runs: ReadonlyArray<Run>) =>
  html`<div class="table-wrap"><table>
    <caption class="sr-only">Runs, newest first</caption>
    <thead><tr>
      <th scope="col">Started</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col" class="num">Duration</th>
      <th scope="col" class="num">Processed</th><th scope="col" class="num">New</th><th scope="col" class="num">Changed</th>
      <th scope="col" class="num">Deleted</th><th scope="col" class="num">Invalid</th>
      <th scope="col" class="num">Delivered</th><th scope="col">Issues</th>
    </tr></thead>
    <tbody>
      ${runs.map((run) => {
        const invalid = sum(run, "invalid")
        const d = run.delivery
        return html`<tr>
          <td><a href=${href.run(run.id)}>${time(run.startedAt)}</a></td>
          <td>${run.type}</td>
          <td>${badge(run.status)}</td>
          <td class="num">${run.status === "running" ? "running" : duration(run.durationMs)}</td>
          <td class="num">${count(sum(run, "processed"))}</td>
          <td class="num">${count(sum(run, "new"))}</td>
          <td class="num">${count(sum(run, "changed"))}</td>
          <td class="num">${count(sum(run, "deleted"))}</td>
          <td class="num">${invalid === 0 ? "0" : html`<span class="badge warn">${count(invalid)}</span>`}</td>
          <td class="num">${count(d.acked)} / ${count(d.recordEvents)}${d.deadLettered > 0 ? html` <span class="badge bad">${count(d.deadLettered)} dead</span>` : null}</td>
          <td>${issues(run)}</td>
        </tr>`
      })}
    </tbody>
  </table></div>`

const issues = (run: Run) => {
  const errors = run.errors.length + run.models.filter((m) => m.error !== undefined && !run.errors.some((e) => e.message === m.error!.message)).length
  const warnings = run.warnings.length + run.models.reduce((n, m) => n + m.warnings.length, 0)
  if (errors === 0 && warnings === 0) return html`<span class="muted">none</span>`
  return html`${errors > 0 ? html`<span class="badge bad">${errors} ${errors === 1 ? "error" : "errors"}</span> ` : null}${warnings > 0 ? html`<span class="badge warn">${warnings} ${warnings === 1 ? "warning" : "warnings"}</span>` : null}`
}
