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
  stack,
  until
} from "./support.js"

/**
 * The audit page's read side against the real API: integrations by tenant
 * and status, an integration's syncs, a sync's runs with the events-per-run
 * chart, and a run's audit (counts, invalid records, deliveries with their
 * attempts and the latency chart); axe in every view, light and dark.
 */

const isFocused = (page: Page, name: string) =>
  page.getByRole("heading", { name, level: 1 }).evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)

describe("audit page: integrations, syncs, runs", () => {
  it.scopedLive("follows a support case from the tenant to a run's invalid records and deliveries", () =>
    Effect.gen(function*() {
      const s = yield* stack({ employees: 20 })
      const b = yield* browser()
      const corrupted = s.bamboo.randomIds(2, { active: true })
      for (const id of corrupted) s.bamboo.corrupt(id)
      const integrationId = yield* Effect.promise(() => connectBamboo(s))
      const { sync, run } = yield* Effect.promise(() => settledRun(s, integrationId))
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 1280, height: 900 } }))
      yield* Effect.promise(() => shotOnFailure(page, "audit-runs", async () => {
        expect(run).toMatchObject({ type: "initial", status: "succeeded" })
        const model = run.models[0]
        expect(model.invalid).toBe(2)
        const problems = await pageProblems(page)
        await signInToAudit(page, s.url)

        // Integrations, filtered by tenant and status.
        await page.getByRole("heading", { name: "Integrations", level: 1 }).waitFor()
        await page.getByLabel("Tenant").fill("acme")
        await page.getByLabel("Status").selectOption("active")
        await page.getByRole("button", { name: "Filter" }).click()
        await expect.poll(() => page.evaluate(() => location.hash)).toBe("#/?tenant=acme&status=active")
        const row = page.getByRole("row").filter({ hasText: "bamboohr" })
        await row.waitFor()
        expect(await row.innerText()).toMatch(/acme\s+bamboohr\s+active/)
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-integrations")
        // Another status: none match.
        await page.getByLabel("Status").selectOption("invalid_credentials")
        await page.getByRole("button", { name: "Filter" }).click()
        await page.getByText("No integrations match.").waitFor()
        await page.goBack()
        await row.waitFor()

        // The integration and its sync.
        await row.getByRole("link", { name: "acme" }).click()
        await page.getByRole("heading", { name: "acme · bamboohr", level: 1 }).waitFor()
        await expect.poll(() => isFocused(page, "acme · bamboohr")).toBe(true)
        const syncRow = page.getByRole("row").filter({ hasText: "hris.employee" })
        await syncRow.waitFor()
        expect(await syncRow.innerText()).toContain("succeeded")
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-integration")

        // The sync: settings, actions, destination, the chart and the runs.
        await page.locator(`a[href="#/syncs/${sync.id}"]`).click()
        await page.getByRole("heading", { name: "Sync of hris.employee", level: 1 }).waitFor()
        const chart = page.getByRole("img", { name: /Records per run/ })
        await chart.waitFor()
        expect(await chart.getAttribute("aria-labelledby")).toBeTruthy()
        expect(await chart.locator("rect").count()).toBeGreaterThan(0)
        expect(await chart.locator("desc").textContent()).toContain(`${model.new} new, 0 changed and 0 deleted records in all`)
        const runRow = page.getByRole("row").filter({ has: page.locator(`a[href="#/runs/${run.id}"]`) })
        expect((await runRow.innerText()).replace(/\s+/g, " ")).toContain(
          `initial succeeded`
        )
        expect(await runRow.locator("td.num").allInnerTexts()).toEqual([
          expect.stringMatching(/\d/),
          String(model.processed),
          String(model.new),
          "0",
          "0",
          "2",
          `${run.delivery.acked} / ${run.delivery.recordEvents}`
        ])
        await page.getByText("Show the figures as a table").click()
        expect(await page.getByRole("table", { name: "Records per run, oldest first" }).getByRole("row").count()).toBe(2)
        expect(await page.getByRole("heading", { name: "Destination" }).count()).toBe(1)
        await page.getByText("enabled", { exact: true }).waitFor()
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-sync")

        // The run: counts per model, invalid records with their path, deliveries with attempts.
        await page.locator(`a[href="#/runs/${run.id}"]`).first().click()
        await page.getByRole("heading", { name: "Initial run", level: 1 }).waitFor()
        await expect.poll(() => isFocused(page, "Initial run")).toBe(true)
        const modelRow = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: model.model }) })
        expect(await modelRow.locator("td.num").allInnerTexts()).toEqual([
          String(model.processed),
          String(model.new),
          "0",
          "0",
          "2",
          expect.stringMatching(/ms|s$/)
        ])
        const invalid = page.getByRole("heading", { name: /Invalid records/ })
        await invalid.waitFor()
        const invalidRows = page.getByRole("row").filter({ hasText: "not an e-mail" }).or(
          page.getByRole("row").filter({ hasText: model.invalidRecords[0].error })
        )
        expect(await invalidRows.count()).toBe(2)
        const shown = await page.locator("table code").allInnerTexts()
        for (const id of corrupted) expect(shown).toContain(id)
        expect(shown).toContain(model.invalidRecords[0].path)

        const tally = page.locator("weft-audit-deliveries .tally")
        expect((await tally.innerText()).replace(/\s+/g, " ")).toContain(
          `${run.delivery.recordEvents} record events ${run.delivery.acked} acknowledged 0 pending 0 dead`
        )
        const events = page.getByRole("table", { name: /Events in the order they were written/ })
        await events.getByRole("row").nth(1).waitFor()
        await expect.poll(() => events.getByRole("row").filter({ hasText: "record.new" }).count()).toBe(model.new)
        expect(await events.getByRole("row").filter({ hasText: "record.new" }).first().innerText()).toMatch(/acked[\s\S]*#1\s+204\s+·\s+\d+(\.\d+)? m?s/)
        const latency = page.getByRole("img", { name: /Delivery attempts by duration/ })
        await latency.waitFor()
        expect(await latency.locator("rect").count()).toBeGreaterThan(0)
        expect(await latency.locator("desc").textContent()).toMatch(/^\d+ attempts: median .+, 95th percentile .+, slowest .+; all acknowledged\.$/)
        expect(await page.getByText("Disabled", { exact: false }).count()).toBe(0)
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-run")

        await page.emulateMedia({ colorScheme: "dark" })
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-run-dark")
        await page.emulateMedia({ colorScheme: "light" })
        // A narrow window: the layout stacks, wide tables scroll in their own box.
        await page.setViewportSize({ width: 760, height: 900 })
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(760)
        await screenshot(page, "audit-run-narrow")
        await page.setViewportSize({ width: 1280, height: 900 })

        // The events filtered by status.
        await page.locator("weft-audit-deliveries").getByLabel("Status").selectOption("dead")
        await page.getByText("No events dead.").waitFor()

        expect(problems()).toEqual([])
      }))
    }))

  it.scopedLive("shows why a run failed, with the error's code and what to do, and why the integration is not active", () =>
    Effect.gen(function*() {
      const s = yield* stack({ employees: 5 })
      const b = yield* browser()
      const integrationId = yield* Effect.promise(() => connectBamboo(s))
      const { sync, run: initial } = yield* Effect.promise(() => settledRun(s, integrationId))
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 1280, height: 900 } }))
      yield* Effect.promise(() => shotOnFailure(page, "audit-failed", async () => {
        // BambooHR refuses the key when Weft checks it again: the integration is invalid, and the next run fails.
        s.bamboo.faults.inject({ kind: "status", status: 401 }, { times: 1 })
        expect((await s.api("POST", `/integrations/${integrationId}/revalidate`)).status).toBe(422)
        expect((await s.api("POST", `/syncs/${sync.id}/trigger`, { type: "manual" })).status).toBe(202)
        const failed = (await until(
          "the failed run",
          () => s.api("GET", `/runs?syncId=${sync.id}&limit=1`),
          (r) => r.json.items[0]?.id !== initial.id && r.json.items[0]?.status === "failed"
        )).json.items[0]
        const [issue] = failed.errors
        expect(issue).toMatchObject({ code: "invalid_credentials", resolution: expect.any(String) })
        const problems = await pageProblems(page)
        await signInToAudit(page, s.url)

        await page.getByLabel("Status").selectOption("invalid_credentials")
        await page.getByRole("button", { name: "Filter" }).click()
        const row = page.getByRole("row").filter({ hasText: "bamboohr" })
        await row.waitFor()
        expect(await row.innerText()).toMatch(/invalid credentials\s+BambooHR did not accept the API key for this company\./)
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-integrations-invalid")

        await page.evaluate((id) => (location.hash = `#/syncs/${id}`), sync.id)
        const failedRow = page.getByRole("row").filter({ has: page.locator(`a[href="#/runs/${failed.id}"]`) })
        await failedRow.waitFor()
        expect((await failedRow.innerText()).replace(/\s+/g, " ")).toMatch(/manual failed .* 1 error/)

        await failedRow.getByRole("link").click()
        await page.getByRole("heading", { name: "Manual run", level: 1 }).waitFor()
        await page.getByRole("heading", { name: "1 error" }).waitFor()
        const item = page.getByRole("listitem").filter({ hasText: issue.message })
        expect(await item.locator("code").innerText()).toBe("invalid_credentials")
        expect(await item.innerText()).toContain(`What to do: ${issue.resolution}`)
        expect(await page.getByRole("heading", { name: "Invalid records" }).count()).toBe(0)
        await page.getByText("No delivery attempts yet.").or(page.getByRole("img", { name: /Delivery attempts/ })).first().waitFor()
        expect(await axeViolationsUnderCsp(page)).toEqual([])
        await screenshot(page, "audit-run-failed")
        expect(problems()).toEqual([])
      }))
    }))
})
