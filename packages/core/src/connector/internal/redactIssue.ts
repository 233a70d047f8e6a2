import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"

// Parse messages quote the offending value ("Expected …, actual "sk_live…"").
// For credentials that value may be a secret, so every value in the issue
// tree is wrapped in `Redacted` (printed as <redacted>); paths, expected
// types and custom messages are kept, so the error still names the field.

const hide = (actual: unknown): unknown => (actual === undefined ? undefined : Redacted.make(actual))

const redact = (issue: ParseResult.ParseIssue): ParseResult.ParseIssue => {
  switch (issue._tag) {
    case "Type":
      return new ParseResult.Type(issue.ast, hide(issue.actual), issue.message)
    case "Missing":
      return issue
    case "Unexpected":
      return new ParseResult.Unexpected(hide(issue.actual), issue.message)
    case "Forbidden":
      return new ParseResult.Forbidden(issue.ast, hide(issue.actual), issue.message)
    case "Pointer":
      return new ParseResult.Pointer(issue.path, hide(issue.actual), redact(issue.issue))
    case "Refinement":
      return new ParseResult.Refinement(issue.ast, hide(issue.actual), issue.kind, redact(issue.issue))
    case "Transformation":
      return new ParseResult.Transformation(issue.ast, hide(issue.actual), issue.kind, redact(issue.issue))
    case "Composite": {
      const issues = Array.isArray(issue.issues)
        ? (issue.issues.map(redact) as unknown as ParseResult.SingleOrNonEmpty<ParseResult.ParseIssue>)
        : redact(issue.issues as ParseResult.ParseIssue)
      return new ParseResult.Composite(issue.ast, hide(issue.actual), issues)
    }
  }
}

/** @internal */
export const redactParseError = (error: ParseResult.ParseError): ParseResult.ParseError =>
  new ParseResult.ParseError({ issue: redact(error.issue) })
