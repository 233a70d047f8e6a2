import { Fingerprint } from "@weft/core/ground"
import { Rows, type Store } from "@weft/core/store"
import * as Effect from "effect/Effect"

/**
 * Builders of valid store rows for tests. Every builder takes overrides, so
 * a test spells out only what it is about.
 *
 * @since 0.1.0
 */

let counter = 0
const next = (): number => ++counter

/**
 * A well-formed event id (`evt_` + 32 hex digits) from a number.
 *
 * @since 0.1.0
 * @category constructors
 */
export const eventId = (n: number): string => `evt_${n.toString(16).padStart(32, "0")}`

/**
 * The scope the builders use unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultScope: Rows.FingerprintScope = { syncId: "syn_test", model: "hris.employee" }

/**
 * Bytes standing in for a sealed payload. Distinct seeds give distinct bytes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const payloadOf = (seed: string): Uint8Array => new TextEncoder().encode(`sealed:${seed}`)

/**
 * A reference to a payload of one event, bringing its sealed bytes (as a
 * write that introduces the payload does): id `pay_<seed>`, the whole bytes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sealedRef = (seed: string, sealed: Uint8Array = payloadOf(seed)): Rows.PayloadRef => ({
  id: `pay_${seed}`,
  offset: 0,
  length: sealed.length,
  sealed
})

/**
 * A payload reference as a store returns it: without the sealed bytes.
 *
 * @since 0.1.0
 * @category getters
 */
export const storedRef = (ref: Rows.PayloadRef | null): Rows.PayloadRef | null =>
  ref === null ? null : { id: ref.id, offset: ref.offset, length: ref.length }

/**
 * An entry as a store returns it after writing it: its payload reference
 * without the sealed bytes the write brought.
 *
 * @since 0.1.0
 * @category getters
 */
export const asStored = (entry: Rows.OutboxEntry): Rows.OutboxEntry => ({ ...entry, payload: storedRef(entry.payload) })

/**
 * `count` pending record events sharing one payload, as the engine writes a
 * page: each refers to its slice (`sealed:<event id>`) of the payload
 * `payloadId`, and every entry brings the page's sealed bytes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePage = (
  count: number,
  overrides: Partial<Rows.OutboxEntry> = {},
  payloadId: string = `pay_page_${next()}`
): Array<Rows.OutboxEntry> => {
  const entries = Array.from({ length: count }, () => makeEntry({ ...overrides, payload: null }))
  const parts = entries.map((e) => payloadOf(e.id))
  const sealed = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  return entries.map((e, i) => {
    sealed.set(parts[i], offset)
    const payload: Rows.PayloadRef = { id: payloadId, offset, length: parts[i].length, sealed }
    offset += parts[i].length
    return { ...e, payload }
  })
}

/**
 * A fingerprint whose hash is derived from `seed` (equal seeds, equal hashes).
 *
 * @example
 * ```ts
 * import { StoreSuite } from "@weft/testing/conformance"
 * const fp = StoreSuite.makeFingerprint("ada", { generation: 2 })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const makeFingerprint = (
  seed: string | number,
  options: { readonly generation?: number; readonly inactive?: boolean } = {}
): Rows.Fingerprint => ({
  // A plain Uint8Array copy: `ofValue` may return a Buffer view.
  hash: new Uint8Array(Fingerprint.ofValue({ seed })),
  generation: options.generation ?? 1,
  inactive: options.inactive ?? false
})

/**
 * A run in status `running`, with empty delivery counters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRun = (overrides: Partial<Rows.RunRow> = {}): Rows.RunRow => ({
  id: "run_test",
  syncId: defaultScope.syncId,
  destinationId: "dst_test",
  integrationId: "int_test",
  connector: "fake",
  tenant: "acme",
  type: "initial",
  status: "running",
  startedAt: 1_000,
  models: {},
  warnings: [],
  errors: [],
  delivery: Rows.emptyDelivery,
  ...overrides
})

/**
 * A pending record event (`record.changed`) with a fresh id and its own
 * record; pass `recordId` to put several events on one ordering key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEntry = (overrides: Partial<Rows.OutboxEntry> = {}): Rows.OutboxEntry => {
  const n = next()
  const syncId = overrides.syncId ?? defaultScope.syncId
  const model = overrides.model ?? defaultScope.model
  const recordId = overrides.recordId ?? `rec-${n}`
  const id = overrides.id ?? eventId(n)
  return {
    id,
    type: "record.changed",
    kind: "record",
    runId: "run_test",
    syncId,
    destinationId: "dst_test",
    orderingKey: `${syncId}/${model}/${recordId}`,
    model,
    recordId,
    createdAt: 1_000,
    status: "pending",
    attempts: 0,
    nextAttemptAt: 0,
    payload: sealedRef(id),
    ...overrides
  }
}

/**
 * A pending run event (`sync.events.*`) of run `runId`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRunEvent = (
  runId: string,
  type: "sync.events.processed" | "sync.events.allEmitted" | "sync.events.allConsumed",
  overrides: Partial<Rows.OutboxEntry> = {}
): Rows.OutboxEntry => {
  const id = overrides.id ?? eventId(next())
  return {
    id,
    type,
    kind: "run",
    runId,
    syncId: defaultScope.syncId,
    destinationId: "dst_test",
    orderingKey: `run/${runId}`,
    createdAt: 1_000,
    status: "pending",
    attempts: 0,
    nextAttemptAt: 0,
    payload: sealedRef(id),
    ...overrides
  }
}

/**
 * A model audit with zero counters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeAudit = (model: string = defaultScope.model, overrides: Partial<Rows.ModelAudit> = {}): Rows.ModelAudit => ({
  model,
  status: "running",
  counters: Rows.emptyCounters,
  fullRead: true,
  invalidRecords: [],
  warnings: [],
  ...overrides
})

/**
 * A page commit: nothing but the run audit unless told otherwise.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCommit = (options: {
  readonly runId?: string
  readonly scope?: Rows.FingerprintScope
  readonly upserts?: ReadonlyArray<Rows.FingerprintUpsert>
  readonly deletes?: ReadonlyArray<string>
  readonly state?: Rows.ModelState
  readonly events?: ReadonlyArray<Rows.OutboxEntry>
  readonly audit?: Rows.ModelAudit
} = {}): Rows.PageCommit => {
  const scope = options.scope ?? defaultScope
  return {
    scope,
    upserts: options.upserts ?? [],
    deletes: options.deletes ?? [],
    state: options.state,
    events: options.events ?? [],
    run: { runId: options.runId ?? "run_test", audit: options.audit ?? makeAudit(scope.model) }
  }
}

/**
 * Creates `run` (the default run unless told) and commits `events` to it as
 * one page: the start of most outbox tests. Returns the run.
 *
 * @since 0.1.0
 * @category constructors
 */
export const seedPage = (
  store: Store.StoreService,
  events: ReadonlyArray<Rows.OutboxEntry>,
  run: Rows.RunRow = makeRun()
): Effect.Effect<Rows.RunRow, Store.StoreError> =>
  Effect.gen(function*() {
    yield* store.runs.create(run)
    yield* store.commit(makeCommit({ runId: run.id, events }))
    return run
  })

/**
 * An active integration with sealed-looking credentials.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeIntegration = (overrides: Partial<Rows.IntegrationRow> = {}): Rows.IntegrationRow => ({
  id: "int_test",
  tenant: "acme",
  connector: "fake",
  status: "active",
  credentials: payloadOf(`credentials:${overrides.id ?? "int_test"}`),
  createdAt: 1_000,
  updatedAt: 1_000,
  ...overrides
})

/**
 * An enabled destination.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDestination = (overrides: Partial<Rows.DestinationRow> = {}): Rows.DestinationRow => ({
  id: "dst_test",
  url: "http://127.0.0.1:9/hook",
  secrets: payloadOf(`secrets:${overrides.id ?? "dst_test"}`),
  enabled: true,
  options: { timeoutMs: 15_000, allow: ["127.0.0.1"] },
  maxConcurrency: 32,
  createdAt: 1_000,
  updatedAt: 1_000,
  ...overrides
})

/**
 * An active sync of one model.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSync = (overrides: Partial<Rows.SyncRow> = {}): Rows.SyncRow => ({
  id: defaultScope.syncId,
  integrationId: "int_test",
  destinationId: "dst_test",
  models: [{ model: defaultScope.model }],
  frequencyMs: 3_600_000,
  status: "active",
  includeInactive: false,
  createdAt: 1_000,
  updatedAt: 1_000,
  ...overrides
})

/**
 * The run-closing step the engine writes once a run emitted everything.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClose = (run: Rows.RunRow, overrides: Partial<Rows.RunClose> = {}): Rows.RunClose => ({
  run: { ...run, status: "succeeded", finishedAt: run.startedAt + 1_000 },
  allEmitted: makeRunEvent(run.id, "sync.events.allEmitted", { syncId: run.syncId }),
  ...overrides
})

/**
 * The `sync.events.allConsumed` entry of a run, as the engine would pass it
 * to `runs.enqueueConsumed`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeConsumed = (run: Rows.RunRow | string, overrides: Partial<Rows.OutboxEntry> = {}): Rows.OutboxEntry =>
  typeof run === "string"
    ? makeRunEvent(run, "sync.events.allConsumed", overrides)
    : makeRunEvent(run.id, "sync.events.allConsumed", { syncId: run.syncId, ...overrides })

/**
 * Settlements, as a delivery worker reports them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const settlement = {
  acked: (at: number, attempts = 1, firstAttemptAt = at): Rows.Settlement => ({
    _tag: "Acked",
    at,
    attempts,
    firstAttemptAt
  }),
  retry: (at: number, nextAttemptAt: number, error = "HTTP 503", attempts = 1, firstAttemptAt = at): Rows.Settlement => ({
    _tag: "Retry",
    at,
    attempts,
    firstAttemptAt,
    nextAttemptAt,
    error
  }),
  dead: (at: number, error = "HTTP 400", attempts = 1, firstAttemptAt: number | undefined = at): Rows.Settlement => ({
    _tag: "DeadLettered",
    at,
    attempts,
    firstAttemptAt,
    error
  }),
  released: { _tag: "Released" } as Rows.Settlement
}

/**
 * A settlement that reports the attempt that led to it.
 *
 * @example
 * ```ts
 * import { StoreSuite } from "@weft/testing/conformance"
 * const s = StoreSuite.withAttempt(StoreSuite.settlement.acked(2_005), { at: 2_000, durationMs: 5, statusCode: 200 })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const withAttempt = (
  s: Rows.Settlement,
  attempt: Rows.AttemptReport
): Rows.Settlement => (s._tag === "Released" ? s : { ...s, attempt })
