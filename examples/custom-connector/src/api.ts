import * as Schema from "effect/Schema"

/**
 * Tickety's REST API, as far as the connector reads it. Tickety is a made-up
 * helpdesk; its API has the traits of many real ones: a bearer API key,
 * cursor pages whose next cursor is in the body, an `updated_since` filter, a
 * feed of deleted records, archived records that stay listed, and 429 with
 * `Retry-After` when a key sends too much.
 *
 * | request | answer |
 * |---|---|
 * | `GET /api/me` | `{ account: { id, name }, scopes: [...] }`: who the key belongs to |
 * | `GET /api/contacts?limit=&cursor=&updated_since=` | `{ data: [contact…], next_cursor, server_time }`, in id order |
 * | `GET /api/contacts/{id}` | `{ data: contact }`, 404 once deleted |
 * | `GET /api/deleted_contacts?since=&limit=&cursor=` | `{ data: [{ id, deleted_at }…], next_cursor, server_time }` |
 *
 * Errors answer `{ error: { code, message } }`: 400 for bad parameters, 401 for
 * an unknown or revoked key, 403 for a key without the `contacts:read` scope,
 * 404 when the key's helpdesk was closed, 429 with `Retry-After` (seconds).
 *
 * These Schemas are shared by both connector styles (`effect/` and
 * `promise/`): the wire format does not depend on how the connector is
 * written.
 *
 * @since 0.1.0
 */

/**
 * Where Tickety's API lives.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.tickety.example"

/**
 * Tickety's largest `limit`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_PAGE_SIZE = 100

/**
 * The scope a key needs to read contacts.
 *
 * @since 0.1.0
 * @category constants
 */
export const CONTACTS_SCOPE = "contacts:read"

/**
 * The endpoints the connector calls (relative to the base URL).
 *
 * @since 0.1.0
 * @category constants
 */
export const paths = {
  me: "/api/me",
  contacts: "/api/contacts",
  deletedContacts: "/api/deleted_contacts"
} as const

/**
 * An instant as Tickety writes it: ISO 8601 in UTC, e.g.
 * `2026-01-05T09:00:00.000Z`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Instant = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, {
    message: () => "Expected an ISO 8601 instant in UTC, e.g. 2026-01-05T09:00:00.000Z"
  })
)

const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

/**
 * A phone number of a contact. `kind` is one of `mobile`, `work`,
 * `landline`, `fax` or `other`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Phone = Schema.Struct({ kind: Schema.String, number: Schema.String })

/**
 * A Tickety contact: someone who wrote to the helpdesk. Documents the shape;
 * the mapper reads records defensively instead of decoding them here, so one
 * odd record is counted invalid by Weft rather than failing its page.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Contact = Schema.Struct({
  id: Schema.String,
  name: Schema.Struct({ first: nullable(Schema.String), last: nullable(Schema.String) }),
  email: nullable(Schema.String),
  phones: Schema.Array(Phone),
  job_title: nullable(Schema.String),
  organization_id: nullable(Schema.String),
  /** The agent who looks after the contact. */
  owner_id: nullable(Schema.String),
  /** Not mapped: changes often and means nothing to a CRM. */
  tickets_count: Schema.Number,
  created_at: Instant,
  updated_at: Instant,
  /** Set while the contact is archived (still listed, but inactive). */
  archived_at: nullable(Instant)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Contact = typeof Contact.Type

/**
 * A page of contacts. Each contact stays `unknown` here and is mapped on its
 * own.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ContactPage = Schema.Struct({
  data: Schema.Array(Schema.Unknown),
  next_cursor: Schema.NullOr(Schema.String),
  /** Tickety's clock when it answered: where the next delta starts. */
  server_time: Instant
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type ContactPage = typeof ContactPage.Type

/**
 * One contact (`GET /api/contacts/{id}`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SingleContact = Schema.Struct({ data: Schema.Unknown })

/**
 * A page of the deleted-contacts feed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeletedPage = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String, deleted_at: Instant })),
  next_cursor: Schema.NullOr(Schema.String),
  server_time: Instant
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type DeletedPage = typeof DeletedPage.Type

/**
 * What `GET /api/me` answers.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Me = Schema.Struct({
  account: Schema.Struct({ id: Schema.String, name: Schema.String }),
  scopes: Schema.Array(Schema.String)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Me = typeof Me.Type

/**
 * Tickety's error body.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorBody = Schema.Struct({
  error: Schema.Struct({ code: Schema.String, message: Schema.String })
})
