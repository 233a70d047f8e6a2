import * as Context from "effect/Context"
import type { Connector } from "@weft/core/connector"
import type { SessionState, Signer } from "./sessions.js"

/** What the handlers share: the server's options, resolved once. */
export interface ServerContext {
  readonly signer: Signer
  readonly sessions: SessionState
  readonly connectors: ReadonlyArray<Connector.Any>
  /** The API's public origin and path prefix, for OAuth redirect URIs; no trailing slash. */
  readonly publicUrl: string | undefined
  readonly sessionTtlMs: number
  /** Origins an OAuth `returnUrl` may point at (default: the public URL's). */
  readonly returnOrigins: ReadonlyArray<string>
}

export class ApiServerContext extends Context.Tag("@weft/api/ServerContext")<ApiServerContext, ServerContext>() {}
