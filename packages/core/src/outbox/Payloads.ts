import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { OutboxEntry, PayloadRef } from "../store/Rows.js"
import type { StoreError, StoreService } from "../store/Store.js"
import type { VaultError, VaultService } from "../vault/Vault.js"

/**
 * Reading events' bodies back for delivery. The events of a page share one
 * sealed payload ({@link PayloadRef}): an opener reads it through the store
 * and opens it with the Vault once, then serves every entry of the page from
 * a small cache of opened pages, so a page of 1,000 events costs one read and
 * one decrypt instead of 1,000.
 *
 * The cache holds plaintext (event JSON, record data included), so it is
 * bounded by a number of pages, 16 unless told: with pages of up to 1,000
 * events of about 1 KB, at most some 16 MB, and far less for run events
 * (one small payload each). Least recently used pages are dropped first.
 * Concurrent reads of one page share a single read and decrypt.
 *
 * @since 0.1.0
 */

/**
 * What an opener needs: the store that keeps payloads and the vault that
 * opens them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deps {
  readonly store: StoreService
  readonly vault: VaultService
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Opener {
  /**
   * The body of a claimed entry: its event JSON as UTF-8 bytes, or
   * `undefined` when the entry holds no payload or its payload is gone.
   * Fails with `VaultError` when the payload cannot be opened (unknown key,
   * altered bytes). The bytes are a view into a cached page: never mutate
   * them.
   */
  readonly body: (entry: OutboxEntry) => Effect.Effect<Uint8Array | undefined, StoreError | VaultError>
  /**
   * The body of an entry whose page is open in the cache already, at once;
   * `undefined` otherwise (then ask {@link body}).
   */
  readonly opened: (entry: OutboxEntry) => Uint8Array | undefined
  /** Drops every opened page (their plaintext goes with them). */
  readonly clear: Effect.Effect<void>
}

type Opened = Deferred.Deferred<Option.Option<Uint8Array>, StoreError | VaultError>

/** The bytes of `ref` in its opened payload; a length past the end stops at the end. */
const sliceOf = (opened: Uint8Array, ref: PayloadRef): Uint8Array => opened.subarray(ref.offset, ref.offset + ref.length)

/**
 * An opener over `deps` keeping up to `options.pages` opened pages (16
 * unless told; at least 1).
 *
 * @example
 * ```ts
 * import { Clock, Effect } from "effect"
 * import { Payloads } from "@weft/core/outbox"
 * import { Store } from "@weft/core/store"
 * import { Vault } from "@weft/core/vault"
 *
 * const bodies = Effect.gen(function*() {
 *   const store = yield* Store.Store
 *   const payloads = Payloads.opener({ store, vault: yield* Vault.Vault })
 *   const now = yield* Clock.currentTimeMillis
 *   const claimed = yield* store.outbox.claimDue({ now, limit: 10, leaseMs: 30_000 })
 *   return yield* Effect.forEach(claimed, payloads.body)
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const opener = (deps: Deps, options: { readonly pages?: number | undefined } = {}): Opener => {
  const capacity = Math.max(1, Math.floor(options.pages ?? 16))
  // Insertion order is recency order: a hit moves its page to the back; the front is evicted.
  const pages = new Map<string, Opened>()
  // The plaintext of the cached pages that are open already: the common case (every event of a
  // page after its first) is answered at once, without waiting on the page's deferred.
  const ready = new Map<string, Uint8Array>()

  const remember = (id: string, opened: Opened): void => {
    pages.set(id, opened)
    if (pages.size > capacity) {
      const oldest = pages.keys().next().value!
      pages.delete(oldest)
      ready.delete(oldest)
    }
  }

  const load = (id: string, sealed: Uint8Array | undefined, opened: Opened) =>
    (sealed === undefined ? deps.store.outbox.payload(id) : Effect.succeed(Option.some(sealed))).pipe(
      Effect.flatMap(Option.match({
        onNone: () => Effect.succeed(Option.none<Uint8Array>()),
        onSome: (sealed) => Effect.map(deps.vault.open(sealed, id), Option.some)
      })),
      Effect.exit,
      Effect.flatMap((exit) => {
        // Only opened pages stay cached: a failure or a gone payload is asked again next time.
        if (Exit.isSuccess(exit) && Option.isSome(exit.value)) {
          if (pages.get(id) === opened) ready.set(id, exit.value.value)
        } else if (pages.get(id) === opened) pages.delete(id)
        return Deferred.done(opened, exit)
      })
    )

  const page = (id: string, sealed: Uint8Array | undefined): Effect.Effect<Option.Option<Uint8Array>, StoreError | VaultError> =>
    Effect.suspend(() => {
      const cached = pages.get(id)
      if (cached !== undefined) {
        pages.delete(id)
        pages.set(id, cached)
        return Deferred.await(cached)
      }
      return Effect.flatMap(Deferred.make<Option.Option<Uint8Array>, StoreError | VaultError>(), (opened) => {
        remember(id, opened)
        // Uninterruptible: waiters of the same page must not be left with a deferred nobody completes.
        return Effect.zipRight(Effect.uninterruptible(load(id, sealed, opened)), Deferred.await(opened))
      })
    })

  const opened = (entry: OutboxEntry): Uint8Array | undefined => {
    const ref = entry.payload
    if (ref === null) return undefined
    const open = ready.get(ref.id)
    if (open === undefined) return undefined
    const cached = pages.get(ref.id)!
    pages.delete(ref.id)
    pages.set(ref.id, cached)
    return sliceOf(open, ref)
  }

  return {
    opened,
    body: (entry) => {
      const ref = entry.payload
      if (ref === null) return Effect.succeed(undefined)
      const open = opened(entry)
      if (open !== undefined) return Effect.succeed(open)
      // An entry straight from the writer still carries its sealed page: no store read needed.
      return Effect.map(page(ref.id, ref.sealed), Option.match({ onNone: () => undefined, onSome: (opened) => sliceOf(opened, ref) }))
    },
    clear: Effect.sync(() => {
      pages.clear()
      ready.clear()
    })
  }
}
