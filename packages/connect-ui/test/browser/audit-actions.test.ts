/// <reference lib="dom" />
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { Page } from "playwright-core"
import {
  axeViolationsUnderCsp,
  browser,
  connectBamboo,
  pageProblems,
  screenshot,
  settledRun,
  shotOnFailure,
  signInToAudit,
  type Stack,
  stack,
  until
} from "./support.js"

/**
 * The audit page's operator actions against the real API: trigger, pause
 * and resume, the API's refusals (409) with their message, resyncing one
 * record, replaying a run's events (the receiver gets them again) and
 * re-enabling a disabled destination; each outcome in a live region.
 */

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash)

const status = (page: Page) => page.getByRole("status").filter({ has: page.locator(".notice") })
const alert = (page: Page) => page.getByRole("alert").filter({ has: page.locator(".notice") })

/** Presses `button` until it is gone, waiting each time for more items. */
const loadAll = async (page: Page, button: string, items: () => Promise<ReadonlyArray<unknown>>) => {
  for (;;) {
    const more = page.getByRole("button", { name: button })
    if ((await more.count()) === 0) return
    const before = (await items()).length
    await more.click()
    await until(`more items after "${button}"`, items, (now) => now.length > before)
  }
}

/** The newest run of `syncId` once it finished and its events were delivered. */
const newestSettled = (s: Stack, syncId: string, after: string) =>
  until(
    "a newer settled run",
    () => s.api("GET", `/runs?syncId=${syncId}&limit=1`),
    (r) => r.json.items[0] !== undefined && r.json.items[0].id !== after && r.json.items[0].status !== "running" && r.json.items[0].delivery.allConsumed
  ).then((r) => r.json.items[0])

describe("audit page: actions", () => {
  it.scopedLive("triggers, pauses, resumes, resyncs a record, replays a run and re-enables a destination", () =>
    Effect.gen(function*() {
      const s = yield* stack({ employees: 20 })
      const b = yield* browser()
      const integrationId = yield* Effect.promise(() => connectBamboo(s))
      const { sync, run: initial } = yield* Effect.promise(() => settledRun(s, integrationId))
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 1280, height: 900 } }))
      yield* Effect.promise(() => shotOnFailure(page, "audit-actions", async () => {
        const problems = await pageProblems(page)
        await signInToAudit(page, s.url)
        await page.getByRole("heading", { name: "Integrations", level: 1 }).waitFor()
        await go(page, `#/syncs/${sync.id}`)
        await page.getByRole("heading", { name: "Sync of hris.employee", level: 1 }).waitFor()
        const runs = page.getByRole("table", { name: "Runs, newest first" })
        await runs.waitFor()

        // Trigger: a delta run, which the list shows once it exists.
        await page.getByRole("button", { name: "Trigger run" }).click()
        await status(page).getByText("Run triggered: a delta run of this sync starts now.").waitFor()
        const delta = await newestSettled(s, sync.id, initial.id)
        expect(delta.type).toBe("delta")
        await until("two runs on the page", () => runs.getByRole("row").count(), (n) => n === 3)
        await until("the delta run finished on the page", () => runs.getByRole("row").nth(1).innerText(), (t) => /delta\s+succeeded/.test(t))
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-triggered")

        // Pause, then a trigger the API refuses (409 sync_paused), with its message.
        await page.getByRole("button", { name: "Pause sync" }).click()
        await status(page).getByText(/^Sync paused/).waitFor()
        await page.getByRole("button", { name: "Resume sync" }).waitFor()
        expect((await s.api("GET", `/syncs/${sync.id}`)).json.status).toBe("paused")
        await page.getByRole("button", { name: "Trigger run" }).click()
        await alert(page).getByText(/^Triggering a run failed: /).waitFor()
        expect(await alert(page).locator("code").innerText()).toBe("sync_paused")
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-sync-paused-refused")

        // Resume: a delta run right away.
        await page.getByRole("button", { name: "Resume sync" }).click()
        await status(page).getByText(/^Sync resumed/).waitFor()
        await page.getByRole("button", { name: "Pause sync" }).waitFor()
        expect((await s.api("GET", `/syncs/${sync.id}`)).json.status).toBe("active")
        const resumed = await newestSettled(s, sync.id, delta.id)

        // A run in progress: the API refuses another (409 run_in_progress) and the notice links to it.
        s.bamboo.throttle({ times: 3, retryAfter: "3" })
        expect((await s.api("POST", `/syncs/${sync.id}/trigger`, {})).status).toBe(202)
        const running = await until("a run in progress", () => s.api("GET", `/runs?syncId=${sync.id}&limit=1`), (r) =>
          r.json.items[0]?.id !== resumed.id && r.json.items[0]?.status === "running")
        await page.getByRole("button", { name: "Trigger run" }).click()
        await alert(page).getByText(/^Triggering a run failed: Run .* is in progress/).waitFor()
        expect(await alert(page).locator("code").innerText()).toBe("run_in_progress")
        expect(await alert(page).getByRole("link", { name: "Open the run in progress" }).getAttribute("href"))
          .toBe(`#/runs/${running.json.items[0].id}`)
        await screenshot(page, "audit-run-in-progress-refused")
        const throttled = await newestSettled(s, sync.id, resumed.id)

        // Resync one record whose title changed: one event, and a link to its run.
        const [employee] = s.bamboo.randomIds(1, { active: true })
        s.bamboo.changeTitle(employee!, "Head of Audits")
        await page.getByLabel("Record id").fill(employee!)
        await page.getByRole("button", { name: "Resync record" }).click()
        await status(page).getByText(`Resynced hris.employee ${employee}: an event was emitted.`).waitFor()
        const resyncRun = await newestSettled(s, sync.id, throttled.id)
        expect(await status(page).getByRole("link", { name: "Open the resync's run" }).getAttribute("href")).toBe(`#/runs/${resyncRun.id}`)
        await s.receiver.until((r) => r.events().some((e) => e.type === "record.changed" && JSON.stringify(e).includes("Head of Audits")), 30_000)
        await screenshot(page, "audit-resynced")

        // Replay the initial run's events: the receiver gets them again.
        const before = s.receiver.counts().requests
        await go(page, `#/runs/${initial.id}`)
        await page.getByRole("heading", { name: "Initial run", level: 1 }).waitFor()
        await page.getByRole("button", { name: "Replay this run's events" }).click()
        await status(page).getByText(/^Replay queued: /).waitFor()
        const replayed = await status(page).innerText()
        const counts = /(\d+) events? re-sent as stored, (\d+) re-read from the provider/.exec(replayed)
        expect(counts).not.toBeNull()
        const again = Number(counts![1]) + Number(counts![2])
        expect(again).toBeGreaterThanOrEqual(initial.delivery.recordEvents)
        await s.receiver.until((r) => r.counts().requests >= before + again, 60_000)
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-replayed")

        // A destination disabled through the API: the page shows why, and re-enables it.
        const destination = `/destinations/${sync.destinationId}`
        expect((await s.api("POST", `${destination}/disable`, { reason: "The receiver is down for maintenance" })).status).toBe(204)
        await go(page, `#/syncs/${sync.id}`)
        const card = page.locator("weft-audit-destination")
        await card.getByText("Disabled: The receiver is down for maintenance.").waitFor()
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-destination-disabled")
        await card.getByRole("button", { name: "Re-enable destination" }).click()
        await status(page).getByText(/^Destination re-enabled/).waitFor()
        await card.getByText("enabled", { exact: true }).waitFor()
        expect((await s.api("GET", destination)).json.enabled).toBe(true)
        expect(await card.getByRole("button", { name: "Re-enable destination" }).count()).toBe(0)

        // Paging, two at a time: the runs newest first, then a run's events in the order they were written.
        const allRuns = (await s.api("GET", `/runs?syncId=${sync.id}&limit=500`)).json.items.map((r: { id: string }) => `#/runs/${r.id}`)
        const allEvents = (await s.api("GET", `/events?runId=${initial.id}&limit=500`)).json.items.map((e: { id: string }) => e.id)
        expect(allRuns.length).toBeGreaterThan(4)
        await page.addInitScript(() => {
          ;(globalThis as unknown as { weftAuditConfig: unknown }).weftAuditConfig = { pageSize: 2 }
        })
        await signInToAudit(page, s.url)
        await page.getByRole("heading", { name: "Integrations", level: 1 }).waitFor()
        await go(page, `#/syncs/${sync.id}`)
        const runLinks = () => runs.locator('a[href^="#/runs/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href")))
        await until("the first page of runs", runLinks, (links) => links.length === 2)
        await loadAll(page, "Load older runs", runLinks)
        expect(await runLinks()).toEqual(allRuns)

        await go(page, `#/runs/${initial.id}`)
        const eventIds = () => page.getByRole("table", { name: /Events in the order/ }).locator("code[title]").evaluateAll((codes) => codes.map((c) => c.getAttribute("title")))
        await until("the first page of events", eventIds, (ids) => ids.length === 2)
        await loadAll(page, "Load more events", eventIds)
        expect(await eventIds()).toEqual(allEvents)

        expect(problems()).toEqual([])
      }))
    }))
})
