/**
 * Change detection and the sync engine.
 *
 * @since 0.1.0
 */
export * as Audit from "./Audit.js"
export * as ChangeDetector from "./ChangeDetector.js"
export * as Connectors from "./Connectors.js"
export * as Integrations from "./Integrations.js"
export * as ModelRun from "./ModelRun.js"
export * as Recovery from "./Recovery.js"
export * as SyncEngine from "./SyncEngine.js"
