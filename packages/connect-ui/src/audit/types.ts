import type { WeftApi } from "@weft/api"

/**
 * The API's views as the page receives them (JSON: the schemas' encoded
 * side). Types only: the page never loads `@weft/api` or effect.
 */

export type Integration = typeof WeftApi.Integration.Encoded
export type IntegrationStatus = typeof WeftApi.IntegrationStatus.Type
export type Sync = typeof WeftApi.Sync.Encoded
export type Run = typeof WeftApi.Run.Encoded
export type RunStatus = typeof WeftApi.RunStatus.Type
export type RunIssue = typeof WeftApi.RunIssue.Encoded
export type ModelAudit = typeof WeftApi.ModelAudit.Encoded
export type InvalidRecord = typeof WeftApi.InvalidRecord.Encoded
export type Event = typeof WeftApi.Event.Encoded
export type EventStatus = typeof WeftApi.EventStatus.Type
export type Attempt = typeof WeftApi.Attempt.Encoded
export type ReplayResult = typeof WeftApi.ReplayResult.Encoded
export type Destination = typeof WeftApi.Destination.Encoded
export type TriggerInput = typeof WeftApi.TriggerInput.Encoded
export type ResyncInput = typeof WeftApi.ResyncInput.Encoded

/** A page of a list: pass `next` as `cursor` for the following one. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly next?: string | undefined
}
