import { createServer } from "node:http"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { BambooHR, HubSpot } from "@weft/connectors"
import { Weft } from "@weft/core/host"
import { Store } from "@weft/core/store"
import { Vault } from "@weft/core/vault"
import { SinkWebhook } from "@weft/sink-webhook"
import { StoreMemory } from "@weft/store-memory"
import { StoreSqlite } from "@weft/store-sql/sqlite"
import { BambooHRFake, HubSpotFake, WebhookReceiver } from "@weft/testing"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { WeftApiServer } from "../src/index.js"

/**
 * A whole Weft behind its API on a loopback port: the BambooHR and HubSpot
 * fakes, a recording webhook receiver that verifies signatures, the memory
 * or SQLite store, and the API server. Every secret a response must never
 * show is listed in `secrets`.
 */

export const ADMIN_KEY = "wk_admin_4f8e2b7c91d04a6fb3e5c0d2a7e9f1b8"
export const OLD_ADMIN_KEY = "wk_admin_previous_0d3c9b2a71e64f58a9b1c2d3"
export const WEBHOOK_SECRET = "whsec_YXBpLXRlc3Qtc2lnbmluZy1zZWNyZXQtMDE="
export const ROTATED_SECRET = "whsec_YXBpLXRlc3Qtcm90YXRlZC1zZWNyZXQtMDI="
export const SESSION_SECRET = "connect-session-signing-secret-for-tests-0123456789"
const VAULT_KEY = Buffer.alloc(32, 9).toString("base64")

/** An API answer; `json` is the parsed body, inspected field by field in tests. */
export interface Answer {
  readonly status: number
  readonly text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads fields of many shapes
  readonly json: any
  readonly headers: Headers
}

export interface Harness {
  readonly url: string
  readonly bamboo: BambooHRFake.Fake
  readonly hubspot: HubSpotFake.Fake
  readonly receiver: WebhookReceiver.WebhookReceiver
  /** Every secret value a response must never contain. */
  readonly secrets: ReadonlyArray<string>
  /** `fetch` against the API, with the admin key unless `token` says otherwise (`null`: no header). */
  readonly call: (
    method: string,
    path: string,
    options?: { readonly token?: string | null; readonly body?: unknown; readonly rawBody?: string; readonly headers?: Record<string, string> }
  ) => Promise<Answer>
}

export interface HarnessOptions {
  readonly store?: { readonly sqlite: string } | undefined
  readonly employees?: number | undefined
  readonly maxBodyBytes?: number | undefined
  /** How the HubSpot fake's consent step answers (default `page`: a page whose buttons post the decision). */
  readonly consent?: "page" | "auto" | undefined
  /** While `down` is true, every store operation fails with a `StoreError` (the memory store underneath). */
  readonly outage?: { down: boolean } | undefined
}

// Every operation of the store, failing while the outage lasts. The detail
// names a host, which must not reach an API answer.
const withOutage = (outage: { down: boolean }) =>
  Layer.effect(
    Store.Store,
    Effect.map(StoreMemory.make, (service) => {
      const wrap = (value: unknown, path: string): unknown => {
        if (typeof value === "function") {
          return (...args: Array<unknown>) =>
            Effect.suspend(() =>
              outage.down
                ? Effect.fail(new Store.StoreError({ op: path, detail: "connect ECONNREFUSED db.internal.example:5432" }))
                : (value as (...a: Array<unknown>) => Effect.Effect<unknown, unknown>)(...args)
            )
        }
        if (typeof value === "object" && value !== null) {
          return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, wrap(child, path === "" ? key : `${path}.${key}`)]))
        }
        return value
      }
      return wrap(service, "") as Store.StoreService
    })
  )

export const harness = (options: HarnessOptions = {}): Effect.Effect<Harness, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const bamboo = yield* BambooHRFake.scoped({ size: options.employees ?? 12, seed: 3 })
    const hubspot = yield* HubSpotFake.scoped({ size: 8, seed: 3, consent: options.consent ?? "page" })
    const receiver = yield* WebhookReceiver.make({ secrets: [WEBHOOK_SECRET, ROTATED_SECRET] })
    const connectors = [
      BambooHR.connector({ baseUrl: bamboo.baseUrl, rateLimit: "none" }),
      HubSpot.connector({
        baseUrl: hubspot.url,
        tokenUrl: hubspot.tokenUrl,
        authorizeUrl: `${hubspot.url}/oauth/authorize`,
        clientId: hubspot.clientId,
        clientSecret: Redacted.make(hubspot.clientSecret)
      })
    ]
    const store = options.outage !== undefined
      ? withOutage(options.outage)
      : options.store === undefined
      ? StoreMemory.layer
      : StoreSqlite.layer({ filename: options.store.sqlite })
    const weft = Weft.layer({
      connectors,
      syncs: {
        bamboohr: [{ destination: { url: receiver.url, secrets: [WEBHOOK_SECRET] } }],
        hubspot: [{ destination: { url: receiver.url, secrets: [WEBHOOK_SECRET] } }]
      }
    }).pipe(
      Layer.provide(Layer.mergeAll(store, SinkWebhook.layer({ allowHosts: ["127.0.0.1"] }), Vault.layer({ current: { id: "k1", key: Redacted.make(VAULT_KEY) } }))),
      Layer.provideMerge(NodeHttpClient.layerUndici)
    )
    // The public URL is only known once the port is: a fixed port is not
    // safe on a shared machine, so the server binds first and the API reads
    // the address through a Deferred-free indirection (the options object).
    const publicUrl = { value: "" }
    const server = NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })
    const api = Layer.unwrapEffect(
      Effect.map(HttpServer.HttpServer, (http) => {
        const address = http.address as HttpServer.TcpAddress
        publicUrl.value = `http://127.0.0.1:${address.port}`
        return HttpApiBuilder.serve().pipe(
          Layer.provide(WeftApiServer.layer({
            apiKeys: [Redacted.make(ADMIN_KEY), Redacted.make(OLD_ADMIN_KEY)],
            sessionSecret: Redacted.make(SESSION_SECRET),
            publicUrl: publicUrl.value,
            // The host's pages a redirect-based authorisation may come back to.
            returnOrigins: [publicUrl.value, "https://app.example"],
            ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes })
          })),
          Layer.provide(weft)
        )
      })
    ).pipe(Layer.provideMerge(server))
    const context = yield* Layer.build(api)
    const url = publicUrl.value
    void Context.get(context, HttpServer.HttpServer)
    const call: Harness["call"] = async (method, path, callOptions = {}) => {
      const token = callOptions.token === undefined ? ADMIN_KEY : callOptions.token
      const headers: Record<string, string> = { ...callOptions.headers }
      if (token !== null) headers["authorization"] = `Bearer ${token}`
      let body: string | undefined
      if (callOptions.rawBody !== undefined) body = callOptions.rawBody
      else if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body)
        headers["content-type"] = "application/json"
      }
      const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }), redirect: "manual" })
      const text = await response.text()
      let json: unknown
      try {
        json = text === "" ? undefined : JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: response.status, text, json, headers: response.headers }
    }
    return {
      url,
      bamboo,
      hubspot,
      receiver,
      call,
      secrets: [
        ADMIN_KEY,
        OLD_ADMIN_KEY,
        WEBHOOK_SECRET,
        ROTATED_SECRET,
        SESSION_SECRET,
        VAULT_KEY,
        hubspot.clientSecret,
        ...Object.values(hubspot.tokens).flatMap((pair) => [pair.accessToken, pair.refreshToken]),
        ...Object.values(BambooHRFake.keys)
      ]
    }
  })

/** Polls `check` every 50 ms until it returns a value, up to `timeoutMs` (real time: loopback I/O). */
export const eventually = async <A>(check: () => Promise<A | undefined>, timeoutMs = 20_000): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error("condition not met in time")
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
