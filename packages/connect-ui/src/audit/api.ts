import type {
  Attempt,
  Destination,
  Event,
  EventStatus,
  Integration,
  IntegrationStatus,
  Page,
  ReplayResult,
  ResyncInput,
  Run,
  Sync,
  TriggerInput
} from "./types.js"

/**
 * The page's client of the Weft API, over fetch. In key mode it holds the
 * API key in this closure only and sends it as a bearer token; in proxy
 * mode it sends no credentials of its own (the host's proxy adds them, and
 * the host's own session cookie goes along as for any same-origin request).
 */

/** An error answer of the API (or no answer), with what the page shows. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string | undefined
  readonly resolution: string | undefined
  /** The run in progress, for 409 `run_in_progress`. */
  readonly runId: string | undefined

  constructor(status: number, message: string, extra: { code?: string | undefined; resolution?: string | undefined; runId?: string | undefined } = {}) {
    super(message)
    this.name = "ApiError"
    this.status = status
    this.code = extra.code
    this.resolution = extra.resolution
    this.runId = extra.runId
  }
}

export interface IntegrationFilter {
  readonly tenant?: string | undefined
  readonly status?: IntegrationStatus | undefined
  readonly connector?: string | undefined
}

export interface Api {
  /** Succeeds when the API accepts the credentials (an admin endpoint's smallest answer). */
  readonly check: () => Promise<unknown>
  readonly integrations: (filter: IntegrationFilter) => Promise<{ readonly items: ReadonlyArray<Integration> }>
  readonly integration: (id: string) => Promise<Integration>
  readonly syncs: (integrationId: string) => Promise<{ readonly items: ReadonlyArray<Sync> }>
  readonly sync: (id: string) => Promise<Sync>
  readonly runs: (query: { readonly syncId: string; readonly cursor?: string | undefined; readonly limit?: number }) => Promise<Page<Run>>
  readonly run: (id: string) => Promise<Run>
  readonly events: (
    query: { readonly runId: string; readonly status?: EventStatus | undefined; readonly cursor?: string | undefined; readonly limit?: number }
  ) => Promise<Page<Event>>
  readonly attempts: (eventId: string) => Promise<{ readonly items: ReadonlyArray<Attempt> }>
  readonly destination: (id: string) => Promise<Destination>
  readonly trigger: (syncId: string, input: TriggerInput) => Promise<unknown>
  readonly pause: (syncId: string) => Promise<unknown>
  readonly resume: (syncId: string) => Promise<unknown>
  readonly resync: (syncId: string, input: ResyncInput) => Promise<Run>
  readonly replayRun: (runId: string) => Promise<ReplayResult>
  readonly enableDestination: (id: string) => Promise<unknown>
}

type Query = Readonly<Record<string, string | number | undefined>>

const describe = (status: number, body: unknown): ApiError => {
  if (typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string") {
    const b = body as { message: string; code?: unknown; resolution?: unknown; runId?: unknown }
    const text = (v: unknown) => (typeof v === "string" ? v : undefined)
    return new ApiError(status, b.message, { code: text(b.code), resolution: text(b.resolution), runId: text(b.runId) })
  }
  return new ApiError(status, `The API answered ${status}.`)
}

/**
 * A client for the API at `baseUrl` (absolute, ending with `/`). With `key`,
 * every request carries `Authorization: Bearer <key>`. `onUnauthorized`
 * hears of a 401 (the key was revoked, the host's session ended).
 */
export const makeApi = (baseUrl: string, key?: string, onUnauthorized?: (error: ApiError) => void): Api => {
  const request = async <A>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<A> => {
    const url = new URL(path, baseUrl)
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== "") url.searchParams.set(name, String(value))
    }
    const headers: Record<string, string> = { accept: "application/json" }
    if (key !== undefined) headers["authorization"] = `Bearer ${key}`
    if (options.body !== undefined) headers["content-type"] = "application/json"
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        credentials: "same-origin",
        cache: "no-store",
        // A proxy that answers a redirect (to its login page, say) is not the API.
        redirect: "manual"
      })
    } catch {
      throw new ApiError(0, `Could not reach the API at ${baseUrl}. Check the connection and try again.`)
    }
    if (response.type === "opaqueredirect") {
      throw new ApiError(0, "The API answered with a redirect: the session with the host may have ended. Sign in to it again and reload.")
    }
    const text = await response.text()
    let body: unknown = undefined
    if (text !== "") {
      try {
        body = JSON.parse(text)
      } catch {
        throw new ApiError(response.status, `The API answered ${response.status} with something that is not JSON.`)
      }
    }
    if (!response.ok) {
      const error = describe(response.status, body)
      if (response.status === 401) onUnauthorized?.(error)
      throw error
    }
    return body as A
  }
  const id = encodeURIComponent
  return {
    check: () => request("GET", "runs", { query: { limit: 1 } }),
    integrations: (filter) => request("GET", "integrations", { query: { ...filter } }),
    integration: (i) => request("GET", `integrations/${id(i)}`),
    syncs: (integrationId) => request("GET", "syncs", { query: { integrationId } }),
    sync: (i) => request("GET", `syncs/${id(i)}`),
    runs: (query) => request("GET", "runs", { query: { ...query } }),
    run: (i) => request("GET", `runs/${id(i)}`),
    events: (query) => request("GET", "events", { query: { ...query } }),
    attempts: (eventId) => request("GET", `events/${id(eventId)}/attempts`),
    destination: (i) => request("GET", `destinations/${id(i)}`),
    trigger: (syncId, input) => request("POST", `syncs/${id(syncId)}/trigger`, { body: input }),
    pause: (syncId) => request("POST", `syncs/${id(syncId)}/pause`),
    resume: (syncId) => request("POST", `syncs/${id(syncId)}/resume`),
    resync: (syncId, input) => request("POST", `syncs/${id(syncId)}/resync`, { body: input }),
    replayRun: (runId) => request("POST", "events/replay", { body: { runId } }),
    enableDestination: (i) => request("POST", `destinations/${id(i)}/enable`)
  }
}
