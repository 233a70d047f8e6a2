import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { Api } from "@weft/core/host"
import type { CrashEvent, Display } from "./display.js"
import { count, duration, plural, table } from "./format.js"
import type { RunReport, Summary } from "./report.js"
import type { Expected, Mutations } from "./rounds.js"
import type { Progress } from "./watch.js"

/**
 * The human display: what happens, step by step, with a live progress line
 * while a run works (refreshed in place on a terminal, a plain line every
 * second otherwise) and each run's audit as a table.
 *
 * @since 0.1.0
 */

const PLAIN_EVERY_MS = 1000

const progressText = (p: Progress): string => {
  const parts = [
    `${p.label}: ${p.phase}`,
    `${count(p.recordsRead)} records read`,
    `${count(p.eventsEmitted)} events emitted`,
    `${count(p.eventsDelivered)} delivered`,
    duration(p.elapsedMs)
  ]
  return `  … ${parts.join(" · ")}${p.retrying === undefined ? "" : ` · retrying: ${p.retrying}`}`
}

const check = (label: string, actual: number, expected: number, because: string) =>
  `${label} ${count(actual)} ${actual === expected ? "=" : "≠"} ${because}${actual === expected ? " ✓" : " ✗"}`

const checks = (report: RunReport): string => {
  const { actual, expected, mutations } = report
  if (report.crash === "killed" && report.audit.status !== "succeeded") {
    return `part of the initial sync: ${count(actual.new)} new before the process was killed; the next run emits the rest`
  }
  if (report.crash === "after-restart") {
    return [
      check("new", actual.new, expected.new, `${count(expected.new)} active employees not emitted by the killed run`),
      check("changed", actual.changed, 0, "0"),
      check("deleted", actual.deleted, 0, "0")
    ].join(" · ")
  }
  if (mutations === null) {
    return [
      check("new", actual.new, expected.new, `${count(expected.new)} active employees`),
      check("changed", actual.changed, 0, "0"),
      check("deleted", actual.deleted, 0, "0")
    ].join(" · ")
  }
  return [
    check("new", actual.new, expected.new, plural(mutations.hires.length, "hire")),
    check("changed", actual.changed, expected.changed, plural(mutations.titleChanges.length, "title change")),
    check(
      "deleted",
      actual.deleted,
      expected.deleted,
      `${plural(mutations.terminations.length, "termination")} + ${plural(mutations.deletions.length, "deletion")}`
    )
  ].join(" · ")
}

const runText = (report: RunReport): string => {
  const { audit, events } = report
  const title = report.round === 0 ? "Initial sync" : `Delta round ${report.round}`
  const took = [
    audit.durationMs === undefined ? [] : [`read in ${duration(audit.durationMs)}`],
    events.allConsumedAfterMs === undefined ? [] : [`delivered in ${duration(events.allConsumedAfterMs)}`]
  ].flat().join(", ")
  const rows = audit.models.map((m) => [
    m.model,
    m.status,
    count(m.processed),
    count(m.new),
    count(m.changed),
    count(m.deleted),
    count(m.invalid)
  ])
  // A run's own lists already carry its models' warnings and errors, with the model: shown once.
  const warnings = [...new Set([...audit.warnings, ...audit.models.flatMap((m) => m.warnings.map((w) => `${m.model}: ${w}`))])]
  const errors = [
    ...new Set([
      ...audit.errors.map(Api.describeIssue),
      ...audit.models.flatMap((m) => (m.error === undefined ? [] : [Api.describeIssue({ ...m.error, model: m.model })]))
    ])
  ]
  const byType = Object.entries(events.emitted).map(([type, n]) => `${count(n)} ${type}`).join(", ")
  return [
    `${title}: run ${audit.id} (${audit.type}) ${audit.status}${took === "" ? "" : ` — ${took}`}`,
    table(["model", "status", "processed", "new", "changed", "deleted", "invalid"], rows),
    `  warnings: ${warnings.length === 0 ? "none" : warnings.join("; ")}`,
    `  errors:   ${errors.length === 0 ? "none" : errors.join("; ")}`,
    `  events:   ${byType || "none"} — ${count(events.delivered)} of ${count(events.total)} delivered`,
    ...(report.deliveryComplete ? [] : [`  delivery: ${undelivered(events.pending, events.deadLettered, events.lastError)}`]),
    `  check:    ${checks(report)}`,
    ...(report.received === null ? [] : [`  received: ${receivedText(report)}`])
  ].join("\n")
}

const receivedText = (report: RunReport): string => {
  const r = report.received!
  const records = r.records.new + r.records.changed + r.records.deleted
  const parts = [
    `${count(r.events)} events${r.redelivered === 0 ? "" : ` (${count(r.redelivered)} of them sent again after the crash)`}`,
    r.ok ? `${count(records)} record events = allEmitted = allConsumed ✓` : "record events ≠ allEmitted/allConsumed ✗"
  ]
  const round = report.roundReceived
  if (round !== undefined) {
    parts.push(round.ok ? `every change of the round arrived as its event ✓` : `changes missing: ${round.missing.join(", ")} ✗`)
  }
  return parts.join(" · ")
}

const crashText = (event: CrashEvent): string => {
  switch (event._tag) {
    case "killed": {
      const at = event.received !== null
        ? `the receiver had got ${plural(event.received, "event")}`
        : `Weft had delivered ${plural(event.acked ?? 0, "event")}`
      return `Crash: killed Weft's process (pid ${event.pid}, SIGKILL) while it delivered run ${event.runId}: ${at}. Starting it again on the same store…`
    }
    case "restarted":
      return `Crash: Weft is up again (pid ${event.pid}), ${duration(event.afterMs)} after the kill; it takes the dead run over once its run lease lapses.`
    case "recovered":
      return `Crash: recovery closed the killed run ${event.runId} ${event.status} (${count(event.emitted.new)} new committed before the kill; ` +
        `its allEmitted and allConsumed still sent with those counts)${event.error === undefined ? "" : `: "${event.error}"`}`
    case "resumed":
      return `Crash: run ${event.runId} had read everything before the kill (${event.status}); the restarted Weft delivered the rest of its events.`
    case "continued":
      return `Crash: the initial sync is not complete, so the restarted Weft runs it again: run ${event.runId}, which should emit the ${count(event.remaining)} new the killed run did not.`
  }
}

const undelivered = (pending: number, dead: number, lastError: string | undefined): string =>
  [
    `not finished: ${count(pending)} pending`,
    ...(dead > 0 ? [`${count(dead)} dead-lettered`] : []),
    ...(lastError === undefined ? [] : [`last error: ${lastError}`])
  ].join(" · ")

const mutationsText = (m: Mutations, expected: Expected): string =>
  `Delta round ${m.round}: in BambooHR, ${plural(m.hires.length, "hire")}, ${plural(m.titleChanges.length, "title change")}, ` +
  `${plural(m.terminations.length, "termination")}, ${plural(m.deletions.length, "deletion")} ` +
  `(expect ${count(expected.new)} new, ${count(expected.changed)} changed, ${count(expected.deleted)} deleted)`

const summaryText = (s: Summary): string => {
  const byType = Object.entries(s.eventsEmitted)
    .filter(([type]) => type !== "total")
    .map(([type, n]) => `${count(n)} ${type}`)
    .join(", ")
  const signatures = s.signatureFailures === null
    ? "signatures checked by your receiver"
    : `${count(s.deliveriesVerified ?? 0)} deliveries verified, ${plural(s.signatureFailures, "signature failure")}`
  const runs = s.ok
    ? plural(s.runs, "run")
    : `${plural(s.runs, "run")} (${count(s.runsSucceeded)} succeeded, ${count(s.runsDelivered)} delivered in full)`
  const delivery = [
    `${count(s.eventsDelivered)} delivered`,
    ...(s.eventsPending > 0 ? [`${count(s.eventsPending)} pending`] : []),
    ...(s.eventsDeadLettered > 0 ? [`${count(s.eventsDeadLettered)} dead-lettered`] : [])
  ]
  return [
    s.ok ? "Done ✓" : `Failed ✗ (${s.failure?.reason ?? "unknown"}: ${s.failure?.message ?? "see the error on standard error"})`,
    `  ${runs} · ${count(s.recordsProcessed)} records processed · ${count(s.eventsEmitted.total)} events emitted · ${delivery.join(" · ")} · ${duration(s.durationMs)}`,
    ...(s.lastDeliveryError === undefined ? [] : [`  delivery:   the last failed attempt: ${s.lastDeliveryError}`]),
    `  events:     ${byType || "none"}`,
    `  store:      ${s.store}`,
    `  signatures: ${signatures}`,
    ...(s.orderViolations === null || s.runs === 0 ? [] : [`  order:      ${s.orderViolations === 0 ? "every record's events arrived in the order they were made ✓" : `${plural(s.orderViolations, "record")} out of order ✗`}`]),
    ...(s.crash === undefined ? [] : [`  crash:      ${crashSummary(s)}`]),
    `  checks:     ${
      s.runs === 0
        ? "no run finished"
        : s.mismatches === 0
        ? `${plural(s.runs, "run")} emitted exactly what changed`
        : `${plural(s.mismatches, "run")} of ${count(s.runs)} did not match the mutations`
    }`
  ].join("\n")
}

const crashSummary = (s: Summary): string => {
  const c = s.crash!
  if (!c.killed) return "Weft was not killed"
  return [
    `killed once (${c.receivedAtKill !== null ? `at ${plural(c.receivedAtKill, "event")} received` : `at ${plural(c.ackedAtKill ?? 0, "event")} delivered`})`,
    c.restartedAfterMs === undefined ? "not restarted" : `up again after ${duration(c.restartedAfterMs)}`,
    c.closedByRecovery ? `the killed run closed ${c.runStatus ?? "?"} by recovery${c.continuedBy === undefined ? "" : `, finished by ${c.continuedBy}`}` : `the killed run ${c.runStatus ?? "?"}`,
    ...(c.redelivered === null ? [] : [`${plural(c.redelivered, "event")} redelivered`])
  ].join(" · ")
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: { readonly tty: boolean }): Display => {
  let statusShown = false
  let lastPlainAt = 0

  // A permanent line first erases the live status line it would otherwise run into.
  const log = (text: string) =>
    Effect.zipRight(
      Effect.sync(() => {
        if (statusShown) process.stdout.write("\r\x1b[2K")
        statusShown = false
      }),
      Console.log(text)
    )

  const progress = (p: Progress) =>
    Effect.gen(function*() {
      const text = progressText(p)
      if (options.tty) {
        const width = process.stdout.columns ?? 120
        yield* Effect.sync(() => process.stdout.write(`\r\x1b[2K${text.slice(0, width - 1)}`))
        statusShown = true
        return
      }
      const now = yield* Clock.currentTimeMillis
      if (now - lastPlainAt < PLAIN_EVERY_MS) return
      lastPlainAt = now
      yield* Console.log(text)
    })

  return {
    start: (info) =>
      log([
        "Weft quickstart",
        `  BambooHR (fake)  ${info.fakeUrl} · ${count(info.employees)} employees, ${count(info.active)} active · seed ${info.seed}`,
        `  Webhooks         ${info.webhookUrl} ${
          info.localReceiver ? "(local receiver: verifies every signature; fresh whsec_ secret)" : "(your receiver; signed with --webhook-secret)"
        }`,
        `  Weft             ${info.store} · ${info.key} · SSRF allow-list: ${
          info.allowHosts.length === 0 ? "none" : info.allowHosts.join(", ")
        }`,
        ...(info.crash ? ["  Crash            Weft runs in a child process, killed once mid-delivery and started again on the same store"] : []),
        ""
      ].join("\n")),
    reset: (reset) =>
      log([
        `The store holds ${plural(reset.integrations, "integration")} of an earlier demo run (its fake and receiver are gone): ` +
        `disconnected, ${plural(reset.destinations, "destination")} disabled; ${plural(reset.runs, "run")} ${reset.runs === 1 ? "stays" : "stay"} in the store's audit.`,
        ""
      ].join("\n")),
    crash: (event) => log(crashText(event)),
    refusedConnect: (refused) =>
      log([
        "Connecting with a wrong API key is refused before anything is stored:",
        `  code:       ${refused.code}`,
        `  message:    ${refused.message}`,
        `  resolution: ${refused.resolution}`,
        ""
      ].join("\n")),
    connected: (info) =>
      log([
        `Connected with the right key: integration ${info.integrationId}, sync ${info.syncId} (${info.models.join(", ")}).`,
        "The initial sync starts on its own; the demo triggers each delta.",
        ""
      ].join("\n")),
    mutations: (m, expected) => log(mutationsText(m, expected)),
    progress,
    run: (report) => log(`${runText(report)}\n`),
    summary: (summary) => log(summaryText(summary)),
    failure: (error) => Effect.zipRight(log(""), Console.error(`Demo failed: ${error.message}`))
  }
}
