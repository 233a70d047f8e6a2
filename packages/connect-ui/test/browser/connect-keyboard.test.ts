/// <reference lib="dom" />
import { describe, expect, it } from "@effect/vitest"
import { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import type { Page } from "playwright-core"
import { browser, connectHostPage, nextConnectEvent, screenshot, stack } from "./support.js"

/**
 * The whole connect flow from the keyboard alone (Tab, Shift+Tab, Enter,
 * Space and typing; no mouse), with focus where the user needs it at each
 * step.
 */

const pages = { connect: connectHostPage() }

/** What has the focus: inside the element's shadow root, `tag#id "accessible text"`. */
const focused = (page: Page): Promise<string> =>
  page.evaluate(() => {
    let active = document.activeElement
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
    if (active === null) return "nothing"
    const name = active.getAttribute("aria-label") ?? (active as HTMLElement).innerText?.replace(/\s+/g, " ").trim() ?? ""
    return `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ""}${name ? ` "${name}"` : ""}`
  })

/** Presses `key` until `expected` has the focus (a few presses at most). */
const tabTo = async (page: Page, expected: string, key = "Tab"): Promise<void> => {
  for (let i = 0; i < 8; i++) {
    if ((await focused(page)) === expected) return
    await page.keyboard.press(key)
  }
  expect(await focused(page)).toBe(expected)
}

describe("<weft-connect> from the keyboard", () => {
  it.scopedLive("lists, chooses, reveals the secret, submits, corrects after a refusal and connects without a mouse", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session())
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 720 } }))
      yield* Effect.promise(async () => {
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        await page.locator("weft-connect").getByRole("button", { name: /BambooHR/ }).waitFor({ timeout: 30_000 })

        await tabTo(page, `button "Close"`)
        await page.keyboard.press("Tab")
        expect(await focused(page)).toBe(`button "BH BambooHR HR"`)
        await page.keyboard.press("Enter")
        await expect.poll(() => focused(page)).toBe(`input#weft-field-companyDomain`)

        // Back to the list and in again: focus returns to the connector, then to the form.
        await page.keyboard.press("Shift+Tab")
        expect(await focused(page)).toBe(`button "← All apps"`)
        await page.keyboard.press("Enter")
        await expect.poll(() => focused(page)).toBe(`button "BH BambooHR HR"`)
        await page.keyboard.press("Space")
        await expect.poll(() => focused(page)).toBe(`input#weft-field-companyDomain`)

        await page.keyboard.type("acme")
        // A field's "where do I find this?" link comes after it (and its show/hide button).
        await page.keyboard.press("Tab")
        expect(await focused(page)).toMatch(/^a "Where do I find this\? \(Company domain/)
        await page.keyboard.press("Tab")
        expect(await focused(page)).toBe(`input#weft-field-apiKey`)
        await page.keyboard.type("not-the-key")
        await page.keyboard.press("Tab")
        expect(await focused(page)).toBe(`button "Show API key"`)
        const key = page.locator("weft-connect").locator("#weft-field-apiKey")
        await page.keyboard.press("Space")
        await expect.poll(() => key.getAttribute("type")).toBe("text")
        expect(await focused(page)).toBe(`button "Hide API key"`)
        await screenshot(page, "connect-keyboard-revealed")
        await page.keyboard.press("Enter")
        await expect.poll(() => key.getAttribute("type")).toBe("password")

        await tabTo(page, `input#weft-field-apiKey`, "Shift+Tab")
        await page.keyboard.press("Enter")
        await expect.poll(() => focused(page), { timeout: 30_000 }).toMatch(/^div "BambooHR did not accept the API key/)
        await page.keyboard.press("Tab")
        expect(await focused(page)).toBe(`summary "Error details"`)
        await page.keyboard.press("Enter")
        expect(await page.locator("weft-connect").locator("details").getAttribute("open")).toBe("")
        await tabTo(page, `input#weft-field-apiKey`)
        await page.keyboard.press("ControlOrMeta+A")
        await page.keyboard.type(BambooHRFake.keys.admin)
        await page.keyboard.press("Enter")

        expect(await nextConnectEvent(page, "weft:connected")).toMatchObject({ connector: "bamboohr", tenant: "acme" })
        await expect.poll(() => focused(page)).toBe(`h3 "BambooHR is connected"`)
        await page.keyboard.press("Tab")
        expect(await focused(page)).toBe(`button "Done"`)
        await page.keyboard.press("Enter")
        expect(await nextConnectEvent(page, "weft:close")).toBeNull()
      })
    }))
})
