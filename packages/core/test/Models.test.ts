import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { Application, Candidate, Company, Contact, Deal, Employee, Job, Model, Registry } from "@weft/core"

const good: Record<string, Record<string, unknown>> = {
  "hris.employee": {
    id: "42",
    remoteUpdatedAt: "2026-01-02T03:04:05.000Z",
    profile: { firstName: "Ada", lastName: "Lovelace", workEmail: "ada@example.com", birthDate: "1815-12-10" },
    employment: { status: "active", type: "full_time", startDate: "2024-03-01" },
    orgStructure: { jobTitle: "Engineer", manager: { id: "7" } },
    contactInfo: { phones: [{ type: "work", number: "+44 20 7946 0000" }] },
    locations: { work: { city: "London", country: "GB" } },
    compensation: { fixed: [{ amount: "85000.00", currency: "GBP", period: "year" }] },
    rawValues: { "employment.status": "Active" }
  },
  "ats.job": { id: "7", name: "Staff Engineer", status: "open", departments: ["Engineering"], openings: 2 },
  "ats.candidate": {
    id: "9",
    firstName: "Grace",
    emails: [{ type: "personal", value: "grace@example.com" }],
    links: [{ url: "https://example.com/grace" }],
    applicationIds: ["3"]
  },
  "ats.application": {
    id: "3",
    candidateId: "9",
    jobId: "7",
    status: "active",
    currentStage: { name: "Phone screen" },
    appliedAt: "2026-01-02T03:04:05Z"
  },
  "crm.company": { id: "c1", name: "Acme", domain: "acme.com", employeeCount: 120, archived: false },
  "crm.contact": { id: "p1", firstName: "Ada", emails: [{ type: "work", value: "ada@acme.com" }], companyId: "c1" },
  "crm.deal": { id: "d1", name: "Acme renewal", amount: "12000.00", currency: "EUR", status: "open", closeDate: "2026-03-31" }
}

// One bad value per model, with the path its first parse issue must name.
const bad: Record<string, readonly [Record<string, unknown>, string]> = {
  "hris.employee": [{ id: "1", profile: { workEmail: "not-an-email" } }, "profile.workEmail: "],
  "ats.job": [{ id: "1", status: "paused" }, "status: "],
  "ats.candidate": [{ id: "1", emails: [{ value: "grace@example.com" }, { value: "nope" }] }, "emails.1.value: "],
  "ats.application": [{ id: "1", currentStage: { id: "s" } }, "currentStage.name: "],
  "crm.company": [{ id: "1", employeeCount: "many" }, "employeeCount: "],
  "crm.contact": [{ id: "1", addresses: [{ city: 3 }] }, "addresses.0.city: "],
  "crm.deal": [{ id: "1", amount: "12,000" }, "amount: "]
}

const models = Registry.builtinModels

describe("Models", () => {
  it("the registry holds the seven built-in models", () => {
    expect(models.map((m) => m.name).sort()).toEqual(Object.keys(good).sort())
  })

  for (const model of models) {
    describe(model.name, () => {
      it("validates a good record into an instance of its class", () => {
        const decoded = model.decode(good[model.name])
        expect(Either.isRight(decoded)).toBe(true)
        const record = Either.getOrThrow(decoded)
        expect(record).toBeInstanceOf(model.schema as unknown as new(...args: Array<never>) => unknown)
        expect(record.id).toBe(good[model.name]!["id"])
      })

      it("needs only an id", () => {
        expect(Either.isRight(model.decode({ id: "x" }))).toBe(true)
        const missing = model.decode({})
        expect(Either.isLeft(missing) && Model.describeParseError(missing.left)).toBe("id: is missing")
        const empty = model.decode({ id: "" })
        expect(Either.isLeft(empty) && Model.describeParseError(empty.left)).toBe("id: Expected a non-empty string")
      })

      it("names the path of the first problem", () => {
        const [input, prefix] = bad[model.name]!
        const decoded = model.decode(input)
        expect(Either.isLeft(decoded)).toBe(true)
        if (Either.isLeft(decoded)) {
          const described = Model.describeParseError(decoded.left)
          expect(described.startsWith(prefix)).toBe(true)
          expect(described.length).toBeGreaterThan(prefix.length)
        }
      })

      it("drops unknown keys, also inside groups", () => {
        const input = { ...good[model.name], surprise: 1, nested: { a: 1 } }
        const record = Either.getOrThrow(model.decode(input)) as unknown as Record<string, unknown>
        expect("surprise" in record).toBe(false)
        expect("nested" in record).toBe(false)
      })

      it("exports a draft-07 JSON Schema whose root describes the record", () => {
        const schema = model.jsonSchema() as unknown as Record<string, unknown>
        expect(schema["$schema"]).toBe("http://json-schema.org/draft-07/schema#")
        expect(schema["$ref"]).toBeUndefined()
        expect(schema["type"]).toBe("object")
        expect(schema["title"]).toBe(model.name)
        expect(schema["required"]).toEqual(["id"])
        const properties = schema["properties"] as Record<string, unknown>
        const fields = Object.keys((model.schema as unknown as { fields: Record<string, unknown> }).fields)
        expect(Object.keys(properties).sort()).toEqual([...fields].sort())
        // Every field group only names real properties.
        for (const members of Object.values(model.fieldGroups)) {
          for (const field of members) expect(fields).toContain(field)
        }
        // Every $ref resolves inside the document.
        const defs = (schema["$defs"] ?? {}) as Record<string, unknown>
        for (const [, ref] of JSON.stringify(schema).matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)) {
          expect(defs[ref!]).toBeDefined()
        }
        expect(model.jsonSchema()).toBe(model.jsonSchema())
      })
    })
  }

  it("JSON Schema keeps shared formats as $defs", () => {
    const schema = Employee.model.jsonSchema() as { $defs: Record<string, { pattern?: string }>; properties: Record<string, unknown> }
    expect(schema.$defs["IsoDate"]?.pattern).toBe("^\\d{4}-\\d{2}-\\d{2}$")
    expect(schema.properties["remoteUpdatedAt"]).toEqual({ $ref: "#/$defs/IsoDateTime" })
    expect(schema.$defs["hris.employee"]).toBeUndefined()
  })

  describe("inactive predicates", () => {
    const decode = <A extends { readonly id: string }>(model: Model.Model<A>, input: unknown) =>
      Either.getOrThrow(model.decode(input))
    it("an employee is inactive once terminated", () => {
      expect(Employee.model.isInactive(decode(Employee.model, { id: "1", employment: { status: "inactive" } }))).toBe(true)
      for (const status of ["active", "pending", "leave"]) {
        expect(Employee.model.isInactive(decode(Employee.model, { id: "1", employment: { status } }))).toBe(false)
      }
      expect(Employee.model.isInactive(decode(Employee.model, { id: "1" }))).toBe(false)
    })
    it("companies, contacts and deals are inactive once archived", () => {
      expect(Company.model.isInactive(decode(Company.model, { id: "1", archived: true }))).toBe(true)
      expect(Company.model.isInactive(decode(Company.model, { id: "1", archived: false }))).toBe(false)
      expect(Contact.model.isInactive(decode(Contact.model, { id: "1", archived: true }))).toBe(true)
      expect(Contact.model.isInactive(decode(Contact.model, { id: "1" }))).toBe(false)
      expect(Deal.model.isInactive(decode(Deal.model, { id: "1", archived: true }))).toBe(true)
      // A lost deal is still a deal.
      expect(Deal.model.isInactive(decode(Deal.model, { id: "1", status: "lost" }))).toBe(false)
    })
    it("an application is inactive once rejected, a job once archived", () => {
      expect(Application.model.isInactive(decode(Application.model, { id: "1", status: "rejected" }))).toBe(true)
      expect(Application.model.isInactive(decode(Application.model, { id: "1", status: "hired" }))).toBe(false)
      expect(Job.model.isInactive(decode(Job.model, { id: "1", status: "archived" }))).toBe(true)
      expect(Job.model.isInactive(decode(Job.model, { id: "1", status: "closed" }))).toBe(false)
    })
    it("a candidate is never inactive", () => {
      expect(Candidate.model.isInactive(decode(Candidate.model, good["ats.candidate"]))).toBe(false)
      expect(Candidate.model.isInactive(decode(Candidate.model, { id: "1", tags: ["archived"] }))).toBe(false)
    })
  })

  describe("field groups", () => {
    it("fieldsFor keeps the base fields and the groups' fields", () => {
      const fields = Either.getOrThrow(Model.fieldsFor(Employee.model, ["profile", "employment"]))
      expect(fields === undefined ? [] : [...fields].sort()).toEqual(
        ["employment", "id", "profile", "remoteCreatedAt", "remoteUpdatedAt"]
      )
      expect(Either.getOrThrow(Model.fieldsFor(Employee.model, undefined))).toBeUndefined()
      expect(Either.getOrThrow(Model.fieldsFor(Employee.model, []))).toBeUndefined()
    })

    it("an unknown group is an UnknownFieldGroupError listing the known groups", () => {
      const result = Model.fieldsFor(Deal.model, ["details", "salary"])
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("UnknownFieldGroupError")
        expect(result.left.group).toBe("salary")
        expect(result.left.message).toBe(
          `Model "crm.deal" has no field group "salary". Use one of: details, relations, rawValues.`
        )
      }
      expect(Either.isLeft(Model.projection(Deal.model, ["salary"]))).toBe(true)
    })

    it("projection adds the model's and the connector's volatile fields", () => {
      const projection = Either.getOrThrow(Model.projection(Contact.model, ["profile"], ["profile.fetchedAt"]))
      expect(projection.volatile).toEqual(["remoteUpdatedAt", "profile.fetchedAt"])
      expect(projection.fields?.has("firstName")).toBe(true)
      expect(projection.fields?.has("emails")).toBe(false)
      const all = Either.getOrThrow(Model.projection(Contact.model, undefined))
      expect(all.fields).toBeUndefined()
      expect(all.volatile).toEqual(["remoteUpdatedAt"])
    })
  })

  describe("registry", () => {
    it("gets a model by name", () => {
      const employee = Registry.builtin.get("hris.employee")
      expect(Either.isRight(employee) && employee.right).toBe(Employee.model)
    })
    it("an unknown name is an UnknownModelError listing the known names", () => {
      const result = Registry.builtin.get("hris.payroll")
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("UnknownModelError")
        expect(result.left.message).toContain(`Unknown model "hris.payroll"`)
        for (const model of models) expect(result.left.message).toContain(model.name)
      }
    })
    it("lists models per category", () => {
      expect(Registry.builtin.byCategory("crm").map((m) => m.name)).toEqual(["crm.company", "crm.contact", "crm.deal"])
      expect(Registry.builtin.byCategory("ats").map((m) => m.name)).toEqual(["ats.job", "ats.candidate", "ats.application"])
      expect(Registry.builtin.byCategory("hris").map((m) => m.name)).toEqual(["hris.employee"])
    })
    it("a later model of the same name replaces an earlier one", () => {
      const replacement = Model.define({ ...Deal.model, schema: Deal.Deal, isInactive: () => true })
      const registry = Registry.make([Deal.model, replacement])
      expect(registry.all).toHaveLength(1)
      expect(Either.getOrThrow(registry.get("crm.deal"))).toBe(replacement)
    })
  })
})
