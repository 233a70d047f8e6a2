import type { EmployeeRow } from "./data.js"
import { org } from "./data.js"
import type { Directory } from "./directory.js"

/**
 * The field names each BambooHR endpoint answers to, and how each reads a
 * stored row. The two endpoints name fields differently:
 *
 * - Get Employee (`GET /employees/{id}?fields=`) takes the aliases of
 *   BambooHR's field list (`GET /meta/fields`, the documentation's "field
 *   names"): `dateOfBirth`, `maritalStatus`, `jobTitle`,
 *   `employmentHistoryStatus`, `supervisorEId`, `zipcode`, …
 * - The employee list (`GET /employees?fields=`) takes its own optional
 *   fields (`EmployeeOptionalField` in the OpenAPI spec): `birthDate`,
 *   `departmentName`, `employmentStatusName`, `reportsToId`, …
 *
 * A name an endpoint does not know is left out of its answer, as BambooHR
 * leaves out unknown fields: so a connector asking for a wrong name reads
 * nothing rather than whatever it asked for. The OpenAPI schema of Get
 * Employee also shows list-style names (`birthDate`, `marital`,
 * `reportsToId`, `payPeriod`); they are not in BambooHR's field list and
 * recorded answers do not use them, so the fake does not serve them.
 *
 * @since 0.1.0
 */

/** What a field's value may depend on besides its row. */
interface Lookup {
  readonly directory: Directory
  /** The row of the employee's manager, if any. */
  readonly manager: (row: EmployeeRow) => EmployeeRow | undefined
}

/**
 * One field an endpoint answers to.
 *
 * @since 0.1.0
 * @category models
 */
export interface Field {
  /** BambooHR's display name (`GET /meta/fields`). */
  readonly name: string
  /** BambooHR's field type (`GET /meta/fields`). */
  readonly type: string
  /** Hidden from a user without access to personal and pay fields. */
  readonly restricted: boolean
  readonly value: (row: EmployeeRow, lookup: Lookup) => unknown
}

const field = (
  name: string,
  type: string,
  value: (row: EmployeeRow, lookup: Lookup) => unknown,
  restricted = false
): Field => ({ name, type, value, restricted })

/** A stored value under a name. */
const stored = <K extends keyof EmployeeRow>(name: string, type: string, key: K, restricted = false): Field =>
  field(name, type, (row) => row[key], restricted)

const managerOf = (lookup: Lookup, row: EmployeeRow) => (row.reportsToId === null ? undefined : lookup.manager(row))

/**
 * Get Employee's fields, by field-list alias (in the order `GET /meta/fields`
 * lists them).
 *
 * @since 0.1.0
 * @category constants
 */
export const EMPLOYEE_FIELDS: ReadonlyMap<string, Field> = new Map([
  ["firstName", stored("First Name", "text", "firstName")],
  ["lastName", stored("Last Name", "text", "lastName")],
  ["middleName", stored("Middle Name", "text", "middleName")],
  ["preferredName", stored("Preferred Name", "text", "preferredName")],
  ["displayName", stored("Display Name", "text", "displayName")],
  ["fullName1", field("Full Name 1", "text", (r) => `${r.firstName} ${r.lastName}`)],
  ["fullName2", field("Full Name 2", "text", (r) => `${r.lastName}, ${r.firstName}`)],
  ["employeeNumber", stored("Employee #", "employee_number", "employeeNumber")],
  ["status", stored("Status", "status", "status")],
  ["workEmail", stored("Work Email", "email", "workEmail")],
  ["homeEmail", stored("Home Email", "email", "homeEmail")],
  ["bestEmail", field("Email", "email", (r) => r.workEmail ?? r.homeEmail)],
  ["dateOfBirth", stored("Birth Date", "date", "birthDate", true)],
  ["gender", stored("Gender", "gender", "gender", true)],
  ["maritalStatus", stored("Marital Status", "marital_status", "marital", true)],
  ["hireDate", stored("Hire Date", "date", "hireDate")],
  ["originalHireDate", stored("Original Hire Date", "date", "hireDate")],
  ["terminationDate", stored("Termination Date", "date", "terminationDate")],
  ["employmentHistoryStatus", stored("Employment Status", "list", "employmentStatus")],
  ["jobTitle", stored("Job Title", "list", "jobTitleName")],
  ["department", stored("Department", "list", "department")],
  ["division", stored("Division", "list", "division")],
  ["location", stored("Location", "list", "location")],
  // The manager, four ways: `supervisorEId` is their employee id, `supervisorId` their employee number.
  ["supervisor", field("Supervisor name", "text", (r, l) => {
    const m = managerOf(l, r)
    return m === undefined ? null : `${m.lastName}, ${m.firstName}`
  })],
  ["supervisorId", field("Supervisor ID", "text", (r, l) => managerOf(l, r)?.employeeNumber ?? null)],
  ["supervisorEId", field("Supervisor EID", "text", (r) => r.reportsToId)],
  ["supervisorEmail", field("Manager's email", "email", (r, l) => managerOf(l, r)?.workEmail ?? null)],
  ["workPhone", stored("Work Phone", "phone", "workPhone")],
  ["workPhoneExtension", stored("Work Ext.", "text", "workPhoneExtension")],
  ["mobilePhone", stored("Mobile Phone", "phone", "mobilePhone")],
  ["homePhone", stored("Home Phone", "phone", "homePhone")],
  ["address1", stored("Address Line 1", "text", "address1")],
  ["address2", stored("Address Line 2", "text", "address2")],
  ["city", stored("City", "text", "city")],
  ["state", stored("State", "state", "state")],
  ["zipcode", stored("Zip Code", "text", "zipcode")],
  ["country", stored("Country", "country", "country")],
  ["payRate", stored("Pay rate", "currency", "payRate", true)],
  ["payType", stored("Pay type", "pay_type", "payType", true)],
  ["payPer", stored("Paid per", "paid_per", "payPer", true)],
  ["payFrequency", stored("Pay Frequency", "list", "payFrequency", true)],
  ["isPhotoUploaded", field("Photo uploaded", "bool", (r) => (r.photoUrl === null ? "false" : "true"))],
  ["lastChanged", stored("Last changed", "timestamp", "lastChanged")]
])

/**
 * Names Get Employee also answers to that `GET /meta/fields` does not list
 * (BambooHR's field names document `paidPer` beside `payPer`).
 *
 * @since 0.1.0
 * @category constants
 */
export const EMPLOYEE_FIELD_ALIASES: ReadonlyMap<string, string> = new Map([["paidPer", "payPer"]])

/**
 * The Get Employee field under `name`, if BambooHR knows it.
 *
 * @since 0.1.0
 * @category fields
 */
export const employeeField = (name: string): Field | undefined =>
  EMPLOYEE_FIELDS.get(EMPLOYEE_FIELD_ALIASES.get(name) ?? name)

const DIVISIONS = ["North America", "EMEA", "APAC"]
const none = (name: string) => field(name, "text", () => null)

/**
 * The employee list's optional fields (`fields=`), by name.
 *
 * @since 0.1.0
 * @category constants
 */
export const LIST_FIELDS: ReadonlyMap<string, Field> = new Map([
  ["workEmail", stored("Work Email", "email", "workEmail")],
  ["homeEmail", stored("Home Email", "email", "homeEmail")],
  ["bestEmail", field("Email", "email", (r) => r.workEmail ?? r.homeEmail)],
  ["middleName", stored("Middle Name", "text", "middleName")],
  ["workPhone", stored("Work Phone", "phone", "workPhone")],
  ["workPhoneExtension", stored("Work Ext.", "text", "workPhoneExtension")],
  ["mobilePhone", stored("Mobile Phone", "phone", "mobilePhone")],
  ["homePhone", stored("Home Phone", "phone", "homePhone")],
  ["skypeUsername", none("Skype Username")],
  ["linkedinUrl", none("LinkedIn URL")],
  ["facebookUrl", none("Facebook URL")],
  ["instagramUrl", none("Instagram URL")],
  ["twitterUrl", none("Twitter URL")],
  ["pinterestUrl", none("Pinterest URL")],
  ["birthDate", stored("Birth Date", "date", "birthDate", true)],
  ["hireDate", stored("Hire Date", "date", "hireDate")],
  ["divisionName", stored("Division", "list", "division")],
  ["divisionId", field("Division", "int", (r) => String(18100 + DIVISIONS.indexOf(r.division)))],
  ["departmentName", stored("Department", "list", "department")],
  ["departmentId", field("Department", "int", (r, l) => String(18000 + org(l.directory.seed).departments.indexOf(r.department)))],
  ["locationName", stored("Location", "list", "location")],
  [
    "locationId",
    field("Location", "int", (r, l) => String(18200 + org(l.directory.seed).locations.findIndex((x) => x.name === r.location)))
  ],
  ["jobTitleId", none("Job Title")],
  ["employmentStatusName", stored("Employment Status", "list", "employmentStatus")],
  ["employmentStatusId", none("Employment Status")],
  ["reportsToName", field("Reports To", "text", (r, l) => managerOf(l, r)?.displayName ?? null)],
  // The spec: "Employee's manager's employee id".
  ["reportsToId", field("Reports To", "int", (r) => r.reportsToId)]
])

/**
 * What field values depend on besides their row.
 *
 * @since 0.1.0
 * @category constructors
 */
export const lookup = (directory: Directory): Lookup => ({
  directory,
  manager: (row) => (row.reportsToId === null ? undefined : directory.get(row.reportsToId))
})
