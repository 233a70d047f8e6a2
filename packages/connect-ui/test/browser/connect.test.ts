/// <reference lib="dom" />
import { describe, expect, it } from "@effect/vitest"
import { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import type { Page } from "playwright-core"
import { axeViolations, browser, connectEvents, connectHostPage, nextConnectEvent, screenshot, stack } from "./support.js"

/**
 * `<weft-connect>` against the real API: the connector list, BambooHR's
 * credential form, a refusal and its correction, the connection and its
 * initial run; with axe in every state and a screenshot of each.
 */

const pages = {
  connect: connectHostPage(),
  // A framework may set properties before the script defines the element.
  late: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Late definition</title></head>
<body><main><h1>Integrations</h1><weft-connect></weft-connect></main>
<script type="module">
  const element = document.querySelector("weft-connect")
  element.token = new URLSearchParams(location.search).get("token")
  element.apiUrl = location.origin
  element.strings = { title: "Pick an app" }
  await import("/ui/weft-connect.js")
</script></body></html>`
}

const element = (page: Page) => page.locator("weft-connect")

describe("<weft-connect>", () => {
  it.scopedLive("connects BambooHR: a refused key shows why, the corrected one connects and the initial run starts", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session())
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 720 } }))
      yield* Effect.promise(async () => {
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        const list = element(page).getByRole("list")
        await expect.poll(() => list.getByRole("button").allInnerTexts(), { timeout: 30_000 }).toEqual([
          expect.stringMatching(/BambooHR[\s\S]*HR/),
          expect.stringMatching(/HubSpot[\s\S]*CRM/)
        ])
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-list")

        await element(page).getByRole("button", { name: /BambooHR/ }).click()
        const domain = element(page).getByLabel("Company domain")
        const key = element(page).getByLabel("API key", { exact: true })
        await expect.poll(() => domain.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(true)
        expect(await key.getAttribute("type")).toBe("password")
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-form")

        await domain.fill("acme")
        await key.fill("wrong-key")
        // The submission is held at the network until the progress has been seen.
        let release = () => {}
        const held = new Promise<void>((resolve) => (release = resolve))
        await page.route("**/connect/integrations", async (route) => {
          await held
          await route.continue()
        }, { times: 1 })
        await element(page).getByRole("button", { name: "Connect", exact: true }).click()
        const submitting = element(page).getByRole("button", { name: "Connecting…" })
        await submitting.waitFor()
        expect(await submitting.isDisabled()).toBe(true)
        expect(await element(page).locator("section").getAttribute("aria-busy")).toBe("true")
        expect(await element(page).getByRole("status").innerText()).toBe("Checking your details with BambooHR…")
        expect(await key.getAttribute("readonly")).toBe("")
        await screenshot(page, "connect-submitting")
        release()
        const alert = element(page).getByRole("alert")
        await alert.waitFor({ timeout: 30_000 })
        expect(await element(page).locator("section").getAttribute("aria-busy")).toBe("false")
        expect(await alert.innerText()).toContain("BambooHR did not accept the API key for this company.")
        expect(await alert.innerText()).toContain("API Keys › Add New Key")
        await expect.poll(() => alert.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(true)
        // The code is behind a <details> toggle, the form as it was.
        expect(await alert.locator("details code").textContent()).toBe("invalid_credentials")
        expect(await alert.locator("details").getAttribute("open")).toBeNull()
        expect(await domain.inputValue()).toBe("acme")
        expect(await key.inputValue()).toBe("wrong-key")
        expect(await connectEvents(page)).toEqual([
          {
            type: "weft:error",
            detail: expect.objectContaining({ code: "invalid_credentials", message: "BambooHR did not accept the API key for this company." })
          }
        ])
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-error")

        await key.fill(BambooHRFake.keys.admin)
        await element(page).getByRole("button", { name: "Connect", exact: true }).click()
        const connected = await nextConnectEvent(page, "weft:connected")
        expect(Object.keys(connected ?? {}).sort()).toEqual(["connector", "integrationId", "tenant"])
        expect(connected).toMatchObject({ connector: "bamboohr", tenant: "acme" })
        const heading = element(page).getByRole("heading", { name: "BambooHR is connected" })
        await expect.poll(() => heading.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(true)
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-success")

        // The credentials went to the API, not to the event or the page.
        expect(JSON.stringify(await connectEvents(page))).not.toContain(BambooHRFake.keys.admin)
        expect(await element(page).locator("input").count()).toBe(0)

        const integrationId = connected!["integrationId"] as string
        const integration = await s.api("GET", `/integrations/${integrationId}`)
        expect(integration.json).toMatchObject({ tenant: "acme", connector: "bamboohr", status: "active" })
        await expect.poll(
          async () => {
            const runs = await s.api("GET", `/runs?integrationId=${integrationId}`)
            return runs.json.items.map((run: { type: string; status: string }) => `${run.type}:${run.status}`)
          },
          { timeout: 60_000, interval: 250 }
        ).toEqual(["initial:succeeded"])
        const runs = await s.api("GET", `/runs?integrationId=${integrationId}`)
        const employees = runs.json.items[0].models.find((m: { model: string }) => m.model === "hris.employee")
        expect(employees).toMatchObject({ status: "succeeded", processed: 20, new: 20, changed: 0, deleted: 0 })
      })
    }))

  it.scopedLive("properties set before the element is defined are kept", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session())
      const page = yield* Effect.promise(() => b.newPage())
      yield* Effect.promise(async () => {
        await page.goto(`${s.url}/host/late.html?token=${encodeURIComponent(token)}`)
        await element(page).getByRole("heading", { name: "Pick an app" }).waitFor({ timeout: 30_000 })
        await element(page).getByRole("button", { name: /BambooHR/ }).waitFor({ timeout: 30_000 })
      })
    }))
})
