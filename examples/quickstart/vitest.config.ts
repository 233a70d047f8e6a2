import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

// The browser test needs Chromium: it runs with `npm run test:browser` (vitest.browser.config.ts).
export default mergeConfig(shared, defineProject({ test: { exclude: ["test/browser/**", "**/node_modules/**"] } }))
