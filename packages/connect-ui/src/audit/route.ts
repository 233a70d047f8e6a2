import type { IntegrationFilter } from "./api.js"
import type { IntegrationStatus } from "./types.js"

/**
 * Where the operator is, kept in the URL's fragment so the browser's back
 * button and shared links work. The fragment only ever names ids and
 * filters: never a credential.
 */

export type Route =
  | { readonly view: "integrations"; readonly filter: IntegrationFilter }
  | { readonly view: "integration"; readonly id: string }
  | { readonly view: "sync"; readonly id: string }
  | { readonly view: "run"; readonly id: string }

const STATUSES: ReadonlyArray<string> = ["active", "invalid_credentials", "reauth_required", "disabled"]

export const parseRoute = (hash: string): Route => {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?", 2)
  const parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent)
  const [kind, id] = parts
  if (id !== undefined) {
    if (kind === "integrations") return { view: "integration", id }
    if (kind === "syncs") return { view: "sync", id }
    if (kind === "runs") return { view: "run", id }
  }
  const params = new URLSearchParams(search)
  const status = params.get("status") ?? undefined
  return {
    view: "integrations",
    filter: {
      tenant: params.get("tenant") ?? undefined,
      connector: params.get("connector") ?? undefined,
      status: status !== undefined && STATUSES.includes(status) ? (status as IntegrationStatus) : undefined
    }
  }
}

export const href = {
  integrations: (filter: IntegrationFilter = {}): string => {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(filter)) if (typeof value === "string" && value !== "") params.set(name, value)
    const query = params.toString()
    return query === "" ? "#/" : `#/?${query}`
  },
  integration: (id: string): string => `#/integrations/${encodeURIComponent(id)}`,
  sync: (id: string): string => `#/syncs/${encodeURIComponent(id)}`,
  run: (id: string): string => `#/runs/${encodeURIComponent(id)}`
}
