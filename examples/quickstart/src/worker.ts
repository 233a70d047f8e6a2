import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Weft } from "@weft/core/host"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import * as Host from "./host.js"
import * as DemoStore from "./store.js"
import * as Wiring from "./wiring.js"
import type { Call, FromWorker, Init, ToWorker } from "./workerProtocol.js"

/**
 * The Weft worker of `npm run demo -- --crash`: Weft alone, on the store the
 * demo names, answering the demo's calls over the IPC channel. The demo
 * (with the fake BambooHR and the receiver) kills it with SIGKILL once and
 * starts it again. Started as
 * `node --conditions=@weft/source --import tsx src/worker.ts`.
 *
 * @since 0.1.0
 */

const send = (message: FromWorker) =>
  Effect.sync(() => {
    if (process.connected) process.send?.(message)
  })

const handle = (host: Host.DemoHost, call: Call): Effect.Effect<unknown, Host.HostError> => {
  const args = call.args as never
  switch (call.op) {
    case "connect": {
      const request = args as Omit<Host.ConnectRequest, "secret"> & { readonly secret: string }
      return host.connect({ ...request, secret: Redacted.make(request.secret) })
    }
    case "resetEarlier":
      return host.resetEarlier
    case "listRuns":
      return host.listRuns(args)
    case "getRun":
      return host.getRun(args)
    case "listEvents":
      return host.listEvents(args)
    case "triggerAndWait":
      return host.triggerAndWait(args)
  }
}

const answer = (host: Host.DemoHost, call: Call) =>
  handle(host, call).pipe(
    Effect.catchAllDefect((defect) => Effect.fail(Host.hostError(defect))),
    Effect.match({
      onSuccess: (value): FromWorker => ({ type: "result", id: call.id, ok: true, value }),
      onFailure: (error): FromWorker => ({ type: "result", id: call.id, ok: false, error })
    }),
    Effect.flatMap(send)
  )

const program = Effect.gen(function*() {
  const init = yield* Effect.async<Init>((resume) => {
    process.once("message", (message: ToWorker) => {
      if (message.type === "init") resume(Effect.succeed(message))
    })
  })
  const weft = yield* Layer.build(
    Wiring.layer({
      baseUrl: (domain) => `${init.fakeUrl}/${domain}`,
      allowHosts: init.allowHosts,
      store: DemoStore.fromWire(init.store),
      keys: Redacted.make(init.keys),
      crash: {
        runLease: init.runLeaseMs,
        deliveryLease: init.deliveryLeaseMs,
        sinkTimeout: init.sinkTimeoutMs,
        pageSize: init.pageSize
      }
    })
  ).pipe(
    Effect.map((context) => Context.get(context, Weft.Weft)),
    Effect.tapError((error) => send({ type: "failed", message: error.message }))
  )
  const host = Host.fromWeft(weft)
  const run = Runtime.runFork(yield* Effect.runtime<never>())
  yield* send({ type: "ready", pid: process.pid })
  // Serves calls until told to stop, or until the demo is gone.
  yield* Effect.async<void>((resume) => {
    process.on("message", (message: ToWorker) => {
      if (message.type === "call") run(answer(host, message))
      if (message.type === "shutdown") resume(Effect.void)
    })
    process.once("disconnect", () => resume(Effect.void))
  })
}).pipe(Effect.scoped)

program.pipe(
  NodeRuntime.runMain({
    disableErrorReporting: true,
    // The IPC channel would keep the process alive: it ends once Weft has stopped.
    teardown: (exit) => process.exit(Exit.isSuccess(exit) ? 0 : 1)
  })
)
