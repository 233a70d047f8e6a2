/**
 * The JSON shapes the Greenhouse fake serves, after the Harvest v1 docs
 * (candidate, application and job objects). Kept apart from the connector's
 * own Schemas on purpose: the two are independent readings of the docs, and a
 * test decodes one with the other.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface UserRef {
  readonly id: number
  readonly first_name: string
  readonly last_name: string
  readonly name: string
  readonly employee_id: string | null
  readonly responsible?: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface TypedValue {
  readonly value: string
  readonly type: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface IdName {
  readonly id: number
  readonly name: string
}

/**
 * A document. Stored with its bare `url`; served with a signature that
 * changes on every answer (Harvest's links are signed per answer and expire
 * after 7 days).
 *
 * @since 0.1.0
 * @category models
 */
export interface AttachmentJson {
  readonly filename: string
  readonly url: string
  readonly type: "resume" | "cover_letter" | "offer_packet" | "offer_letter" | "take_home_test" | "other"
  readonly created_at: string
}

/**
 * One entry of `keyed_custom_fields`.
 *
 * @since 0.1.0
 * @category models
 */
export interface KeyedCustomField {
  readonly name: string
  readonly type: string
  readonly value: unknown
}

/**
 * `custom_fields` (by name-derived key) and `keyed_custom_fields` (by
 * immutable key): every active field of the object, `null` when unset.
 *
 * @since 0.1.0
 * @category models
 */
export interface CustomFieldsJson {
  readonly custom_fields: Readonly<Record<string, unknown>>
  readonly keyed_custom_fields: Readonly<Record<string, KeyedCustomField>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface EducationJson {
  readonly id: number
  readonly school_name: string | null
  readonly degree: string | null
  readonly discipline: string | null
  readonly start_date: string | null
  readonly end_date: string | null
}

/**
 * @since 0.1.0
 * @category models
 */
export interface EmploymentJson {
  readonly id: number
  readonly company_name: string | null
  readonly title: string | null
  readonly start_date: string | null
  readonly end_date: string | null
}

/**
 * An application as stored by the fake; `jobs[].name` is filled in when served.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApplicationJson extends CustomFieldsJson {
  readonly id: number
  readonly candidate_id: number
  readonly prospect: boolean
  readonly applied_at: string
  readonly rejected_at: string | null
  readonly last_activity_at: string
  readonly location: { readonly address: string } | null
  readonly source: { readonly id: number; readonly public_name: string } | null
  readonly credited_to: UserRef | null
  readonly recruiter: UserRef | null
  readonly coordinator: UserRef | null
  readonly rejection_reason: { readonly id: number; readonly name: string; readonly type: IdName } | null
  readonly rejection_details: { readonly custom_fields: object; readonly keyed_custom_fields: object } | null
  readonly jobs: ReadonlyArray<IdName>
  readonly job_post_id: number | null
  readonly status: "active" | "rejected" | "hired" | "converted"
  readonly current_stage: IdName | null
  readonly answers: ReadonlyArray<{ readonly question: string; readonly answer: string }>
  /** Prospects only (else `null`). */
  readonly prospective_office: OfficeJson | null
  /** Prospects only (else `null`). */
  readonly prospective_department: DepartmentJson | null
  readonly prospect_detail: {
    readonly prospect_pool: IdName | null
    readonly prospect_stage: IdName | null
    readonly prospect_owner: IdName | null
  }
  readonly attachments: ReadonlyArray<AttachmentJson>
}

/**
 * A candidate as stored by the fake: everything but its applications, which
 * are joined in when served (their attachments then join the candidate's own).
 *
 * @since 0.1.0
 * @category models
 */
export interface CandidateBase extends CustomFieldsJson {
  readonly id: number
  readonly first_name: string
  readonly last_name: string
  readonly company: string | null
  readonly title: string | null
  readonly created_at: string
  readonly updated_at: string
  readonly last_activity: string
  readonly is_private: boolean
  readonly photo_url: null
  readonly attachments: ReadonlyArray<AttachmentJson>
  readonly phone_numbers: ReadonlyArray<TypedValue>
  readonly addresses: ReadonlyArray<TypedValue>
  readonly email_addresses: ReadonlyArray<TypedValue>
  readonly website_addresses: ReadonlyArray<TypedValue>
  readonly social_media_addresses: ReadonlyArray<{ readonly value: string }>
  readonly recruiter: UserRef | null
  readonly coordinator: UserRef | null
  readonly can_email: boolean
  readonly tags: ReadonlyArray<string>
  readonly educations: ReadonlyArray<EducationJson>
  readonly employments: ReadonlyArray<EmploymentJson>
  readonly linked_user_ids: ReadonlyArray<number>
}

/**
 * A candidate as served.
 *
 * @since 0.1.0
 * @category models
 */
export interface CandidateJson extends CandidateBase {
  readonly application_ids: ReadonlyArray<number>
  readonly applications: ReadonlyArray<ApplicationJson>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface DepartmentJson {
  readonly id: number
  readonly name: string
  readonly parent_id: number | null
  readonly child_ids: ReadonlyArray<number>
  readonly external_id: string | null
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OfficeJson {
  readonly id: number
  readonly name: string
  readonly location: { readonly name: string | null }
  readonly primary_contact_user_id: number | null
  readonly parent_id: number | null
  readonly child_ids: ReadonlyArray<number>
  readonly external_id: string | null
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OpeningJson {
  readonly id: number
  readonly opening_id: string | null
  readonly status: "open" | "closed"
  readonly opened_at: string | null
  readonly closed_at: string | null
  readonly application_id: number | null
  readonly close_reason: IdName | null
}

/**
 * @since 0.1.0
 * @category models
 */
export interface JobJson extends CustomFieldsJson {
  readonly id: number
  readonly name: string
  readonly requisition_id: string | null
  readonly notes: string | null
  readonly confidential: boolean
  readonly status: "open" | "closed" | "draft"
  readonly created_at: string
  readonly opened_at: string | null
  readonly closed_at: string | null
  readonly updated_at: string
  readonly is_template: boolean
  readonly copied_from_id: number | null
  readonly departments: ReadonlyArray<DepartmentJson>
  readonly offices: ReadonlyArray<OfficeJson>
  readonly hiring_team: {
    readonly hiring_managers: ReadonlyArray<UserRef>
    readonly recruiters: ReadonlyArray<UserRef>
    readonly coordinators: ReadonlyArray<UserRef>
    readonly sourcers: ReadonlyArray<UserRef>
  }
  readonly openings: ReadonlyArray<OpeningJson>
}
