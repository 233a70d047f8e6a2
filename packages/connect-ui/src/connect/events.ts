import type { ErrorCode } from "./api.js"

/**
 * The events `<weft-connect>` dispatches: `CustomEvent`s that bubble and
 * cross shadow boundaries (`composed`), so a listener on the element or on
 * any ancestor hears them.
 *
 * @since 0.1.0
 */

/**
 * `weft:connected`: the integration is connected. Never holds credentials.
 *
 * @since 0.1.0
 * @category events
 */
export interface ConnectedDetail {
  readonly integrationId: string
  readonly connector: string
  readonly tenant: string
}

/**
 * `weft:error`: a call was refused or failed; the element shows the same
 * message and resolution in its alert.
 *
 * @since 0.1.0
 * @category events
 */
export interface ErrorDetail {
  readonly code: ErrorCode
  readonly message: string
  readonly resolution: string
}

/**
 * `weft:session-expired`: the connect session ran out. Set a new `token`;
 * the element continues where it was, with the form as filled.
 *
 * @since 0.1.0
 * @category events
 */
export interface SessionExpiredDetail {
  /** When the session expired (ISO 8601), as far as the element knows it. */
  readonly expiresAt: string | undefined
}

/**
 * @since 0.1.0
 * @category events
 */
export interface WeftConnectEventMap {
  "weft:connected": CustomEvent<ConnectedDetail>
  "weft:error": CustomEvent<ErrorDetail>
  "weft:close": CustomEvent<null>
  "weft:session-expired": CustomEvent<SessionExpiredDetail>
}

/** A bubbling, composed event of the map. */
export const event = <K extends keyof WeftConnectEventMap>(type: K, detail: WeftConnectEventMap[K]["detail"]): WeftConnectEventMap[K] =>
  new CustomEvent(type, { detail, bubbles: true, composed: true }) as WeftConnectEventMap[K]
