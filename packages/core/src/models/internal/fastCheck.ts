import * as Option from "effect/Option"
import * as AST from "effect/SchemaAST"

/**
 * A fast acceptance check compiled from a Schema's AST, for the hot path of
 * change detection. It answers only "certainly valid and exact" (every key
 * declared, every refinement passing — the same refinement functions the
 * Schema runs); anything else, including shapes it does not know, defers to
 * the real decoder, which also produces the error message. So it never
 * accepts what the Schema would reject, and the input itself can stand for
 * the decoded value (no copy).
 *
 * @internal
 */
export type Check = (input: unknown) => boolean

const OPTIONS: AST.ParseOptions = { errors: "first", onExcessProperty: "ignore" }

const hasOwn = Object.prototype.hasOwnProperty

/** Compiles a check, or `undefined` if the AST uses a node this compiler does not handle. */
export const compile = (ast: AST.AST): Check | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string"
    case "NumberKeyword":
      return (u) => typeof u === "number"
    case "BooleanKeyword":
      return (u) => typeof u === "boolean"
    case "UndefinedKeyword":
      return (u) => u === undefined
    case "UnknownKeyword":
    case "AnyKeyword":
      return () => true
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "Refinement": {
      const from = compile(ast.from)
      if (from === undefined) return undefined
      const filter = ast.filter
      return (u) => from(u) && Option.isNone(filter(u, OPTIONS, ast))
    }
    case "Union": {
      const literals = ast.types.every(AST.isLiteral)
      if (literals) {
        const allowed = new Set(ast.types.map((t) => (t as AST.Literal).literal))
        return (u) => allowed.has(u as AST.LiteralValue)
      }
      const members: Array<Check> = []
      for (const member of ast.types) {
        const check = compile(member)
        if (check === undefined) return undefined
        members.push(check)
      }
      // `Schema.optional(X)` is `X | undefined`: the common case, without a loop.
      if (members.length === 2) {
        const [first, second] = members as [Check, Check]
        return (u) => first(u) || second(u)
      }
      return (u) => {
        for (const check of members) if (check(u)) return true
        return false
      }
    }
    case "TupleType": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) return undefined
      const item = compile(ast.rest[0]!.type)
      if (item === undefined) return undefined
      return (u) => {
        if (!Array.isArray(u)) return false
        for (let i = 0; i < u.length; i++) if (!item(u[i])) return false
        return true
      }
    }
    case "TypeLiteral":
      return compileTypeLiteral(ast)
    case "Transformation":
      // A Schema.Class: its encoded side is the struct of its fields; decoding is the identity on data.
      return AST.isDeclaration(ast.to) ? compile(ast.from) : undefined
    default:
      return undefined
  }
}

const compileTypeLiteral = (ast: AST.TypeLiteral): Check | undefined => {
  const props: Array<{ readonly name: string; readonly optional: boolean; readonly check: Check }> = []
  for (const ps of ast.propertySignatures) {
    if (typeof ps.name !== "string") return undefined
    const check = compile(ps.type)
    if (check === undefined) return undefined
    props.push({ name: ps.name, optional: ps.isOptional, check })
  }
  if (ast.indexSignatures.length > 1) return undefined
  const index = ast.indexSignatures[0]
  if (index !== undefined && props.length > 0) return undefined
  if (index !== undefined) {
    if (index.parameter._tag !== "StringKeyword") return undefined
    const value = compile(index.type)
    if (value === undefined) return undefined
    return (u) => {
      if (u === null || typeof u !== "object" || Array.isArray(u)) return false
      for (const key in u) {
        if (hasOwn.call(u, key) && !value((u as Record<string, unknown>)[key])) return false
      }
      return true
    }
  }
  const declared = new Set(props.map((p) => p.name))
  const byName = new Map(props.map((p) => [p.name, p]))
  const required = props.filter((p) => !p.optional).length
  // The usual input, a plain object: one pass over the keys it has (for…in allocates nothing and
  // reads values through its key cache), rather than one probe per declared field. It sees
  // enumerable keys only, which is what JSON data has.
  return (u) => {
    if (u === null || typeof u !== "object" || Array.isArray(u)) return false
    const proto = Object.getPrototypeOf(u)
    if (proto !== null && (proto !== Object.prototype || !pristine())) return byDeclared(u)
    let seen = 0
    for (const key in u) {
      const p = byName.get(key)
      // Undeclared keys: the decoder would drop them, so this input does not stand for its decoded value.
      if (p === undefined || !p.check((u as Record<string, unknown>)[key])) return false
      if (!p.optional) seen++
    }
    return seen === required
  }

  function byDeclared(u: object): boolean {
    const record = u as Record<string, unknown>
    let present = 0
    for (const p of props) {
      if (hasOwn.call(record, p.name)) {
        present++
        if (!p.check(record[p.name])) return false
      } else if (!p.optional) {
        return false
      }
    }
    if (present !== Object.keys(record).length) {
      for (const key of Object.keys(record)) if (!declared.has(key)) return false
    }
    return true
  }
}

const EMPTY = {}

// Whether Object.prototype has no enumerable key (nothing polluted it), so that for…in over a
// plain object yields its own keys only.
const pristine = (): boolean => {
  for (const _ in EMPTY) return false
  return true
}
