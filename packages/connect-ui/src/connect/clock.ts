/// <reference lib="dom" />

/**
 * The page's clock and timers. Browser code runs without Effect (the
 * element's bundle stays small), so it reads the page's own clock; tests
 * drive it with Playwright's `page.clock`.
 */

// eslint-disable-next-line no-restricted-syntax -- browser code: no Effect runtime here
export const now = (): number => Date.now()

// Browsers cap timer delays at 2^31 - 1 ms; a longer wait is re-armed when it fires.
const MAX_DELAY = 2_147_483_647

/** Calls `f` at `at` (Unix ms); returns the cancel function. */
export const at = (time: number, f: () => void): (() => void) => {
  let handle = 0
  const arm = () => {
    const delay = time - now()
    if (delay <= 0) return f()
    handle = window.setTimeout(arm, Math.min(delay, MAX_DELAY))
  }
  arm()
  return () => window.clearTimeout(handle)
}

/** Calls `f` every `ms`; returns the cancel function. */
export const every = (ms: number, f: () => void): (() => void) => {
  const handle = window.setInterval(f, ms)
  return () => window.clearInterval(handle)
}
