import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Schema from "effect/Schema"

/**
 * BambooHR's employee endpoints: the requests the connector sends and the
 * response shapes it reads. Employee values are read loosely (any JSON) and
 * interpreted by the mapping, so one odd field never fails a page.
 *
 * @since 0.1.0
 */

/**
 * Get Employee fields the mapping reads, under the aliases of BambooHR's
 * field list (`GET /api/v1/meta/fields`; the documentation's "field names"),
 * which are what Get Employee answers to. They differ from the employee
 * list's names: `dateOfBirth` (list: `birthDate`), `jobTitle`
 * (`jobTitleName`), `employmentHistoryStatus` (`employmentStatusName`),
 * `supervisorEId` (`reportsToId`: the manager's employee id; `supervisorId`
 * is their employee *number*), `maritalStatus`, `zipcode`. `payPer` is the
 * unit of `payRate` ("Year", "Hour"); the OpenAPI schema's `payPeriod` is
 * how often pay is run, not that unit.
 *
 * @since 0.1.0
 * @category constants
 */
export const EMPLOYEE_FIELDS: ReadonlyArray<string> = [
  "firstName",
  "lastName",
  "preferredName",
  "displayName",
  "employeeNumber",
  "status",
  "workEmail",
  "homeEmail",
  "dateOfBirth",
  "gender",
  "maritalStatus",
  "employmentHistoryStatus",
  "hireDate",
  "terminationDate",
  "jobTitle",
  "department",
  "location",
  "supervisorEId",
  "workPhone",
  "mobilePhone",
  "homePhone",
  "address1",
  "address2",
  "city",
  "state",
  "zipcode",
  "country",
  "payRate",
  "payType",
  "payPer",
  "lastChanged"
]

/**
 * The list endpoint's optional fields (`EmployeeOptionalField`) the mapping
 * reads, asked for with `fields=` in the standard field set. The list always
 * adds `employeeId`, `firstName`, `lastName`, `preferredName`, `photoUrl`,
 * `jobTitleName` and `status`. Its `reportsToId` is the manager's employee id.
 *
 * @since 0.1.0
 * @category constants
 */
export const LIST_FIELDS: ReadonlyArray<string> = [
  "workEmail",
  "homeEmail",
  "workPhone",
  "mobilePhone",
  "homePhone",
  "birthDate",
  "hireDate",
  "departmentName",
  "locationName",
  "employmentStatusName",
  "reportsToId"
]

/**
 * Compensation fields: BambooHR leaves them out of Get Employee answers when
 * the key's user may not see them.
 *
 * @since 0.1.0
 * @category constants
 */
export const COMPENSATION_FIELDS: ReadonlyArray<string> = ["payRate", "payType", "payPer"]

/**
 * An employee as BambooHR returns it: an id and named fields of any JSON.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RawEmployee = Schema.Struct(
  { id: Schema.Union(Schema.String, Schema.Number) },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/**
 * @since 0.1.0
 * @category schemas
 */
export type RawEmployee = typeof RawEmployee.Type

/**
 * One employee of `GET /api/v1/employees`: its id, the fixed identity fields,
 * the optional fields asked for (a value the caller may not see is `null`)
 * and `_restrictedFields` naming those.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListedEmployee = Schema.Struct(
  { employeeId: Schema.Union(Schema.String, Schema.Number) },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/**
 * @since 0.1.0
 * @category schemas
 */
export type ListedEmployee = typeof ListedEmployee.Type

/**
 * A page of `GET /api/v1/employees` (cursor pagination).
 *
 * @since 0.1.0
 * @category schemas
 */
export const EmployeePage = Schema.Struct({
  data: Schema.Array(ListedEmployee),
  meta: Schema.Struct({
    total: Schema.optional(Schema.Number),
    page: Schema.Struct({
      limit: Schema.optional(Schema.NullOr(Schema.Number)),
      nextCursor: Schema.optional(Schema.NullOr(Schema.String))
    })
  })
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type EmployeePage = typeof EmployeePage.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const ChangeAction = Schema.Literal("Inserted", "Updated", "Deleted")

/**
 * One entry of the change feed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Change = Schema.Struct({
  id: Schema.optional(Schema.Union(Schema.String, Schema.Number)),
  action: ChangeAction,
  lastChanged: Schema.String
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Change = typeof Change.Type

/**
 * `GET /api/v1/employees/changed`: a map of employee id → change. An empty
 * map may come as `[]` (a PHP empty array), which reads as no changes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChangedEmployees = Schema.Struct({
  latest: Schema.optional(Schema.NullOr(Schema.String)),
  employees: Schema.Union(
    Schema.Record({ key: Schema.String, value: Change }),
    Schema.Tuple()
  )
})

/**
 * A page of the employee list. `fields` adds optional fields; `ids` narrows
 * the list to those employees, sent as repeated `filter[ids][]` keys (the
 * documented form).
 *
 * @since 0.1.0
 * @category requests
 */
export const listEmployees = (options: {
  readonly limit: number
  readonly after?: string | undefined
  readonly fields?: ReadonlyArray<string> | undefined
  readonly ids?: ReadonlyArray<string> | undefined
}) =>
  HttpClientRequest.get("/api/v1/employees").pipe(
    HttpClientRequest.acceptJson,
    HttpClientRequest.setUrlParams({
      ...(options.fields === undefined || options.fields.length === 0 ? {} : { fields: options.fields.join(",") }),
      ...(options.ids === undefined ? {} : { "filter[ids][]": options.ids }),
      "page[limit]": String(options.limit),
      ...(options.after === undefined ? {} : { "page[after]": options.after })
    })
  )

/**
 * @since 0.1.0
 * @category requests
 */
export const getEmployee = (id: string, fields: ReadonlyArray<string> = EMPLOYEE_FIELDS) =>
  HttpClientRequest.get(`/api/v1/employees/${encodeURIComponent(id)}`).pipe(
    HttpClientRequest.acceptJson,
    HttpClientRequest.setUrlParam("fields", fields.join(","))
  )

/**
 * @since 0.1.0
 * @category requests
 */
export const changedEmployees = (since: string) =>
  HttpClientRequest.get("/api/v1/employees/changed").pipe(
    HttpClientRequest.acceptJson,
    HttpClientRequest.setUrlParam("since", since)
  )
