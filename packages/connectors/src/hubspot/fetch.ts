import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Option from "effect/Option"
import type { Connector } from "@weft/core/connector"
import { Errors, Pagination } from "@weft/core/connector"
import type { ProviderHttp } from "@weft/core/connector"
import { AssociationBatch, associationsRequest, ListPage, listRequest, primaryDealCompanyTypeId } from "./api.js"
import type { CrmObject, ObjectType } from "./api.js"
import type { DealAssociations } from "./mapping.js"

/**
 * Provider calls shared by the readers: JSON requests, list pagination and
 * v4 association batches.
 *
 * @since 0.1.0
 */

/**
 * Sends a request and decodes its 2xx JSON; any other status is a
 * `ConnectorError` naming it.
 *
 * @since 0.1.0
 * @category requests
 */
export const fetchJson = <A, I, C>(
  context: Connector.ConnectorContext<C>,
  operation: string,
  request: HttpClientRequest.HttpClientRequest,
  schema: Schema.Schema<A, I>
): Effect.Effect<A, ProviderHttp.ProviderClientError | Errors.ConnectorError> =>
  Pagination.executeOk(context.http, request).pipe(
    Effect.flatMap((response) => Pagination.json(response, operation, Schema.decodeUnknown(schema)))
  )

/**
 * Every page of `GET /crm/v3/objects/{type}` (active or archived records),
 * following `paging.next.after`.
 *
 * @since 0.1.0
 * @category requests
 */
export const listPages = <C>(
  context: Connector.ConnectorContext<C>,
  type: ObjectType,
  options: { readonly archived: boolean; readonly limit: number }
): Stream.Stream<ReadonlyArray<CrmObject>, Pagination.PaginationError> =>
  Pagination.cursor({
    client: context.http,
    operation: `list ${options.archived ? "archived " : ""}${type}`,
    request: (after) => listRequest(type, { ...options, after: Option.getOrUndefined(after) }),
    decode: (body) =>
      Effect.map(Schema.decodeUnknown(ListPage)(body), (page) => ({
        items: page.results,
        next: Option.fromNullable(page.paging?.next?.after)
      }))
  })

/**
 * The companies and contacts of some deals, through the v4 association batch
 * read (the search API returns no associations). Deals without any are
 * absent from the map.
 *
 * @since 0.1.0
 * @category requests
 */
export const dealAssociations = <C>(
  context: Connector.ConnectorContext<C>,
  ids: ReadonlyArray<string>
): Effect.Effect<ReadonlyMap<string, DealAssociations>, Errors.ConnectorError | Pagination.PaginationError> =>
  ids.length === 0 ? Effect.succeed(new Map()) : Effect.gen(function*() {
    const [companies, contacts] = yield* Effect.all([
      fetchJson(context, "read deal → company associations", associationsRequest("deals", "companies", ids), AssociationBatch),
      fetchJson(context, "read deal → contact associations", associationsRequest("deals", "contacts", ids), AssociationBatch)
    ])
    const out = new Map<string, { companies: Array<{ id: string; primary: boolean }>; contacts: Array<string> }>()
    const entry = (id: string) => {
      let e = out.get(id)
      if (e === undefined) out.set(id, (e = { companies: [], contacts: [] }))
      return e
    }
    for (const r of companies.results) {
      for (const to of r.to) {
        const primary = (to.associationTypes ?? []).some((t) => t.typeId === primaryDealCompanyTypeId)
        entry(String(r.from.id)).companies.push({ id: String(to.toObjectId), primary })
      }
    }
    for (const r of contacts.results) for (const to of r.to) entry(String(r.from.id)).contacts.push(String(to.toObjectId))
    return out
  })

/**
 * @since 0.1.0
 * @category models
 */
export const noAssociations: DealAssociations = { companies: [], contacts: [] }

/**
 * A `ConnectorError` for a cursor this connector did not write.
 *
 * @since 0.1.0
 * @category errors
 */
export const badCursor = (type: ObjectType, cursor: string) =>
  new Errors.ConnectorError({
    operation: `read ${type} changes`,
    detail: `the saved cursor ${JSON.stringify(cursor.slice(0, 40))} is not a HubSpot timestamp; run a full sync of ${type} to reset it`
  })
