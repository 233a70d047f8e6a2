import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

// A mocked HttpClient for the connector helpers' tests: answers with a
// handler and records every request it was sent, with the Clock time.

export interface Sent {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly at: number
  readonly url: string
  readonly param: (name: string) => string | undefined
  readonly header: (name: string) => string | undefined
  readonly bodyText: string
  readonly bodyJson: () => unknown
}

export type Answer = Response | "transport-error"

export const mockHttp = (handler: (sent: Sent, index: number) => Answer | Promise<Answer>) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request) =>
    Effect.gen(function*() {
      const at = yield* Clock.currentTimeMillis
      const body = request.body._tag === "Uint8Array" ? Buffer.from(request.body.body).toString() : ""
      const entry: Sent = {
        request,
        at,
        url: HttpClientRequest.toUrl(request).pipe((u) => (u._tag === "Some" ? u.value.toString() : request.url)),
        param: (name) => UrlParams.getFirst(request.urlParams, name).pipe((o) => (o._tag === "Some" ? o.value : undefined)),
        header: (name) => request.headers[name.toLowerCase()],
        bodyText: body,
        bodyJson: () => JSON.parse(body) as unknown
      }
      sent.push(entry)
      const answer = yield* Effect.promise(async () => handler(entry, sent.length - 1))
      if (answer === "transport-error") {
        return yield* new HttpClientError.RequestError({ request, reason: "Transport", description: "connection refused" })
      }
      return HttpClientResponse.fromWeb(request, answer)
    })
  )
  return { client, sent }
}

export const json = (body: unknown, init: { status?: number; headers?: Record<string, string> } = {}) =>
  new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "content-type": "application/json", ...init.headers }
  })

export const status = (code: number, headers: Record<string, string> = {}, body = "") =>
  new Response(body.length === 0 ? null : body, { status: code, headers })
