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
  const response = await context.ky.post(`v2/objects/${object}/records/query`, { json: { limit, offset } })
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
 * Every record of an object, a page per `yield`; stops at the first page
 * shorter than `limit` (Attio's documented end of the list).
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
  for (let offset = 0; ; offset += limit) {
    const records = await queryPage(context, object, offset, limit)
    // An empty page is only worth yielding when the object has no records at all.
    if (records.length > 0 || offset === 0) yield { records: records.map(map) }
    if (records.length < limit) return
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
