import { Greenhouse } from "@weft/connectors"
import * as Effect from "effect/Effect"
import type { ConnectorFixture, ExpectedEvent } from "../../conformance/connector/Fixture.js"
import { type CollectionName, type Fake, scoped } from "./fake.js"
import type { ApplicationJson } from "./records.js"

/**
 * The Greenhouse connector's conformance fixture.
 *
 * Harvest has no delete feed, so deletes are only seen by a full read and
 * sweep. The fixture's connector sets `fullReadEvery: 0`: every delta is then
 * a full read (plus what `readChanges` would return), and the events `mutate`
 * announces — deletions included — are exactly what that delta emits.
 * `readChanges` itself is covered by the connector's own tests.
 *
 * @since 0.1.0
 */

const COLLECTIONS: Readonly<Record<string, CollectionName>> = {
  "ats.candidate": "candidates",
  "ats.application": "applications",
  "ats.job": "jobs"
}

const isActiveCandidateApplication = (a: ApplicationJson) => a.status === "active" && !a.prospect

/**
 * The scripted mutations: every model gets a create, a field change, and
 * (where it has them) an inactivation and a deletion. Returns the events a
 * delta then emits.
 *
 * - a job is created (new) and an open job is closed (changed);
 * - a candidate is created with an application on the new job (two news);
 * - a candidate's title and company change (changed);
 * - an active application is rejected (deleted, inactive);
 * - an active application is hired (changed), filling an opening of its open
 *   job (that job changes too);
 * - a candidate with no rejected application is deleted (deleted, removed),
 *   and its applications vanish with it (each deleted, removed).
 *
 * @since 0.1.0
 * @category fixtures
 */
export const mutate = (fake: Fake): ReadonlyArray<ExpectedEvent> => {
  const events: Array<ExpectedEvent> = []
  const push = (model: string, type: ExpectedEvent["type"], id: number, reason?: "removed" | "inactive") =>
    events.push({ model, type, recordId: String(id), ...(reason === undefined ? {} : { reason }) })
  const need = <A>(value: A | undefined, what: string): A => {
    if (value === undefined) throw new Error(`Greenhouse fixture: the fake has no ${what}; start it with a larger size`)
    return value
  }

  const toHire = need(
    fake.findApplication((a) => {
      const job = a.jobs[0] === undefined ? undefined : fake.job(a.jobs[0].id)
      return isActiveCandidateApplication(a) && job?.status === "open" && job.openings.some((o) => o.status === "open")
    }),
    "active application on an open job with an open opening"
  )
  const hiringJob = toHire.jobs[0]!.id
  const toClose = need(fake.findJob((j) => j.status === "open", [hiringJob]), "second open job")
  const toReject = need(fake.findApplication(isActiveCandidateApplication, [toHire.id]), "second active application")
  const toUpdate = need(fake.findCandidate(() => true, [toHire.candidate_id, toReject.candidate_id]), "candidate to update")
  const toDelete = need(
    fake.findCandidate(
      (c) => c.applications.length > 0 && c.applications.every((a) => a.status !== "rejected"),
      [toHire.candidate_id, toReject.candidate_id, toUpdate.id]
    ),
    "candidate without rejected applications"
  )

  const job = fake.createJob({ name: "Staff Platform Engineer" })
  push("ats.job", "record.new", job.id)
  fake.closeJob(toClose.id)
  push("ats.job", "record.changed", toClose.id)

  const created = fake.createCandidate({ first_name: "Ada", last_name: "Lovelace", jobId: job.id })
  push("ats.candidate", "record.new", created.candidate.id)
  push("ats.application", "record.new", created.application!.id)

  fake.updateCandidate(toUpdate.id, { title: "Principal Engineer", company: "Analytical Engines Ltd" })
  push("ats.candidate", "record.changed", toUpdate.id)

  fake.rejectApplication(toReject.id)
  push("ats.application", "record.deleted", toReject.id, "inactive")

  const hired = fake.hireApplication(toHire.id)
  push("ats.application", "record.changed", toHire.id)
  if (hired.filledOpening) push("ats.job", "record.changed", hiringJob)

  const deleted = fake.deleteCandidate(toDelete.id)
  push("ats.candidate", "record.deleted", deleted.candidateId, "removed")
  for (const id of deleted.applicationIds) push("ats.application", "record.deleted", id, "removed")
  return events
}

/**
 * @since 0.1.0
 * @category fixtures
 */
export const fixture: ConnectorFixture<Greenhouse.Credentials> = {
  name: "greenhouse",
  setup: ({ seed, size }) =>
    Effect.gen(function*() {
      const fake = yield* scoped({ size, seed })
      // At least three pages per collection; Harvest's own cap is 500.
      const pageSize = Math.max(1, Math.min(500, Math.floor(size / 4)))
      const connector = Greenhouse.connector({
        baseUrl: fake.url,
        pageSize,
        fullReadEvery: 0,
        retry: { baseDelay: "50 millis", maxDelay: "500 millis" }
      })
      return {
        connector,
        credentials: { apiKey: fake.keys.full },
        badCredentials: [
          { name: "unknown key", credentials: { apiKey: fake.keys.unknown }, code: "invalid_credentials" },
          { name: "revoked key", credentials: { apiKey: fake.keys.revoked }, code: "invalid_credentials" },
          {
            name: "key without the applications permission",
            credentials: { apiKey: fake.keys.withoutApplications },
            code: "insufficient_permissions"
          }
        ],
        pageSize,
        mutate: () => Effect.sync(() => mutate(fake)),
        throttle: () => Effect.sync(() => fake.throttle({ times: 2, retryAfterSeconds: 1 })),
        failMidRead: (model) =>
          Effect.sync(() => {
            const collection = COLLECTIONS[model]
            if (collection !== undefined) fake.failMidRead(collection)
          }),
        requestCount: () => fake.requests.length,
        authProblems: () => fake.authProblems()
      }
    })
}
