/**
 * `@weft/store-sql/sqlite`: the store on a SQLite file. Loads
 * `@effect/sql-sqlite-node` (better-sqlite3), never `pg`.
 *
 * @since 0.1.0
 */
export * as StoreSqlite from "./StoreSqlite.js"
