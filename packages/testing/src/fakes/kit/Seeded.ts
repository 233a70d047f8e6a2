import { en, Faker } from "@faker-js/faker"

/**
 * Deterministic data for fakes: a record's fields depend only on the fake's
 * seed and the record's index, so a fake of 1,000,000 records builds any page
 * on demand without keeping them all.
 *
 * @since 0.1.0
 */

/**
 * Realistic value pools built once per seed with faker. Per-record values are
 * then picked with {@link prng}: about a microsecond a record, where calling
 * faker per record costs ~50 µs.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pools {
  readonly firstNames: ReadonlyArray<string>
  readonly lastNames: ReadonlyArray<string>
  readonly jobTitles: ReadonlyArray<string>
  readonly departments: ReadonlyArray<string>
  readonly companies: ReadonlyArray<string>
  readonly domains: ReadonlyArray<string>
  readonly cities: ReadonlyArray<string>
  readonly streets: ReadonlyArray<string>
  readonly states: ReadonlyArray<string>
  readonly countries: ReadonlyArray<string>
  readonly industries: ReadonlyArray<string>
  readonly words: ReadonlyArray<string>
}

const poolCache = new Map<number, Pools>()

/**
 * The pools of a seed (cached).
 *
 * @since 0.1.0
 * @category constructors
 */
export const pools = (seed: number): Pools => {
  const cached = poolCache.get(seed)
  if (cached !== undefined) return cached
  const faker = new Faker({ locale: [en] })
  faker.seed(seed)
  const many = <A>(n: number, f: () => A): Array<A> => Array.from({ length: n }, f)
  const unique = (n: number, f: () => string): Array<string> => [...new Set(many(n, f))]
  const made: Pools = {
    firstNames: unique(400, () => faker.person.firstName()),
    lastNames: unique(600, () => faker.person.lastName()),
    jobTitles: unique(150, () => faker.person.jobTitle()),
    departments: unique(40, () => faker.commerce.department()),
    companies: unique(300, () => faker.company.name()),
    domains: unique(300, () => faker.internet.domainName()),
    cities: unique(200, () => faker.location.city()),
    streets: unique(300, () => faker.location.streetAddress()),
    states: unique(50, () => faker.location.state()),
    countries: ["US", "GB", "DE", "FR", "CA", "NL", "ES", "IE", "AU", "SE"],
    industries: unique(40, () => faker.company.buzzNoun()),
    words: unique(300, () => faker.word.noun())
  }
  poolCache.set(seed, made)
  return made
}

/**
 * One element of a pool, chosen by a PRNG draw.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pick = <A>(random: () => number, pool: ReadonlyArray<A>): A => pool[Math.floor(random() * pool.length)]!

/**
 * The PRNG of one record: depends only on the seed and the record's index.
 *
 * @since 0.1.0
 * @category constructors
 */
export const recordRandom = (seed: number, index: number): (() => number) =>
  prng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35))

/**
 * A small, fast PRNG (mulberry32) for choices that need no realism.
 *
 * @since 0.1.0
 * @category constructors
 */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A fake's logical clock: starts at a fixed instant and only moves when told
 * (mutations advance it), so every run of a test sees the same timestamps.
 * Fakes send it as their `Date` header.
 *
 * @since 0.1.0
 * @category models
 */
export class FakeClock {
  constructor(private ms: number = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now(): number {
    return this.ms
  }
  advance(ms: number): number {
    this.ms += ms
    return this.ms
  }
  iso(): string {
    return new Date(this.ms).toISOString()
  }
}
