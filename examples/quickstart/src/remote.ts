import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import { DemoFailure } from "./errors.js"
import { type DemoHost, type HostError, revealSecret } from "./host.js"
import type { FromWorker, Init, Op, ToWorker } from "./workerProtocol.js"

/**
 * Weft in a worker process, for `--crash`: the demo's calls go over the IPC
 * channel; `kill` ends the worker with SIGKILL and a new one starts on the
 * same store at once. A call in flight when the worker is killed is made
 * again to the new one (the demo only reads while it is killed). A worker
 * that stops on its own ends the demo with what it printed last.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Killed {
  readonly pid: number
  readonly at: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Restarted {
  readonly pid: number
  /** From the kill until the new worker's Weft was up. */
  readonly afterMs: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Remote {
  readonly host: DemoHost
  /** Kills the worker with SIGKILL (once it is up); another starts on the same store. */
  readonly kill: Effect.Effect<Option.Option<Killed>>
}

interface Worker {
  readonly child: ChildProcess
  readonly pid: number
  readonly pending: Map<number, (reply: FromWorker | "gone") => void>
  /** How it ended, with its last output. */
  readonly exited: Deferred.Deferred<string>
  killed: boolean
}

const require = createRequire(import.meta.url)
const TAIL = 4000

/** The command line of the root `demo` script, on the worker entry. */
const command = (): ReadonlyArray<string> => [
  "--conditions=@weft/source",
  "--import",
  pathToFileURL(require.resolve("tsx")).href,
  fileURLToPath(new URL("./worker.ts", import.meta.url))
]

const stopped = (message: string): HostError => ({ _tag: "WorkerStopped", message })

/** Starts one worker and waits until its Weft is up. */
const spawnWorker = (init: Init): Effect.Effect<Worker, DemoFailure> =>
  Effect.gen(function*() {
    const exited = yield* Deferred.make<string>()
    return yield* Effect.async<Worker, DemoFailure>((resume) => {
      let output = ""
      const child = spawn(process.execPath, [...command()], { stdio: ["ignore", "pipe", "pipe", "ipc"], env: process.env })
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString("utf8")).slice(-TAIL)
      }
      child.stdout?.on("data", keep)
      child.stderr?.on("data", keep)
      const worker: Worker = { child, pid: child.pid ?? 0, pending: new Map(), exited, killed: false }
      let ready = false
      let settled = false
      const settle = (result: Effect.Effect<Worker, DemoFailure>) => {
        if (settled) return
        settled = true
        resume(result)
      }
      child.on("message", (message: FromWorker) => {
        if (message.type === "ready") {
          ready = true
          settle(Effect.succeed(worker))
        } else if (message.type === "failed") {
          settle(Effect.fail(new DemoFailure({ reason: "setup", detail: `Weft could not start: ${message.message}` })))
        } else {
          const reply = worker.pending.get(message.id)
          worker.pending.delete(message.id)
          reply?.(message)
        }
      })
      child.on("error", (error) => {
        settle(Effect.fail(new DemoFailure({ reason: "setup", detail: `Weft's worker process could not start: ${error.message}` })))
      })
      child.on("exit", (code, signal) => {
        const how = `${signal === null ? `exit code ${code}` : `signal ${signal}`}${output.trim() === "" ? "" : `; its last output:\n${output.trim()}`}`
        if (!ready) settle(Effect.fail(new DemoFailure({ reason: "setup", detail: `Weft's worker process stopped before it was up (${how})` })))
        for (const reply of worker.pending.values()) reply("gone")
        worker.pending.clear()
        Deferred.unsafeDone(exited, Exit.succeed(how))
      })
      const message: ToWorker = init
      child.send(message)
      return Effect.sync(() => child.kill("SIGKILL"))
    })
  })

/**
 * Starts the worker; it is stopped (asked, then killed) when the scope
 * closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (
  init: Init,
  onRestart: (restarted: Restarted) => Effect.Effect<void>
): Effect.Effect<Remote, DemoFailure, Scope.Scope> =>
  Effect.gen(function*() {
    const first = yield* Deferred.make<Worker, DemoFailure>()
    const current = yield* Ref.make(first)
    let closing = false
    let nextId = 1
    let killedAt: number | undefined

    const supervise = (started: Worker): Effect.Effect<void> =>
      Effect.gen(function*() {
        let worker = started
        while (true) {
          const how = yield* Deferred.await(worker.exited)
          if (closing) return
          if (!worker.killed) {
            const target = yield* Ref.get(current)
            yield* Deferred.fail(target, new DemoFailure({ reason: "weft", detail: `Weft's worker process stopped on its own (${how})` }))
            return
          }
          // Killed on purpose: `kill` has put a fresh, pending slot in `current` already.
          const target = yield* Ref.get(current)
          const next = yield* Effect.either(spawnWorker(init))
          if (next._tag === "Left") {
            yield* Deferred.fail(target, next.left)
            return
          }
          worker = next.right
          yield* Deferred.succeed(target, worker)
          const now = yield* Clock.currentTimeMillis
          yield* onRestart({ pid: worker.pid, afterMs: now - (killedAt ?? now) })
        }
      })

    const initial = yield* spawnWorker(init)
    yield* Deferred.succeed(first, initial)
    yield* Effect.forkScoped(supervise(initial))

    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        closing = true
        const polled = yield* Deferred.poll(yield* Ref.get(current))
        if (Option.isNone(polled)) return
        const started = yield* Effect.exit(polled.value)
        if (Exit.isFailure(started)) return
        const worker = started.value
        yield* Effect.sync(() => {
          try {
            worker.child.send({ type: "shutdown" } satisfies ToWorker)
          } catch {
            // already gone
          }
        })
        // Interruptible: a finalizer is not, and the timeout must be able to give up waiting.
        const done = yield* Effect.timeoutOption(Effect.interruptible(Deferred.await(worker.exited)), "10 seconds")
        if (Option.isNone(done)) yield* Effect.sync(() => worker.child.kill("SIGKILL"))
      }).pipe(Effect.orDie, Effect.ignore)
    )

    const call = <A>(op: Op, args: unknown): Effect.Effect<A, HostError> =>
      Effect.gen(function*() {
        while (true) {
          const worker = yield* Effect.mapError(Deferred.await(yield* Ref.get(current)), (e) => stopped(e.message))
          const reply = yield* Effect.async<FromWorker | "gone">((resume) => {
            const id = nextId++
            worker.pending.set(id, (r) => resume(Effect.succeed(r)))
            try {
              worker.child.send({ type: "call", id, op, args } satisfies ToWorker)
            } catch {
              worker.pending.delete(id)
              resume(Effect.succeed("gone"))
            }
            return Effect.sync(() => void worker.pending.delete(id))
          })
          if (reply === "gone") {
            // The worker was killed on purpose: ask the next one.
            if (worker.killed) continue
            return yield* Effect.fail(stopped("Weft's worker process stopped while answering."))
          }
          if (reply.type !== "result") continue
          if (reply.ok) return reply.value as A
          return yield* Effect.fail(reply.error)
        }
      })

    const kill: Remote["kill"] = Effect.gen(function*() {
      const slot = yield* Ref.get(current)
      const polled = yield* Deferred.poll(slot)
      if (Option.isNone(polled)) return Option.none()
      const done = yield* Effect.exit(polled.value)
      if (Exit.isFailure(done) || done.value.killed) return Option.none()
      const worker = done.value
      yield* Ref.set(current, yield* Deferred.make<Worker, DemoFailure>())
      worker.killed = true
      const at = yield* Clock.currentTimeMillis
      killedAt = at
      yield* Effect.sync(() => {
        try {
          process.kill(worker.pid, "SIGKILL")
        } catch {
          // already gone
        }
      })
      return Option.some({ pid: worker.pid, at })
    })

    const host: DemoHost = {
      connect: (request) => call("connect", revealSecret(request)),
      resetEarlier: call("resetEarlier", null),
      listRuns: (query) => call("listRuns", query),
      getRun: (id) => call("getRun", id),
      listEvents: (query) => call("listEvents", query),
      triggerAndWait: (syncId) => call("triggerAndWait", syncId)
    }
    return { host, kill }
  })
