/// <reference lib="dom" />
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { Page } from "playwright-core"
import { axeViolations, browser, connectHostPage, screenshot, stack } from "./support.js"

/**
 * White-labelling: `--weft-*` custom properties (on the element or any
 * ancestor), the light and dark themes, `::part()`, replaceable strings;
 * and how a field's help text and where-to-find link render.
 */

const pages = {
  connect: connectHostPage(),
  branded: connectHostPage({
    css: `
      weft-connect {
        --weft-color-accent: rgb(200, 0, 100);
        --weft-color-accent-text: rgb(255, 255, 255);
        --weft-font-family: Georgia, serif;
        --weft-radius-control: 2px;
        --weft-space: 10px;
      }
      :root { --weft-color-text: rgb(20, 40, 60); }
      weft-connect::part(container) { border-width: 3px; }
    `
  })
}

const element = (page: Page) => page.locator("weft-connect")

const style = (page: Page, selector: string, property: string) =>
  element(page).locator(selector).first().evaluate((e, property) => getComputedStyle(e).getPropertyValue(property), property)

describe("<weft-connect> look", () => {
  it.scopedLive("the --weft-* custom properties and ::part() change the computed styles", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session({ connectors: ["bamboohr"] }))
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 600 }, colorScheme: "light" }))
      yield* Effect.promise(async () => {
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        await element(page).locator("button.primary").waitFor({ timeout: 30_000 })
        expect(await style(page, "button.primary", "background-color")).toBe("rgb(52, 81, 209)")
        expect(await style(page, "label", "color")).toBe("rgb(27, 31, 36)")

        await page.goto(`${s.url}/host/branded.html?token=${encodeURIComponent(token)}`)
        await element(page).locator("button.primary").waitFor({ timeout: 30_000 })
        expect(await style(page, "button.primary", "background-color")).toBe("rgb(200, 0, 100)")
        expect(await style(page, "button.primary", "border-radius")).toBe("2px")
        expect(await style(page, "button.primary", "font-family")).toBe("Georgia, serif")
        expect(await style(page, ".field", "margin-bottom")).toBe("20px")
        // Set on :root, inherited through the shadow boundary.
        expect(await style(page, "label", "color")).toBe("rgb(20, 40, 60)")
        expect(await style(page, "section", "border-top-width")).toBe("3px")
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-branded")
      })
    }))

  it.scopedLive("dark by the user's colour scheme or theme=\"dark\", light by theme=\"light\"; axe finds nothing in either", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session())
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 600 }, colorScheme: "light" }))
      yield* Effect.promise(async () => {
        const open = async (query: string) => {
          await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}${query}`)
          await element(page).getByRole("button", { name: /BambooHR/ }).waitFor({ timeout: 30_000 })
        }
        const background = () => style(page, "section", "background-color")
        await open("")
        expect(await background()).toBe("rgb(255, 255, 255)")
        await open("&theme=dark")
        expect(await background()).toBe("rgb(23, 25, 29)")
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-dark-list")

        await page.emulateMedia({ colorScheme: "dark" })
        await open("")
        expect(await background()).toBe("rgb(23, 25, 29)")
        await element(page).getByRole("button", { name: /BambooHR/ }).click()
        await element(page).getByLabel("Company domain").fill("acme")
        await element(page).getByLabel("API key", { exact: true }).fill("wrong-key")
        await element(page).getByRole("button", { name: "Connect", exact: true }).click()
        await element(page).getByRole("alert").waitFor({ timeout: 30_000 })
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-dark-error")
        await open("&theme=light")
        expect(await background()).toBe("rgb(255, 255, 255)")
      })
    }))

  it.scopedLive("strings replace the visible text", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session())
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 600 } }))
      yield* Effect.promise(async () => {
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        await element(page).getByRole("button", { name: /BambooHR/ }).waitFor({ timeout: 30_000 })
        await page.evaluate(() => {
          document.querySelector("weft-connect")!.strings = {
            title: "App verbinden",
            intro: "Welche App möchten Sie verbinden?",
            connectTitle: "{name} verbinden",
            formIntro: "Die Zugangsdaten Ihres {name}-Kontos:",
            submit: "Verbinden",
            show: "Zeigen",
            showLabel: "{field} zeigen",
            back: "Alle Apps",
            close: "Schließen",
            categories: { hris: "Personalwesen" },
            fields: { "bamboohr.apiKey": { title: "API-Schlüssel", description: "Unter Ihrem Namen › API-Schlüssel." } }
          }
        })
        await element(page).getByRole("heading", { name: "App verbinden" }).waitFor()
        expect(await element(page).getByRole("button", { name: "Schließen" }).count()).toBe(1)
        expect(await element(page).getByRole("list").innerText()).toMatch(/BambooHR\s+Personalwesen[\s\S]*HubSpot\s+CRM/)
        await element(page).getByRole("button", { name: /BambooHR/ }).click()
        await element(page).getByRole("heading", { name: "BambooHR verbinden" }).waitFor()
        expect(await element(page).getByRole("button", { name: "Verbinden", exact: true }).count()).toBe(1)
        expect(await element(page).getByRole("button", { name: "API-Schlüssel zeigen" }).innerText()).toBe("Zeigen")
        expect(await element(page).getByLabel("API-Schlüssel", { exact: true }).getAttribute("type")).toBe("password")
        expect(await element(page).locator("#weft-field-apiKey-help").innerText()).toBe("Unter Ihrem Namen › API-Schlüssel.")
        expect(await element(page).getByRole("button", { name: "Alle Apps" }).count()).toBe(1)
        await screenshot(page, "connect-strings")
      })
    }))

  it.scopedLive("a field's description is its help text and its helpUrl a where-to-find link; other links are not rendered", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session({ connectors: ["bamboohr"] }))
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 720 } }))
      yield* Effect.promise(async () => {
        // BambooHR's form as the API serves it, with help added to two fields (the form of a connector that documents them).
        await page.route("**/connect/session", async (route) => {
          const response = await route.fetch()
          const session = await response.json()
          session.connectors[0].fields[1] = {
            ...session.connectors[0].fields[1],
            description: "In BambooHR: your name (top right) › API Keys › Add New Key.",
            helpUrl: "https://documentation.bamboohr.com/docs/getting-started"
          }
          session.connectors[0].fields[0] = { ...session.connectors[0].fields[0], helpUrl: "javascript:alert(1)" }
          await route.fulfill({ response, json: session })
        })
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        const key = element(page).getByLabel("API key", { exact: true })
        await key.waitFor({ timeout: 30_000 })
        const help = element(page).locator("#weft-field-apiKey-help")
        expect(await help.innerText()).toBe("In BambooHR: your name (top right) › API Keys › Add New Key.")
        expect(await key.getAttribute("aria-describedby")).toBe("weft-field-apiKey-help")
        const links = element(page).getByRole("link")
        expect(await links.count()).toBe(1)
        expect(await links.first().getAttribute("href")).toBe("https://documentation.bamboohr.com/docs/getting-started")
        expect(await links.first().getAttribute("target")).toBe("_blank")
        expect(await links.first().getAttribute("rel")).toBe("noopener noreferrer")
        expect(await element(page).getByRole("link", { name: "Where do I find this? (API key, opens in a new tab)" }).count()).toBe(1)
        expect(await axeViolations(page)).toEqual([])
        await screenshot(page, "connect-form-help")
      })
    }))
})
