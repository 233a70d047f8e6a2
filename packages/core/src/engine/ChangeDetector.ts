import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Fingerprint from "../ground/Fingerprint.js"
import * as Model from "../models/Model.js"
import type * as Envelope from "../outbox/Envelope.js"
import type { Fingerprint as StoredFingerprint, FingerprintUpsert, InvalidRecord, RunCounters } from "../store/Rows.js"

/**
 * Change detection for one page of a read: compares each record's fingerprint
 * with the stored one and decides what to emit. Pure: no I/O, no clock; the
 * engine loads the stored fingerprints before and commits the result after.
 *
 * @since 0.1.0
 */

/**
 * A path inside a record as an audit shows it: `emails[0].value`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, segment) => (typeof segment === "number" ? `${acc}[${segment}]` : acc === "" ? String(segment) : `${acc}.${String(segment)}`),
    ""
  )

/**
 * The audit entry of a record that failed its model's Schema: its first
 * problem as `path: message`, and that path (absent when the record as a
 * whole is wrong, which reads `(record): message`).
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import * as Either from "effect/Either"
 * import { ChangeDetector } from "@weft/core/engine"
 *
 * const Contact = Schema.Struct({ emails: Schema.Array(Schema.Struct({ value: Schema.String })) })
 * const decoded = Schema.decodeUnknownEither(Contact)({ emails: [{ value: 5 }] })
 * if (Either.isLeft(decoded)) ChangeDetector.invalidRecord("42", decoded.left)
 * // { recordId: "42", path: "emails[0].value", error: "emails[0].value: Expected string, actual 5" }
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const invalidRecord = (recordId: string | undefined, error: ParseResult.ParseError): InvalidRecord => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (first === undefined) return { recordId, error: Model.describeParseError(error) }
  const path = formatPath(first.path)
  return path === ""
    ? { recordId, error: `(record): ${first.message}` }
    : { recordId, error: `${path}: ${first.message}`, path }
}

/**
 * An event to emit, before it gets an id and an envelope.
 *
 * @since 0.1.0
 * @category models
 */
export type Change = Envelope.Change

/**
 * How a read's records are judged.
 *
 * @since 0.1.0
 * @category models
 */
export interface Policy {
  readonly model: Model.Any
  readonly projection: Fingerprint.Projection
  /** Generation stamped on every record seen. */
  readonly generation: number
  /**
   * Inactive records are ordinary records: emitted, never deleted for being
   * inactive. Otherwise an inactive record is only tracked, and a record
   * turning inactive is reported as `record.deleted` (`reason: "inactive"`).
   */
  readonly includeInactive: boolean
  /**
   * The page belongs to a full read, whose generation is new: a stored
   * fingerprint already stamped with it was seen earlier in this same read.
   */
  readonly fullRead?: boolean | undefined
}

/**
 * The outcome of one page.
 *
 * @since 0.1.0
 * @category models
 */
export interface PageResult {
  readonly upserts: ReadonlyArray<FingerprintUpsert>
  readonly deletes: ReadonlyArray<string>
  readonly changes: ReadonlyArray<Change>
  readonly counters: RunCounters
  readonly invalid: ReadonlyArray<InvalidRecord>
  /**
   * Ids the provider returned more than once: repeated within this page
   * (only the last occurrence was judged) or, in a full read, already seen
   * on an earlier page of the same read (judged again as the newer version).
   */
  readonly duplicates: ReadonlyArray<string>
}

/**
 * The id of a record that failed validation, if it has a usable one.
 *
 * @since 0.1.0
 * @category getters
 */
export const idOf = (record: unknown): string | undefined => {
  if (record === null || typeof record !== "object") return undefined
  const id = (record as { id?: unknown }).id
  return typeof id === "string" && id.length > 0 ? id : typeof id === "number" ? String(id) : undefined
}

/**
 * Ids that a page mentions (records and tombstones), for the fingerprint
 * lookup that precedes {@link detect}.
 *
 * @since 0.1.0
 * @category getters
 */
export const idsOf = (records: ReadonlyArray<unknown>, deleted: ReadonlyArray<string> = []): Array<string> => {
  const ids: Array<string> = []
  for (const record of records) {
    const id = idOf(record)
    if (id !== undefined) ids.push(id)
  }
  for (const id of deleted) ids.push(id)
  return ids
}

/**
 * Judges one page against the stored fingerprints of its ids.
 *
 * Duplicate ids: the last occurrence wins. Within a page, earlier
 * occurrences of an id are dropped before anything is judged (they count
 * neither as processed nor as events); an id that comes back on a later page
 * of the same read is judged again against what the earlier page committed,
 * so its newest version is what the receiver holds. Either way the id is
 * reported in `duplicates`, for the run's audit.
 *
 * @example
 * ```ts
 * import type { Connector } from "@weft/core/connector"
 * import { ChangeDetector } from "@weft/core/engine"
 * import type { Rows } from "@weft/core/store"
 * declare const policy: ChangeDetector.Policy
 * declare const page: Connector.RecordPage
 * declare const stored: ReadonlyMap<string, Rows.Fingerprint> // the page's ids, read from the store
 *
 * const result = ChangeDetector.detect(policy, page.records, page.deleted ?? [], stored)
 * // result.changes → events to emit; result.upserts / deletes → fingerprints to commit
 * ```
 * @since 0.1.0
 * @category detection
 */
export const detect = (
  policy: Policy,
  records: ReadonlyArray<unknown>,
  deleted: ReadonlyArray<string>,
  stored: ReadonlyMap<string, StoredFingerprint>
): PageResult => {
  const { fullRead, generation, includeInactive, model, projection } = policy
  const duplicates: Array<string> = []
  const judged = lastOccurrences(records, duplicates)
  const upserts: Array<FingerprintUpsert> = []
  const deletes: Array<string> = []
  const changes: Array<Change> = []
  const invalid: Array<InvalidRecord> = []
  let created = 0
  let changed = 0
  let removed = 0
  let repeated = false
  // Later occurrences of an id in the same page compare against earlier ones. The raw ids judged
  // are distinct (last occurrences only), so this map is only needed once a decoded id differs
  // from its raw one (a model that rewrites ids) or for the page's tombstones; until then it is
  // not kept, and is built from the upserts so far when it comes to be needed.
  let seen: Map<string, StoredFingerprint | null> | undefined
  const track = (): Map<string, StoredFingerprint | null> => {
    if (seen !== undefined) return seen
    seen = new Map()
    for (const { fingerprint, recordId } of upserts) {
      if (seen.has(recordId)) repeated = true
      seen.set(recordId, fingerprint)
    }
    return seen
  }
  const current = (id: string): StoredFingerprint | undefined => {
    if (seen === undefined) return stored.get(id)
    const local = seen.get(id)
    return local === null ? undefined : local ?? stored.get(id)
  }
  const note = (id: string, fingerprint: StoredFingerprint): void => {
    if (seen !== undefined) {
      if (seen.has(id)) repeated = true
      seen.set(id, fingerprint)
    }
    upserts.push({ recordId: id, fingerprint })
  }

  for (const input of judged) {
    const knownId = idOf(input)
    const prior = knownId === undefined ? undefined : current(knownId)
    if (fullRead === true && prior !== undefined && prior.generation === generation && seen?.has(knownId!) !== true) {
      duplicates.push(knownId!)
    }
    if (prior !== undefined && unchanged(policy, input as object, prior)) {
      // Same subscribed content and activity as a record that was valid when stored: no need to
      // validate it again. Only its generation moves (a full read saw it).
      if (prior.generation !== generation) note(knownId!, { hash: prior.hash, generation, inactive: prior.inactive })
      continue
    }
    const decoded = model.validate(input)
    if (Either.isLeft(decoded)) {
      invalid.push(invalidRecord(idOf(input), decoded.left))
      continue
    }
    const record = decoded.right
    const id = record.id
    if (id !== knownId) track()
    const { hash, json } = Fingerprint.withJson(record, projection)
    const inactive = !includeInactive && model.isInactive(record)
    const known = current(id)
    note(id, { hash, generation, inactive })

    if (known === undefined || known.inactive) {
      // Not held by the receiver: it appears when it is (or becomes) active.
      if (!inactive) {
        changes.push({ type: "record.new", recordId: id, data: json })
        created++
      }
    } else if (inactive) {
      changes.push({ type: "record.deleted", recordId: id, reason: "inactive" })
      removed++
    } else if (!Fingerprint.equals(known.hash, hash)) {
      changes.push({ type: "record.changed", recordId: id, data: json })
      changed++
    }
  }

  const tombstoned = deleted.length > 0 ? track() : undefined
  for (const id of deleted) {
    const known = current(id)
    if (known === undefined) continue
    if (tombstoned!.has(id)) repeated = true
    tombstoned!.set(id, null)
    deletes.push(id)
    if (!known.inactive) {
      changes.push({ type: "record.deleted", recordId: id, reason: "removed" })
      removed++
    }
  }

  return {
    upserts: repeated ? lastOfEach(upserts, deletes) : upserts,
    deletes,
    changes,
    invalid,
    duplicates,
    counters: {
      processed: judged.length + deleted.length,
      new: created,
      changed,
      deleted: removed,
      invalid: invalid.length
    }
  }
}

// Keeps the last occurrence of each id (records without a usable id are all kept), in order.
// The common page has no repeats: one pass over the ids, no copy.
const lastOccurrences = (records: ReadonlyArray<unknown>, duplicates: Array<string>): ReadonlyArray<unknown> => {
  if (records.length < 2) return records
  const ids = new Set<string>()
  let repeats: Set<string> | undefined
  for (const record of records) {
    const id = idOf(record)
    if (id === undefined) continue
    if (ids.has(id)) (repeats ??= new Set()).add(id)
    else ids.add(id)
  }
  if (repeats === undefined) return records
  duplicates.push(...repeats)
  const kept: Array<unknown> = []
  const taken = new Set<string>()
  for (let i = records.length - 1; i >= 0; i--) {
    const id = idOf(records[i])
    if (id !== undefined) {
      if (taken.has(id)) continue
      taken.add(id)
    }
    kept.push(records[i])
  }
  return kept.reverse()
}

// The fast judgement for a known record: its raw fingerprint and activity match what is stored.
// Anything unusual (extra keys, a predicate that trips on raw data) falls through to validation.
const unchanged = (policy: Policy, input: object, prior: StoredFingerprint): boolean => {
  if (!Fingerprint.matches(input, policy.projection, prior.hash)) return false
  try {
    const inactive = !policy.includeInactive && policy.model.isInactive(input as { readonly id: string })
    return inactive === prior.inactive
  } catch {
    return false
  }
}

// An id upserted then tombstoned in one page must end deleted; an id upserted
// twice keeps its last fingerprint.
const lastOfEach = (
  upserts: ReadonlyArray<FingerprintUpsert>,
  deletes: ReadonlyArray<string>
): ReadonlyArray<FingerprintUpsert> => {
  const gone = new Set(deletes)
  const last = new Map<string, FingerprintUpsert>()
  for (const u of upserts) if (!gone.has(u.recordId)) last.set(u.recordId, u)
  return [...last.values()]
}
