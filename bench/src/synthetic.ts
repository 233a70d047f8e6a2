/**
 * Synthetic employees for benchmarks: ~400 bytes of JSON each, derived from
 * the index alone (no storage), with a version that mutations bump.
 */
const first = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"]
const last = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Berners-Lee"]
const titles = ["Engineer", "Senior Engineer", "Staff Engineer", "Manager", "Designer", "Analyst", "Recruiter"]
const departments = ["Engineering", "Design", "Finance", "People", "Sales", "Support"]
const cities = ["Berlin", "Lisbon", "Dublin", "Toronto", "Austin", "Melbourne"]

export const employee = (i: number, version = 0) => ({
  id: String(i),
  remoteUpdatedAt: `2026-01-${String(1 + (version % 28)).padStart(2, "0")}T09:00:00.000Z`,
  profile: {
    firstName: first[i % first.length]!,
    lastName: last[(i >> 3) % last.length]!,
    employeeNumber: `E${100000 + i}`,
    workEmail: `employee${i}@example.com`
  },
  employment: { status: "active" as const, type: "full_time" as const, startDate: "2021-03-01" },
  orgStructure: {
    jobTitle: version === 0 ? titles[i % titles.length]! : `${titles[i % titles.length]} v${version}`,
    department: departments[i % departments.length]!,
    manager: { id: String(Math.max(1, i >> 4)) }
  },
  locations: { work: { city: cities[i % cities.length]! } },
  compensation: { fixed: [{ amount: `${50000 + (i % 50) * 1000}.00`, currency: "EUR", period: "year" as const }] }
})
