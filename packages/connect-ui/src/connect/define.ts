/// <reference lib="dom" />
import type { WeftConnectEventMap } from "./events.js"
import { WeftConnect } from "./WeftConnect.js"

/**
 * The entry of `weft-connect.js`: defines `<weft-connect>` (once, even when
 * the script is loaded twice) and exports the element's class, its default
 * strings and its types.
 *
 * @since 0.1.0
 */

if (customElements.get("weft-connect") === undefined) customElements.define("weft-connect", WeftConnect)

declare global {
  interface HTMLElementTagNameMap {
    "weft-connect": WeftConnect
  }
  interface HTMLElementEventMap extends WeftConnectEventMap {}
}

export { WeftConnect }
export type { ErrorCode } from "./api.js"
export type { ConnectedDetail, ErrorDetail, SessionExpiredDetail, WeftConnectEventMap } from "./events.js"
export { defaultStrings } from "./strings.js"
export type { StringOverrides, Strings } from "./strings.js"
