/// <reference lib="dom" />
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { Page } from "playwright-core"
import { axeViolations, browser, connectEvents, connectHostPage, nextConnectEvent, screenshot, stack } from "./support.js"

/**
 * HubSpot through `<weft-connect>`: the OAuth 2 consent in a popup (the
 * HubSpot fake's consent page), a declined consent, and the redirect the
 * element falls back to when the browser blocks the popup.
 */

const pages = { connect: connectHostPage() }

const element = (page: Page) => page.locator("weft-connect")

const isFocused = (page: Page, selector: string) =>
  element(page).locator(selector).evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)

describe("<weft-connect> OAuth 2", () => {
  it.scopedLive("connects HubSpot through the consent page in a popup", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session({ tenant: "globex" }))
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 720 } }))
      yield* Effect.promise(async () => {
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        await element(page).getByRole("button", { name: /HubSpot/ }).click()
        const start = element(page).getByRole("button", { name: "Connect with HubSpot" })
        await expect.poll(() => isFocused(page, ".oauth-button")).toBe(true)
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-oauth")

        const [popup] = await Promise.all([page.waitForEvent("popup"), start.click()])
        await popup.getByRole("button", { name: "Grant access" }).click({ timeout: 30_000 })
        const connected = await nextConnectEvent(page, "weft:connected")
        expect(connected).toEqual({ integrationId: expect.stringMatching(/.+/), connector: "hubspot", tenant: "globex" })
        // The callback page closes its window once it told the element.
        await expect.poll(() => popup.isClosed(), { timeout: 30_000 }).toBe(true)
        await expect.poll(() => isFocused(page, ".success-heading")).toBe(true)
        expect(await element(page).getByRole("heading", { name: "HubSpot is connected" }).count()).toBe(1)
        const integration = await s.api("GET", `/integrations/${connected!["integrationId"]}`)
        expect(integration.json).toMatchObject({ tenant: "globex", connector: "hubspot", status: "active" })
      })
    }))

  it.scopedLive("a declined consent shows why in the alert and the user can start again", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session({ connectors: ["hubspot"] }))
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 720 } }))
      yield* Effect.promise(async () => {
        // One connector on offer: the element opens it directly.
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        const start = element(page).getByRole("button", { name: "Connect with HubSpot" })
        const [popup] = await Promise.all([page.waitForEvent("popup"), start.click({ timeout: 30_000 })])
        await popup.getByRole("button", { name: "Cancel" }).click({ timeout: 30_000 })
        const error = await nextConnectEvent(page, "weft:error")
        expect(error).toMatchObject({ code: "access_denied", message: "HubSpot did not grant access (access_denied)." })
        const alert = element(page).getByRole("alert")
        expect(await alert.innerText()).toContain("Start again and approve the access Weft asks for.")
        await expect.poll(() => isFocused(page, ".alert")).toBe(true)
        expect(await start.isEnabled()).toBe(true)
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-oauth-declined")

        const [again] = await Promise.all([page.waitForEvent("popup"), start.click()])
        await again.getByRole("button", { name: "Grant access" }).click({ timeout: 30_000 })
        expect(await nextConnectEvent(page, "weft:connected")).toMatchObject({ connector: "hubspot", tenant: "acme" })
      })
    }))

  it.scopedLive("the user closing the popup puts the element back, ready to start again", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session({ connectors: ["hubspot"] }))
      const page = yield* Effect.promise(() => b.newPage())
      yield* Effect.promise(async () => {
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        const start = element(page).getByRole("button", { name: "Connect with HubSpot" })
        const [popup] = await Promise.all([page.waitForEvent("popup"), start.click({ timeout: 30_000 })])
        await popup.getByRole("button", { name: "Grant access" }).waitFor({ timeout: 30_000 })
        expect(await element(page).getByRole("status").innerText()).toContain("Waiting for HubSpot")
        expect(await start.isDisabled()).toBe(true)
        // Only the callback page's message counts: one from another window, or from the
        // popup while it shows another origin (the provider's), is ignored.
        await page.evaluate(() =>
          window.postMessage({ type: "weft:oauth", status: "connected", integrationId: "int_forged", connector: "hubspot" }, "*")
        )
        await popup.evaluate(() =>
          window.opener.postMessage({ type: "weft:oauth", status: "connected", integrationId: "int_forged", connector: "hubspot" }, "*")
        )
        await popup.close()
        await expect.poll(() => element(page).getByRole("status").innerText(), { timeout: 30_000 }).toBe(
          "The HubSpot window was closed before the connection finished."
        )
        expect(await start.isEnabled()).toBe(true)
        expect(await connectEvents(page)).toEqual([])
      })
    }))

  it.scopedLive("when the popup is blocked, the page goes to the consent screen and comes back connected", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session({ connectors: ["hubspot"] }))
      const page = yield* Effect.promise(() => b.newPage())
      yield* Effect.promise(async () => {
        // A popup blocker: window.open gives nothing.
        await page.addInitScript(() => {
          window.open = () => null
        })
        const host = `${s.url}/host/connect.html?token=${encodeURIComponent(token)}`
        await page.goto(host)
        await element(page).getByRole("button", { name: "Connect with HubSpot" }).click({ timeout: 30_000 })
        await page.getByRole("button", { name: "Grant access" }).click({ timeout: 30_000 })
        await page.waitForURL((url) => url.pathname === "/host/connect.html", { timeout: 30_000 })
        const connected = await nextConnectEvent(page, "weft:connected")
        expect(connected).toMatchObject({ connector: "hubspot", tenant: "acme", integrationId: expect.stringMatching(/.+/) })
        // The outcome's parameters are taken off the address.
        expect(page.url()).toBe(host)
        expect(await element(page).getByRole("heading", { name: "HubSpot is connected" }).count()).toBe(1)

        // The same address opened again (no redirect from this tab) announces nothing.
        await page.goto(`${host}&weft_status=connected&weft_connector=hubspot&weft_integration_id=int_forged`)
        await element(page).getByRole("button", { name: "Connect with HubSpot" }).waitFor({ timeout: 30_000 })
        expect(await connectEvents(page)).toEqual([])
      })
    }))
})
