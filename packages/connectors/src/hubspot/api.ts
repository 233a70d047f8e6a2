import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Schema from "effect/Schema"

/**
 * HubSpot CRM v3 shapes the connector reads: object pages (list and search),
 * v4 association batches and error bodies, plus the requests that fetch them.
 *
 * @since 0.1.0
 */

/**
 * The CRM object types the connector reads.
 *
 * @since 0.1.0
 * @category models
 */
export type ObjectType = "contacts" | "companies" | "deals"

/**
 * @since 0.1.0
 * @category constants
 */
export const objectTypes: ReadonlyArray<ObjectType> = ["contacts", "companies", "deals"]

/**
 * The property that moves whenever a record changes. Contacts keep the older
 * `lastmodifieddate`; every other object uses `hs_lastmodifieddate`.
 *
 * @since 0.1.0
 * @category constants
 */
export const modifiedProperty: Readonly<Record<ObjectType, string>> = {
  contacts: "lastmodifieddate",
  companies: "hs_lastmodifieddate",
  deals: "hs_lastmodifieddate"
}

/**
 * The read scope each object type needs.
 *
 * @since 0.1.0
 * @category constants
 */
export const readScope: Readonly<Record<ObjectType, string>> = {
  contacts: "crm.objects.contacts.read",
  companies: "crm.objects.companies.read",
  deals: "crm.objects.deals.read"
}

/**
 * The properties requested per object type: what the mappers read.
 *
 * @since 0.1.0
 * @category constants
 */
export const properties: Readonly<Record<ObjectType, ReadonlyArray<string>>> = {
  contacts: [
    "firstname", "lastname", "email", "hs_additional_emails", "phone", "mobilephone", "jobtitle",
    "associatedcompanyid", "hubspot_owner_id", "lifecyclestage", "address", "city", "state", "zip", "country",
    "createdate", "lastmodifieddate", "hs_merged_object_ids"
  ],
  companies: [
    "name", "domain", "description", "industry", "numberofemployees", "phone", "address", "address2", "city",
    "state", "zip", "country", "hubspot_owner_id", "createdate", "hs_lastmodifieddate", "hs_merged_object_ids"
  ],
  deals: [
    "dealname", "amount", "deal_currency_code", "dealstage", "pipeline", "closedate", "hs_is_closed",
    "hs_is_closed_won", "hubspot_owner_id", "createdate", "hs_lastmodifieddate", "hs_merged_object_ids"
  ]
}

/**
 * Associations a deal carries inline in list answers (`associations=…`).
 *
 * @since 0.1.0
 * @category constants
 */
export const inlineAssociations: Readonly<Record<ObjectType, ReadonlyArray<ObjectType>>> = {
  contacts: [],
  companies: [],
  deals: ["companies", "contacts"]
}

/**
 * HubSpot's largest page for object lists (search allows 200 in newer API
 * versions; the connector uses one size for both).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSize = 100

const Id = Schema.Union(Schema.String, Schema.Number)

const InlineAssociations = Schema.Struct({
  results: Schema.Array(Schema.Struct({ id: Id, type: Schema.optional(Schema.String) }))
})

/**
 * One CRM record. Property values are strings (or `null` when requested but
 * empty); they are kept `unknown` here so one odd value cannot make a whole
 * page unreadable: the mappers look at each value. Answers also carry `url`
 * beside `id` (the record's page in HubSpot, e.g.
 * `https://app.hubspot.com/contacts/{portalId}/record/0-1/{id}`); the models
 * have no field for it, so it is not read.
 *
 * @since 0.1.0
 * @category models
 */
export const CrmObject = Schema.Struct({
  id: Schema.String,
  properties: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  createdAt: Schema.optional(Schema.String),
  updatedAt: Schema.optional(Schema.String),
  archived: Schema.optional(Schema.Boolean),
  archivedAt: Schema.optional(Schema.String),
  associations: Schema.optional(Schema.Record({ key: Schema.String, value: InlineAssociations }))
})

/**
 * @since 0.1.0
 * @category models
 */
export type CrmObject = typeof CrmObject.Type

const Paging = Schema.Struct({
  next: Schema.optional(Schema.Struct({ after: Schema.String, link: Schema.optional(Schema.String) }))
})

/**
 * A page of `GET /crm/v3/objects/{type}`.
 *
 * @since 0.1.0
 * @category models
 */
export const ListPage = Schema.Struct({
  results: Schema.Array(CrmObject),
  paging: Schema.optional(Paging)
})

/**
 * A page of `POST /crm/v3/objects/{type}/search`.
 *
 * @since 0.1.0
 * @category models
 */
export const SearchPage = Schema.Struct({
  total: Schema.optional(Schema.Number),
  results: Schema.Array(CrmObject),
  paging: Schema.optional(Paging)
})

/**
 * An answer of `POST /crm/v4/associations/{from}/{to}/batch/read`. Objects
 * without associations are left out of `results` (or listed in `errors`).
 *
 * @since 0.1.0
 * @category models
 */
export const AssociationBatch = Schema.Struct({
  results: Schema.Array(
    Schema.Struct({
      from: Schema.Struct({ id: Id }),
      to: Schema.Array(
        Schema.Struct({
          toObjectId: Id,
          associationTypes: Schema.optional(
            Schema.Array(Schema.Struct({ category: Schema.optional(Schema.String), typeId: Schema.optional(Schema.Number) }))
          )
        })
      )
    })
  )
})

/**
 * HubSpot's error body (`category` names the kind: `MISSING_SCOPES`,
 * `EXPIRED_AUTHENTICATION`, `RATE_LIMITS`, …).
 *
 * @since 0.1.0
 * @category models
 */
export const ErrorBody = Schema.Struct({
  status: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  category: Schema.optional(Schema.String),
  policyName: Schema.optional(Schema.String),
  errors: Schema.optional(
    Schema.Array(Schema.Struct({ message: Schema.optional(Schema.String), context: Schema.optional(Schema.Unknown) }))
  )
})

/**
 * @since 0.1.0
 * @category models
 */
export type ErrorBody = typeof ErrorBody.Type

/**
 * The v4 association type of a deal's primary company (v3 calls it
 * `deal_to_company`; unlabeled ones are `deal_to_company_unlabeled`).
 *
 * @since 0.1.0
 * @category constants
 */
export const primaryDealCompanyTypeId = 5

/**
 * `GET /crm/v3/objects/{type}`: one page of active (or archived) records.
 *
 * @since 0.1.0
 * @category requests
 */
export const listRequest = (
  type: ObjectType,
  options: { readonly limit: number; readonly archived: boolean; readonly after?: string | undefined }
): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.get(`/crm/v3/objects/${type}`).pipe(
    HttpClientRequest.setUrlParams({
      limit: String(options.limit),
      properties: properties[type].join(","),
      archived: String(options.archived),
      ...(inlineAssociations[type].length > 0 ? { associations: inlineAssociations[type].join(",") } : {}),
      ...(options.after === undefined ? {} : { after: options.after })
    })
  )

/**
 * `GET /crm/v3/objects/{type}/{id}`.
 *
 * @since 0.1.0
 * @category requests
 */
export const getRequest = (type: ObjectType, id: string, archived: boolean): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.get(`/crm/v3/objects/${type}/${encodeURIComponent(id)}`).pipe(
    HttpClientRequest.setUrlParams({
      properties: properties[type].join(","),
      archived: String(archived),
      ...(inlineAssociations[type].length > 0 ? { associations: inlineAssociations[type].join(",") } : {})
    })
  )

/**
 * `POST /crm/v3/objects/{type}/search` for records modified at or after
 * `since` (Unix ms), oldest first.
 *
 * @since 0.1.0
 * @category requests
 */
export const modifiedSinceRequest = (
  type: ObjectType,
  options: { readonly since: number; readonly limit: number }
): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.post(`/crm/v3/objects/${type}/search`).pipe(
    HttpClientRequest.bodyUnsafeJson({
      filterGroups: [{ filters: [{ propertyName: modifiedProperty[type], operator: "GTE", value: String(options.since) }] }],
      sorts: [{ propertyName: modifiedProperty[type], direction: "ASCENDING" }],
      properties: properties[type],
      limit: options.limit
    })
  )

/**
 * `POST /crm/v3/objects/{type}/search` for records modified exactly at `at`
 * (Unix ms) with an id above `afterId`, in id order: pages through records
 * that share one modification time without offsets.
 *
 * @since 0.1.0
 * @category requests
 */
export const modifiedAtRequest = (
  type: ObjectType,
  options: { readonly at: number; readonly afterId: string; readonly limit: number }
): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.post(`/crm/v3/objects/${type}/search`).pipe(
    HttpClientRequest.bodyUnsafeJson({
      filterGroups: [{
        filters: [
          { propertyName: modifiedProperty[type], operator: "EQ", value: String(options.at) },
          { propertyName: "hs_object_id", operator: "GT", value: options.afterId }
        ]
      }],
      sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
      properties: properties[type],
      limit: options.limit
    })
  )

/**
 * `POST /crm/v3/objects/{type}/search` for the most recently modified record.
 *
 * @since 0.1.0
 * @category requests
 */
export const latestModifiedRequest = (type: ObjectType): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.post(`/crm/v3/objects/${type}/search`).pipe(
    HttpClientRequest.bodyUnsafeJson({
      sorts: [{ propertyName: modifiedProperty[type], direction: "DESCENDING" }],
      properties: [modifiedProperty[type]],
      limit: 1
    })
  )

/**
 * `POST /crm/v4/associations/{from}/{to}/batch/read`.
 *
 * @since 0.1.0
 * @category requests
 */
export const associationsRequest = (
  from: ObjectType,
  to: ObjectType,
  ids: ReadonlyArray<string>
): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.post(`/crm/v4/associations/${from}/${to}/batch/read`).pipe(
    HttpClientRequest.bodyUnsafeJson({ inputs: ids.map((id) => ({ id })) })
  )
