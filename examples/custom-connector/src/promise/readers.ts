import { AsyncConnector } from "@weft/connectors"
import { Contact } from "@weft/core/models"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Api from "../api.js"
import type { Credentials } from "../credentials.js"
import { toContact } from "../mapping.js"
import { operations, readProblem, type Settings } from "../options.js"

/**
 * The `crm.contact` reader as async generators: one `yield` per page, so the
 * next page is fetched only when Weft has taken the previous one.
 *
 * Same protocol as the Effect-native reader: the initial (and any manual)
 * sync lists every contact and Weft sweeps what it did not see; a delta lists
 * the contacts updated since the cursor, then the deleted-contacts feed, and
 * yields the next cursor last (Tickety's `server_time` at the first answer).
 *
 * @since 0.1.0
 */

type Context = AsyncConnector.Context<Credentials>

interface ListPage<A> {
  readonly data: ReadonlyArray<A>
  readonly next_cursor: string | null
  readonly server_time: string
}

/** Decodes an answer, or throws a `ConnectorError` that says which one was wrong. */
const decodeWith = <A, I>(schema: Schema.Schema<A, I>, operation: string) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (body: unknown): A => {
    const decoded = decode(body)
    if (Either.isLeft(decoded)) {
      throw new AsyncConnector.ConnectorError({
        operation,
        detail: `Tickety answered a page of an unexpected shape: ${decoded.left.message.slice(0, 200)}`
      })
    }
    return decoded.right
  }
}

/**
 * Every page of one list endpoint, following `next_cursor`. A non-2xx answer
 * throws ky's `HTTPError`, which the kit reports as a `ConnectorError` naming
 * the request and the status.
 */
async function* pages<A>(
  context: Context,
  operation: string,
  path: string,
  params: Readonly<Record<string, string | number>>,
  decode: (body: unknown) => ListPage<A>
): AsyncGenerator<ListPage<A>> {
  const seen = new Set<string>()
  let cursor: string | undefined
  for (;;) {
    const searchParams = cursor === undefined ? params : { ...params, cursor }
    const page = decode(await context.ky.get(path, { searchParams }).json())
    yield page
    if (page.next_cursor === null || page.next_cursor === "") return
    if (seen.has(page.next_cursor)) {
      throw new AsyncConnector.ConnectorError({
        operation,
        detail: "Tickety returned a cursor it had already given; stopping instead of reading the same pages forever"
      })
    }
    seen.add(page.next_cursor)
    cursor = page.next_cursor
  }
}

const contactPage = decodeWith(Api.ContactPage, operations.contacts)
const deletedPage = decodeWith(Api.DeletedPage, operations.deleted)

/**
 * A read: every contact (`since` undefined) or the changes since `since`.
 *
 * @since 0.1.0
 * @category readers
 */
export async function* read(context: Context, settings: Settings, since?: string): AsyncGenerator<AsyncConnector.Page> {
  const operation = since === undefined ? operations.contacts : operations.changes
  const problem = readProblem(settings, operation, since)
  if (problem !== undefined) throw problem
  const limit = settings.pageSize
  let startedAt: string | undefined
  const params = since === undefined ? { limit } : { limit, updated_since: since }
  for await (const page of pages(context, operation, "api/contacts", params, contactPage)) {
    startedAt ??= page.server_time
    yield { records: page.data.map(toContact) }
  }
  // A full read needs no feed: Weft sweeps what it did not return.
  if (since !== undefined) {
    for await (const page of pages(context, operations.deleted, "api/deleted_contacts", { limit, since }, deletedPage)) {
      yield { records: [], deleted: page.data.map((d) => d.id) }
    }
  }
  // The cursor goes last: Weft saves it with the page that carries it.
  yield { records: [], cursor: startedAt ?? since }
}

const singleContact = decodeWith(Api.SingleContact, operations.one)

/**
 * One contact, re-read for `syncs.resyncRecord`; `undefined` once deleted.
 *
 * @since 0.1.0
 * @category readers
 */
export const readOne = async ({ ky }: Context, recordId: string): Promise<unknown> => {
  const response = await ky.get(`api/contacts/${encodeURIComponent(recordId)}`, { throwHttpErrors: (status) => status !== 404 })
  if (response.status === 404) return undefined
  return toContact(singleContact(await response.json()).data)
}

/**
 * The reader of `crm.contact`.
 *
 * @since 0.1.0
 * @category readers
 */
export const contacts = (settings: Settings): AsyncConnector.Reader<Credentials> => ({
  model: Contact.model,
  mode: "incremental",
  readAll: (context) => read(context, settings),
  readChanges: (context, cursor) => read(context, settings, cursor),
  readOne
})
