import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Sink } from "@weft/core/sink"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { SinkWebhook } from "../../src/index.js"

/** The Standard Webhooks reference test vector. */
export const vector = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: "{\"test\": 2432232314}",
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
} as const

/** A second well-formed secret, for rotation. */
export const otherSecret = "whsec_" + Buffer.alloc(32, 7).toString("base64")

export const eventId = "evt_0192f3a4b5c67d8e9f0a1b2c3d4e5f60"

export const event = {
  id: eventId,
  type: "record.new",
  timestamp: "2026-11-26T18:00:00.000Z",
  integrationId: "int_1",
  connector: "bamboohr",
  tenant: "acme",
  syncId: "syn_1",
  syncRunId: "run_1",
  syncType: "initial_sync",
  model: "hris.employee",
  recordId: "123",
  data: { id: "123", name: "Zoë  Ångström", note: "spacing   kept" }
} as const

/** Exact bytes, deliberately not what JSON.stringify would produce. */
export const bodyText = JSON.stringify(event, null, 1) + "\n"
export const body = new TextEncoder().encode(bodyText)

export const attempt = (n = 1, bytes: Uint8Array = body): Sink.Attempt => ({
  eventId,
  eventType: "record.new",
  body: bytes,
  attempt: n
})

export const destination = (
  url: string,
  options?: Record<string, unknown>,
  secrets: ReadonlyArray<string> = [vector.secret]
): Sink.Destination => ({
  id: "dst_1",
  url,
  secrets: secrets.map((s) => Redacted.make(s)),
  ...(options === undefined ? {} : { options })
})

/** The default sink (undici, guarded at connect), allowing the loopback receiver. */
export const sinkLayer = (options: SinkWebhook.Options = {}) => SinkWebhook.layer({ allowHosts: ["127.0.0.1"], ...options })

export const deliver = (destination: Sink.Destination, a: Sink.Attempt = attempt()) =>
  Effect.flatMap(Sink.Sink, (sink) => sink.deliver(destination, a))

export const validate = (spec: Sink.DestinationSpec) => Effect.flatMap(Sink.Sink, (sink) => Effect.flip(sink.validate(spec)))

/** Whether the sink accepts a destination. */
export const accepts = (spec: Sink.DestinationSpec) =>
  Effect.flatMap(Sink.Sink, (sink) => Effect.isSuccess(sink.validate(spec)))

/** The sink over an `HttpClient` (undici through @effect/platform-node), allowing the loopback receiver. */
export const httpClientSinkLayer = (options: SinkWebhook.Options = {}) =>
  SinkWebhook.layerHttpClient({ allowHosts: ["127.0.0.1"], ...options }).pipe(Layer.provide(NodeHttpClient.layerUndici))
