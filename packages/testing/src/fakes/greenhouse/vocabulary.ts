/**
 * The vocabulary of the fake organisation: id ranges, interview stages,
 * sources, rejection reasons, prospect pools, tags, schools and degrees, and
 * the custom fields of each object.
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
  /** Regional offices, parents of the city offices. */
  region: 50_800,
  education: 560_000_000,
  employment: 840_000_000,
  attachment: 150_000_000,
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

/**
 * The top of the department tree; the organisation's other departments sit
 * below these, in turn.
 *
 * @since 0.1.0
 * @category constants
 */
export const TOP_DEPARTMENTS = 4

/**
 * Regions, the parents of the city offices (by the city's country).
 *
 * @since 0.1.0
 * @category constants
 */
export const REGIONS: ReadonlyArray<{ readonly name: string; readonly countries: ReadonlyArray<string> }> = [
  { name: "North America", countries: ["US", "CA"] },
  { name: "EMEA", countries: ["GB", "DE", "FR", "NL", "ES", "IE", "SE"] },
  { name: "APAC", countries: ["AU"] }
]

/**
 * @since 0.1.0
 * @category constants
 */
export const SCHOOLS = [
  "University of Michigan - Ann Arbor", "Georgia Institute of Technology", "University of Waterloo",
  "Technical University of Munich", "University College London", "Universidad Complutense de Madrid",
  "University of Toronto", "Arizona State University", "Trinity College Dublin", "KTH Royal Institute of Technology",
  "University of Melbourne", "Delft University of Technology", "Ohio State University", "City College of New York"
]

/**
 * @since 0.1.0
 * @category constants
 */
export const DEGREES = [
  "High School", "Associate's Degree", "Bachelor's Degree", "Bachelor's Degree", "Bachelor's Degree",
  "Master's Degree", "Master's Degree", "Master of Business Administration (M.B.A.)", "Doctor of Philosophy (Ph.D.)", "Other"
]

/**
 * @since 0.1.0
 * @category constants
 */
export const DISCIPLINES = [
  "Computer Science", "Computer Engineering", "Mathematics", "Economics", "Business Administration", "Psychology",
  "Electrical Engineering", "Statistics", "Graphic Design", "Communications", "Mechanical Engineering", "Finance"
]

/**
 * @since 0.1.0
 * @category constants
 */
export const LANGUAGES = ["English", "Spanish", "French", "German", "Mandarin", "Portuguese", "Japanese", "Hindi"]

/**
 * @since 0.1.0
 * @category constants
 */
export const NOTICE_PERIODS = ["Immediately", "2 weeks", "1 month", "2 months", "3 months"]

/**
 * A custom field of the organisation. `key` names it in `custom_fields`
 * (derived from its first name), `fieldKey` in `keyed_custom_fields` (its
 * immutable key, which differs once a field was renamed or recreated).
 *
 * @since 0.1.0
 * @category models
 */
export interface CustomFieldDef {
  readonly key: string
  readonly fieldKey: string
  readonly name: string
  readonly type: string
}

/**
 * @since 0.1.0
 * @category constants
 */
export const CANDIDATE_FIELDS = {
  desiredSalary: { key: "desired_salary", fieldKey: "desired_salary", name: "Desired Salary", type: "short_text" },
  workRemotely: { key: "work_remotely", fieldKey: "work_remotely", name: "Work Remotely", type: "boolean" },
  graduationYear: { key: "graduation_year", fieldKey: "graduation_year_1", name: "Graduation Year", type: "single_select" },
  languages: { key: "languages", fieldKey: "languages", name: "Languages", type: "multi_select" }
} as const satisfies Record<string, CustomFieldDef>

/**
 * @since 0.1.0
 * @category constants
 */
export const APPLICATION_FIELDS = {
  noticePeriod: { key: "notice_period", fieldKey: "notice_period", name: "Notice Period", type: "single_select" },
  relocation: { key: "relocation_required", fieldKey: "relocation_required", name: "Relocation Required", type: "boolean" },
  salaryExpectation: { key: "salary_expectation", fieldKey: "salary_expectation", name: "Salary Expectation", type: "currency" }
} as const satisfies Record<string, CustomFieldDef>

/**
 * @since 0.1.0
 * @category constants
 */
export const JOB_FIELDS = {
  employmentType: { key: "employment_type", fieldKey: "employment_type", name: "Employment Type", type: "single_select" },
  salaryRange: { key: "salary_range", fieldKey: "salary_range", name: "Salary Range", type: "currency_range" },
  costCenter: { key: "cost_center", fieldKey: "cost_center", name: "Cost Center", type: "short_text" },
  remoteEligible: { key: "remote_eligible", fieldKey: "remote_eligible", name: "Remote Eligible", type: "boolean" }
} as const satisfies Record<string, CustomFieldDef>
