import type { Contact } from "@weft/core/models"

/**
 * Tickety contacts → `crm.contact` records, shared by both connector styles.
 *
 * The mapper is a plain function that never throws. It carries each value
 * it finds to its common field as is and leaves absent (`null`) values out,
 * so a value of the wrong kind — an e-mail that is not one, a number where a
 * string belongs — reaches Weft, which counts that one record `invalid` (with
 * the field's path) in the run audit instead of failing the whole page.
 *
 * @since 0.1.0
 */

type Raw = Readonly<Record<string, unknown>>

/**
 * A `crm.contact` in its encoded form, before Weft validates it: every field
 * optional and of unknown type.
 *
 * @since 0.1.0
 * @category models
 */
export type ContactInput = { -readonly [K in keyof Contact.Contact]?: unknown }

const isObject = (u: unknown): u is Raw => typeof u === "object" && u !== null && !Array.isArray(u)

/** `null` is Tickety's "no value". */
const present = (u: unknown): unknown => (u === null ? undefined : u)

const compact = <A extends object>(record: A): A =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as A

/**
 * Tickety phone kinds → the common phone types. `landline` is a home line in
 * Tickety's UI. Other kinds are left untyped and kept in `rawValues`.
 *
 * @since 0.1.0
 * @category constants
 */
export const PHONE_TYPES: Readonly<Record<string, string>> = {
  mobile: "mobile",
  work: "work",
  landline: "home",
  fax: "fax"
}

/**
 * A Tickety contact as a `crm.contact`:
 *
 * | `crm.contact` | Tickety |
 * |---|---|
 * | `id`, `remoteCreatedAt`, `remoteUpdatedAt` | `id`, `created_at`, `updated_at` |
 * | `firstName`, `lastName` | `name.first`, `name.last` |
 * | `title` | `job_title` |
 * | `emails` | `email` (untyped: Tickety does not say whose address it is) |
 * | `phones` | `phones` (`kind` per {@link PHONE_TYPES}; the original kind in `rawValues["phones.<i>.type"]`) |
 * | `companyId`, `ownerId` | `organization_id`, `owner_id` |
 * | `archived` | `archived_at` is set (the model's inactive flag) |
 *
 * `tickets_count` is not mapped: a new ticket changes nothing a CRM keeps, so
 * it produces no event.
 *
 * @example
 * ```ts
 * import { TicketyMapping } from "@weft/example-custom-connector"
 *
 * TicketyMapping.toContact({ id: "ct_000001", name: { first: "Ada", last: null }, phones: [{ kind: "landline", number: "+44 20 7946 0000" }] })
 * // { id: "ct_000001", firstName: "Ada", phones: [{ type: "home", number: "+44 20 7946 0000" }],
 * //   rawValues: { "phones.0.type": "landline" }, archived: false }
 * ```
 * @since 0.1.0
 * @category mapping
 */
export const toContact = (raw: unknown): ContactInput => {
  const contact = isObject(raw) ? raw : {}
  const name = isObject(contact.name) ? contact.name : {}
  const rawValues: Record<string, string> = {}
  const phones = Array.isArray(contact.phones)
    ? contact.phones.map((phone, i) => {
      if (!isObject(phone)) return phone
      const kind = phone.kind
      if (typeof kind === "string") rawValues[`phones.${i}.type`] = kind
      return compact({ type: typeof kind === "string" ? PHONE_TYPES[kind] : present(kind), number: present(phone.number) })
    })
    : present(contact.phones)
  const email = present(contact.email)
  return compact({
    id: present(contact.id),
    remoteCreatedAt: present(contact.created_at),
    remoteUpdatedAt: present(contact.updated_at),
    firstName: present(name.first),
    lastName: present(name.last),
    title: present(contact.job_title),
    emails: email === undefined ? undefined : [{ value: email }],
    phones,
    companyId: present(contact.organization_id),
    ownerId: present(contact.owner_id),
    archived: present(contact.archived_at) !== undefined,
    rawValues: Object.keys(rawValues).length === 0 ? undefined : rawValues
  })
}
