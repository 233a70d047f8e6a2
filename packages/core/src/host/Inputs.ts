import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { type EventType, eventTypes, RunStatus } from "../events/Event.js"
import type * as Api from "./Api.js"
import { InvalidInputError } from "./Api.js"
import type { TriggerOptions as TriggerOptionsType } from "./Scheduler.js"
import type { WeftOptions as WeftOptionsType, WeftService } from "./Weft.js"

/**
 * The boundary of the host API: a Schema for every input the host gives Weft
 * (the arguments of each {@link WeftService} operation and the Weft options),
 * and the decoding that turns a bad input into an `InvalidInputError` naming
 * the path of the bad value (`tenant`, `syncs[0].destination.secrets[1]`) and
 * saying what was expected and what was got. The detail describes what was
 * got by its kind and size only (`a string of 300 characters`, `an object`),
 * never by its content, so secrets and credentials are never echoed.
 *
 * The Schemas produce the input types of `Api` unchanged: decoding checks
 * values, keeps `Redacted` secrets `Redacted`, and leaves credentials as given
 * (the connector's credentials Schema decodes them later).
 *
 * @since 0.1.0
 */

// Filters marked with this annotation return, as their failure message, a
// description of what was got that never quotes the value; only those
// messages are shown.
const SafeGot: unique symbol = Symbol.for("@weft/core/host/Inputs/SafeGot")

// C0 and C1 control characters, DEL included.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/**
 * What a value is, by kind and size, never by content.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeValue = (u: unknown): string => {
  if (u === undefined) return "undefined"
  if (u === null) return "null"
  switch (typeof u) {
    case "string":
      return u.length === 0 ? "an empty string" : `a string of ${u.length} character${u.length === 1 ? "" : "s"}`
    case "number":
      return Number.isFinite(u) ? `the number ${u}` : String(u)
    case "boolean":
      return String(u)
    case "bigint":
      return "a bigint"
    case "function":
      return "a function"
    case "symbol":
      return "a symbol"
  }
  if (Array.isArray(u)) return `an array of ${u.length} item${u.length === 1 ? "" : "s"}`
  if (Redacted.isRedacted(u)) return "a Redacted value"
  return "an object"
}

/**
 * A bounded string: `min` to `max` characters, no control characters, and
 * (unless `blank`) not only whitespace.
 */
const text = (description: string, options: { readonly min?: number; readonly max: number; readonly blank?: boolean }) =>
  Schema.String.pipe(
    Schema.filter((s) => {
      const min = options.min ?? 1
      if (s.length < min) return s.length === 0 ? "an empty string" : describeValue(s)
      if (s.length > options.max) return describeValue(s)
      const control = s.search(CONTROL)
      if (control >= 0) return `a string with a control character at position ${control + 1}`
      if (options.blank !== true && s.length > 0 && s.trim().length === 0) return "a string of only whitespace"
      return true
    }, { description, [SafeGot]: true })
  )

const integer = (description: string, min: number, max: number) =>
  Schema.Number.pipe(
    Schema.filter((n) => (Number.isInteger(n) && n >= min && n <= max) || describeValue(n), { description, [SafeGot]: true })
  )

const finite = (description: string) =>
  Schema.Number.pipe(Schema.filter((n) => Number.isFinite(n) || describeValue(n), { description, [SafeGot]: true }))

const boolean = Schema.Boolean.annotations({ description: "true or false" })

// Query fields typed as exact optionals (`limit?: number`) still accept an
// explicit `undefined` from JavaScript callers: it means the same as absent.
const exact = <A, I>(schema: Schema.Schema<A, I>) => Schema.optional(schema)

/**
 * An id Weft gave out (`int_…`, `syn_…`, `dst_…`, `run_…`, `evt_…`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Id = text("an id such as \"syn_…\" (1 to 256 characters, no control characters)", { max: 256 })

/**
 * The host's name for the customer an integration belongs to.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Tenant = text("a tenant: 1 to 256 characters, not blank, no control characters", { max: 256 })

const Name = (what: string) => text(`${what} (1 to 256 characters, no control characters)`, { max: 256 })

/**
 * Credentials as the host gives them: any value but `undefined` or `null`.
 * They stay `unknown` here; the connector's credentials Schema decodes them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Credentials = Schema.Unknown.pipe(
  Schema.filter((u) => (u !== undefined && u !== null) || describeValue(u), {
    description: "the connector's credentials (as its credentials schema describes them)",
    [SafeGot]: true
  })
)

/**
 * A signing secret: a string (`whsec_…`) or a `Redacted` one. Its form is
 * checked by the sink.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Secret: Schema.Schema<string | Redacted.Redacted<string>, string | Redacted.Redacted<string>> = Schema.Union(
  Schema.String,
  Schema.RedactedFromSelf(Schema.String)
).annotations({ description: "a signing secret: a string such as \"whsec_…\" or a Redacted string" })

/**
 * A duration as `Duration.DurationInput` (`"15 minutes"`, milliseconds, a
 * `Duration`…), kept as given.
 */
const durationInput = (description: string, check: (duration: Duration.Duration) => boolean) =>
  Schema.declare((u: unknown): u is Duration.DurationInput => {
    const duration = Duration.decodeUnknown(u)
    return Option.isSome(duration) && check(duration.value)
  }, { description })

/**
 * Time between a sync's delta runs: a finite duration of at least 1 second.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Frequency = durationInput(
  "a finite duration of at least 1 second, such as \"15 minutes\" or a number of milliseconds",
  (d) => Duration.isFinite(d) && Duration.toMillis(d) >= 1000
)

const AnyDuration = durationInput("a duration such as \"7 days\" or a number of milliseconds", () => true)

/**
 * Read limits: a request timeout and a run deadline (finite, at least 1
 * second), a page budget (a whole number of at least 1).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReadLimits = Schema.Struct({
  requestTimeout: Schema.optional(durationInput(
    "a finite duration of at least 1 second, such as \"30 seconds\"",
    (d) => Duration.isFinite(d) && Duration.toMillis(d) >= 1000
  )),
  runDeadline: Schema.optional(durationInput(
    "a finite duration of at least 1 second, such as \"6 hours\"",
    (d) => Duration.isFinite(d) && Duration.toMillis(d) >= 1000
  )),
  maxPages: Schema.optional(integer("a whole number of at least 1", 1, Number.MAX_SAFE_INTEGER))
}).annotations({ description: "read limits: an object with requestTimeout, runDeadline and maxPages, each optional" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const DestinationInput: Schema.Schema<Api.DestinationInput> = Schema.Struct({
  url: Schema.String.annotations({ description: "the destination URL, a string such as \"https://…\"" }),
  secrets: Schema.Array(Secret),
  options: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  maxConcurrency: Schema.optional(integer("an integer from 1 to 1024", 1, 1024))
}).annotations({ description: "a destination: an object with url and secrets" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const SyncModel = Schema.Struct({
  model: Name("a model name such as \"hris.employee\""),
  fieldGroups: Schema.optional(Schema.Array(Name("a field group name")))
}).annotations({ description: "a model: an object with model and optional fieldGroups" })

const syncConfigFields = {
  models: Schema.optional(
    Schema.Array(
      Schema.Union(Name("a model name such as \"hris.employee\""), SyncModel).annotations({
        description: "a model name such as \"hris.employee\", or { model, fieldGroups }"
      })
    ).pipe(Schema.filter((a) => a.length > 0 || "an empty array", { description: "at least one model", [SafeGot]: true }))
  ),
  destination: Schema.Union(Id, DestinationInput).annotations({
    description: "a destination: an existing destination id, or { url, secrets } to create one"
  }),
  frequency: Schema.optional(Frequency),
  includeInactive: Schema.optional(boolean)
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const SyncConfig: Schema.Schema<Api.SyncConfig> = Schema.Struct(syncConfigFields).annotations({
  description: "a sync: an object with a destination"
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const CreateSyncInput: Schema.Schema<Api.CreateSyncInput> = Schema.Struct({
  ...syncConfigFields,
  integrationId: Id,
  paused: Schema.optional(boolean)
}).annotations({ description: "a sync: an object with integrationId and destination" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const ConnectInput: Schema.Schema<Api.ConnectInput> = Schema.Struct({
  connector: Name("a connector id such as \"bamboohr\""),
  tenant: Tenant,
  credentials: Credentials,
  syncs: Schema.optional(Schema.Array(SyncConfig)),
  limits: Schema.optional(ReadLimits)
}).annotations({ description: "an object with connector, tenant and credentials" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const ReplaySelector: Schema.Schema<Api.ReplaySelector> = Schema.Union(
  Schema.Struct({ eventId: Id }),
  Schema.Struct({ eventIds: Schema.Array(Id) }),
  Schema.Struct({ runId: Id }),
  Schema.Struct({
    from: finite("a time in Unix milliseconds"),
    to: finite("a time in Unix milliseconds"),
    syncId: Schema.optional(Id)
  })
).annotations({ description: "{ eventId }, { eventIds }, { runId } or { from, to, syncId? }" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const TriggerOptions: Schema.Schema<TriggerOptionsType> = Schema.Struct({
  type: Schema.optional(Schema.Literal("delta", "manual").annotations({ description: "\"delta\" or \"manual\"" })),
  confirmDeletes: Schema.optional(boolean)
}).annotations({ description: "an object with optional type and confirmDeletes" })

const Limit = integer("a whole number of at least 1", 1, Number.MAX_SAFE_INTEGER)

const query = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.Struct(fields).annotations({ description: "a query object" })

// A query whose fields are typed as exact optionals: the decoded value drops
// fields given as `undefined`, so it is one.
const exactQuery = <Q>() => <A extends object | undefined>(decoder: Decoder<[A]>): Decoder<[Q]> => (args) =>
  Either.map(decoder(args), ([a]) => [
    (a === undefined ? a : Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined))) as Q
  ])

const EventsQuery = query({
  runId: exact(Id),
  syncId: exact(Id),
  status: exact(Schema.Literal("pending", "acked", "dead").annotations({ description: "\"pending\", \"acked\" or \"dead\"" })),
  type: exact(
    Schema.Literal(...(eventTypes as readonly [EventType, ...Array<EventType>])).annotations({
      description: `an event type (${eventTypes.map((t) => `"${t}"`).join(", ")})`
    })
  ),
  from: exact(finite("a time in Unix milliseconds")),
  to: exact(finite("a time in Unix milliseconds")),
  after: exact(Id),
  limit: exact(Limit)
})

const RunsQuery = query({
  syncId: exact(Id),
  integrationId: exact(Id),
  status: exact(RunStatus.annotations({
    description: `a run status (${RunStatus.literals.map((s) => `"${s}"`).join(", ")})`
  })),
  before: exact(Id),
  limit: exact(Limit)
})

const Connector = Schema.declare(
  (u: unknown): u is WeftOptionsType["connectors"][number] =>
    Predicate.isRecord(u) && typeof u.id === "string" && Array.isArray(u.readers),
  { description: "a connector (an object with id and readers, e.g. from Connector.define)" }
)

/**
 * The options of `Weft.layer` (and the Weft part of `WeftClient.make`'s
 * options). Checked for shape; the values are used as given.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WeftOptions = Schema.Struct({
  connectors: Schema.Array(Connector).pipe(
    Schema.filter((connectors) => {
      const seen = new Set<string>()
      for (const c of connectors) {
        if (seen.has(c.id)) return `two connectors with the id "${c.id}"`
        seen.add(c.id)
      }
      return true
    }, { description: "connectors with distinct ids", [SafeGot]: true })
  ),
  syncs: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(SyncConfig) })),
  engine: Schema.optional(Schema.Struct({
    modelConcurrency: Schema.optional(integer("a whole number of at least 1", 1, Number.MAX_SAFE_INTEGER)),
    massDeleteGuard: Schema.optional(Schema.Object),
    outboxHighWater: Schema.optional(
      Schema.Union(Schema.Literal(false), integer("a whole number of at least 1", 1, Number.MAX_SAFE_INTEGER)).annotations({
        description: "a whole number of at least 1, or false"
      })
    ),
    limits: Schema.optional(ReadLimits),
    runLease: Schema.optional(AnyDuration)
  })),
  delivery: Schema.optional(Schema.Struct({
    retrySchedule: Schema.optional(Schema.declare(Schedule.isSchedule, { description: "a Schedule" })),
    retryWindow: Schema.optional(AnyDuration),
    maxRetryAfter: Schema.optional(AnyDuration),
    lease: Schema.optional(AnyDuration),
    pollInterval: Schema.optional(AnyDuration)
  })),
  retention: Schema.optional(AnyDuration),
  recovery: Schema.optional(Schema.Struct({ idleSweep: Schema.optional(AnyDuration) })),
  outboxSignal: Schema.optional(Schema.suspend(() => AnyLayer("the outbox signal")))
}).annotations({ description: "the Weft options: an object with connectors" })

/**
 * A Layer (as built by `StoreMemory.layer`, `SinkWebhook.layer()`…).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AnyLayer = (what: string) => Schema.declare(Layer.isLayer, { description: `${what} (a Layer)` })

/**
 * Vault keys given inline: `{ current: { id, key }, previous? }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const VaultKeys = (() => {
  const key = Schema.Struct({
    id: text("a key id (1 to 255 characters)", { max: 255 }),
    key: Secret.annotations({ description: "the key: 32 random bytes in base64, as a string or a Redacted string" })
  }).annotations({ description: "a vault key: { id, key }" })
  return Schema.Struct({ current: key, previous: Schema.optional(Schema.Array(key)) })
})()

// --- decoding ------------------------------------------------------------------

type Segment = PropertyKey

interface Found {
  readonly path: ReadonlyArray<Segment>
  readonly expected: string
  readonly got: string
}

const describeAst = (ast: AST.AST): string => {
  const description = AST.getDescriptionAnnotation(ast)
  if (Option.isSome(description)) return description.value
  switch (ast._tag) {
    case "Literal":
      return JSON.stringify(ast.literal)
    case "Union":
      return ast.types.filter((t) => !AST.isUndefinedKeyword(t)).map(describeAst).join(" or ")
    case "TypeLiteral":
      return "an object"
    case "TupleType":
      return "an array"
    case "Refinement":
      return describeAst(ast.from)
    case "Transformation":
      return describeAst(ast.to)
    case "Suspend":
      return describeAst(ast.f())
    default:
      return "a value of the expected type"
  }
}

const MISSING = "nothing (it is missing)"

const hasKey = (u: unknown, key: PropertyKey): boolean =>
  typeof u === "object" && u !== null && Object.prototype.hasOwnProperty.call(u, key)

const pathOf = (path: ParseResult.Path): ReadonlyArray<Segment> => (Array.isArray(path) ? path : [path as Segment])

// The issue a host can act on: the innermost one, with its path.
const find = (issue: ParseResult.ParseIssue, path: ReadonlyArray<Segment>): Found => {
  switch (issue._tag) {
    case "Pointer":
      return find(issue.issue, [...path, ...pathOf(issue.path)])
    case "Type":
    case "Forbidden":
      return { path, expected: describeAst(issue.ast), got: describeValue(issue.actual) }
    case "Missing":
      return { path, expected: describeAst(issue.ast.type), got: MISSING }
    case "Unexpected":
      return { path, expected: "no such field", got: describeValue(issue.actual) }
    case "Refinement": {
      if (issue.kind === "From") {
        // Not even of the refined type: say what the refinement expects as a whole.
        const inner = find(issue.issue, path)
        return inner.path.length === path.length ? { ...inner, expected: describeAst(issue.ast) } : inner
      }
      const message = issue.issue._tag === "Type" && issue.ast.annotations[SafeGot] === true ? issue.issue.message : undefined
      return { path, expected: describeAst(issue.ast), got: message ?? describeValue(issue.actual) }
    }
    case "Transformation":
      return find(issue.issue, path)
    case "Composite": {
      const issues = Array.isArray(issue.issues) ? issue.issues : [issue.issues as ParseResult.ParseIssue]
      if (AST.isUnion(issue.ast)) {
        // An optional field's union with `undefined` says nothing useful.
        const members = issues.filter((i) => !(i._tag === "Type" && AST.isUndefinedKeyword(i.ast)))
        if (members.length === 1) return find(members[0]!, path)
        // Members that took the value's kind and failed inside it: report the
        // one that got furthest into a field the host did send, or the only
        // one; otherwise the union as a whole.
        const deeper = members.map((i) => find(i, path)).filter((f) => f.path.length > path.length)
        const inside = deeper
          .filter((f) => hasKey(issue.actual, f.path[path.length]!) && f.got !== MISSING)
          .sort((a, b) => b.path.length - a.path.length)
        if (inside.length > 0) return inside[0]!
        if (deeper.length === 1) return deeper[0]!
        return { path, expected: describeAst(issue.ast), got: describeValue(issue.actual) }
      }
      return find(issues[0]!, path)
    }
  }
}

const formatPath = (root: string, path: ReadonlyArray<Segment>): string =>
  path.reduce<string>(
    (acc, segment) =>
      typeof segment === "number"
        ? `${acc}[${segment}]`
        : acc === ""
        ? String(segment)
        : `${acc}.${String(segment)}`,
    root
  ) || "input"

/**
 * The `InvalidInputError` for a parse issue: `field` is `root` followed by the
 * path of the bad value (just the path when `root` is empty), `detail` says
 * what was expected and what was got without quoting any value.
 *
 * @since 0.1.0
 * @category decoding
 */
export const invalidInput = (issue: ParseResult.ParseIssue, root: string, name: string = root): InvalidInputError => {
  const found = find(issue, [])
  const field = found.path.length === 0 ? name : formatPath(root, found.path)
  return new InvalidInputError({ field, detail: `expected ${found.expected}, got ${found.got}` })
}

const options: AST.ParseOptions = { errors: "first", exact: true, onExcessProperty: "ignore" }

/**
 * Decodes an input; a bad one is an `InvalidInputError` whose field is `root`
 * plus the path inside the value. With `flat`, paths inside the value are
 * given without `root` (`tenant` rather than `input.tenant`), and `root` names
 * the value as a whole.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEither = <A, I>(schema: Schema.Schema<A, I>, root: string, flat = false) => {
  const decode = ParseResult.decodeUnknownEither(schema, options)
  return (u: unknown): Either.Either<A, InvalidInputError> =>
    Either.mapLeft(decode(u), (issue) => invalidInput(issue, flat ? "" : root, root))
}

/**
 * {@link decodeEither} as an Effect.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = <A, I>(schema: Schema.Schema<A, I>, root: string, flat = false) => {
  const run = decodeEither(schema, root, flat)
  return (u: unknown): Effect.Effect<A, InvalidInputError> => Effect.suspend(() => run(u))
}

// --- the host API ----------------------------------------------------------------

type Decoder<Args> = (args: ReadonlyArray<unknown>) => Either.Either<Args, InvalidInputError>

type Param = readonly [name: string, schema: Schema.Schema.AnyNoContext]

type Decoded<P extends ReadonlyArray<Param>> = { -readonly [K in keyof P]: Schema.Schema.Type<P[K][1]> }

/** Positional arguments, each named by its parameter (`id`, `options.type`). */
const params = <const P extends ReadonlyArray<Param>>(...ps: P): Decoder<Decoded<P>> => {
  const decoders = ps.map(([name, schema]) => decodeEither(schema, name))
  return (args) => Either.all(decoders.map((d, i) => d(args[i]))) as unknown as Either.Either<Decoded<P>, InvalidInputError>
}

/** One object argument, whose fields are named without a prefix (`tenant`). */
const single = <A, I>(name: string, schema: Schema.Schema<A, I>): Decoder<[A]> => {
  const d = decodeEither(schema, name, true)
  return (args) => Either.map(d(args[0]), (a) => [a])
}

const optional = <A, I>(schema: Schema.Schema<A, I>) => Schema.UndefinedOr(schema)

const Request = Schema.declare(
  (u: unknown): u is HttpClientRequest.HttpClientRequest => Predicate.hasProperty(u, HttpClientRequest.TypeId),
  { description: "an HttpClientRequest (from @effect/platform)" }
)

/**
 * How each operation of {@link WeftService} decodes its arguments. Typed
 * against the service, so an operation added without a decoder does not
 * compile.
 *
 * @since 0.1.0
 * @category decoding
 */
export type Decoders = {
  readonly [K in keyof WeftService]: {
    readonly [M in keyof WeftService[K]]: WeftService[K][M] extends (...args: infer A) => unknown ? Decoder<A> : never
  }
}

const id = params(["id", Id])

/**
 * @since 0.1.0
 * @category decoding
 */
export const decoders: Decoders = {
  connectors: { list: () => Either.right([]) },
  integrations: {
    connect: single("input", ConnectInput),
    reconnect: params(["id", Id], ["credentials", Credentials]),
    revalidate: id,
    get: id,
    list: single("query", optional(query({ tenant: Schema.optional(Tenant) }))),
    disconnect: id,
    request: params(["id", Id], ["request", Request])
  },
  destinations: {
    create: single("input", DestinationInput),
    get: id,
    list: () => Either.right([]),
    enable: id,
    disable: params(["id", Id], ["reason", optional(text("a reason (up to 1024 characters)", { min: 0, max: 1024, blank: true }))]),
    setSecrets: params(["id", Id], ["secrets", Schema.Array(Secret)])
  },
  syncs: {
    create: single("input", CreateSyncInput),
    get: id,
    list: single("query", optional(query({ integrationId: Schema.optional(Id) }))),
    pause: id,
    resume: id,
    trigger: params(["id", Id], ["options", optional(TriggerOptions)]),
    triggerAndWait: params(["id", Id], ["options", optional(TriggerOptions)]),
    resyncRecord: params(
      ["id", Id],
      ["model", Name("a model name such as \"hris.employee\"")],
      ["recordId", Name("a record id")],
      ["options", optional(Schema.Struct({ force: Schema.optional(boolean) }))]
    ),
    delete: id
  },
  runs: {
    list: exactQuery<Parameters<WeftService["runs"]["list"]>[0]>()(single("query", optional(RunsQuery))),
    get: id
  },
  events: {
    list: exactQuery<Parameters<WeftService["events"]["list"]>[0]>()(single("query", EventsQuery)),
    attempts: params(["eventId", Id]),
    replay: single("selector", ReplaySelector)
  }
}

/**
 * The service with every operation's arguments decoded first: a bad argument
 * fails the operation with an `InvalidInputError` before anything runs.
 *
 * @since 0.1.0
 * @category decoding
 */
export const validated = (service: WeftService): WeftService => {
  const wrap = (decoder: Decoder<ReadonlyArray<unknown>>, operation: (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown, unknown>) =>
  (...args: ReadonlyArray<unknown>) =>
    Effect.flatMap(Effect.suspend(() => decoder(args)), (decoded) => operation(...decoded))
  const result: Record<string, Record<string, unknown>> = {}
  for (const [namespace, operations] of Object.entries(decoders)) {
    const target = (service as unknown as Record<string, Record<string, (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown, unknown>>>)[namespace]!
    result[namespace] = Object.fromEntries(
      Object.entries(operations as Record<string, Decoder<ReadonlyArray<unknown>>>).map(([name, decoder]) => [name, wrap(decoder, target[name]!)])
    )
  }
  return result as unknown as WeftService
}

/**
 * The names of the host API's operations, by namespace.
 *
 * @since 0.1.0
 * @category decoding
 */
export const operations: { readonly [K in keyof WeftService]: ReadonlyArray<keyof WeftService[K] & string> } = Object.fromEntries(
  Object.entries(decoders).map(([namespace, ops]) => [namespace, Object.keys(ops)])
) as never
