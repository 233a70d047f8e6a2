/**
 * Weft's user-facing parts. In Node: `AuditUi`, the layer that serves the
 * audit page and the element's script next to the Weft API. In the browser:
 * `@weft/connect-ui/weft-connect.js` defines `<weft-connect>`.
 *
 * @since 0.1.0
 */
export * as AuditUi from "./server/AuditUi.js"
