/**
 * Where the page finds the API and how it authenticates, from the page
 * root's `data-api-url` / `data-auth` attributes or `window.weftAuditConfig`
 * (set by a script of the host's, loaded before `audit.js`: the page's CSP
 * allows no inline script).
 *
 * - Nothing set: the API is one level above the page (`/ui/` → `/`) and the
 *   operator signs in with an API key, held in memory only.
 * - `apiUrl` set: the page talks to that URL (typically the host's proxy,
 *   which adds the API key server-side) and asks for no key. `auth: "key"`
 *   asks for one anyway.
 */

export interface AuditConfig {
  /** The API's base URL, absolute or relative to the page. */
  readonly apiUrl?: string | undefined
  /** `key`: ask for an API key; `proxy`: send none. */
  readonly auth?: "key" | "proxy" | undefined
  /** Runs and events per page, 1 to 500 (default 25). */
  readonly pageSize?: number | undefined
}

export interface ResolvedConfig {
  /** Absolute, ending with `/`. */
  readonly apiUrl: string
  readonly auth: "key" | "proxy"
  readonly pageSize: number
}

const PAGE_SIZE = 25

declare global {
  interface Window {
    weftAuditConfig?: AuditConfig | undefined
  }
}

const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`)

export const resolveConfig = (root: HTMLElement): ResolvedConfig => {
  const global = window.weftAuditConfig ?? {}
  const apiUrl = root.dataset["apiUrl"] ?? global.apiUrl
  const auth = root.dataset["auth"] ?? global.auth
  const explicitAuth = auth === "key" || auth === "proxy" ? auth : undefined
  const size = Number(root.dataset["pageSize"] ?? global.pageSize ?? PAGE_SIZE)
  const pageSize = Number.isInteger(size) && size >= 1 && size <= 500 ? size : PAGE_SIZE
  if (apiUrl === undefined || apiUrl === "") {
    return { apiUrl: new URL("../", document.baseURI).href, auth: explicitAuth ?? "key", pageSize }
  }
  return { apiUrl: withSlash(new URL(apiUrl, document.baseURI).href), auth: explicitAuth ?? "proxy", pageSize }
}
