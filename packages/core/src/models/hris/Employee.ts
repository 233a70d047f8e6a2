import * as Schema from "effect/Schema"
import { Address, Currency, Decimal, Email, IsoDate, Phone, RawValues, RecordId, Ref, remoteTimestamps } from "../fields.js"
import * as Model from "../Model.js"

/**
 * `hris.employee`: a person employed (or once employed) by the customer's
 * company, as every HRIS connector normalises it. Each group is optional:
 * a connector fills what its provider has and never invents the rest.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category fields
 */
export const EmploymentStatus = Schema.Literal("active", "inactive", "pending", "leave")

/**
 * @since 0.1.0
 * @category fields
 */
export const EmploymentType = Schema.Literal("full_time", "part_time", "contractor", "intern", "temporary", "other")

/**
 * @since 0.1.0
 * @category fields
 */
export const PayPeriod = Schema.Literal(
  "hour",
  "day",
  "week",
  "two_weeks",
  "half_month",
  "month",
  "quarter",
  "year",
  "one_time"
)

/**
 * One pay component: an amount per period.
 *
 * @since 0.1.0
 * @category fields
 */
export const Pay = Schema.Struct({
  type: Schema.optional(Schema.String),
  amount: Decimal,
  currency: Currency,
  period: Schema.optional(PayPeriod)
})

/**
 * @since 0.1.0
 * @category groups
 */
export const Profile = Schema.Struct({
  firstName: Schema.optional(Schema.String),
  lastName: Schema.optional(Schema.String),
  preferredName: Schema.optional(Schema.String),
  displayName: Schema.optional(Schema.String),
  employeeNumber: Schema.optional(Schema.String),
  workEmail: Schema.optional(Email),
  personalEmails: Schema.optional(Schema.Array(Email)),
  birthDate: Schema.optional(IsoDate),
  gender: Schema.optional(Schema.Literal("male", "female", "non_binary", "other", "undisclosed")),
  maritalStatus: Schema.optional(
    Schema.Literal("single", "married", "domestic_partnership", "divorced", "separated", "widowed", "other")
  )
})

/**
 * @since 0.1.0
 * @category groups
 */
export const Employment = Schema.Struct({
  status: Schema.optional(EmploymentStatus),
  type: Schema.optional(EmploymentType),
  startDate: Schema.optional(IsoDate),
  terminationDate: Schema.optional(IsoDate)
})

/**
 * @since 0.1.0
 * @category groups
 */
export const OrgStructure = Schema.Struct({
  jobTitle: Schema.optional(Schema.String),
  department: Schema.optional(Schema.String),
  manager: Schema.optional(Ref)
})

/**
 * @since 0.1.0
 * @category groups
 */
export const ContactInfo = Schema.Struct({
  phones: Schema.optional(Schema.Array(Phone))
})

/**
 * @since 0.1.0
 * @category groups
 */
export const Locations = Schema.Struct({
  work: Schema.optional(Address),
  home: Schema.optional(Address)
})

/**
 * @since 0.1.0
 * @category groups
 */
export const Compensation = Schema.Struct({
  fixed: Schema.optional(Schema.Array(Pay)),
  variable: Schema.optional(Schema.Array(Pay))
})

/**
 * An employee in the common HRIS model.
 *
 * @example
 * ```ts
 * import { Employee } from "@weft/core/models"
 * const ada = new Employee.Employee({
 *   id: "42",
 *   profile: { firstName: "Ada", lastName: "Lovelace", workEmail: "ada@example.com" },
 *   employment: { status: "active", type: "full_time", startDate: "2024-03-01" },
 *   rawValues: { "employment.status": "Active" }
 * })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Employee extends Schema.Class<Employee>("hris.employee")({
  id: RecordId,
  ...remoteTimestamps,
  profile: Schema.optional(Profile),
  employment: Schema.optional(Employment),
  orgStructure: Schema.optional(OrgStructure),
  contactInfo: Schema.optional(ContactInfo),
  locations: Schema.optional(Locations),
  compensation: Schema.optional(Compensation),
  rawValues: Schema.optional(RawValues)
}) {}

/**
 * The `hris.employee` model. Inactive = terminated (`employment.status` is
 * `"inactive"`).
 *
 * @since 0.1.0
 * @category models
 */
export const model: Model.Model<Employee> = Model.define({
  name: "hris.employee",
  category: "hris",
  description: "An employee of the customer's company",
  schema: Employee,
  fieldGroups: {
    profile: ["profile"],
    employment: ["employment"],
    orgStructure: ["orgStructure"],
    contactInfo: ["contactInfo"],
    locations: ["locations"],
    compensation: ["compensation"],
    rawValues: ["rawValues"]
  },
  isInactive: (employee) => employee.employment?.status === "inactive"
})
