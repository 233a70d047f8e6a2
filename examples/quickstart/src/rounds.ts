import type { BambooHRFake } from "@weft/testing"
import * as Effect from "effect/Effect"
import type { ExpectedIds } from "./checks.js"
import { DemoFailure } from "./errors.js"

/**
 * The changes a delta round makes in the fake BambooHR: a few hires, title
 * changes, terminations and deletions, scaled to the company's size and
 * chosen deterministically from the fake's seed.
 *
 * @since 0.1.0
 */

/**
 * How many of each change a round makes.
 *
 * @since 0.1.0
 * @category models
 */
export interface RoundSize {
  readonly hires: number
  readonly titleChanges: number
  readonly terminations: number
  readonly deletions: number
}

/**
 * The changes one round applied, by employee id.
 *
 * @since 0.1.0
 * @category models
 */
export interface Mutations {
  readonly round: number
  readonly hires: ReadonlyArray<string>
  readonly titleChanges: ReadonlyArray<string>
  readonly terminations: ReadonlyArray<string>
  readonly deletions: ReadonlyArray<string>
}

/**
 * The record events a run should emit.
 *
 * @since 0.1.0
 * @category models
 */
export interface Expected {
  readonly new: number
  readonly changed: number
  readonly deleted: number
}

/**
 * 1 % hires, 2 % title changes, 0.5 % terminations and 0.25 % deletions of
 * the starting head count, at least one of each.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sizeFor = (employees: number): RoundSize => ({
  hires: Math.max(1, Math.round(employees * 0.01)),
  titleChanges: Math.max(1, Math.round(employees * 0.02)),
  terminations: Math.max(1, Math.round(employees * 0.005)),
  deletions: Math.max(1, Math.round(employees * 0.0025))
})

const TITLES = [
  "Senior Platform Engineer",
  "Customer Success Lead",
  "Head of Payroll",
  "Staff Data Analyst",
  "People Partner",
  "Solutions Architect",
  "Finance Manager",
  "Security Engineer"
]

/** A title the employee does not have yet, so the change is a real one. */
const newTitle = (current: string, n: number): string => {
  const first = TITLES[n % TITLES.length]!
  return first === current ? TITLES[(n + 1) % TITLES.length]! : first
}

/**
 * Applies one round to the fake. Title changes, terminations and deletions
 * go to distinct active employees, so each change shows up as exactly one
 * event; hires come last so that none of them is picked.
 *
 * @since 0.1.0
 * @category mutations
 */
export const apply = (fake: BambooHRFake.Fake, round: number, size: RoundSize): Effect.Effect<Mutations, DemoFailure> =>
  Effect.suspend(() => {
    const wanted = size.titleChanges + size.terminations + size.deletions
    const picked = fake.randomIds(wanted, { active: true })
    if (picked.length < wanted) {
      return Effect.fail(
        new DemoFailure({
          reason: "setup",
          detail: `Round ${round} needs ${wanted} active employees to change but the fake company has only ${picked.length} left; use more --employees or fewer --delta-rounds.`
        })
      )
    }
    const titleChanges = picked.slice(0, size.titleChanges)
    const terminations = picked.slice(size.titleChanges, size.titleChanges + size.terminations)
    const deletions = picked.slice(size.titleChanges + size.terminations)
    titleChanges.forEach((id, i) => fake.changeTitle(id, newTitle(fake.get(id)?.jobTitleName ?? "", round * 31 + i)))
    terminations.forEach((id) => fake.terminate(id))
    deletions.forEach((id) => fake.remove(id))
    const hires = Array.from({ length: size.hires }, () => fake.hire().id)
    return Effect.succeed({ round, hires, titleChanges, terminations, deletions })
  })

/**
 * What a delta run after `mutations` must emit: new = hires, changed = title
 * changes, deleted = terminations + deletions.
 *
 * @since 0.1.0
 * @category checks
 */
export const expectedOf = (mutations: Mutations): Expected => ({
  new: mutations.hires.length,
  changed: mutations.titleChanges.length,
  deleted: mutations.terminations.length + mutations.deletions.length
})

/**
 * What the initial run must emit: one `record.new` per active employee
 * (inactive ones are skipped).
 *
 * @since 0.1.0
 * @category checks
 */
export const expectedInitial = (fake: BambooHRFake.Fake, employees: number): Expected => {
  let active = 0
  for (let id = 1; id <= employees; id++) {
    if (fake.get(String(id))?.status === "Active") active += 1
  }
  return { new: active, changed: 0, deleted: 0 }
}

/**
 * The record ids the initial sync must deliver as `record.new`: the active
 * employees.
 *
 * @since 0.1.0
 * @category checks
 */
export const initialIds = (fake: BambooHRFake.Fake, employees: number): ExpectedIds => {
  const active: Array<string> = []
  for (let id = 1; id <= employees; id++) {
    if (fake.get(String(id))?.status === "Active") active.push(String(id))
  }
  return { new: active, changed: [], deleted: [] }
}

/**
 * The record ids a delta after `mutations` must deliver, by event type.
 *
 * @since 0.1.0
 * @category checks
 */
export const idsOf = (mutations: Mutations): ExpectedIds => ({
  new: mutations.hires,
  changed: mutations.titleChanges,
  deleted: [...mutations.terminations, ...mutations.deletions]
})
