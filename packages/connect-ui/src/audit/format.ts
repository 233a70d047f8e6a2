import { html, nothing, type TemplateResult } from "lit"

/** How the page writes times, durations, counts and ids. */

const pad = (n: number) => String(n).padStart(2, "0")

/** `2026-12-01 18:00:05` in the viewer's time zone. */
export const localTime = (iso: string): string => {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/**
 * A time on a chart's axis, as precise as the axis needs: `18:00:05` when
 * it spans minutes, `18:00` when it spans hours, `12-01 18:00` beyond a day.
 */
export const axisTime = (iso: string, spanMs: number): string => {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  if (spanMs < 10 * 60_000) return `${hm}:${pad(d.getSeconds())}`
  if (spanMs < 86_400_000) return hm
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`
}

/** A `<time>` in local time, UTC in its tooltip; a dash when absent. */
export const time = (iso: string | undefined): TemplateResult | string =>
  iso === undefined ? "—" : html`<time datetime=${iso} title=${iso}>${localTime(iso)}</time>`

/** `840 ms`, `12.4 s`, `3 min 05 s`, `2 h 07 min`. */
export const duration = (ms: number | undefined): string => {
  if (ms === undefined) return "—"
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  const s = Math.round(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`
  return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`
}

const numbers = new Intl.NumberFormat()

export const count = (n: number): string => numbers.format(n)

/** `1 event`, `3 events`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`

/** An id shortened for tables; the whole id in its tooltip and for screen readers. */
export const shortId = (id: string): TemplateResult =>
  id.length <= 16
    ? html`<code>${id}</code>`
    : html`<code title=${id}><span aria-hidden="true">${id.slice(0, 8)}…${id.slice(-5)}</span><span class="sr-only">${id}</span></code>`

/** A machine-readable code, as code. */
export const codeOf = (code: string | undefined) => (code === undefined ? nothing : html`<code class="code">${code}</code>`)

export const frequency = (seconds: number): string => {
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, "day")
  if (seconds % 3600 === 0) return plural(seconds / 3600, "hour")
  if (seconds % 60 === 0) return plural(seconds / 60, "minute")
  return plural(seconds, "second")
}
