import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Connector } from "@weft/core/connector"
import { Weft } from "@weft/core/host"
import { Sink } from "@weft/core/sink"
import { Vault } from "@weft/core/vault"
import { StoreMemory } from "@weft/store-memory"
import { NoHttp, testKeys } from "./harness.js"

/** A Weft host over StoreMemory, the given Sink and no network. */
export const weftLayer = (
  connector: Connector.Any,
  sink: Layer.Layer<Sink.Sink>,
  options: Omit<Weft.WeftOptions, "connectors"> = {}
) =>
  Weft.layer({ connectors: [connector], ...options }).pipe(
    Layer.provideMerge(StoreMemory.layer),
    Layer.provideMerge(sink),
    Layer.provideMerge(Vault.layer(testKeys)),
    Layer.provideMerge(NoHttp)
  )

/** Lets forked fibers work until `check` holds (no clock movement), or fails after many tries. */
export const eventually = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  check: (a: A) => boolean,
  tries = 2000
): Effect.Effect<A, E | Error, R> =>
  Effect.gen(function*() {
    for (let i = 0; i < tries; i++) {
      const value = yield* effect
      if (check(value)) return value
      yield* Effect.yieldNow()
      if (i % 50 === 49) yield* Effect.sleep(0)
    }
    return yield* Effect.fail(new Error("condition never held"))
  })

export const destination = { url: "https://hooks.example.com/weft", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }
