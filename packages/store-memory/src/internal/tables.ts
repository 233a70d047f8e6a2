import type { Rows } from "@weft/core/store"
import { reject } from "./attempt.js"
import { clonePlain, copyDestination, copyIntegration, keepDestination } from "./copy.js"
import type { Scopes } from "./fingerprints.js"

/**
 * Integrations, destinations and syncs: plain keyed tables holding copies.
 *
 * @internal
 */
export class Tables {
  readonly integrations = new Map<string, Rows.IntegrationRow>()
  readonly destinations = new Map<string, Rows.DestinationRow>()
  readonly syncs = new Map<string, Rows.SyncRow>()

  constructor(private readonly scopes: Scopes) {}

  putIntegration(row: Rows.IntegrationRow): void {
    this.integrations.set(row.id, copyIntegration(row))
  }

  getIntegration(id: string): Rows.IntegrationRow | undefined {
    const row = this.integrations.get(id)
    return row === undefined ? undefined : copyIntegration(row)
  }

  listIntegrations(tenant: string | undefined): Array<Rows.IntegrationRow> {
    const out: Array<Rows.IntegrationRow> = []
    for (const row of this.integrations.values()) {
      if (tenant === undefined || row.tenant === tenant) out.push(copyIntegration(row))
    }
    return out
  }

  deleteIntegration(id: string): void {
    for (const sync of this.syncs.values()) {
      if (sync.integrationId === id) {
        reject(`integration "${id}" still has sync "${sync.id}"; delete its syncs first`)
      }
    }
    this.integrations.delete(id)
  }

  putDestination(row: Rows.DestinationRow): void {
    this.destinations.set(row.id, keepDestination(row))
  }

  getDestination(id: string): Rows.DestinationRow | undefined {
    const row = this.destinations.get(id)
    return row === undefined ? undefined : copyDestination(row)
  }

  listDestinations(): Array<Rows.DestinationRow> {
    return Array.from(this.destinations.values(), copyDestination)
  }

  /** A destination without a row counts as enabled: entries are never held for a missing row. */
  isEnabled = (destinationId: string): boolean => this.destinations.get(destinationId)?.enabled ?? true

  setEnabled(id: string, enabled: boolean, reason: string | undefined, now: number): void {
    const row = this.destinations.get(id)
    if (row === undefined) return reject(`no destination with id "${id}"; put the destination first`)
    this.destinations.set(id, { ...row, enabled, disabledReason: enabled ? undefined : reason, updatedAt: now })
  }

  putSync(row: Rows.SyncRow): void {
    this.syncs.set(row.id, clonePlain(row))
  }

  getSync(id: string): Rows.SyncRow | undefined {
    const row = this.syncs.get(id)
    return row === undefined ? undefined : clonePlain(row)
  }

  listSyncs(integrationId: string | undefined): Array<Rows.SyncRow> {
    const out: Array<Rows.SyncRow> = []
    for (const row of this.syncs.values()) {
      if (integrationId === undefined || row.integrationId === integrationId) out.push(clonePlain(row))
    }
    return out
  }

  /** Removes the sync with its model states and fingerprints; runs and outbox entries stay. */
  deleteSync(id: string): void {
    this.syncs.delete(id)
    this.scopes.deleteSync(id)
  }
}
