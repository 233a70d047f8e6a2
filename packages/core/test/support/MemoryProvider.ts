import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Auth, Connector, Errors } from "@weft/core/connector"
import { Company, Employee } from "@weft/core/models"

/**
 * An in-process provider for engine tests: employees (and companies) held in
 * maps, read in pages by a connector that never touches the network, with
 * knobs for failures and for holding a read at a page.
 */
export type EmployeeInput = typeof Employee.Employee.Encoded

export const employee = (i: number, overrides: Partial<EmployeeInput> = {}): EmployeeInput => ({
  id: String(i),
  remoteUpdatedAt: "2026-01-01T00:00:00.000Z",
  profile: { firstName: `First${i}`, lastName: `Last${i}`, workEmail: `person${i}@example.com` },
  employment: { status: "active", type: "full_time", startDate: "2024-01-01" },
  orgStructure: { jobTitle: "Engineer", department: "R&D" },
  compensation: { fixed: [{ amount: "1000.00", currency: "EUR", period: "month" }] },
  ...overrides
})

interface Change {
  readonly seq: number
  readonly id: string
  readonly kind: "upsert" | "delete"
}

export class MemoryCollection<A extends { readonly id: string }> {
  readonly records = new Map<string, A | Record<string, unknown>>()
  readonly log: Array<Change> = []
  seq = 0
  pageSize = 10
  pagesServed = 0
  /** The next read fails after this many pages. */
  failAfterPages: number | undefined = undefined
  /** What it fails with (an HTTP 500 `ConnectorError` unless told). */
  failWith: unknown = undefined
  /** The next read waits at this page until the latch opens. */
  holdAtPage: { page: number; reached: Deferred.Deferred<void>; release: Deferred.Deferred<void> } | undefined =
    undefined
  /** Concurrent reads right now, and the most seen. */
  active = 0
  maxActive = 0

  put(record: A | Record<string, unknown>) {
    const id = String((record as { id: unknown }).id)
    this.records.set(id, record)
    this.log.push({ seq: ++this.seq, id, kind: "upsert" })
  }
  remove(id: string) {
    this.records.delete(id)
    this.log.push({ seq: ++this.seq, id, kind: "delete" })
  }

  private pages(items: ReadonlyArray<unknown>, deleted: ReadonlyArray<string>, cursor: string) {
    const self = this
    const chunks: Array<{ records: ReadonlyArray<unknown>; deleted?: ReadonlyArray<string>; cursor?: string }> = []
    for (let i = 0; i < items.length; i += this.pageSize) chunks.push({ records: items.slice(i, i + this.pageSize) })
    if (deleted.length > 0) chunks.push({ records: [], deleted })
    chunks.push({ records: [], cursor })
    const failAfter = this.failAfterPages
    const failWith = this.failWith
    this.failAfterPages = undefined
    this.failWith = undefined
    const hold = this.holdAtPage
    this.holdAtPage = undefined
    return Stream.fromIterable(chunks.map((c, i) => [c, i] as const)).pipe(
      Stream.mapEffect(([chunk, index]) =>
        Effect.gen(function*() {
          if (failAfter !== undefined && index >= failAfter) {
            // A connector may fail with any error that has a code and a resolution, as a ConnectionError does.
            if (failWith !== undefined) return yield* Effect.fail(failWith as Errors.ConnectorError)
            return yield* new Errors.ConnectorError({ operation: "GET /employees", status: 500, detail: "internal error" })
          }
          if (hold !== undefined && index === hold.page) {
            yield* Deferred.succeed(hold.reached, undefined)
            yield* Deferred.await(hold.release)
          }
          self.pagesServed += 1
          return chunk
        })
      ),
      Stream.ensuring(Effect.sync(() => (self.active -= 1))),
      (s) =>
        Stream.unwrap(Effect.sync(() => {
          self.active += 1
          self.maxActive = Math.max(self.maxActive, self.active)
          return s
        }))
    )
  }

  readAll() {
    return Stream.suspend(() => this.pages([...this.records.values()], [], String(this.seq)))
  }

  readChanges(cursor: string) {
    return Stream.suspend(() => {
      const since = Number(cursor)
      const touched = new Map<string, "upsert" | "delete">()
      for (const change of this.log) if (change.seq > since) touched.set(change.id, change.kind)
      const upserts: Array<unknown> = []
      const deleted: Array<string> = []
      for (const [id, kind] of touched) {
        const current = this.records.get(id)
        if (kind === "delete" || current === undefined) deleted.push(id)
        else upserts.push(current)
      }
      return this.pages(upserts, deleted, String(this.seq))
    })
  }
}

export const Credentials = Schema.Struct({ token: Schema.Redacted(Schema.String) })

export class MemoryProvider {
  readonly employees = new MemoryCollection<EmployeeInput>()
  readonly companies = new MemoryCollection<typeof Company.Company.Encoded>()
  checks = 0

  connector(options: { readonly mode?: "full" | "incremental"; readonly withCompanies?: boolean } = {}) {
    const mode = options.mode ?? "full"
    const self = this
    return Connector.define({
      id: "memory",
      name: "Memory HR",
      category: "hris",
      credentials: Credentials,
      auth: Auth.bearer((c: typeof Credentials.Type) => c.token),
      baseUrl: () => "http://memory.invalid",
      check: (ctx) =>
        Effect.suspend(() => {
          self.checks += 1
          return Redacted.value(ctx.credentials.token) === "good"
            ? Effect.void
            : Effect.fail(new Errors.ConnectionError({
              code: "invalid_credentials",
              message: "Memory HR rejected the token.",
              resolution: "Create a new token in Memory HR settings."
            }))
        }),
      readers: [
        {
          model: Employee.model,
          mode,
          readAll: () => this.employees.readAll(),
          readChanges: (_ctx, cursor) => this.employees.readChanges(cursor),
          readOne: (_ctx, id) => Effect.sync(() => Option.fromNullable(this.employees.records.get(id)))
        },
        ...(options.withCompanies === true
          ? [{
            model: Company.model,
            mode: "full" as const,
            readAll: () => this.companies.readAll()
          }]
          : [])
      ]
    })
  }
}
