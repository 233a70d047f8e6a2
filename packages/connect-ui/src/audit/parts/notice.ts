import { ApiError } from "../api.js"
import { href } from "../route.js"

/**
 * What an action's outcome (or an API error) says to the operator. Views
 * dispatch it; the app shows it in its live regions.
 */

export interface Notice {
  readonly tone: "ok" | "error"
  readonly message: string
  /** The API's machine-readable code (`run_in_progress`). */
  readonly code?: string | undefined
  /** What to do about it, when the API says. */
  readonly resolution?: string | undefined
  /** A place to go next (the run in progress, the run a resync made). */
  readonly link?: { readonly href: string; readonly label: string } | undefined
}

export const NOTICE_EVENT = "weft-audit-notice"

export const notify = (from: EventTarget, notice: Notice): void => {
  from.dispatchEvent(new CustomEvent<Notice>(NOTICE_EVENT, { detail: notice, bubbles: true, composed: true }))
}

/** An error as a notice: the API's message, code and resolution when it gave them. */
export const errorNotice = (what: string, error: unknown): Notice => {
  if (error instanceof ApiError) {
    return {
      tone: "error",
      message: `${what} failed: ${error.message}`,
      code: error.code,
      resolution: error.resolution,
      link: error.runId === undefined ? undefined : { href: href.run(error.runId), label: "Open the run in progress" }
    }
  }
  return { tone: "error", message: `${what} failed: ${error instanceof Error ? error.message : String(error)}` }
}
