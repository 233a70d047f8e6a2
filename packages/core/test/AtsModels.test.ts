import { describe, expect, it } from "@effect/vitest"
import { Application, Candidate, Job, Model } from "@weft/core"
import * as Either from "effect/Either"

// What an ATS user needs from candidates, applications and jobs beyond the basics: every job of a
// prospect, prospects' pools and owners, documents, schools and positions, custom fields, and the
// department and office trees.

const decode = <A extends { readonly id: string }>(model: Model.Model<A>, input: unknown): A => Either.getOrThrow(model.decode(input))

/** Both the decoder and the fast path refuse it, at `path`. */
const refused = (model: Model.Any, input: unknown, path: string) => {
  const decoded = model.decode(input)
  expect(Either.isLeft(decoded) && Model.describeParseError(decoded.left)).toMatch(new RegExp(`^${path.replace(/\./g, "\\.")}: `))
  expect(Either.isLeft(model.validate(input))).toBe(true)
}

const customFields = {
  desired_salary: { name: "Desired Salary", type: "short_text", value: "120000" },
  work_remotely: { name: "Work Remotely", type: "boolean", value: true },
  languages: { name: "Languages", type: "multi_select", value: ["English", "German"] },
  headcount: { type: "number", value: 3 },
  salary_range: { name: "Salary Range", type: "currency_range", value: { min_value: 70000, max_value: 90000, unit: "USD" } },
  budget: { name: "Budget", type: "currency", value: { unit: "EUR", amount: null } }
}

describe("ats.application: prospects and jobs", () => {
  it("carries every job of a prospect application, and none", () => {
    const several = decode(Application.model, { id: "4", candidateId: "9", jobIds: ["7", "8", "12"], prospect: true })
    expect(several.jobIds).toEqual(["7", "8", "12"])
    expect(several.jobId).toBeUndefined()
    expect(decode(Application.model, { id: "5", jobIds: [], prospect: true }).jobIds).toEqual([])
    expect(decode(Application.model, { id: "3", jobId: "7", jobIds: ["7"], prospect: false })).toMatchObject({ jobId: "7", jobIds: ["7"] })
    refused(Application.model, { id: "4", jobIds: "7,8" }, "jobIds")
  })

  it("carries a prospect's pool, owner and prospective department and office", () => {
    const record = decode(Application.model, {
      id: "4",
      prospect: true,
      currentStage: { id: "826", name: "In Discussion" },
      prospectPool: { id: "227", name: "Silver Medalists" },
      prospectOwner: { id: "92120", name: "Ada Admin" },
      prospectiveDepartment: { id: "9024", name: "Marketing", parentId: "9000", childIds: [] },
      prospectiveOffice: { id: "59213", name: "New York", location: "New York, NY", childIds: ["59214"] }
    })
    expect(record.prospectPool).toEqual({ id: "227", name: "Silver Medalists" })
    expect(record.prospectOwner).toEqual({ id: "92120", name: "Ada Admin" })
    expect(record.prospectiveDepartment).toEqual({ id: "9024", name: "Marketing", parentId: "9000", childIds: [] })
    expect(record.prospectiveOffice?.location).toBe("New York, NY")
    refused(Application.model, { id: "4", prospect: "yes" }, "prospect")
    refused(Application.model, { id: "4", prospectiveOffice: { name: "New York" } }, "prospectiveOffice.id")
  })

  it("carries documents and custom fields", () => {
    const record = decode(Application.model, {
      id: "3",
      attachments: [{ fileName: "Ada_Resume.pdf", type: "resume", createdAt: "2026-01-02T03:04:05.000Z" }, { fileName: "notes.txt" }],
      customFields
    })
    expect(record.attachments).toEqual([
      { fileName: "Ada_Resume.pdf", type: "resume", createdAt: "2026-01-02T03:04:05.000Z" },
      { fileName: "notes.txt" }
    ])
    expect(record.customFields).toEqual(customFields)
    refused(Application.model, { id: "3", attachments: [{ type: "resume" }] }, "attachments.0.fileName")
    refused(Application.model, { id: "3", attachments: [{ fileName: "a.pdf", type: "photo" }] }, "attachments.0.type")
  })

  it("groups the new fields so a subscription can ask for them", () => {
    expect(Application.model.fieldGroups["links"]).toEqual(["candidateId", "jobId", "jobIds"])
    expect(Application.model.fieldGroups["prospect"]).toEqual([
      "prospect",
      "prospectPool",
      "prospectOwner",
      "prospectiveDepartment",
      "prospectiveOffice"
    ])
    expect(Application.model.fieldGroups["attachments"]).toEqual(["attachments"])
    expect(Application.model.fieldGroups["customFields"]).toEqual(["customFields"])
  })
})

describe("ats.candidate: documents, background and custom fields", () => {
  it("carries attachments, educations, employments and custom fields", () => {
    const record = decode(Candidate.model, {
      id: "9",
      attachments: [{ fileName: "Grace_Resume.pdf", type: "resume" }],
      educations: [{ id: "561227", school: "University of Michigan", degree: "Bachelor's Degree", discipline: "Computer Science", startDate: "2012-08-15", endDate: "2016-05-15" }],
      employments: [{ id: "8485064", company: "Initech", title: "Engineer", startDate: "2016-06-01" }],
      customFields
    })
    expect(record.attachments).toEqual([{ fileName: "Grace_Resume.pdf", type: "resume" }])
    expect(record.educations![0]).toMatchObject({ school: "University of Michigan", startDate: "2012-08-15", endDate: "2016-05-15" })
    expect(record.employments![0]).toEqual({ id: "8485064", company: "Initech", title: "Engineer", startDate: "2016-06-01" })
    expect(record.customFields).toEqual(customFields)
    expect(Candidate.model.fieldGroups["background"]).toEqual(["educations", "employments"])
    expect(Candidate.model.fieldGroups["attachments"]).toEqual(["attachments"])
    expect(Candidate.model.fieldGroups["customFields"]).toEqual(["customFields"])
  })

  it("refuses an instant where a calendar date belongs, and a custom field value of no known shape", () => {
    refused(Candidate.model, { id: "9", educations: [{ startDate: "2012-08-15T00:00:00.000Z" }] }, "educations.0.startDate")
    refused(Candidate.model, { id: "9", employments: [{ endDate: "May 2016" }] }, "employments.0.endDate")
    refused(Candidate.model, { id: "9", customFields: { a: { value: { nested: { deeper: 1 } } } } }, "customFields.a.value")
    refused(Candidate.model, { id: "9", customFields: { a: { name: "A" } } }, "customFields.a.value")
  })
})

describe("ats.job: notes, organisation trees and custom fields", () => {
  it("carries notes, department and office details with their trees, and custom fields", () => {
    const record = decode(Job.model, {
      id: "7",
      notes: "<p>Resistance to radiation a plus.</p>",
      departments: ["Platform"],
      departmentDetails: [{ id: "25907", name: "Platform", parentId: "25908", childIds: ["14510"], externalId: "12345" }],
      offices: ["New York"],
      officeDetails: [{ id: "47012", name: "New York", location: "New York, United States", parentId: "50849", childIds: ["50852", "50891"] }],
      customFields
    })
    expect(record.notes).toBe("<p>Resistance to radiation a plus.</p>")
    expect(record.departmentDetails![0]).toEqual({ id: "25907", name: "Platform", parentId: "25908", childIds: ["14510"], externalId: "12345" })
    expect(record.officeDetails![0]!.parentId).toBe("50849")
    expect(record.customFields!["salary_range"]!.value).toEqual({ min_value: 70000, max_value: 90000, unit: "USD" })
    expect(Job.model.fieldGroups["organisation"]).toEqual(["departments", "offices", "departmentDetails", "officeDetails"])
    expect(Job.model.fieldGroups["details"]).toContain("notes")
    expect(Job.model.fieldGroups["customFields"]).toEqual(["customFields"])
    refused(Job.model, { id: "7", departmentDetails: [{ id: 25907 }] }, "departmentDetails.0.id")
  })

  it("describes the new fields in its JSON Schema", () => {
    const properties = (Job.model.jsonSchema() as unknown as { properties: Record<string, unknown> }).properties
    for (const field of ["notes", "departmentDetails", "officeDetails", "customFields"]) expect(properties).toHaveProperty(field)
  })
})
