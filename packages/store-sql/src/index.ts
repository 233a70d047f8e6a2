/**
 * `@weft/store-sql`: Weft's durable Store over `@effect/sql`, for SQLite and
 * PostgreSQL. The driver layers live in `@weft/store-sql/sqlite` and
 * `@weft/store-sql/postgres`, so a host loads only the driver it uses.
 *
 * @since 0.1.0
 */
export * as StoreSql from "./StoreSql.js"
