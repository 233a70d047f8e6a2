import { css } from "lit"

/** What the charts share: a y scale with round ticks, and their look. */

/** The smallest 1, 2 or 5 × 10^k at or above `n` (at least 1). */
export const niceMax = (n: number): number => {
  if (n <= 1) return 1
  const power = 10 ** Math.floor(Math.log10(n))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= n) return step * power
  return 10 * power
}

/** Four evenly spaced ticks from 0 to `max` (whole numbers only). */
export const ticks = (max: number): ReadonlyArray<number> => {
  const out: Array<number> = []
  for (let i = 0; i <= 4; i++) {
    const t = (max * i) / 4
    if (Number.isInteger(t) && !out.includes(t)) out.push(t)
  }
  return out
}

/** The value at quantile `q` (0..1) of sorted numbers. */
export const quantile = (sorted: ReadonlyArray<number>, q: number): number => {
  if (sorted.length === 0) return 0
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]!
}

export const chartStyles = css`
  .chart svg { display: block; width: 100%; max-width: 860px; height: auto; overflow: visible; }
  .chart .grid { stroke: var(--grid); stroke-width: 1; }
  .chart .axis-label { fill: var(--muted); font-size: 11px; font-family: var(--sans); }
  .chart .new { fill: var(--series-new); }
  .chart .changed { fill: var(--series-changed); }
  .chart .deleted { fill: var(--series-deleted); }
  .chart .acked { fill: var(--series-new); }
  .chart .retry { fill: var(--series-retry); }
  .chart .dead { fill: var(--series-deleted); }
  .chart .none { fill: var(--border); }
  .legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin: 2px 0 6px; padding: 0; list-style: none; }
  .legend li { display: inline-flex; align-items: center; gap: 5px; }
  .swatch { width: 10px; height: 10px; border-radius: 2px; display: inline-block; }
  .swatch.new, .swatch.acked { background: var(--series-new); }
  .swatch.changed { background: var(--series-changed); }
  .swatch.deleted, .swatch.dead { background: var(--series-deleted); }
  .swatch.retry { background: var(--series-retry); }
  .chart-summary { font-size: 13px; margin-bottom: 6px; }
  details.as-table { margin-top: 8px; font-size: 13px; }
  details.as-table summary { cursor: pointer; color: var(--accent); width: fit-content; }
  details.as-table .table-wrap { margin-top: 8px; max-height: 320px; overflow: auto; }
`
