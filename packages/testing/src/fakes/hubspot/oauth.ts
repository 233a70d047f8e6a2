import type { FakeResponse } from "../kit/FakeServer.js"
import * as Seeded from "../kit/Seeded.js"

/**
 * The fake's OAuth 2 server, shaped like HubSpot's `/oauth/v1/token`: the
 * authorization-code and refresh-token grants, 30-minute access tokens on
 * the fake's clock, refresh tokens that do not rotate unless asked to, and
 * HubSpot's `BAD_*` error answers.
 *
 * @since 0.1.0
 */

/**
 * What a token grants: one portal (hub) and some scopes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grant {
  readonly hubId: number
  readonly scopes: ReadonlyArray<string>
}

/**
 * A token pair as handed to a test.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenPair {
  readonly accessToken: string
  readonly refreshToken: string
  /** Seconds the access token lives from its issue. */
  readonly expiresIn: number
}

interface AccessToken extends Grant {
  expiresAt: number
  revoked: boolean
  readonly refreshToken: string
}

interface RefreshToken extends Grant {
  revoked: boolean
}

/**
 * Why an access token was refused.
 *
 * @since 0.1.0
 * @category models
 */
export type Verdict =
  | { readonly ok: true; readonly grant: Grant }
  | { readonly ok: false; readonly reason: "unknown" | "revoked" }
  | { readonly ok: false; readonly reason: "expired"; readonly expiredForMs: number }

/**
 * @since 0.1.0
 * @category models
 */
export class OAuthServer {
  private readonly access = new Map<string, AccessToken>()
  private readonly refresh = new Map<string, RefreshToken>()
  private readonly codes = new Map<string, { readonly grant: Grant; readonly redirectUri: string }>()
  private readonly random: () => number
  /** Successful refresh-token grants so far. */
  refreshes = 0

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    private readonly now: () => number,
    private readonly options: { readonly rotate: boolean; readonly lifetimeMs: number; readonly seed: number }
  ) {
    this.random = Seeded.prng(options.seed ^ 0x0a0a7)
  }

  private token(length: number): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return Array.from({ length }, () => alphabet[Math.floor(this.random() * alphabet.length)]).join("")
  }

  private uuid(): string {
    const hex = () => Math.floor(this.random() * 16).toString(16)
    const run = (n: number) => Array.from({ length: n }, hex).join("")
    return `${run(8)}-${run(4)}-4${run(3)}-a${run(3)}-${run(12)}`
  }

  private issueAccess(grant: Grant, refreshToken: string, expired: boolean): string {
    const accessToken = `CK${this.token(86)}`
    const expiresAt = expired ? this.now() - 60 * 60_000 : this.now() + this.options.lifetimeMs
    this.access.set(accessToken, { ...grant, expiresAt, revoked: false, refreshToken })
    return accessToken
  }

  /** A fresh token pair (as after a consent), optionally already expired. */
  issue(grant: Grant, options: { readonly expired?: boolean } = {}): TokenPair {
    const refreshToken = this.uuid()
    this.refresh.set(refreshToken, { ...grant, revoked: false })
    return {
      accessToken: this.issueAccess(grant, refreshToken, options.expired === true),
      refreshToken,
      expiresIn: Math.round(this.options.lifetimeMs / 1000)
    }
  }

  /** An authorization code, as HubSpot appends to the redirect after consent. */
  authorize(grant: Grant, redirectUri: string): string {
    const code = this.uuid()
    this.codes.set(code, { grant, redirectUri })
    return code
  }

  /** The user uninstalled the app: the refresh token and its access tokens stop working. */
  revoke(refreshToken: string): void {
    const r = this.refresh.get(refreshToken)
    if (r !== undefined) r.revoked = true
    for (const a of this.access.values()) if (a.refreshToken === refreshToken) a.revoked = true
  }

  /** Every access token issued so far expires now. */
  expireAll(): void {
    for (const a of this.access.values()) a.expiresAt = Math.min(a.expiresAt, this.now() - 1)
  }

  /** Whether the fake ever issued this access token (for auth-problem reports). */
  issued(accessToken: string): boolean {
    return this.access.has(accessToken)
  }

  verify(accessToken: string): Verdict {
    const a = this.access.get(accessToken)
    if (a === undefined) return { ok: false, reason: "unknown" }
    if (a.revoked) return { ok: false, reason: "revoked" }
    if (a.expiresAt <= this.now()) return { ok: false, reason: "expired", expiredForMs: this.now() - a.expiresAt }
    return { ok: true, grant: { hubId: a.hubId, scopes: a.scopes } }
  }

  /** `POST /oauth/v1/token` (form-encoded). */
  handle(form: URLSearchParams, correlationId: string, hubExists: (hubId: number) => boolean): FakeResponse {
    const refuse = (status: string, message: string): FakeResponse => ({
      status: 400,
      body: { status, message, correlationId }
    })
    if (form.get("client_id") !== this.clientId) return refuse("BAD_CLIENT_ID", "missing or unknown client id")
    if (form.get("client_secret") !== this.clientSecret) return refuse("BAD_CLIENT_SECRET", "missing or invalid client secret")
    const grantType = form.get("grant_type")
    let grant: Grant
    let refreshToken: string
    if (grantType === "refresh_token") {
      const presented = form.get("refresh_token") ?? ""
      const r = this.refresh.get(presented)
      if (r === undefined || r.revoked || !hubExists(r.hubId)) {
        return refuse("BAD_REFRESH_TOKEN", "missing or invalid refresh token")
      }
      grant = { hubId: r.hubId, scopes: r.scopes }
      refreshToken = presented
      if (this.options.rotate) {
        r.revoked = true
        refreshToken = this.uuid()
        this.refresh.set(refreshToken, { ...grant, revoked: false })
      }
      this.refreshes++
    } else if (grantType === "authorization_code") {
      const code = this.codes.get(form.get("code") ?? "")
      if (code === undefined) return refuse("BAD_AUTH_CODE", "missing or unknown auth code")
      if (code.redirectUri !== form.get("redirect_uri")) return refuse("BAD_REDIRECT_URI", "redirect_uri does not match the one authorized")
      this.codes.delete(form.get("code")!)
      grant = code.grant
      refreshToken = this.uuid()
      this.refresh.set(refreshToken, { ...grant, revoked: false })
    } else {
      return refuse("BAD_GRANT_TYPE", "grant_type must be authorization_code or refresh_token")
    }
    return {
      status: 200,
      body: {
        token_type: "bearer",
        refresh_token: refreshToken,
        access_token: this.issueAccess(grant, refreshToken, false),
        expires_in: Math.round(this.options.lifetimeMs / 1000)
      }
    }
  }
}
