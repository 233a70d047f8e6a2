import { Api, Weft } from "@weft/core/host"
import { Secret } from "@weft/sink-webhook"
import { BambooHRFake } from "@weft/testing"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Checks from "./checks.js"
import type { ExpectedIds } from "./checks.js"
import type { DemoConfig } from "./config.js"
import type { Display } from "./display.js"
import { DemoFailure, unexpected } from "./errors.js"
import * as Host from "./host.js"
import type { DemoHost, HostError, Reset } from "./host.js"
import * as LocalReceiver from "./receiver.js"
import * as Remote from "./remote.js"
import { actualOf, type CrashReport, type RefusedConnect, type RunReport, runReport, summarize } from "./report.js"
import * as Rounds from "./rounds.js"
import * as DemoStore from "./store.js"
import * as Watch from "./watch.js"
import * as Wiring from "./wiring.js"

/**
 * The demo, start to finish: a fake BambooHR company, a verifying receiver,
 * Weft wired on top; a refused connect, a real one whose initial sync starts
 * on its own, then delta rounds of mutations, each run followed until its
 * events are delivered and checked against what changed.
 *
 * @since 0.1.0
 */

/** A key the fake does not know: the refused connect. */
const WRONG_KEY = "bhr-0000000000000000000000000000dead"

interface State {
  readonly reports: ReadonlyArray<RunReport>
  readonly refused: RefusedConnect | null
  readonly reset: Reset | null
  readonly receiver: LocalReceiver.LocalReceiver | undefined
  /** The last progress seen, to say where a timeout struck. */
  readonly progress: Watch.Progress | undefined
  /** Weft's operations, once Weft is up: a failed demo still reports the run it was following. */
  readonly host: DemoHost | undefined
  /** The run being followed, until its report is in `reports`. */
  readonly following: Following | undefined
  readonly crash: CrashState | undefined
}

interface Following {
  readonly round: number
  readonly mutations: Rounds.Mutations | null
  readonly expected: Rounds.Expected
  readonly runId: string
}

interface CrashState {
  readonly killed?: { readonly pid: number; readonly at: number; readonly runId: string; readonly received: number | null; readonly acked: number | null } | undefined
  readonly restartedAfterMs?: number | undefined
  readonly runStatus?: string | undefined
  readonly closedByRecovery?: boolean | undefined
  readonly continuedBy?: string | undefined
}

const connectFailure = (error: HostError) => {
  const hint = error._tag === "DestinationError" && (error.reason === "refused_address" || error.reason === "insecure_scheme")
    ? " — if this receiver is yours and not public, allow its host with --allow-host <host>"
    : ""
  return new DemoFailure({ reason: "connect", detail: `Connecting BambooHR failed: ${error.message}${hint}` })
}

// The second and later pages of the employee list (the first one has no `page[after]`).
const laterListPage = (request: { readonly path: string; readonly query: URLSearchParams }) =>
  /\/api\/v1\/employees\/?$/.test(request.path) && request.query.has("page[after]")

const keyText = (key: DemoStore.DemoKey, cwd: string): string => {
  switch (key.source._tag) {
    case "env":
      return `Vault key from ${DemoStore.KEYS_VARIABLE}`
    case "process":
      return "Vault key made for this run"
    case "file":
      return `Vault key ${DemoStore.shortPath(key.source.path, cwd)}${key.source.created ? " (made now)" : ""}`
  }
}

const steps = (config: DemoConfig, display: Display, state: Ref.Ref<State>, deadline: number) =>
  Effect.gen(function*() {
    const cwd = process.cwd()
    const key = yield* DemoStore.loadKey(config.store, cwd)
    const fake = yield* BambooHRFake.scoped({ size: config.employees, seed: config.seed })
    const secret = config.webhook._tag === "External" ? config.webhook.secret : Secret.generate()
    const receiver = config.webhook._tag === "Local" ? yield* LocalReceiver.start(secret) : undefined
    yield* Ref.update(state, (s) => ({ ...s, receiver }))
    const url = receiver?.url ?? (config.webhook._tag === "External" ? config.webhook.url : "")
    const allowHosts = [...new Set([...(receiver === undefined ? [] : ["127.0.0.1"]), ...config.allowHosts])]
    const initialExpected = Rounds.expectedInitial(fake, config.employees)

    yield* display.start({
      employees: config.employees,
      active: initialExpected.new,
      seed: config.seed,
      fakeUrl: fake.baseUrl(fake.companyDomain),
      webhookUrl: url,
      localReceiver: receiver !== undefined,
      allowHosts,
      store: DemoStore.describe(config.store, cwd),
      key: keyText(key, cwd),
      crash: config.crash
    })

    const crash = config.crash ? Wiring.crashSettings(config.employees) : undefined
    let kill: Effect.Effect<Option.Option<Remote.Killed>> = Effect.succeedNone
    let host: DemoHost
    if (crash === undefined) {
      const context = yield* Layer.build(Wiring.layer({ baseUrl: fake.baseUrl, allowHosts, store: config.store, keys: key.keys })).pipe(
        Effect.mapError((error) =>
          error._tag === "DemoFailure" ? error : new DemoFailure({ reason: "setup", detail: `Weft could not start: ${error.message}` }))
      )
      host = Host.fromWeft(Context.get(context, Weft.Weft))
    } else {
      const remote = yield* Remote.start({
        type: "init",
        store: DemoStore.toWire(config.store),
        keys: Redacted.value(key.keys),
        fakeUrl: fake.url,
        allowHosts,
        runLeaseMs: Duration.toMillis(crash.runLease),
        deliveryLeaseMs: Duration.toMillis(crash.deliveryLease),
        sinkTimeoutMs: Duration.toMillis(crash.sinkTimeout),
        pageSize: crash.pageSize
      }, (restarted) =>
        Effect.zipRight(
          Ref.update(state, (s) => ({ ...s, crash: { ...s.crash, restartedAfterMs: restarted.afterMs } })),
          display.crash({ _tag: "restarted", pid: restarted.pid, afterMs: restarted.afterMs })
        ))
      host = remote.host
      kill = remote.kill
      yield* Ref.update(state, (s) => ({ ...s, crash: {} }))
    }
    yield* Ref.update(state, (s) => ({ ...s, host }))

    // What an earlier demo left in this store is put aside: its fake company and receiver are gone.
    const reset = yield* Effect.mapError(host.resetEarlier, unexpected)
    yield* Ref.update(state, (s) => ({ ...s, reset }))
    if (reset.integrations > 0) yield* display.reset(reset)

    // Any delivery the receiver could not verify ends the demo at once.
    const guard: Effect.Effect<void, DemoFailure> = receiver === undefined
      ? Effect.void
      : Effect.flatMap(receiver.stats, (stats) =>
        stats.failures === 0 ? Effect.void : Effect.fail(
          new DemoFailure({
            reason: "signature",
            detail: `${stats.failures} delivery(ies) to the local receiver did not verify (${stats.firstFailure ?? "no reason"}).`
          })
        ))

    const connect = (apiKey: string) => host.connect({ companyDomain: fake.companyDomain, apiKey, url, secret })

    // 1. A wrong API key: the connector's check refuses it, nothing is stored.
    const refusedAttempt = yield* Effect.either(connect(WRONG_KEY))
    if (refusedAttempt._tag === "Right") {
      return yield* new DemoFailure({ reason: "connect", detail: "The fake BambooHR accepted a wrong API key; the credential check did not run." })
    }
    if (refusedAttempt.left._tag !== "ConnectionError") return yield* connectFailure(refusedAttempt.left)
    const refused: RefusedConnect = {
      code: refusedAttempt.left.code as RefusedConnect["code"],
      message: refusedAttempt.left.message,
      resolution: refusedAttempt.left.resolution ?? ""
    }
    yield* Ref.update(state, (s) => ({ ...s, refused }))
    yield* display.refusedConnect(refused)

    // --crash: the first run is killed mid-delivery. Reading stalls a few seconds after the first
    // page (BambooHR's 503 + Retry-After), so the kill lands while the run is still reading.
    const killAfter = Math.max(1, Math.floor(initialExpected.new / 20))
    let killing = false
    const killNow = (runId: string, received: number | null, acked: number | null) =>
      Effect.gen(function*() {
        if (killing) return
        killing = true
        const killed = yield* kill
        if (Option.isNone(killed)) return
        fake.faults.clear()
        yield* Ref.update(state, (s) => ({ ...s, crash: { ...s.crash, killed: { ...killed.value, runId, received, acked } } }))
        yield* display.crash({ _tag: "killed", pid: killed.value.pid, runId, received, acked })
      })
    if (crash !== undefined) {
      fake.faults.throttle({ times: 3, status: 503, retryAfter: "1", match: laterListPage })
      let recordEvents = 0
      if (receiver !== undefined) {
        yield* receiver.onDelivery((delivery, deliveries) => {
          if (delivery.recordId !== undefined) recordEvents++
          return recordEvents >= killAfter ? killNow(delivery.runId, deliveries, null) : Effect.void
        })
      }
    }

    // 2. The right key: the integration and its sync are stored, the initial sync starts by itself.
    const { integration, syncs } = yield* Effect.mapError(connect(BambooHRFake.keys.admin), connectFailure)
    const sync = syncs[0]!
    yield* display.connected({ integrationId: integration.id, syncId: sync.id, models: sync.models.map((m) => m.model) })

    const finish = (
      round: number,
      run: Api.Run,
      mutations: Rounds.Mutations | null,
      expected: Rounds.Expected,
      options: {
        readonly part?: "killed" | "after-restart" | undefined
        /** The runs of the round, and the ids it must deliver: checked on its last run. */
        readonly round?: { readonly ids: ExpectedIds; readonly runIds: ReadonlyArray<string> } | undefined
      } = {}
    ) =>
      Effect.gen(function*() {
        yield* Ref.update(state, (s) => ({ ...s, following: { round, mutations, expected, runId: run.id } }))
        const finished = yield* Watch.follow(host, run.id, {
          label: round === 0 ? "initial sync" : `delta round ${round}`,
          guard,
          deadline,
          awaitDelivery: options.part === "killed",
          onProgress: (progress) =>
            Effect.gen(function*() {
              yield* Ref.update(state, (s) => ({ ...s, progress }))
              yield* display.progress(progress)
              // With your own receiver, the kill follows what Weft says it delivered.
              if (options.part === "killed" && receiver === undefined && progress.eventsDelivered >= 1) {
                yield* killNow(run.id, null, progress.eventsDelivered)
              }
            })
        })
        const killedHere = options.part === "killed" && finished.run.status !== "succeeded"
        const received = receiver === undefined ? null : Checks.ofRun(run.id, yield* receiver.received)
        const roundReceived = receiver === undefined || options.round === undefined
          ? undefined
          : Checks.ofRound(options.round.ids, options.round.runIds, yield* receiver.received)
        const report = runReport({
          round,
          mutations,
          // The killed run is a part of its round: what it emitted is checked with the run that finishes the round.
          expected: killedHere ? actualOf(finished.run) : expected,
          run: finished.run,
          events: finished.events,
          crash: options.part,
          received,
          roundReceived
        })
        yield* Ref.update(state, (s) => ({ ...s, reports: [...s.reports, report], progress: undefined, following: undefined }))
        yield* display.run(report)
        if (finished.run.status !== "succeeded" && !killedHere) {
          // The run's errors include its models' (with their model).
          const errors = finished.run.errors.map(Api.describeIssue)
          return yield* new DemoFailure({
            reason: "run_failed",
            detail: `Run ${run.id} ended ${finished.run.status}${errors.length === 0 ? "" : `: ${errors.join("; ")}`}.`
          })
        }
        if (!report.matches) {
          const a = report.actual
          const e = report.expected
          return yield* new DemoFailure({
            reason: "mismatch",
            detail: `Run ${run.id} emitted new ${a.new}, changed ${a.changed}, deleted ${a.deleted}, ` +
              `but expected new ${e.new}, changed ${e.changed}, deleted ${e.deleted} (or the outbox disagrees with the audit).`
          })
        }
        if (received !== null && !received.ok) {
          const r = received.records
          return yield* new DemoFailure({
            reason: "mismatch",
            detail: `The receiver got new ${r.new}, changed ${r.changed}, deleted ${r.deleted} of run ${run.id}, but its ` +
              `sync.events.allEmitted announced ${JSON.stringify(received.allEmitted)} and its sync.events.allConsumed ${JSON.stringify(received.allConsumed)}.`
          })
        }
        if (roundReceived !== undefined && !roundReceived.ok) {
          return yield* new DemoFailure({
            reason: "mismatch",
            detail: `Round ${round} did not deliver every change as its event: missing ${roundReceived.missing.join(", ") || "none"}; ` +
              `unexpected ${roundReceived.unexpected.join(", ") || "none"}.`
          })
        }
        return finished.run
      })

    const initialIds = Rounds.initialIds(fake, config.employees)
    let previous: Api.Run
    if (crash === undefined) {
      const first = yield* Watch.awaitRun(host, sync.id, undefined, guard)
      previous = yield* finish(0, first, null, initialExpected, { round: { ids: initialIds, runIds: [first.id] } })
    } else {
      // The first run is followed through the kill and the restart until its events are all delivered.
      const first = yield* Watch.awaitFirstRun(host, sync.id, guard)
      const killedRun = yield* finish(0, first, null, initialExpected, { part: "killed" })
      const crashState = (yield* Ref.get(state)).crash
      if (crashState?.killed === undefined) {
        return yield* new DemoFailure({
          reason: "setup",
          detail: "--crash: the initial sync was delivered before the demo could kill Weft; give more --employees."
        })
      }
      const closedByRecovery = killedRun.status !== "succeeded"
      yield* Ref.update(state, (s) => ({ ...s, crash: { ...s.crash, runStatus: killedRun.status, closedByRecovery } }))
      if (closedByRecovery) {
        const emitted = actualOf(killedRun)
        yield* display.crash({ _tag: "recovered", runId: killedRun.id, status: killedRun.status, error: killedRun.errors[0]?.message, emitted })
        // The initial sync did not complete: the restarted Weft runs it again, and what the killed run committed is not emitted twice.
        const next = yield* Watch.awaitRun(host, sync.id, killedRun.id, guard)
        const remaining = initialExpected.new - emitted.new
        yield* Ref.update(state, (s) => ({ ...s, crash: { ...s.crash, continuedBy: next.id } }))
        yield* display.crash({ _tag: "continued", runId: next.id, remaining })
        previous = yield* finish(0, next, null, { new: remaining, changed: 0, deleted: 0 }, {
          part: "after-restart",
          round: { ids: initialIds, runIds: [killedRun.id, next.id] }
        })
      } else {
        yield* display.crash({ _tag: "resumed", runId: killedRun.id, status: killedRun.status })
        previous = killedRun
        if (receiver !== undefined) {
          const round = Checks.ofRound(initialIds, [killedRun.id], yield* receiver.received)
          if (!round.ok) {
            return yield* new DemoFailure({
              reason: "mismatch",
              detail: `The initial sync did not deliver every active employee: missing ${round.missing.join(", ") || "none"}; unexpected ${round.unexpected.join(", ") || "none"}.`
            })
          }
        }
      }
    }

    // 3. Delta rounds: change the fake company, trigger a delta, check it emitted exactly that.
    const size = Rounds.sizeFor(config.employees)
    for (let round = 1; round <= config.deltaRounds; round++) {
      const mutations = yield* Rounds.apply(fake, round, size)
      const expected = Rounds.expectedOf(mutations)
      yield* display.mutations(mutations, expected)
      const waiting = yield* Effect.fork(host.triggerAndWait(sync.id))
      // Whichever comes first: the run shows up in the audit, or it is already over.
      const started = yield* Effect.raceFirst(
        Watch.awaitRun(host, sync.id, previous.id, guard),
        Effect.mapError(Fiber.join(waiting), (error) =>
          new DemoFailure({ reason: "run_failed", detail: `The delta run of round ${round} could not run: ${error.message}` }))
      )
      previous = yield* finish(round, started, mutations, expected, { round: { ids: Rounds.idsOf(mutations), runIds: [started.id] } })
      yield* Effect.mapError(Fiber.join(waiting), unexpected)
    }

    // 4. Per-record order, over everything the local receiver got.
    if (receiver !== undefined) {
      const order = Checks.order(yield* receiver.received)
      if (order.violations > 0) {
        return yield* new DemoFailure({
          reason: "order",
          detail: `${order.violations} record(s) got an event after a newer one: ${order.firstViolation ?? ""}.`
        })
      }
    }
  })

// A demo that stops while a run is being followed (a timeout, a receiver that refuses) still
// reports that run as it stands: what it read and emitted, and how much of it was delivered.
const reportUnfinished = (state: Ref.Ref<State>, display: Display): Effect.Effect<void> =>
  Effect.gen(function*() {
    const { following, host, receiver } = yield* Ref.get(state)
    if (host === undefined || following === undefined) return
    const run = yield* host.getRun(following.runId)
    const events = yield* host.listEvents({ runId: run.id, limit: Watch.eventLimit(run) })
    const received = receiver === undefined ? null : Checks.ofRun(run.id, yield* receiver.received)
    const report = runReport({ ...following, run, events, deliveryComplete: false, received })
    yield* Ref.update(state, (s) => ({ ...s, reports: [...s.reports, report], following: undefined }))
    yield* display.run(report)
  }).pipe(Effect.ignore)

const failureOf = (cause: Cause.Cause<DemoFailure>): DemoFailure =>
  Option.getOrElse(Cause.failureOption(cause), () =>
    Cause.isInterruptedOnly(cause)
      ? new DemoFailure({ reason: "setup", detail: "The demo was interrupted." })
      : new DemoFailure({ reason: "setup", detail: `The demo stopped on an unexpected error: ${Cause.pretty(cause).split("\n")[0]}` }))

/**
 * Runs the demo and reports it through `display`; succeeds with whether it
 * passed. Every resource (servers, Weft's workers) is released before it
 * returns.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (config: DemoConfig, display: Display): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    const startedAt = yield* Clock.currentTimeMillis
    const state = yield* Ref.make<State>({
      reports: [],
      refused: null,
      reset: null,
      receiver: undefined,
      progress: undefined,
      host: undefined,
      following: undefined,
      crash: undefined
    })
    const deadline = startedAt + Duration.toMillis(config.timeout)

    const outcome = yield* steps(config, display, state, deadline).pipe(
      Effect.timeoutOption(config.timeout),
      Effect.flatMap(Option.match({
        onSome: () => Effect.void,
        onNone: () =>
          Effect.flatMap(Ref.get(state), (s) => {
            const where = s.progress === undefined
              ? ""
              : ` It was at: ${s.progress.label}, ${s.progress.phase}, ${s.progress.eventsDelivered} of ${s.progress.eventsEmitted} record events delivered${
                s.progress.retrying === undefined ? "" : `; the last delivery failed with: ${s.progress.retrying}`
              }.`
            return Effect.fail(new DemoFailure({ reason: "timeout", detail: `The demo did not finish within ${Duration.format(config.timeout)} (--timeout).${where}` }))
          })
      })),
      Effect.exit,
      // Weft is still up here: the scope closes after the unfinished run is reported.
      Effect.tap((exit) => (Exit.isFailure(exit) ? reportUnfinished(state, display) : Effect.void)),
      Effect.scoped
    )

    const s = yield* Ref.get(state)
    const stats = s.receiver === undefined ? undefined : yield* s.receiver.stats
    const received = s.receiver === undefined ? undefined : yield* s.receiver.received
    const redelivered = received === undefined ? undefined : received.length - new Set(received.map((r) => r.id)).size
    const crash: CrashReport | undefined = s.crash === undefined ? undefined : {
      killed: s.crash.killed !== undefined,
      run: s.crash.killed?.runId,
      receivedAtKill: s.crash.killed?.received ?? null,
      ackedAtKill: s.crash.killed?.acked ?? null,
      restartedAfterMs: s.crash.restartedAfterMs,
      runStatus: s.crash.runStatus,
      closedByRecovery: s.crash.closedByRecovery ?? false,
      continuedBy: s.crash.continuedBy,
      redelivered: redelivered ?? null
    }
    const failure = Exit.isSuccess(outcome) ? undefined : failureOf(outcome.cause)
    const finishedAt = yield* Clock.currentTimeMillis
    const summary = summarize({
      employees: config.employees,
      deltaRounds: config.deltaRounds,
      webhook: config.webhook._tag === "Local" ? "local" : "external",
      store: DemoStore.describe(config.store, process.cwd()),
      reset: s.reset,
      refusedConnect: s.refused,
      reports: s.reports,
      receiver: stats,
      redelivered,
      order: received === undefined ? undefined : Checks.order(received),
      crash,
      durationMs: finishedAt - startedAt,
      failure: failure === undefined ? undefined : { reason: failure.reason, message: failure.message }
    })
    if (failure !== undefined) yield* display.failure(failure)
    yield* display.summary(summary)
    return summary.ok
  })
