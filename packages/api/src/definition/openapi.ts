/**
 * The platform documents a 400 `HttpApiDecodeError` on every endpoint, but
 * the server answers input that does not decode with `BadRequest` (naming
 * the path, never quoting the value; see `server/decodeErrors.ts`). This
 * makes the document say so: every reference to the platform's error points
 * at `BadRequest`, and its schemas go.
 */

type Json = unknown

const DECODE_ERROR = "#/components/schemas/HttpApiDecodeError"
const BAD_REQUEST = "#/components/schemas/BadRequest"

const isRef = (value: Json, ref: string): boolean =>
  typeof value === "object" && value !== null && (value as { $ref?: unknown }).$ref === ref

const rewrite = (value: Json): Json => {
  if (Array.isArray(value)) return value.map(rewrite)
  if (typeof value !== "object" || value === null) return value
  const object = value as Record<string, Json>
  if (isRef(object, DECODE_ERROR)) return { $ref: BAD_REQUEST }
  const out: Record<string, Json> = {}
  for (const [key, child] of Object.entries(object)) out[key] = rewrite(child)
  // `anyOf: [BadRequest, BadRequest]` after the rewrite: one is enough.
  const anyOf = out["anyOf"]
  if (Array.isArray(anyOf) && anyOf.every((member) => isRef(member, BAD_REQUEST))) {
    delete out["anyOf"]
    out["$ref"] = BAD_REQUEST
  }
  return out
}

/** The OpenAPI document with `BadRequest` wherever the platform put its decode error. */
export const badRequestForDecodeErrors = (spec: Record<string, Json>): Record<string, Json> => {
  const out = rewrite(spec) as Record<string, Json> & { components?: { schemas?: Record<string, Json> } }
  const schemas = out.components?.schemas
  if (schemas !== undefined) {
    delete schemas["HttpApiDecodeError"]
    // Then what only the decode error used (its issues and their paths).
    for (let pruned = true; pruned;) {
      pruned = false
      const text = JSON.stringify(out)
      for (const name of Object.keys(schemas)) {
        if (!text.includes(`"#/components/schemas/${name}"`)) {
          delete schemas[name]
          pruned = true
        }
      }
    }
  }
  for (const path of Object.values((out["paths"] ?? {}) as Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>)) {
    for (const operation of Object.values(path)) {
      const response = operation.responses?.["400"]
      if (response !== undefined) response.description = "Invalid input: `path` names the offending value."
    }
  }
  return out
}
