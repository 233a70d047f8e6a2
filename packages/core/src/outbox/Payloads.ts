import * as Effect from "effect/Effect"
import type { OutboxEntry } from "../store/Rows.js"
import type { StoreError, StoreService } from "../store/Store.js"
import type { VaultError, VaultService } from "../vault/Vault.js"

/**
 * Reading events' bodies back for delivery: an opener turns a claimed entry
 * into the bytes of its event JSON. Delivery goes through it rather than the
 * Vault, so how payloads are kept (sealed per event, or per page of events)
 * is the outbox's business.
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
   * altered bytes). Never mutate the bytes.
   */
  readonly body: (entry: OutboxEntry) => Effect.Effect<Uint8Array | undefined, StoreError | VaultError>
  /** Drops what the opener keeps. */
  readonly clear: Effect.Effect<void>
}

/**
 * An opener over `deps`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Payloads } from "@weft/core/outbox"
 * import { Store } from "@weft/core/store"
 * import { Vault } from "@weft/core/vault"
 *
 * const bodies = Effect.gen(function*() {
 *   const store = yield* Store.Store
 *   const payloads = Payloads.opener({ store, vault: yield* Vault.Vault })
 *   const claimed = yield* store.outbox.claimDue({ now: Date.now(), limit: 10, leaseMs: 30_000 })
 *   return yield* Effect.forEach(claimed, payloads.body)
 * })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const opener = (deps: Deps, _options: { readonly pages?: number | undefined } = {}): Opener => ({
  body: (entry) => (entry.payload === null ? Effect.succeed(undefined) : deps.vault.open(entry.payload, entry.id)),
  clear: Effect.void
})
