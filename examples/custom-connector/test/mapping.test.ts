import { describe, expect, it } from "@effect/vitest"
import { Contact, Model } from "@weft/core/models"
import * as Either from "effect/Either"
import { toContact } from "../src/mapping.js"

const contact = {
  id: "ct_000042",
  name: { first: "Ada", last: "Lovelace" },
  email: "ada@analytical.example",
  phones: [
    { kind: "landline", number: "+44 20 7946 0000" },
    { kind: "pager", number: "+44 20 7946 0001" }
  ],
  job_title: "Head of Engineering",
  organization_id: "org_00007",
  owner_id: "agt_3",
  tickets_count: 12,
  created_at: "2025-03-01T10:00:00.000Z",
  updated_at: "2026-01-02T08:30:00.000Z",
  archived_at: null
}

const decode = (raw: unknown) => Contact.model.decode(toContact(raw))

describe("Tickety mapping", () => {
  it("maps a contact to a valid crm.contact, leaving tickets_count out", () => {
    const decoded = decode(contact)
    expect(Either.isRight(decoded)).toBe(true)
    expect(toContact(contact)).toEqual({
      id: "ct_000042",
      remoteCreatedAt: "2025-03-01T10:00:00.000Z",
      remoteUpdatedAt: "2026-01-02T08:30:00.000Z",
      firstName: "Ada",
      lastName: "Lovelace",
      title: "Head of Engineering",
      emails: [{ value: "ada@analytical.example" }],
      phones: [{ type: "home", number: "+44 20 7946 0000" }, { number: "+44 20 7946 0001" }],
      companyId: "org_00007",
      ownerId: "agt_3",
      archived: false,
      rawValues: { "phones.0.type": "landline", "phones.1.type": "pager" }
    })
  })

  it("an archived contact is inactive; null values are left out, never invented", () => {
    const archived = { ...contact, archived_at: "2026-01-03T00:00:00.000Z", job_title: null, organization_id: null, email: null, phones: [] }
    const decoded = Either.getOrThrow(decode(archived))
    expect(Contact.model.isInactive(decoded)).toBe(true)
    const mapped = toContact(archived)
    expect(Object.keys(mapped)).not.toContain("title")
    expect(Object.keys(mapped)).not.toContain("companyId")
    expect(Object.keys(mapped)).not.toContain("emails")
  })

  it("a value of the wrong kind reaches the model, which rejects that record naming the field", () => {
    const decoded = decode({ ...contact, email: "not an e-mail address" })
    expect(Either.isLeft(decoded)).toBe(true)
    if (Either.isLeft(decoded)) expect(Model.describeParseError(decoded.left)).toMatch(/^emails\.0\.value: /)
    // The mapper itself never throws, whatever it is given.
    expect(() => toContact(null)).not.toThrow()
    expect(() => toContact({ name: "Ada", phones: "none" })).not.toThrow()
  })
})
