/// <reference lib="dom" />
import { describe, expect, it } from "@effect/vitest"
import { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import type { Page } from "playwright-core"
import { browser, connectEvents, connectHostPage, nextConnectEvent, screenshot, stack } from "./support.js"

/**
 * A connect session that runs out while the end user fills the form. The
 * element learns it two ways, each tested without waiting on the real
 * clock:
 *
 * - its own timer at the session's `expiresAt`: the page's clock is
 *   Playwright's (`page.clock`), moved past a 60 s session;
 * - the API answering 401 `session_expired`: the element is handed a token
 *   signed with the API's session secret whose expiry is already past (the
 *   server's clock cannot be moved from a browser test).
 *
 * Either way it fires `weft:session-expired` and keeps the form; the host
 * sets a new token and the connection goes on with the form as filled.
 */

const pages = { connect: connectHostPage() }

const element = (page: Page) => page.locator("weft-connect")

/** The host's answer to `weft:session-expired`: a new token. */
const renew = (page: Page, token: string) =>
  page.evaluate((token) => {
    document.querySelector("weft-connect")!.token = token
  }, token)

describe("<weft-connect> session expiry", () => {
  it.scopedLive("the session's expiresAt passing mid-form fires weft:session-expired; a new token continues with the form as filled", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session({ connectors: ["bamboohr"], expiresInSeconds: 60 }))
      const page = yield* Effect.promise(() => b.newPage({ viewport: { width: 560, height: 720 } }))
      yield* Effect.promise(async () => {
        await page.clock.install()
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        await element(page).getByLabel("Company domain").fill("acme", { timeout: 30_000 })
        await element(page).getByLabel("API key", { exact: true }).fill(BambooHRFake.keys.admin)

        await page.clock.fastForward("01:01")
        const expired = await nextConnectEvent(page, "weft:session-expired")
        expect(expired).toEqual({ expiresAt: expect.stringMatching(/^\d{4}-/) })
        const submit = element(page).getByRole("button", { name: "Connect", exact: true })
        expect(await submit.isDisabled()).toBe(true)
        expect(await element(page).getByRole("status").innerText()).toBe("Your session has expired. Renewing it…")
        await screenshot(page, "connect-expired")

        await renew(page, await s.session({ connectors: ["bamboohr"] }))
        await expect.poll(() => submit.isEnabled(), { timeout: 30_000 }).toBe(true)
        expect(await element(page).getByLabel("Company domain").inputValue()).toBe("acme")
        expect(await element(page).getByLabel("API key", { exact: true }).inputValue()).toBe(BambooHRFake.keys.admin)
        await submit.click()
        expect(await nextConnectEvent(page, "weft:connected")).toMatchObject({ connector: "bamboohr", tenant: "acme" })
        expect((await connectEvents(page)).map((e) => e.type)).toEqual(["weft:session-expired", "weft:connected"])
      })
    }))

  it.scopedLive("the API answering 401 session_expired to a submission fires weft:session-expired; the submission goes through with the new token", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const token = yield* Effect.promise(() => s.session())
      const page = yield* Effect.promise(() => b.newPage())
      yield* Effect.promise(async () => {
        // The page's clock runs an hour behind: the element's own timer stays quiet,
        // so it is the API that tells it the session ran out.
        await page.clock.install({ time: Date.now() - 3_600_000 })
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(token)}`)
        await element(page).getByRole("button", { name: /BambooHR/ }).click({ timeout: 30_000 })
        await element(page).getByLabel("Company domain").fill("acme")
        await element(page).getByLabel("API key", { exact: true }).fill(BambooHRFake.keys.admin)

        // The host hands over a token that runs out in 5 s (the API's minimum is 60 s:
        // this one is signed with its secret), and the element loads the session with it.
        const shortLived = s.signedSession({ expiresAt: Date.now() + 5_000 })
        await renew(page, shortLived)
        const container = element(page).locator("section")
        await expect.poll(() => container.getAttribute("aria-busy"), { timeout: 30_000 }).toBe("false")
        expect(await connectEvents(page)).toEqual([])
        await expect.poll(async () => (await s.api("GET", "/connect/session", undefined, shortLived)).status, { timeout: 30_000, interval: 200 })
          .toBe(401)

        await element(page).getByRole("button", { name: "Connect", exact: true }).click()
        expect(await nextConnectEvent(page, "weft:session-expired")).toEqual({ expiresAt: expect.stringMatching(/^\d{4}-/) })
        expect(await element(page).getByLabel("API key", { exact: true }).inputValue()).toBe(BambooHRFake.keys.admin)
        expect(await element(page).getByRole("alert").count()).toBe(0)

        // The element makes the interrupted submission again once it has a token.
        await renew(page, await s.session())
        expect(await nextConnectEvent(page, "weft:connected")).toMatchObject({ connector: "bamboohr", tenant: "acme" })
        expect((await connectEvents(page)).map((e) => e.type)).toEqual(["weft:session-expired", "weft:connected"])
      })
    }))

  it.scopedLive("a page opened with a session that already ran out asks for a new one at once", () =>
    Effect.gen(function*() {
      const s = yield* stack({ pages })
      const b = yield* browser()
      const page = yield* Effect.promise(() => b.newPage())
      yield* Effect.promise(async () => {
        const outOfDate = s.signedSession({ expiresAt: Date.now() - 1_000 })
        await page.goto(`${s.url}/host/connect.html?token=${encodeURIComponent(outOfDate)}`)
        expect(await nextConnectEvent(page, "weft:session-expired")).toEqual({ expiresAt: undefined })
        expect(await element(page).getByRole("list").count()).toBe(0)
        await renew(page, await s.session())
        await element(page).getByRole("button", { name: /BambooHR/ }).waitFor({ timeout: 30_000 })
        expect((await connectEvents(page)).map((e) => e.type)).toEqual(["weft:session-expired"])
      })
    }))
})
