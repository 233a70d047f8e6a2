import { html, svg, type TemplateResult } from "lit"
import { axisTime, count, localTime, time } from "../format.js"
import { href } from "../route.js"
import type { Run } from "../types.js"
import { niceMax, ticks } from "./axis.js"

/**
 * Events per run over time, for a sync: a stacked bar per run of its new,
 * changed and deleted records, oldest on the left. Named by a summary, with
 * the same figures as a table.
 */

const SERIES = ["new", "changed", "deleted"] as const
type Series = typeof SERIES[number]

const W = 720
const H = 210
const M = { top: 8, right: 8, bottom: 26, left: 44 }

const totals = (run: Run): Record<Series, number> => {
  const out = { new: 0, changed: 0, deleted: 0 }
  for (const m of run.models) {
    out.new += m.new
    out.changed += m.changed
    out.deleted += m.deleted
  }
  return out
}

export const runEventsChart = (newestFirst: ReadonlyArray<Run>, idPrefix: string): TemplateResult => {
  if (newestFirst.length === 0) return html`<p class="empty">No runs yet.</p>`
  const runs = [...newestFirst].reverse()
  const rows = runs.map((run) => ({ run, ...totals(run) }))
  const sum = (s: Series) => rows.reduce((a, r) => a + r[s], 0)
  const biggest = rows.reduce((best, r) => (r.new + r.changed + r.deleted > best.new + best.changed + best.deleted ? r : best), rows[0]!)
  const max = niceMax(Math.max(...rows.map((r) => r.new + r.changed + r.deleted)))
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  const slot = plotW / rows.length
  const barW = Math.max(2, Math.min(34, slot * 0.7))
  const y = (v: number) => M.top + plotH - (v / max) * plotH
  const every = Math.ceil(rows.length / 6)
  const first = runs[0]!
  const last = runs[runs.length - 1]!
  const span = Date.parse(last.startedAt) - Date.parse(first.startedAt)
  const summary = `${rows.length} ${rows.length === 1 ? "run" : "runs"} from ${localTime(first.startedAt)} to ${localTime(last.startedAt)}: ` +
    `${count(sum("new"))} new, ${count(sum("changed"))} changed and ${count(sum("deleted"))} deleted records in all. ` +
    `The most in one run: ${count(biggest.new + biggest.changed + biggest.deleted)} (${biggest.run.type} run of ${localTime(biggest.run.startedAt)}).`

  const bars = rows.map((r, i) => {
    const x = M.left + i * slot + (slot - barW) / 2
    let base = 0
    const parts = SERIES.flatMap((s) => {
      if (r[s] === 0) return []
      const top = y(base + r[s])
      const part = svg`<rect class=${s} x=${x} y=${top} width=${barW} height=${y(base) - top}></rect>`
      base += r[s]
      return [part]
    })
    const label = `${r.run.type} run of ${localTime(r.run.startedAt)}: ${r.new} new, ${r.changed} changed, ${r.deleted} deleted`
    return svg`<g>
      <title>${label}</title>
      ${parts.length === 0 ? svg`<rect class="none" x=${x} y=${y(0) - 2} width=${barW} height="2"></rect>` : parts}
      ${i % every === 0
        ? svg`<text class="axis-label" x=${x + barW / 2} y=${H - 8} text-anchor="middle">${axisTime(r.run.startedAt, span)}</text>`
        : null}
    </g>`
  })

  return html`<div class="chart">
    <ul class="legend" aria-hidden="true">
      ${SERIES.map((s) => html`<li><span class="swatch ${s}"></span>${s}</li>`)}
    </ul>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc" preserveAspectRatio="xMinYMin meet">
      <title id="${idPrefix}-title">Records per run: new, changed, deleted</title>
      <desc id="${idPrefix}-desc">${summary}</desc>
      ${ticks(max).map((t) => svg`
        <line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
        <text class="axis-label" x=${M.left - 6} y=${y(t) + 4} text-anchor="end">${count(t)}</text>`)}
      ${bars}
    </svg>
    <p class="chart-summary muted" aria-hidden="true">${summary}</p>
    <details class="as-table">
      <summary>Show the figures as a table</summary>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">Records per run, oldest first</caption>
          <thead><tr><th scope="col">Run started</th><th scope="col">Type</th><th scope="col" class="num">New</th><th scope="col" class="num">Changed</th><th scope="col" class="num">Deleted</th></tr></thead>
          <tbody>
            ${rows.map((r) => html`<tr>
              <td><a href=${href.run(r.run.id)}>${time(r.run.startedAt)}</a></td>
              <td>${r.run.type}</td>
              <td class="num">${count(r.new)}</td>
              <td class="num">${count(r.changed)}</td>
              <td class="num">${count(r.deleted)}</td>
            </tr>`)}
          </tbody>
        </table>
      </div>
    </details>
  </div>`
}
