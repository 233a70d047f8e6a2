/// <reference lib="dom" />
import type { WeftApi } from "@weft/api"
import { every } from "./clock.js"

/**
 * The OAuth 2 popup: the window opens at once (inside the click, so popup
 * blockers let it through) and is sent to the provider once the API gave
 * the authorisation URL. The API's callback page posts the outcome to this
 * window (`{ type: "weft:oauth", … }`) and closes; only a message from that
 * popup, at the API's origin, is believed.
 */

/** What the callback page posts (the API's `OAuthResult`). */
export type OAuthMessage = WeftApi.OAuthResult

const isOAuthMessage = (data: unknown): data is OAuthMessage => {
  if (typeof data !== "object" || data === null) return false
  const d = data as Record<string, unknown>
  return d["type"] === "weft:oauth" &&
    ((d["status"] === "connected" && typeof d["integrationId"] === "string" && d["integrationId"] !== "") ||
      (d["status"] === "error" && typeof d["code"] === "string" && typeof d["message"] === "string"))
}

/** Opens an empty popup; `undefined` when the browser blocked it. */
export const openPopup = (): Window | undefined => {
  const width = 520
  const height = 680
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - width) / 2))
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - height) / 2))
  return window.open("", "weft-oauth", `popup,width=${width},height=${height},left=${left},top=${top}`) ?? undefined
}

/**
 * Waits for the popup's outcome: `message` with the callback's result, or
 * `closed` when the user closed the window first. Returns the stop function.
 */
export const watchPopup = (
  popup: Window,
  origin: string,
  on: { readonly message: (result: OAuthMessage) => void; readonly closed: () => void }
): (() => void) => {
  let closedChecks = 0
  const stop = () => {
    window.removeEventListener("message", listener)
    stopPolling()
  }
  const listener = (event: MessageEvent) => {
    if (event.source !== popup || event.origin !== origin || !isOAuthMessage(event.data)) return
    stop()
    on.message(event.data)
  }
  window.addEventListener("message", listener)
  // The callback page posts, then closes: seeing the window closed twice in a row leaves its message time to arrive.
  const stopPolling = every(400, () => {
    closedChecks = popup.closed ? closedChecks + 1 : 0
    if (closedChecks >= 2) {
      stop()
      on.closed()
    }
  })
  return stop
}

/** The address to come back to after a redirect: this page, without a previous outcome's parameters. */
export const returnUrl = (): string => {
  const url = new URL(window.location.href)
  for (const key of [...url.searchParams.keys()]) if (key.startsWith("weft_")) url.searchParams.delete(key)
  return url.toString()
}

const MARK = "weft-connect:oauth-redirect"

/** Remembers (for this tab) that the element sent the page to the provider. */
export const markRedirect = (connector: string): void => {
  try {
    window.sessionStorage.setItem(MARK, connector)
  } catch {
    // storage unavailable: the outcome parameters will be ignored on return
  }
}

/**
 * The outcome of a redirect this tab started, read from the page's address
 * and removed from it. Parameters without the tab's mark are ignored: a
 * crafted link cannot make the element announce a connection.
 */
export const takeRedirectResult = (): OAuthMessage | undefined => {
  const url = new URL(window.location.href)
  const read = (key: string) => url.searchParams.get(`weft_${key}`) ?? ""
  const status = read("status")
  if (status === "") return undefined
  const result = {
    status,
    connector: read("connector"),
    integrationId: read("integration_id"),
    code: read("error_code"),
    message: read("error_message"),
    resolution: read("error_resolution")
  }
  let marked: string | null = null
  try {
    marked = window.sessionStorage.getItem(MARK)
    window.sessionStorage.removeItem(MARK)
  } catch {
    marked = null
  }
  for (const key of [...url.searchParams.keys()]) if (key.startsWith("weft_")) url.searchParams.delete(key)
  window.history.replaceState(window.history.state, "", url.toString())
  if (marked !== result.connector) return undefined
  const message = { type: "weft:oauth", ...result }
  return isOAuthMessage(message) ? message : undefined
}
