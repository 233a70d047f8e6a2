import * as Path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import type { Dialect } from "./dialect.js"
import { codeOf } from "./error.js"

/**
 * Write transactions.
 *
 * SQLite: `@effect/sql-sqlite-node` begins with a plain (deferred) `BEGIN`.
 * A deferred transaction that reads before it writes cannot wait for another
 * process's write lock: it fails at once with `SQLITE_BUSY` when the other
 * process committed in between. So the store begins its own transactions
 * with `BEGIN IMMEDIATE`, which takes the write lock up front and waits for
 * it up to the busy timeout. It reuses the client's connection reservation
 * and transaction tag, so statements inside run on the reserved connection
 * and nested `withTransaction` calls become savepoints.
 *
 * Postgres: the client's own transactions (READ COMMITTED).
 *
 * @internal
 */
export type Transact = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>

/** @internal */
export const makeTransact = (sql: SqlClient.SqlClient, dialect: Dialect): Transact => {
  if (dialect === "pg") return sql.withTransaction
  return SqlClient.makeWithTransaction({
    transactionTag: SqlClient.TransactionConnection,
    spanAttributes: [],
    acquireConnection: Effect.flatMap(Scope.make(), (scope) =>
      Effect.map(Scope.extend(sql.reserve, scope), (conn) => [scope, conn] as const)),
    begin: (conn) => conn.executeUnprepared("BEGIN IMMEDIATE", [], undefined),
    savepoint: (conn, id) => conn.executeUnprepared(`SAVEPOINT weft_${id}`, [], undefined),
    commit: (conn) => conn.executeUnprepared("COMMIT", [], undefined),
    rollback: (conn) => conn.executeUnprepared("ROLLBACK", [], undefined),
    rollbackSavepoint: (conn, id) => conn.executeUnprepared(`ROLLBACK TO SAVEPOINT weft_${id}`, [], undefined)
  })
}

/**
 * Errors worth running a whole operation again for: Postgres deadlocks and
 * serialization failures, and SQLite's busy lock when the busy timeout ran
 * out. Every operation either runs in one transaction or is one statement, so
 * a failed attempt changed nothing.
 *
 * @internal
 */
const retryable = (error: unknown): boolean => {
  const code = codeOf(error)
  return code === "40P01" || code === "40001" || code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT"
}

/** @internal */
export const retryTransient = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.retry(effect, {
    while: retryable,
    // No delay: a sleep would hang under a test clock, and the other transaction has already finished or failed.
    schedule: Schedule.recurs(4)
  })

/**
 * SQLite connections are synchronous: a connection that waits for another
 * connection's write lock blocks the whole thread, so when the lock holder is
 * a second connection in the same process (another store on the same file,
 * mid-transaction between two steps), neither can go on until the busy
 * timeout fails one of them. Stores on one file in one process therefore
 * take turns through one lock per file; other processes are waited for by
 * SQLite itself (busy timeout).
 *
 * @internal
 */
const fileLocks = new Map<string, Effect.Semaphore>()

/** @internal */
export type Serialize = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/** @internal */
export const fileLock = (sql: SqlClient.SqlClient, dialect: Dialect): Serialize => {
  if (dialect !== "sqlite") return (effect) => effect
  // The SqliteClient is the SqlClient object itself, carrying its config; read it without importing the driver.
  const filename = (sql as { readonly config?: { readonly filename?: unknown } }).config?.filename
  if (typeof filename !== "string" || filename === "" || filename === ":memory:" || filename.startsWith("file::memory:")) {
    return (effect) => effect
  }
  const key = Path.resolve(filename)
  let lock = fileLocks.get(key)
  if (lock === undefined) {
    lock = Effect.unsafeMakeSemaphore(1)
    fileLocks.set(key, lock)
  }
  return lock.withPermits(1)
}
