import { css, html, type PropertyDeclarations } from "lit"
import { AuditElement } from "../parts/element.js"
import { href } from "../route.js"
import type { Run, Sync } from "../types.js"

/**
 * Tells the sync view that the sync or its runs changed; `detail.runQueued`
 * when a run was queued (it shows up in the list a moment later).
 */
export const CHANGED_EVENT = "weft-audit-changed"

export interface Changed {
  readonly runQueued: boolean
}

/**
 * What an operator can do to a sync: start a run, pause or resume it, and
 * re-read one record.
 */
export class SyncActions extends AuditElement {
  static override properties: PropertyDeclarations = {
    sync: { attribute: false },
    runType: { state: true }
  }
  static override styles = [
    ...AuditElement.styles,
    css`
      :host { display: block; }
      h3 { margin: 16px 0 8px; padding-top: 12px; border-top: 1px solid var(--border); }
      form { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; }
      .hint { font-size: 12px; color: var(--muted); margin-top: 8px; }
      input[name=recordId] { width: 120px; }
      select[name=type] { max-width: 100%; }
    `
  ]

  declare sync: Sync
  declare runType: "delta" | "manual"

  constructor() {
    super()
    this.runType = "delta"
  }

  private changed(runQueued: boolean) {
    this.dispatchEvent(new CustomEvent<Changed>(CHANGED_EVENT, { detail: { runQueued }, bubbles: true, composed: true }))
  }

  private async trigger(event: SubmitEvent) {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const type = this.runType
    const confirmDeletes = type === "manual" && data.get("confirmDeletes") === "on"
    const done = await this.act(
      "Triggering a run",
      () => this.api.trigger(this.sync.id, confirmDeletes ? { type, confirmDeletes } : { type }),
      () => ({ tone: "ok", message: `Run triggered: a ${type} run of this sync starts now.` })
    )
    if (done !== undefined) this.changed(true)
  }

  private async pauseOrResume() {
    const paused = this.sync.status === "paused"
    const done = await this.act(
      paused ? "Resuming the sync" : "Pausing the sync",
      () => (paused ? this.api.resume(this.sync.id) : this.api.pause(this.sync.id)),
      () => ({
        tone: "ok",
        message: paused
          ? "Sync resumed: a delta run starts from the saved cursors."
          : "Sync paused: no runs start until it is resumed; a run in progress stops within a page."
      })
    )
    // Resuming starts a delta run.
    if (done !== undefined) this.changed(paused)
  }

  private async resync(event: SubmitEvent) {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const data = new FormData(form)
    const model = String(data.get("model") ?? "")
    const recordId = String(data.get("recordId") ?? "").trim()
    if (recordId === "") {
      this.notify({ tone: "error", message: "Resync failed: enter the id of the record to re-read." })
      form.querySelector<HTMLInputElement>("input[name=recordId]")?.focus()
      return
    }
    const force = data.get("force") === "on"
    const run = await this.act(
      `Resyncing ${model} ${recordId}`,
      () => this.api.resync(this.sync.id, force ? { model, recordId, force } : { model, recordId }),
      (run: Run) => {
        const events = run.models.reduce((n, m) => n + m.new + m.changed + m.deleted, 0)
        const invalid = run.models.reduce((n, m) => n + m.invalid, 0)
        return {
          tone: "ok",
          message: invalid > 0
            ? `Resynced ${model} ${recordId}: the record is invalid (see the run).`
            : events > 0
            ? `Resynced ${model} ${recordId}: ${events === 1 ? "an event was" : `${events} events were`} emitted.`
            : `Resynced ${model} ${recordId}: unchanged, so no event (tick "Emit even if unchanged" to send one anyway).`,
          link: { href: href.run(run.id), label: "Open the resync's run" }
        }
      }
    )
    if (run !== undefined) this.changed(false)
  }

  override render() {
    const paused = this.sync.status === "paused"
    const busy = this.busy !== undefined
    return html`<section class="card" aria-labelledby="actions-title">
      <div class="card-head">
        <h2 id="actions-title">Actions</h2>
        <button type="button" ?disabled=${busy} @click=${this.pauseOrResume}>${paused ? "Resume sync" : "Pause sync"}</button>
      </div>
      <form @submit=${this.trigger} aria-describedby="run-hint">
        <label>Run type
          <select name="type" @change=${(e: Event) => (this.runType = (e.target as HTMLSelectElement).value as "delta" | "manual")}>
            <option value="delta" ?selected=${this.runType === "delta"}>delta</option>
            <option value="manual" ?selected=${this.runType === "manual"}>manual</option>
          </select>
        </label>
        ${this.runType === "manual" ? html`<label class="check"><input type="checkbox" name="confirmDeletes"> Apply held-back deletes</label>` : null}
        <button class="primary" type="submit" ?disabled=${busy}>${this.busy === "Triggering a run" ? "Triggering…" : "Trigger run"}</button>
      </form>
      <p class="hint" id="run-hint">
        ${this.runType === "delta" ? "A delta run reads what changed since the last run." : "A manual run reads everything and sweeps deletes."}
        ${paused ? "The sync is paused: resume it to run again." : "One run at a time."}
      </p>
      <h3 id="resync-title">Resync one record</h3>
      <form @submit=${this.resync} aria-labelledby="resync-title">
        <label>Model
          <select name="model">${this.sync.models.map((m) => html`<option value=${m.model}>${m.model}</option>`)}</select>
        </label>
        <label>Record id <input name="recordId" autocomplete="off" spellcheck="false"></label>
        <label class="check"><input type="checkbox" name="force"> Emit even if unchanged</label>
        <button type="submit" ?disabled=${busy}>${this.busy?.startsWith("Resyncing") ? "Resyncing…" : "Resync record"}</button>
      </form>
    </section>`
  }
}
