import { html, svg, type TemplateResult } from "lit"
import { count, duration } from "../format.js"
import type { Attempt } from "../types.js"
import { niceMax, quantile, ticks } from "./axis.js"

/**
 * Delivery latency of a run's events: a histogram of their attempts'
 * durations on steps that grow (5 ms … 10 s), each bar split by outcome
 * (acknowledged, to retry, dead). Named by a summary (median, p95, max),
 * with the same figures as a table.
 */

const BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, Infinity]
const OUTCOMES = ["acked", "retry", "dead"] as const

const bucketLabel = (i: number): string => {
  const upper = BOUNDS[i]!
  const lower = i === 0 ? 0 : BOUNDS[i - 1]!
  if (upper === Infinity) return `> ${duration(lower)}`
  return i === 0 ? `≤ ${duration(upper)}` : `${duration(lower)}–${duration(upper)}`
}

/** A bound on the axis: `0`, `250 ms`, `2.5 s`. */
const bound = (ms: number): string => (ms === 0 ? "0" : ms < 1000 ? `${ms} ms` : `${ms / 1000} s`)

const W = 720
const H = 200
const M = { top: 8, right: 8, bottom: 26, left: 44 }

export const latencyChart = (attempts: ReadonlyArray<Attempt>, idPrefix: string): TemplateResult => {
  if (attempts.length === 0) return html`<p class="empty">No delivery attempts yet.</p>`
  const counts = BOUNDS.map(() => ({ acked: 0, retry: 0, dead: 0 }))
  for (const a of attempts) {
    const i = BOUNDS.findIndex((b) => a.durationMs <= b)
    counts[i]![a.outcome] += 1
  }
  const total = (i: number) => counts[i]!.acked + counts[i]!.retry + counts[i]!.dead
  // From the first to the last step with attempts, and at least four steps.
  const used = counts.map((_, i) => i).filter((i) => total(i) > 0)
  const from = Math.max(0, Math.min(used[0]!, BOUNDS.length - 4))
  const to = Math.max(used[used.length - 1]!, from + 3)
  const shown = counts.slice(from, to + 1).map((c, j) => ({ ...c, index: from + j }))

  const sorted = attempts.map((a) => a.durationMs).sort((a, b) => a - b)
  const failedCount = attempts.filter((a) => a.outcome !== "acked").length
  const summary = `${count(attempts.length)} ${attempts.length === 1 ? "attempt" : "attempts"}: median ${duration(quantile(sorted, 0.5))}, ` +
    `95th percentile ${duration(quantile(sorted, 0.95))}, slowest ${duration(sorted[sorted.length - 1]!)}` +
    (failedCount === 0 ? "; all acknowledged." : `; ${count(failedCount)} not acknowledged.`)

  const max = niceMax(Math.max(...shown.map((c) => c.acked + c.retry + c.dead)))
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  const slot = plotW / shown.length
  // Bars side by side: the labels sit on the bounds between them.
  const barW = slot - 4
  const y = (v: number) => M.top + plotH - (v / max) * plotH

  return html`<div class="chart">
    <ul class="legend" aria-hidden="true">
      <li><span class="swatch acked"></span>acknowledged</li>
      <li><span class="swatch retry"></span>to retry</li>
      <li><span class="swatch dead"></span>dead</li>
    </ul>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc" preserveAspectRatio="xMinYMin meet">
      <title id="${idPrefix}-title">Delivery attempts by duration</title>
      <desc id="${idPrefix}-desc">${summary}</desc>
      ${ticks(max).map((t) => svg`
        <line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(t)} y2=${y(t)}></line>
        <text class="axis-label" x=${M.left - 6} y=${y(t) + 4} text-anchor="end">${count(t)}</text>`)}
      ${shown.map((c, j) => {
        const x = M.left + j * slot + 2
        let base = 0
        return svg`<g>
          <title>${bucketLabel(c.index)}: ${c.acked} acknowledged, ${c.retry} to retry, ${c.dead} dead</title>
          ${OUTCOMES.map((o) => {
            if (c[o] === 0) return null
            const top = y(base + c[o])
            const rect = svg`<rect class=${o} x=${x} y=${top} width=${barW} height=${y(base) - top}></rect>`
            base += c[o]
            return rect
          })}
        </g>`
      })}
      ${shown.map((c, j) => svg`<text class="axis-label" x=${M.left + j * slot} y=${H - 8} text-anchor="middle">${bound(c.index === 0 ? 0 : BOUNDS[c.index - 1]!)}</text>`)}
      ${BOUNDS[to] === Infinity ? null : svg`<text class="axis-label" x=${M.left + shown.length * slot} y=${H - 8} text-anchor="middle">${bound(BOUNDS[to]!)}</text>`}
    </svg>
    <p class="chart-summary muted" aria-hidden="true">${summary}</p>
    <details class="as-table">
      <summary>Show the figures as a table</summary>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">Delivery attempts by duration</caption>
          <thead><tr><th scope="col">Duration</th><th scope="col" class="num">Acknowledged</th><th scope="col" class="num">To retry</th><th scope="col" class="num">Dead</th></tr></thead>
          <tbody>
            ${shown.map((c) => html`<tr>
              <td>${bucketLabel(c.index)}</td>
              <td class="num">${count(c.acked)}</td>
              <td class="num">${count(c.retry)}</td>
              <td class="num">${count(c.dead)}</td>
            </tr>`)}
          </tbody>
        </table>
      </div>
    </details>
  </div>`
}
