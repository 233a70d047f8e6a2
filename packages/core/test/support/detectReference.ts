import { ChangeDetector } from "@weft/core/engine"
import { Fingerprint } from "@weft/core/ground"
import type { Rows } from "@weft/core/store"
import * as Either from "effect/Either"

// Change detection as first written, kept to check that the library's faster
// detect judges every page the same way.

type Policy = ChangeDetector.Policy
type PageResult = ChangeDetector.PageResult
type Change = ChangeDetector.Change
type StoredFingerprint = Rows.Fingerprint
type FingerprintUpsert = Rows.FingerprintUpsert
type InvalidRecord = Rows.InvalidRecord
const idOf = ChangeDetector.idOf

export const detect = (
  policy: Policy,
  records: ReadonlyArray<unknown>,
  deleted: ReadonlyArray<string>,
  stored: ReadonlyMap<string, StoredFingerprint>
): PageResult => {
  const { fullRead, generation, includeInactive, model, projection } = policy
  const duplicates: Array<string> = []
  const judged = lastOccurrences(records, duplicates)
  // Later occurrences of an id in the same page compare against earlier ones.
  const seen = new Map<string, StoredFingerprint | null>()
  const current = (id: string): StoredFingerprint | undefined => {
    const local = seen.get(id)
    return local === null ? undefined : local ?? stored.get(id)
  }
  const upserts: Array<FingerprintUpsert> = []
  const deletes: Array<string> = []
  const changes: Array<Change> = []
  const invalid: Array<InvalidRecord> = []
  let created = 0
  let changed = 0
  let removed = 0
  let repeated = false

  for (const input of judged) {
    const knownId = idOf(input)
    const prior = knownId === undefined ? undefined : current(knownId)
    if (fullRead === true && prior !== undefined && prior.generation === generation && !seen.has(knownId!)) {
      duplicates.push(knownId!)
    }
    if (prior !== undefined && unchanged(policy, input as object, prior)) {
      // Same subscribed content and activity as a record that was valid when stored: no need to
      // validate it again. Only its generation moves (a full read saw it).
      if (prior.generation !== generation) {
        const touched: StoredFingerprint = { hash: prior.hash, generation, inactive: prior.inactive }
        if (seen.has(knownId!)) repeated = true
        seen.set(knownId!, touched)
        upserts.push({ recordId: knownId!, fingerprint: touched })
      }
      continue
    }
    const decoded = model.validate(input)
    if (Either.isLeft(decoded)) {
      // How an invalid record reads in the audit is ChangeDetector.invalidRecord's (tested on its own).
      invalid.push(ChangeDetector.invalidRecord(idOf(input), decoded.left))
      continue
    }
    const record = decoded.right
    const id = record.id
    const { hash, json } = Fingerprint.withJson(record, projection)
    const inactive = !includeInactive && model.isInactive(record)
    const known = current(id)
    const next: StoredFingerprint = { hash, generation, inactive }
    if (seen.has(id)) repeated = true
    seen.set(id, next)
    upserts.push({ recordId: id, fingerprint: next })

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

  for (const id of deleted) {
    const known = current(id)
    if (known === undefined) continue
    if (seen.has(id)) repeated = true
    seen.set(id, null)
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
