import type { Event } from "@weft/core"

/**
 * The host's own data, kept from Weft's events: an employee directory per
 * tenant, and what each sync run reported about itself. Nothing here knows
 * about BambooHR: the events carry the common `hris.employee` model.
 *
 * Deliveries can repeat (a retry after a lost answer), so events are applied
 * once by id. Weft guarantees order per record, not across records, and that
 * is all the directory needs: each employee's latest event wins.
 *
 * @since 0.1.0
 */

/**
 * One employee as the directory keeps it: the normalised record as
 * delivered (only the field groups the sync subscribed to).
 *
 * @since 0.1.0
 * @category models
 */
export interface EmployeeEntry {
  readonly tenant: string
  readonly id: string
  readonly record: Readonly<Record<string, unknown>>
  /** The event that last changed this entry. */
  readonly eventId: string
  readonly receivedAt: string
}

/**
 * What the host learned about one run from its run events.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunReport {
  readonly runId: string
  readonly syncId: string
  readonly syncType: string
  /** From `sync.events.allEmitted`: the run's status and what it emitted. */
  readonly emitted?: { readonly status: string; readonly new: number; readonly changed: number; readonly deleted: number; readonly invalid: number }
  /** From `sync.events.allConsumed`: every record event of the run is settled. */
  readonly consumed?: { readonly acked: number; readonly deadLettered: number }
}

/**
 * How an event was taken.
 *
 * @since 0.1.0
 * @category models
 */
export type Applied = "applied" | "duplicate" | "ignored"

/**
 * @since 0.1.0
 * @category models
 */
export class EmployeeDirectory {
  private readonly employees = new Map<string, EmployeeEntry>()
  private readonly runs = new Map<string, RunReport>()
  // A real host keeps this in its database with a retention; a few days of ids is enough.
  private readonly seen = new Set<string>()

  /** Applies one verified event. */
  apply(event: Event.WeftEvent, now: Date = new Date()): Applied {
    if (this.seen.has(event.id)) return "duplicate"
    this.seen.add(event.id)
    switch (event.type) {
      case "record.new":
      case "record.changed": {
        if (event.model !== "hris.employee") return "ignored"
        this.employees.set(`${event.tenant}/${event.recordId}`, {
          tenant: event.tenant,
          id: event.recordId,
          record: event.data,
          eventId: event.id,
          receivedAt: now.toISOString()
        })
        return "applied"
      }
      case "record.deleted": {
        // Terminated (`inactive`) or deleted (`removed`): either way, out of the directory.
        this.employees.delete(`${event.tenant}/${event.recordId}`)
        return "applied"
      }
      case "sync.events.allEmitted": {
        const { emitted, invalid, status } = event.data
        this.report(event, { emitted: { status, new: emitted.new, changed: emitted.changed, deleted: emitted.deleted, invalid } })
        return "applied"
      }
      case "sync.events.allConsumed": {
        this.report(event, { consumed: event.data })
        return "applied"
      }
      case "sync.events.processed":
        return "ignored"
    }
  }

  /** The employees of a tenant (all tenants when none), by id. */
  list(tenant?: string): ReadonlyArray<EmployeeEntry> {
    return [...this.employees.values()]
      .filter((e) => tenant === undefined || e.tenant === tenant)
      .sort((a, b) => a.tenant.localeCompare(b.tenant) || a.id.localeCompare(b.id, undefined, { numeric: true }))
  }

  /** Runs the host heard about, newest first (run ids sort by time). */
  reports(): ReadonlyArray<RunReport> {
    return [...this.runs.values()].sort((a, b) => b.runId.localeCompare(a.runId))
  }

  private report(event: Event.RunEvent, fields: Partial<RunReport>): void {
    const known = this.runs.get(event.syncRunId)
    this.runs.set(event.syncRunId, {
      runId: event.syncRunId,
      syncId: event.syncId,
      syncType: event.syncType,
      ...known,
      ...fields
    })
  }
}
