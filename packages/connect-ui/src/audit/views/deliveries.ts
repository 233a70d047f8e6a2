import { css, html, nothing, type PropertyDeclarations, type PropertyValues } from "lit"
import { chartStyles } from "../charts/axis.js"
import { latencyChart } from "../charts/latency.js"
import { count, duration, plural, shortId, time } from "../format.js"
import { AuditElement, failed, type Loaded, loading, pending } from "../parts/element.js"
import { Poller } from "../parts/poller.js"
import { badge } from "../parts/status.js"
import { href } from "../route.js"
import type { Attempt, Event, EventStatus, Run } from "../types.js"

/** Asks the run view to read the run again (its delivery counts). */
export const RUN_STALE_EVENT = "weft-audit-run-stale"

/** Attempts are read per event; this many at a time. */
const PARALLEL = 6
/** Polling stops after this many refreshes without any change. */
const STILL_TICKS = 8

interface Events {
  readonly items: ReadonlyArray<Event>
  readonly next: string | undefined
  readonly attempts: ReadonlyMap<string, ReadonlyArray<Attempt>>
}

const mapLimit = async <A, B>(items: ReadonlyArray<A>, limit: number, f: (a: A) => Promise<B>): Promise<Array<B>> => {
  const out: Array<B> = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await f(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/**
 * A run's deliveries: acknowledged, pending and dead events with their
 * attempts (status code, duration, error), their latency as a chart, the
 * destination, and replaying the run's events.
 */
export class Deliveries extends AuditElement {
  static override properties: PropertyDeclarations = {
    run: { attribute: false },
    status: { state: true },
    events: { state: true },
    loadingMore: { state: true }
  }
  static override styles = [
    ...AuditElement.styles,
    chartStyles,
    css`
      .split { display: flex; height: 10px; border-radius: 999px; overflow: hidden; background: var(--surface-2); border: 1px solid var(--border); }
      .split span { display: block; height: 100%; }
      .split .acked { background: var(--series-new); }
      .split .pending { background: var(--series-changed); }
      .split .dead { background: var(--series-deleted); }
      .tally { display: flex; gap: 16px; flex-wrap: wrap; font-size: 13px; margin-top: 8px; }
      .tally strong { font-variant-numeric: tabular-nums; }
      ol.attempts { margin: 0; padding: 0; list-style: none; display: grid; gap: 2px; }
      ol.attempts li { white-space: nowrap; font-variant-numeric: tabular-nums; }
      ol.attempts .err { white-space: normal; color: var(--bad); display: block; font-size: 12px; max-width: 360px; }
      .pair { display: grid; gap: 14px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); align-items: start; }
      label.inline { display: inline-flex; flex-direction: row; align-items: center; gap: 8px; }
      .record .muted { font-size: 12px; }
    `
  ]

  declare run: Run
  declare status: EventStatus | undefined
  declare events: Loaded<Events>
  declare loadingMore: boolean
  private still = 0
  private readonly poller = new Poller(this, () => this.poll())

  constructor() {
    super()
    this.status = undefined
    this.events = loading
    this.loadingMore = false
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const before = changed.get("run") as Run | undefined
    const other = changed.has("run") && before?.id !== this.run.id
    if (changed.has("api") || changed.has("status") || other) {
      this.events = loading
      void this.refresh()
    } else if (changed.has("run") && JSON.stringify(before?.delivery) !== JSON.stringify(this.run.delivery)) {
      void this.refresh()
    }
  }

  private async withAttempts(items: ReadonlyArray<Event>): Promise<Map<string, ReadonlyArray<Attempt>>> {
    const lists = await mapLimit(items, PARALLEL, (e) => this.api.attempts(e.id).then((r) => r.items))
    return new Map(items.map((e, i) => [e.id, lists[i]!]))
  }

  /** Reads the events shown (at least the first page) and their attempts again. */
  async refresh(): Promise<void> {
    const shown = this.events.state === "ready" ? this.events.value.items.length : 0
    await this.load("events", async () => {
      const page = await this.api.events({ runId: this.run.id, status: this.status, limit: Math.min(500, Math.max(this.pageSize, shown)) })
      return { items: page.items, next: page.next, attempts: await this.withAttempts(page.items) }
    }, (l) => (this.events = this.settle(this.events, l, "the events")))
    if (this.events.state === "ready" && this.events.value.items.some((e) => e.status === "pending")) this.poller.start()
  }

  private async poll(): Promise<boolean> {
    const before = this.events.state === "ready" ? this.signature(this.events.value) : ""
    await this.refresh()
    if (this.events.state !== "ready") return true
    const after = this.signature(this.events.value)
    this.still = after === before ? this.still + 1 : 0
    return this.events.value.items.some((e) => e.status === "pending") && this.still < STILL_TICKS
  }

  private signature(events: Events): string {
    return events.items.map((e) => `${e.id}:${e.status}:${e.attempts}`).join(",")
  }

  private async more() {
    if (this.events.state !== "ready" || this.events.value.next === undefined) return
    const current = this.events.value
    this.loadingMore = true
    try {
      const page = await this.api.events({ runId: this.run.id, status: this.status, cursor: current.next, limit: this.pageSize })
      const attempts = await this.withAttempts(page.items)
      this.events = {
        state: "ready",
        value: { items: [...current.items, ...page.items], next: page.next, attempts: new Map([...current.attempts, ...attempts]) }
      }
    } catch (error) {
      this.notify({ tone: "error", message: `Loading more events failed: ${error instanceof Error ? error.message : String(error)}` })
    } finally {
      this.loadingMore = false
    }
  }

  /** Reads the run's counts and its events again. */
  private reload() {
    this.dispatchEvent(new CustomEvent(RUN_STALE_EVENT, { bubbles: true, composed: true }))
    void this.refresh()
  }

  private async replay() {
    const result = await this.act("Replaying the run's events", () => this.api.replayRun(this.run.id), (r) => {
      const parts = [
        `${plural(r.requeued.length, "event")} re-sent as stored`,
        `${count(r.resynced.length)} re-read from the provider`,
        ...(r.skipped.length > 0 ? [`${count(r.skipped.length)} skipped (${[...new Set(r.skipped.map((s) => s.reason))].join("; ")})`] : []),
        ...(r.unknown.length > 0 ? [`${count(r.unknown.length)} unknown`] : [])
      ]
      const reread = r.resynced[0]
      return {
        tone: "ok",
        message: `Replay queued: ${parts.join(", ")}.`,
        // Re-read records go out in a run of their own.
        link: reread === undefined ? undefined : { href: href.run(reread.runId), label: "Open the run that re-read them" }
      }
    })
    if (result !== undefined) {
      this.still = 0
      this.reload()
      this.poller.start()
    }
  }

  override render() {
    const d = this.run.delivery
    const total = Math.max(1, d.recordEvents)
    const e = this.events
    const destinationId = e.state === "ready" ? e.value.items[0]?.destinationId : undefined
    return html`<div class="stack">
      <div class="pair">
      <section class="card" aria-labelledby="deliveries-title">
        <div class="card-head">
          <h2 id="deliveries-title">Deliveries</h2>
          <div class="row">
            <button type="button" @click=${this.reload}>Refresh</button>
            <button type="button" class="primary" ?disabled=${this.busy !== undefined} @click=${this.replay}>
              ${this.busy === undefined ? "Replay this run's events" : "Replaying…"}
            </button>
          </div>
        </div>
        <div class="split" aria-hidden="true">
          <span class="acked" style="width:${(d.acked / total) * 100}%"></span>
          <span class="pending" style="width:${(d.pending / total) * 100}%"></span>
          <span class="dead" style="width:${(d.deadLettered / total) * 100}%"></span>
        </div>
        <p class="tally">
          <span><strong>${count(d.recordEvents)}</strong> record events</span>
          <span><strong>${count(d.acked)}</strong> acknowledged</span>
          <span><strong>${count(d.pending)}</strong> pending</span>
          <span><strong>${count(d.deadLettered)}</strong> dead</span>
          <span class="muted">${d.allEmitted ? "all emitted" : "still emitting"} · ${d.allConsumed ? "all consumed" : "not all consumed yet"}</span>
        </p>
      </section>
      ${destinationId === undefined ? nothing : html`<weft-audit-destination .api=${this.api} .destinationId=${destinationId}></weft-audit-destination>`}
      </div>
      <section class="card" aria-labelledby="latency-title">
        <h2 id="latency-title">Delivery latency</h2>
        ${e.state === "ready" ? latencyChart([...e.value.attempts.values()].flat(), "latency-chart") : e.state === "loading" ? pending("attempts") : nothing}
        ${e.state === "ready" && e.value.next !== undefined ? html`<p class="muted" style="font-size:12px">Of the events loaded below.</p>` : nothing}
      </section>
      <section aria-labelledby="events-title" class="stack" style="gap:8px">
        <div class="row" style="justify-content:space-between">
          <h2 id="events-title">Events</h2>
          <label class="inline">Status
              <select @change=${(ev: globalThis.Event) => {
                const v = (ev.target as HTMLSelectElement).value
                this.status = v === "" ? undefined : (v as EventStatus)
              }}>
                <option value="">any</option>
                <option value="acked">acknowledged</option>
                <option value="pending">pending</option>
                <option value="dead">dead</option>
              </select>
          </label>
        </div>
        ${e.state === "loading" ? pending("events") : e.state === "failed" ? failed("events", e.error, () => void this.refresh()) : this.renderEvents(e.value)}
      </section>
    </div>`
  }

  private renderEvents(events: Events) {
    if (events.items.length === 0) return html`<p class="empty">No events${this.status === undefined ? "" : ` ${this.status}`}.</p>`
    return html`<div class="table-wrap"><table>
      <caption class="sr-only">Events in the order they were written, with their delivery attempts</caption>
      <thead><tr>
        <th scope="col">Event</th><th scope="col">Type</th><th scope="col">Record</th><th scope="col">Status</th>
        <th scope="col">Attempts</th><th scope="col">Created</th><th scope="col">Settled</th>
      </tr></thead>
      <tbody>
        ${events.items.map((ev) => html`<tr>
          <td>${shortId(ev.id)}${ev.replay ? html` <span class="badge info">replay</span>` : nothing}</td>
          <td>${ev.type}</td>
          <td class="record">${ev.recordId === undefined ? nothing : html`<code>${ev.recordId}</code> `}${ev.model === undefined ? nothing : html`<span class="muted">${ev.model}</span>`}</td>
          <td>${badge(ev.status)}</td>
          <td>${this.renderAttempts(ev, events.attempts.get(ev.id) ?? [])}</td>
          <td>${time(ev.createdAt)}</td>
          <td>${ev.status === "pending" ? html`<span class="muted">next try ${time(ev.nextAttemptAt)}</span>` : time(ev.settledAt)}</td>
        </tr>`)}
      </tbody>
    </table></div>
    ${events.next === undefined ? nothing : html`<div><button type="button" ?disabled=${this.loadingMore} @click=${this.more}>
      ${this.loadingMore ? "Loading…" : "Load more events"}</button></div>`}`
  }

  private renderAttempts(event: Event, attempts: ReadonlyArray<Attempt>) {
    if (attempts.length === 0) {
      return event.lastError === undefined ? html`<span class="muted">none yet</span>` : html`<span class="err">${event.lastError}</span>`
    }
    return html`<ol class="attempts">
      ${attempts.map((a, i) => html`<li>
        <span class="muted">#${i + 1}</span>
        ${a.statusCode === undefined ? html`<span class="muted">no answer</span>` : html`<code>${a.statusCode}</code>`}
        · ${duration(a.durationMs)}${a.outcome === "acked" ? nothing : html` · ${badge(a.outcome)}`}
        ${a.error === undefined ? nothing : html`<span class="err">${a.error}</span>`}
      </li>`)}
    </ol>`
  }
}
