/**
 * `@weft/store-sql/postgres`: the store on PostgreSQL, and a cross-process
 * outbox signal over `LISTEN`/`NOTIFY`. Loads `@effect/sql-pg` (pg).
 *
 * @since 0.1.0
 */
export * as StorePostgres from "./StorePostgres.js"
