import { Company, Contact } from "@weft/core/models"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as AsyncConnector from "../kit/index.js"
import { RecordList, SingleRecord } from "./api.js"
import type { Credentials } from "./credentials.js"
import { toCompany, toContact } from "./mapping.js"

/**
 * The readers: companies and people, each read in full with the records
 * query (`limit` / `offset` in the body). Attio has no "changed since"
 * filter and no archived state for records, so every run is a full read and
 * deleted records are found by Weft's sweep.
 *
 * @since 0.1.0
 */

type Context = AsyncConnector.Context<Credentials>
type AttioObject = "companies" | "people"

const parse = (text: string, operation: string, status: number): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    throw new AsyncConnector.ConnectorError({
      operation,
      status,
      detail: `Attio answered something that is not JSON: ${text.slice(0, 120)}`
    })
  }
}

const decodeList = Schema.decodeUnknownEither(RecordList)
const decodeSingle = Schema.decodeUnknownEither(SingleRecord)

/** One page of the records query. */
const queryPage = async (
  context: Context,
  object: AttioObject,
  offset: number,
  limit: number
): Promise<ReadonlyArray<unknown>> => {
  const operation = `POST /v2/objects/${object}/records/query`
  const response = await context.ky.post(`v2/objects/${object}/records/query`, {
    json: { sorts: [{ direction: "asc", attribute: "created_at" }], limit, offset }
  })
  const list = decodeList(parse(await response.text(), operation, response.status))
  if (Either.isLeft(list)) {
    throw new AsyncConnector.ConnectorError({
      operation,
      status: response.status,
      detail: `Attio answered a page without a "data" list (offset ${offset})`
    })
  }
  return list.right.data
}

/**
 * How many records each page re-reads from the end of the previous one (at
 * most a fifth of the page).
 *
 * @since 0.1.0
 * @category readers
 */
export const PAGE_OVERLAP = 10

const idOf = (record: unknown): string | undefined => {
  const id = (record as { id?: { record_id?: unknown } } | null)?.id?.record_id
  return typeof id === "string" ? id : undefined
}

/**
 * Every record of an object, a page per `yield`, oldest first; stops at the
 * first page shorter than `limit` (Attio's documented end of the list).
 *
 * Offsets shift when records are deleted during the read, which would skip
 * records — and Weft's sweep would then report them removed. So each page
 * starts {@link PAGE_OVERLAP} records before the end of the previous one and
 * drops the records it already returned: up to that many deletions between
 * two pages lose nothing. When none of the overlap comes back, more records
 * moved than that, and the read fails (so nothing is swept) instead of
 * guessing. Records created meanwhile sort last (by `created_at`) and shift
 * nothing.
 *
 * @since 0.1.0
 * @category readers
 */
export async function* readObject(
  context: Context,
  object: AttioObject,
  limit: number,
  map: (record: unknown) => Record<string, unknown>
): AsyncGenerator<AsyncConnector.Page> {
  const overlap = Math.min(PAGE_OVERLAP, Math.floor(limit / 5))
  let seen: ReadonlySet<string> = new Set()
  for (let offset = 0; ; ) {
    const records = await queryPage(context, object, offset, limit)
    const head = records.slice(0, overlap).map(idOf)
    if (offset > 0 && overlap > 0 && records.length > 0 && !head.some((id) => id !== undefined && seen.has(id))) {
      throw new AsyncConnector.ConnectorError({
        operation: `POST /v2/objects/${object}/records/query`,
        detail: `more than ${overlap} ${object} records were deleted while the read paged past them (offset ${offset}); ` +
          "the read stops so that none is wrongly reported removed, and the next run reads again"
      })
    }
    const fresh = records.filter((r, i) => {
      const id = i < overlap ? idOf(r) : undefined
      return id === undefined || !seen.has(id)
    })
    // An empty page is only worth yielding when the object has no records at all.
    if (fresh.length > 0 || offset === 0) yield { records: fresh.map(map) }
    if (records.length < limit) return
    seen = new Set(records.slice(records.length - overlap).flatMap((r) => idOf(r) ?? []))
    offset += limit - overlap
  }
}

/**
 * One record by id, or `undefined` once it is deleted.
 *
 * @since 0.1.0
 * @category readers
 */
export const readRecord = async (
  context: Context,
  object: AttioObject,
  recordId: string,
  map: (record: unknown) => Record<string, unknown>
): Promise<Record<string, unknown> | undefined> => {
  const operation = `GET /v2/objects/${object}/records/{record_id}`
  const response = await context.ky.get(`v2/objects/${object}/records/${encodeURIComponent(recordId)}`, {
    throwHttpErrors: (status) => status !== 404
  })
  if (response.status === 404) return undefined
  const single = decodeSingle(parse(await response.text(), operation, response.status))
  if (Either.isLeft(single)) {
    throw new AsyncConnector.ConnectorError({ operation, status: response.status, detail: "Attio answered without a \"data\" record" })
  }
  return map(single.right.data)
}

/**
 * The readers of a connector with the given page size.
 *
 * @since 0.1.0
 * @category readers
 */
export const readers = (pageSize: number): ReadonlyArray<AsyncConnector.Reader<Credentials>> => [
  {
    model: Company.model,
    mode: "full",
    readAll: (context) => readObject(context, "companies", pageSize, toCompany),
    readOne: (context, id) => readRecord(context, "companies", id, toCompany)
  },
  {
    model: Contact.model,
    mode: "full",
    readAll: (context) => readObject(context, "people", pageSize, toContact),
    readOne: (context, id) => readRecord(context, "people", id, toContact)
  }
]
