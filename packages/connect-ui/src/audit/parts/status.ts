import { html, type TemplateResult } from "lit"

/** Statuses as badges: a word and a tone, never colour alone. */

const TONES: Readonly<Record<string, string>> = {
  active: "ok",
  succeeded: "ok",
  acked: "ok",
  enabled: "ok",
  running: "info",
  pending: "info",
  partial: "warn",
  paused: "warn",
  reauth_required: "warn",
  retry: "warn",
  failed: "bad",
  dead: "bad",
  invalid_credentials: "bad",
  disabled: "bad",
  cancelled: "idle"
}

export const label = (status: string): string => status.replace(/_/g, " ")

export const badge = (status: string, text: string = label(status)): TemplateResult =>
  html`<span class="badge ${TONES[status] ?? "idle"}">${text}</span>`
