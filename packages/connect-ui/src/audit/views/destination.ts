import { css, html, type PropertyDeclarations, type PropertyValues } from "lit"
import { plural, shortId, time } from "../format.js"
import { AuditElement, failed, type Loaded, loading, pending } from "../parts/element.js"
import { badge } from "../parts/status.js"
import type { Destination } from "../types.js"

/**
 * A sync's webhook destination: where its events go, whether it is enabled
 * (a disabled destination holds its events), and re-enabling it.
 */
export class DestinationCard extends AuditElement {
  static override properties: PropertyDeclarations = {
    destinationId: { attribute: false },
    destination: { state: true }
  }
  static override styles = [
    ...AuditElement.styles,
    css`
      .reason {
        margin-top: 12px; padding: 10px 12px; border-radius: var(--radius);
        background: var(--bad-bg); color: var(--bad); display: grid; gap: 8px; justify-items: start;
      }
      .url { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
    `
  ]

  declare destinationId: string
  declare destination: Loaded<Destination>

  constructor() {
    super()
    this.destination = loading
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("destinationId") || changed.has("api")) {
      this.destination = loading
      void this.refresh()
    }
  }

  /** Reads the destination again (after a replay, say). */
  refresh() {
    return this.load("destination", () => this.api.destination(this.destinationId), (l) => (this.destination = this.settle(this.destination, l, "the destination")))
  }

  private async enable(d: Destination) {
    const done = await this.act("Re-enabling the destination", () => this.api.enableDestination(d.id), () => ({
      tone: "ok",
      message: "Destination re-enabled: the events it held are being delivered."
    }))
    if (done !== undefined) await this.refresh()
  }

  override render() {
    const d = this.destination
    return html`<section class="card" aria-labelledby="destination-title">
      <div class="card-head">
        <h2 id="destination-title">Destination</h2>
        ${d.state === "ready" ? badge(d.value.enabled ? "enabled" : "disabled") : null}
      </div>
      ${d.state === "loading" ? pending("the destination") : d.state === "failed" ? failed("the destination", d.error, () => void this.refresh()) : html`
        <dl class="facts">
          <div style="grid-column: 1 / -1"><dt>URL</dt><dd class="url">${d.value.url}</dd></div>
          <div><dt>Id</dt><dd>${shortId(d.value.id)}</dd></div>
          <div><dt>Signing secrets</dt><dd>${plural(d.value.secretCount, "active secret")}</dd></div>
          <div><dt>Parallel deliveries</dt><dd>up to ${d.value.maxConcurrency}</dd></div>
          <div><dt>Updated</dt><dd>${time(d.value.updatedAt)}</dd></div>
        </dl>
        ${d.value.enabled ? null : html`<div class="reason">
          <p>Disabled${d.value.disabledReason === undefined ? "" : html`: ${d.value.disabledReason}`}. Its events are held until it is enabled again.</p>
          <button class="primary" type="button" ?disabled=${this.busy !== undefined} @click=${() => this.enable(d.value)}>
            ${this.busy === undefined ? "Re-enable destination" : "Re-enabling…"}
          </button>
        </div>`}`}
    </section>`
  }
}
