import { defineConfig } from "tsup"
import { entries } from "../../tsup.shared.js"

export default defineConfig(entries(import.meta.dirname))
