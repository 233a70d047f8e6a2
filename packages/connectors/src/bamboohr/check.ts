import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { Connector } from "@weft/core/connector"
import { Errors } from "@weft/core/connector"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { COMPENSATION_FIELDS, EmployeePage, getEmployee, LIST_FIELDS, type ListedEmployee, listEmployees } from "./api.js"
import type { Credentials } from "./credentials.js"
import type { FieldSet } from "./fieldSets.js"

/**
 * The credential check: one employee list call (is the key valid, does the
 * company exist, may its user read employees?), then whether the user may see
 * what the field set reads on the first employee — for `standard`, the list
 * fields (the same call names the restricted ones); for `extended`, one Get
 * Employee call for the compensation fields, which take an admin-level
 * access.
 *
 * @since 0.1.0
 */

/** What the end user sees for each field the standard set reads. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  firstName: "first name",
  lastName: "last name",
  preferredName: "preferred name",
  jobTitleName: "job title",
  status: "status",
  workEmail: "work email",
  homeEmail: "home email",
  workPhone: "work phone",
  mobilePhone: "mobile phone",
  homePhone: "home phone",
  birthDate: "birth date",
  hireDate: "hire date",
  departmentName: "department",
  locationName: "location",
  employmentStatusName: "employment status",
  reportsToId: "reports to"
}

/** The fields of `listed` the standard set reads and the key's user may not see (`photoUrl` is not read). */
const hiddenFields = (listed: ListedEmployee): ReadonlyArray<string> => {
  const restricted = listed["_restrictedFields"]
  return Array.isArray(restricted)
    ? restricted.filter((name): name is string => typeof name === "string" && FIELD_LABELS[name] !== undefined)
    : []
}

const refusal = (
  code: Errors.ConnectionErrorCode,
  message: string,
  resolution: string,
  status?: number
): Errors.ConnectionError =>
  new Errors.ConnectionError({ code, message, resolution, ...(status === undefined ? {} : { status }) })

/**
 * Turns a non-2xx BambooHR answer into the refusal an end user can act on.
 * Messages quote nothing the user entered: the connect form shows it already.
 *
 * @since 0.1.0
 * @category errors
 */
export const classify = (response: HttpClientResponse.HttpClientResponse): Errors.ConnectionError => {
  const status = response.status
  if (status === 401) {
    return refusal(
      "invalid_credentials",
      "BambooHR did not accept the API key for this company.",
      "In BambooHR, click your name (top right) › API Keys › Add New Key, copy the new key and paste it here. A key stops working when it is deleted or its user is deactivated.",
      status
    )
  }
  if (status === 404) {
    return refusal(
      "account_not_found",
      "BambooHR has no company at the company domain entered.",
      "Check the address you sign in to BambooHR at: for https://acme.bamboohr.com the company domain is \"acme\".",
      status
    )
  }
  if (status === 403) {
    return refusal(
      "insufficient_permissions",
      "The BambooHR user who owns this API key is not allowed to view employee data.",
      "In BambooHR, open Settings › Access Levels and give the key's user an access level that can view all employees, or create the API key as a user who has one; then connect again.",
      status
    )
  }
  if (status === 429 || (status === 503 && response.headers["retry-after"] !== undefined)) {
    return refusal(
      "rate_limited",
      "BambooHR is limiting requests for this company right now.",
      "Wait a minute and connect again. If it keeps happening, another integration may be using the same BambooHR account heavily.",
      status
    )
  }
  return refusal(
    "provider_unavailable",
    `BambooHR answered with an error (HTTP ${status}).`,
    "BambooHR may be having an outage. Try again in a few minutes; if it persists, check BambooHR's status page.",
    status
  )
}

const unreachable = (detail: string) =>
  refusal(
    "provider_unavailable",
    `BambooHR could not be reached (${detail}).`,
    "Check that the company domain is right and try again in a few minutes; BambooHR may be having an outage."
  )

/**
 * The check of a connector reading `fieldSet`.
 *
 * @since 0.1.0
 * @category check
 */
export const check = (fieldSet: FieldSet) =>
(context: Connector.ConnectorContext<Credentials>): Effect.Effect<void, Errors.ConnectionError> =>
  Effect.gen(function*() {
    const send = (request: HttpClientRequest.HttpClientRequest) =>
      context.http.execute(request).pipe(
        Effect.mapError((error) =>
          unreachable(error._tag === "RequestError" ? "no connection" : error._tag === "ResponseError" ? "unreadable answer" : "authorization")
        ),
        Effect.flatMap((response) =>
          response.status >= 200 && response.status < 300 ? Effect.succeed(response) : Effect.fail(classify(response))
        )
      )

    const listed = yield* send(listEmployees({ limit: 1, ...(fieldSet === "standard" ? { fields: LIST_FIELDS } : {}) }))
    // Anything but the list's JSON means the address is not a BambooHR API (e.g. a sign-in or marketing page).
    const page = yield* listed.json.pipe(
      Effect.flatMap(Schema.decodeUnknown(EmployeePage)),
      Effect.mapError(() =>
        refusal(
          "account_not_found",
          "The address for the company domain entered did not answer like a BambooHR account.",
          "Check the address you sign in to BambooHR at: for https://acme.bamboohr.com the company domain is \"acme\"."
        )
      )
    )
    const first = Option.fromNullable(page.data[0])
    if (Option.isNone(first)) return

    if (fieldSet === "standard") {
      const hidden = hiddenFields(first.value)
      if (hidden.length === 0) return
      const labels = hidden.map((name) => FIELD_LABELS[name]!).join(", ")
      return yield* refusal(
        "admin_required",
        `The BambooHR user who owns this API key cannot see some employee fields this integration reads (${labels}).`,
        `Create the API key as a BambooHR Full Admin (Settings › Access Levels shows who is one), or give the key's user an access level that can view these fields (${labels}) for all employees; then connect again.`
      )
    }

    const detail = yield* send(getEmployee(String(first.value.employeeId), COMPENSATION_FIELDS))
    const body = yield* detail.json.pipe(Effect.orElseSucceed((): unknown => undefined))
    // BambooHR leaves out fields the user may not see (an empty field comes as null).
    const visible = typeof body === "object" && body !== null && "payRate" in body
    if (!visible) {
      return yield* refusal(
        "admin_required",
        "The BambooHR user who owns this API key cannot see compensation (pay rate, pay type), which this integration reads.",
        "Create the API key as a BambooHR Full Admin (Settings › Access Levels shows who is one), or give the key's user an access level that can view the Compensation and Personal fields; then connect again."
      )
    }
  })
