/**
 * The common data models: one Schema class per entity, grouped by category.
 *
 * @since 0.1.0
 */
export * as Application from "./ats/Application.js"
export * as Candidate from "./ats/Candidate.js"
export * as Job from "./ats/Job.js"
export * as Company from "./crm/Company.js"
export * as Contact from "./crm/Contact.js"
export * as Deal from "./crm/Deal.js"
export * as Fields from "./fields.js"
export * as Employee from "./hris/Employee.js"
export * as Model from "./Model.js"
export * as Registry from "./Registry.js"
