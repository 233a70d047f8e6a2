/**
 * Where a benchmark's time went: a V8 CPU profile (the inspector's
 * `Profiler`, or `--cpu-prof`) summarised into a few named shares of the
 * sampled time.
 *
 * Each sample's self time goes to a bucket by where it was spent: its frame's
 * original source file (frames in built `dist` chunks are mapped back to
 * their `src/*.ts` through the chunk's source map, so `chunk-XYZ.js` of core
 * counts as `core/src/vault/Vault.ts`). Samples in Node's internals or in
 * native code (JSON.stringify, a hash's digest, Buffer.from) go to the
 * nearest caller in JS code outside Node (SHA-256 called by the fingerprint
 * is change detection, called by the signature is signing); only when there
 * is none (a socket's read callback from libuv) does the internal frame's own
 * module decide. Samples inside the inspector's own calls (the profiler
 * starting) are left out.
 *
 * `tsx src/profile.ts <file.cpuprofile> [n]` prints a saved profile's shares
 * and its top n functions.
 */
import { existsSync, readFileSync } from "node:fs"
import { readFile, writeFile } from "node:fs/promises"
import { Session } from "node:inspector/promises"
import { SourceMap } from "node:module"
import { fileURLToPath } from "node:url"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: ReadonlyArray<number>
}

export interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** A frame as classified: its function and where its code came from (the original source when mapped). */
export interface Frame {
  readonly functionName: string
  /** The original source path or URL (`…/packages/core/src/vault/Vault.ts`), else the script URL. */
  readonly source: string
}

/** A share of the profile: a name and a test on the frame that spent the time. */
export interface Bucket {
  readonly name: string
  readonly matches: (frame: Frame) => boolean
}

const within = (...parts: ReadonlyArray<string>) => (frame: Frame) => parts.some((p) => frame.source.includes(p))

/** The shares every benchmark reports, first match wins; the rest is "other". */
export const buckets: ReadonlyArray<Bucket> = [
  { name: "gc", matches: (f) => f.functionName === "(garbage collector)" },
  { name: "idle", matches: (f) => f.functionName === "(idle)" },
  // Unattributed V8/native time (compilation, runtime calls without a JS caller).
  { name: "(program)", matches: (f) => f.functionName === "(program)" },
  { name: "sealing", matches: within("core/src/vault/", "core/src/outbox/Payloads", "node:internal/crypto/cipher") },
  { name: "signing", matches: within("sink-webhook/src/Signature", "node:internal/crypto/mac") },
  { name: "store", matches: within("store-memory/", "store-sql/", "core/src/store/", "better-sqlite3", "@effect/sql", "/pg/", "pg-protocol", "/pg-pool/") },
  {
    name: "detection",
    matches: within("core/src/engine/", "core/src/ground/", "core/src/models/", "core/src/events/", "core/src/outbox/Envelope")
  },
  { name: "delivery", matches: within("core/src/delivery/", "core/src/outbox/", "core/src/sink/") },
  {
    name: "transport",
    // undici parses HTTP/1.1 with llhttp compiled to WebAssembly (the only wasm here).
    matches: within("sink-webhook/", "/undici/", "wasm://", "node:net", "node:_http", "node:http", "node:internal/http", "node:internal/stream", "node:stream", "node:internal/streams", "node:internal/dns", "node:internal/child_process", "node:child_process")
  },
  { name: "connector", matches: within("connectors/", "@effect/platform") },
  { name: "host", matches: within("core/src/host/", "core/src/connector/") },
  { name: "fake provider", matches: within("packages/testing/") },
  { name: "benchmark", matches: within("bench/src/") },
  {
    name: "event loop",
    matches: (f) =>
      f.functionName === "runMicrotasks" ||
      within("node:internal/process/task_queues", "node:internal/timers", "node:internal/process/promises", "node:events", "node:internal/priority_queue")(f)
  },
  { name: "effect schema", matches: within("effect/src/Schema", "effect/src/ParseResult", "effect/src/internal/schema/") },
  { name: "effect runtime", matches: within("/effect/dist", "/effect/src") }
]

// --- source maps --------------------------------------------------------------

const maps = new Map<string, SourceMap | null>()

/** The source map beside a built script (`x.js` → `x.js.map`), or null. */
const mapOf = (url: string): SourceMap | null => {
  const cached = maps.get(url)
  if (cached !== undefined) return cached
  let map: SourceMap | null = null
  try {
    const path = url.startsWith("file:") ? fileURLToPath(url) : url
    if (path.startsWith("/") && path.includes("/dist/") && existsSync(`${path}.map`)) {
      map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8")))
    }
  } catch {
    map = null
  }
  maps.set(url, map)
  return map
}

/** The original source of a frame (through its script's source map when it is built code). */
export const frameOf = (callFrame: CallFrame): Frame => {
  const map = callFrame.url === "" ? null : mapOf(callFrame.url)
  if (map === null) return { functionName: callFrame.functionName, source: callFrame.url }
  const entry = map.findEntry(callFrame.lineNumber, callFrame.columnNumber) as { readonly originalSource?: string }
  const original = entry.originalSource
  // Sources are relative to the map (`../src/vault/Vault.ts`): resolve them to one path.
  const source = original === undefined ? callFrame.url : new URL(original, callFrame.url).href
  return { functionName: callFrame.functionName, source }
}

/** Code outside Node's internals: the app, its packages, node_modules. */
const isUserland = (frame: CallFrame) => frame.url !== "" && !frame.url.startsWith("node:")

const special = new Set(["(garbage collector)", "(idle)", "(program)", "(root)"])

/** better-sqlite3's native statement methods (no JS builtin of these names shows up in our profiles). */
const sqliteNatives = new Set(["all", "run", "iterate"])

/** Self time per bucket name, in µs. */
const bucketTimes = (profile: CpuProfile, using: ReadonlyArray<Bucket>): Map<string, number> => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const selfUs = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const classify = (frame: Frame) => using.find((b) => b.matches(frame))?.name ?? "other"
  const bucketOf = (id: number): string => {
    const own = byId.get(id)!.callFrame
    if (special.has(own.functionName) || isUserland(own)) return classify(frameOf(own))
    // better-sqlite3's statement calls are native; when their SQL client thunk runs inlined in effect's
    // fiber loop, the nearest caller is the runtime, not the store.
    if (own.url === "" && sqliteNatives.has(own.functionName)) return "store"
    // Node internals and native code count for their nearest caller in user-land code.
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const frame = byId.get(up)!.callFrame
      // Samples inside the inspector's own calls (starting the profiler) are the profiler's.
      if (frame.url === "node:inspector") return "profiler"
      if (isUserland(frame)) return classify(frameOf(frame))
    }
    return classify(frameOf(own))
  }
  const totals = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const name = bucketOf(id)
    totals.set(name, (totals.get(name) ?? 0) + us)
  }
  return totals
}

export interface Share {
  readonly name: string
  readonly percent: number
  readonly ms: number
}

/**
 * Shares of the sampled time, in %, per bucket (and "other"), largest first.
 * The profiler's own start-up is left out: it is not the workload's.
 */
export const summarise = (profile: CpuProfile, using: ReadonlyArray<Bucket> = buckets): Array<Share> => {
  const totals = bucketTimes(profile, using)
  totals.delete("profiler")
  let all = 0
  for (const us of totals.values()) all += us
  return [...totals.entries()]
    .map(([name, us]) => ({ name, percent: Math.round((us / all) * 1000) / 10, ms: Math.round(us / 1000) }))
    .sort((a, b) => b.ms - a.ms)
}

/** `{ bucket: percent }`, for the JSON line. */
export const sharesObject = (shares: ReadonlyArray<Share>): Record<string, number> =>
  Object.fromEntries(shares.map((s) => [s.name, s.percent]))

/** One readable line: `gc 21.3 %, store 12.0 %, …`. */
export const sharesLine = (shares: ReadonlyArray<Share>): string => shares.map((s) => `${s.name} ${s.percent} %`).join(", ")

const shortSource = (source: string) =>
  source.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/packages\//, "").replace(/^file:\/\/.*\/bench\//, "bench/")

/**
 * The functions with the most self time (by original source), for digging
 * further. Node internals and native code show the nearest caller in
 * user-land code after `←`.
 */
export const topFunctions = (profile: CpuProfile, n = 25): Array<string> => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const name = (frame: Frame) => `${frame.functionName || "(anonymous)"} ${shortSource(frame.source)}`.trim()
  const keyOf = (id: number): string | null => {
    const own = byId.get(id)!.callFrame
    if (special.has(own.functionName) || isUserland(own)) return name(frameOf(own))
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const frame = byId.get(up)!.callFrame
      if (frame.url === "node:inspector") return null // the profiler starting, as in summarise
      if (isUserland(frame)) return `${name(frameOf(own))} ← ${name(frameOf(frame))}`
    }
    return name(frameOf(own))
  }
  const keys = new Map<number, string | null>()
  const self = new Map<string, number>()
  let all = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    let key = keys.get(id)
    if (key === undefined) keys.set(id, key = keyOf(id))
    if (key === null) continue
    const us = profile.timeDeltas[i] ?? 0
    self.set(key, (self.get(key) ?? 0) + us)
    all += us
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, us]) => `${(Math.round((us / all) * 1000) / 10).toFixed(1).padStart(5)} %  ${key}`)
}

// --- profiling a run ----------------------------------------------------------

/**
 * The inspector's sampling profiler on this process: `start`, then `stop` for
 * the profile. `intervalUs`: time between samples (V8's default, 1,000 µs,
 * unless told; short runs want a finer one).
 */
export const startProfiler = async (intervalUs?: number): Promise<{ readonly stop: () => Promise<CpuProfile> }> => {
  const session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  if (intervalUs !== undefined) await session.post("Profiler.setSamplingInterval", { interval: intervalUs })
  await session.post("Profiler.start")
  return {
    stop: async () => {
      const { profile } = await session.post("Profiler.stop")
      await session.post("Profiler.disable")
      session.disconnect()
      return profile as unknown as CpuProfile
    }
  }
}

/**
 * Writes the raw profile to `file` (for `chrome://inspect` or
 * `tsx src/profile.ts`) and its top functions to `<file>.top.txt`.
 */
export const saveProfile = async (profile: CpuProfile, file: string): Promise<void> => {
  await writeFile(file, JSON.stringify(profile))
  await writeFile(`${file}.top.txt`, `${summarise(profile).map((s) => `${s.name.padEnd(16)} ${String(s.percent).padStart(5)} %  ${s.ms} ms`).join("\n")}\n\n${topFunctions(profile, 60).join("\n")}\n`)
}

// `tsx src/profile.ts <file.cpuprofile> [n]`: the summary and the top functions.
if (/profile\.[jt]s$/.test(process.argv[1] ?? "") && process.argv[2] !== undefined) {
  const profile = JSON.parse(await readFile(process.argv[2], "utf8")) as CpuProfile
  for (const s of summarise(profile)) console.log(`${s.name.padEnd(16)} ${String(s.percent).padStart(5)} %  ${s.ms} ms`)
  console.log("")
  for (const line of topFunctions(profile, Number(process.argv[3] ?? 30))) console.log(line)
}
