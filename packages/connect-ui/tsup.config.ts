import { defineConfig } from "tsup"
import { entries } from "../../tsup.shared.js"

// The Node entries only; the browser assets are built by build.mjs (tsup's `clean` must not remove them).
export default defineConfig({ ...entries(import.meta.dirname), clean: false })
