import * as ChildProcess from "node:child_process"
import * as Path from "node:path"
import * as Url from "node:url"
import { CONFIG_ENV, type WorkerConfig, type WorkerMessage } from "./protocol.js"

/**
 * The parent side of the process tests: starts worker processes as the
 * repo's demo runs TypeScript (`node --conditions=@weft/source --import
 * tsx`), reads what they say, keeps the tail of their stderr for failure
 * messages, and kills them (SIGKILL) or stops them (SIGTERM). Every process
 * started here is killed by {@link killAll}, which the tests call in
 * `afterAll` and `finally`, so none outlives its test.
 */

const here = Path.dirname(Url.fileURLToPath(import.meta.url))
const WORKER = Path.join(here, "worker.ts")
const REPO = Path.resolve(here, "../../../..")
const TAIL_LINES = 60

export interface Worker {
  readonly name: string
  readonly pid: number
  /** Messages received so far. */
  readonly messages: ReadonlyArray<WorkerMessage>
  /** The exit, once it happened. */
  readonly exited: () => { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined
  /** Resolves with the first message that `pick` accepts; rejects if the process exits first or after `timeoutMs`. */
  readonly waitFor: <A>(pick: (m: WorkerMessage) => A | undefined, what: string, timeoutMs?: number) => Promise<A>
  /** SIGKILL, then waits until the process is gone. */
  readonly kill: () => Promise<void>
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`); returns the exit code. */
  readonly stop: (timeoutMs?: number) => Promise<number | null>
  /** The last lines of its stderr. */
  readonly stderr: () => string
}

const live = new Set<ChildProcess.ChildProcess>()
/** Stderr tails of every worker started, for failure messages. */
const transcripts: Array<{ readonly name: string; readonly tail: () => string }> = []

/** Everything the workers printed on stderr (last lines of each), for a failure message. */
export const allStderr = (): string =>
  transcripts.map((t) => `--- ${t.name} stderr (tail) ---\n${t.tail() || "(empty)"}`).join("\n")

/** SIGKILLs every worker still running. Safe to call more than once. */
export const killAll = (): void => {
  for (const child of live) {
    try {
      child.kill("SIGKILL")
    } catch {
      // already gone
    }
  }
}

// A test process that dies leaves no workers behind.
process.once("exit", killAll)

export const startWorker = (config: WorkerConfig): Worker => {
  const child = ChildProcess.spawn(process.execPath, ["--conditions=@weft/source", "--import", "tsx", WORKER], {
    cwd: REPO,
    env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config), NODE_OPTIONS: "" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  live.add(child)
  const messages: Array<WorkerMessage> = []
  const listeners = new Set<() => void>()
  const changed = () => {
    for (const l of [...listeners]) l()
  }
  const tail: Array<string> = []
  let partialErr = ""
  child.stderr!.setEncoding("utf8")
  child.stderr!.on("data", (chunk: string) => {
    const lines = (partialErr + chunk).split("\n")
    partialErr = lines.pop() ?? ""
    for (const line of lines) {
      tail.push(line)
      if (tail.length > TAIL_LINES) tail.shift()
    }
  })
  let partialOut = ""
  child.stdout!.setEncoding("utf8")
  child.stdout!.on("data", (chunk: string) => {
    const lines = (partialOut + chunk).split("\n")
    partialOut = lines.pop() ?? ""
    for (const line of lines) {
      const trimmed = line.trim()
      if (!trimmed.startsWith("{")) continue
      try {
        messages.push(JSON.parse(trimmed) as WorkerMessage)
        changed()
      } catch {
        // a log line that happens to start with a brace
      }
    }
  })
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
  const exitedPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal }
      live.delete(child)
      changed()
      resolve()
    })
  })
  const stderr = () => [...tail, partialErr].join("\n").trim()
  transcripts.push({ name: `${config.name} (pid ${child.pid})`, tail: stderr })

  const waitFor = <A>(pick: (m: WorkerMessage) => A | undefined, what: string, timeoutMs = 120_000) =>
    new Promise<A>((resolve, reject) => {
      const check = () => {
        for (const m of messages) {
          const a = pick(m)
          if (a !== undefined) return done(() => resolve(a))
        }
        if (exit !== undefined) {
          return done(() => reject(new Error(`${config.name} exited (${JSON.stringify(exit)}) before ${what}\n${stderr()}`)))
        }
      }
      const timer = setTimeout(() => done(() => reject(new Error(`${config.name}: no ${what} after ${timeoutMs} ms\n${stderr()}`))), timeoutMs)
      const done = (f: () => void) => {
        clearTimeout(timer)
        listeners.delete(check)
        f()
      }
      listeners.add(check)
      check()
    })

  return {
    name: config.name,
    pid: child.pid ?? -1,
    messages,
    exited: () => exit,
    waitFor,
    stderr,
    kill: async () => {
      if (exit === undefined) child.kill("SIGKILL")
      await exitedPromise
    },
    stop: async (timeoutMs = 60_000) => {
      if (exit === undefined) child.kill("SIGTERM")
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
      await exitedPromise
      clearTimeout(timer)
      return exit?.code ?? null
    }
  }
}

/** Real-time waiting for an outcome; the bound is a safety net against a hang, never a speed claim. */
export const until = async <A>(check: () => A | undefined | Promise<A | undefined>, what: () => string, timeoutMs: number, everyMs = 25): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what()} (gave up after ${timeoutMs} ms)`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

/** A small seeded generator (mulberry32), so a failing kill plan can be replayed. */
export const seeded = (seed: number) => {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) }
}
