import type { Api } from "@weft/core/host"
import { Weft } from "@weft/core/host"
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
import * as Ref from "effect/Ref"
import type { DemoConfig } from "./config.js"
import type { Display } from "./display.js"
import { DemoFailure, unexpected } from "./errors.js"
import * as LocalReceiver from "./receiver.js"
import { type RefusedConnect, type RunReport, runReport, summarize } from "./report.js"
import * as Rounds from "./rounds.js"
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

const MODEL = "hris.employee"

interface State {
  readonly reports: ReadonlyArray<RunReport>
  readonly refused: RefusedConnect | null
  readonly receiver: LocalReceiver.LocalReceiver | undefined
  /** The last progress seen, to say where a timeout struck. */
  readonly progress: Watch.Progress | undefined
  /** The host API, once Weft is up: a failed demo still reports the run it was following. */
  readonly weft: Weft.WeftService | undefined
  /** The run being followed, until its report is in `reports`. */
  readonly following: Following | undefined
}

interface Following {
  readonly round: number
  readonly mutations: Rounds.Mutations | null
  readonly expected: Rounds.Expected
  readonly runId: string
}

const connectFailure = (error: { readonly _tag: string; readonly message: string; readonly reason?: string }) => {
  const hint = error._tag === "DestinationError" && (error.reason === "refused_address" || error.reason === "insecure_scheme")
    ? " — if this receiver is yours and not public, allow its host with --allow-host <host>"
    : ""
  return new DemoFailure({ reason: "connect", detail: `Connecting BambooHR failed: ${error.message}${hint}` })
}

const steps = (config: DemoConfig, display: Display, state: Ref.Ref<State>, deadline: number) =>
  Effect.gen(function*() {
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
      allowHosts
    })

    const context = yield* Layer.build(Wiring.layer({ fake, allowHosts })).pipe(
      Effect.mapError((error) => new DemoFailure({ reason: "setup", detail: `Weft could not start: ${error.message}` }))
    )
    const weft = Context.get(context, Weft.Weft)
    yield* Ref.update(state, (s) => ({ ...s, weft }))

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

    const syncConfig: Api.SyncConfig = {
      models: [MODEL],
      destination: { url, secrets: [secret] },
      // Long enough that every delta of the demo is one it triggers.
      frequency: "1 day"
    }
    const connect = (apiKey: string) =>
      weft.integrations.connect({
        connector: "bamboohr",
        tenant: "acme",
        credentials: { companyDomain: fake.companyDomain, apiKey },
        syncs: [syncConfig]
      })

    // 1. A wrong API key: the connector's check refuses it, nothing is stored.
    const refusedAttempt = yield* Effect.either(connect(WRONG_KEY))
    if (refusedAttempt._tag === "Right") {
      return yield* new DemoFailure({ reason: "connect", detail: "The fake BambooHR accepted a wrong API key; the credential check did not run." })
    }
    if (refusedAttempt.left._tag !== "ConnectionError") return yield* connectFailure(refusedAttempt.left)
    const refused: RefusedConnect = {
      code: refusedAttempt.left.code,
      message: refusedAttempt.left.message,
      resolution: refusedAttempt.left.resolution
    }
    yield* Ref.update(state, (s) => ({ ...s, refused }))
    yield* display.refusedConnect(refused)

    // 2. The right key: the integration and its sync are stored, the initial sync starts by itself.
    const { integration, syncs } = yield* Effect.mapError(connect(BambooHRFake.keys.admin), connectFailure)
    const sync = syncs[0]!
    yield* display.connected({ integrationId: integration.id, syncId: sync.id, models: sync.models.map((m) => m.model) })

    const finish = (round: number, run: Api.Run, mutations: Rounds.Mutations | null, expected: Rounds.Expected) =>
      Effect.gen(function*() {
        yield* Ref.update(state, (s) => ({ ...s, following: { round, mutations, expected, runId: run.id } }))
        const finished = yield* Watch.follow(weft, run.id, {
          label: round === 0 ? "initial sync" : `delta round ${round}`,
          guard,
          deadline,
          onProgress: (progress) => Effect.zipRight(Ref.update(state, (s) => ({ ...s, progress })), display.progress(progress))
        })
        const report = runReport({ round, mutations, expected, run: finished.run, events: finished.events })
        yield* Ref.update(state, (s) => ({ ...s, reports: [...s.reports, report], progress: undefined, following: undefined }))
        yield* display.run(report)
        if (finished.run.status !== "succeeded") {
          const errors = [...finished.run.errors, ...Object.values(finished.run.models).flatMap((m) => (m.error === undefined ? [] : [m.error]))]
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
        return finished.run
      })

    let previous = yield* finish(0, yield* Watch.awaitRun(weft, sync.id, undefined, guard), null, initialExpected)

    // 3. Delta rounds: change the fake company, trigger a delta, check it emitted exactly that.
    const size = Rounds.sizeFor(config.employees)
    for (let round = 1; round <= config.deltaRounds; round++) {
      const mutations = yield* Rounds.apply(fake, round, size)
      const expected = Rounds.expectedOf(mutations)
      yield* display.mutations(mutations, expected)
      const waiting = yield* Effect.fork(weft.syncs.triggerAndWait(sync.id, { type: "delta" }))
      // Whichever comes first: the run shows up in the audit, or it is already over.
      const started = yield* Effect.raceFirst(
        Watch.awaitRun(weft, sync.id, previous.id, guard),
        Effect.mapError(Fiber.join(waiting), (error) =>
          new DemoFailure({ reason: "run_failed", detail: `The delta run of round ${round} could not run: ${error.message}` }))
      )
      previous = yield* finish(round, started, mutations, expected)
      yield* Effect.mapError(Fiber.join(waiting), unexpected)
    }
  })

// A demo that stops while a run is being followed (a timeout, a receiver that refuses) still
// reports that run as it stands: what it read and emitted, and how much of it was delivered.
const reportUnfinished = (state: Ref.Ref<State>, display: Display): Effect.Effect<void> =>
  Effect.gen(function*() {
    const { following, weft } = yield* Ref.get(state)
    if (weft === undefined || following === undefined) return
    const run = yield* weft.runs.get(following.runId)
    const events = yield* weft.events.list({ runId: run.id, limit: Watch.eventLimit(run) })
    const report = runReport({ ...following, run, events, deliveryComplete: false })
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
    const state = yield* Ref.make<State>({ reports: [], refused: null, receiver: undefined, progress: undefined, weft: undefined, following: undefined })
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
    const failure = Exit.isSuccess(outcome) ? undefined : failureOf(outcome.cause)
    const finishedAt = yield* Clock.currentTimeMillis
    const summary = summarize({
      employees: config.employees,
      deltaRounds: config.deltaRounds,
      webhook: config.webhook._tag === "Local" ? "local" : "external",
      refusedConnect: s.refused,
      reports: s.reports,
      receiver: stats,
      durationMs: finishedAt - startedAt,
      failure: failure === undefined ? undefined : { reason: failure.reason, message: failure.message }
    })
    if (failure !== undefined) yield* display.failure(failure)
    yield* display.summary(summary)
    return summary.ok
  })
