/**
 * The vocabulary of the fake organisation: id ranges, interview stages,
 * sources, rejection reasons, prospect pools, tags.
 *
 * @since 0.1.0
 */

/**
 * Id ranges (Harvest ids are integers; these look like real ones and never overlap).
 *
 * @since 0.1.0
 * @category constants
 */
export const IDS = {
  candidate: 40_000_000,
  application: 70_000_000,
  createdApplication: 90_000_000,
  job: 4_000_000,
  user: 100_000,
  department: 25_900,
  office: 47_000,
  opening: 300_000,
  jobPost: 500_000,
  stage: 2_000_000
} as const

/**
 * At most this many applications per seeded candidate (ids leave room for it).
 *
 * @since 0.1.0
 * @category constants
 */
export const APPLICATION_SLOTS = 4

/**
 * A job's interview plan (stage ids are per job, as in Greenhouse).
 *
 * @since 0.1.0
 * @category constants
 */
export const STAGES = [
  "Application Review",
  "Recruiter Phone Screen",
  "Hiring Manager Screen",
  "Take Home Test",
  "Face to Face",
  "Reference Check",
  "Offer"
] as const

/**
 * @since 0.1.0
 * @category constants
 */
export const SOURCES = [
  { id: 2, public_name: "Jobs page on your website" },
  { id: 16, public_name: "LinkedIn (Prospecting)" },
  { id: 7, public_name: "Referral" },
  { id: 12, public_name: "Meetups" },
  { id: 21, public_name: "Indeed" },
  { id: 33, public_name: "Glassdoor" },
  { id: 41, public_name: "Campus Job Fair" },
  { id: 55, public_name: "Agency" }
] as const

const WE_REJECTED = { id: 1, name: "We rejected them" }
const THEY_REJECTED = { id: 2, name: "They rejected us" }

/**
 * @since 0.1.0
 * @category constants
 */
export const REJECTION_REASONS = [
  { id: 8, name: "Lacking skill(s)/qualification(s)", type: WE_REJECTED },
  { id: 9504, name: "Hired another candidate", type: WE_REJECTED },
  { id: 10, name: "Position filled", type: WE_REJECTED },
  { id: 815, name: "Higher salary offer made", type: THEY_REJECTED },
  { id: 14, name: "Accepted another offer", type: THEY_REJECTED },
  { id: 17, name: "Unresponsive", type: { id: 3, name: "None specified" } }
] as const

/**
 * @since 0.1.0
 * @category constants
 */
export const PROSPECT_POOLS = [
  { id: 227, name: "Opted In: In-Person Event" },
  { id: 228, name: "Silver Medalists" },
  { id: 229, name: "Sourced: LinkedIn" }
]
/**
 * @since 0.1.0
 * @category constants
 */
export const PROSPECT_STAGES = [
  { id: 826, name: "In Discussion" },
  { id: 827, name: "Contacted" },
  { id: 828, name: "Not Contacted" }
]
/**
 * @since 0.1.0
 * @category constants
 */
export const TAGS = [
  "Python", "Ruby", "Go", "TypeScript", "Referral", "Silver medalist", "Relocation",
  "Remote only", "Visa required", "Diversity event", "Bootcamp", "Returner"
]
/**
 * Harvest's phone types, weighted towards mobile.
 *
 * @since 0.1.0
 * @category constants
 */
export const PHONE_TYPES = ["mobile", "mobile", "mobile", "home", "work", "skype", "other"]

/**
 * @since 0.1.0
 * @category constants
 */
export const WEBSITE_TYPES = ["personal", "portfolio", "blog", "company", "other"]

/**
 * Users of the organisation (recruiters, coordinators, hiring managers).
 *
 * @since 0.1.0
 * @category constants
 */
export const USERS = 60
