import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Auth, Connector, CredentialForm } from "@weft/core/connector"

const define = <C, I>(credentials: Schema.Schema<C, I>, auth: Auth.Auth<C>) =>
  Connector.define({
    id: "acme",
    name: "Acme HR",
    category: "hris",
    credentials,
    auth,
    baseUrl: () => "https://api.acme.example",
    check: () => Effect.void,
    readers: []
  }) as unknown as Connector.Any

describe("CredentialForm.of", () => {
  it("describes each field: label, help, where to find it, required, secret", () => {
    const Credentials = Schema.Struct({
      subdomain: Schema.String.annotations({ title: "Company subdomain", description: "acme for acme.example.com", examples: ["acme"] }),
      apiKey: Schema.Redacted(Schema.String.pipe(Schema.nonEmptyString())).annotations({
        title: "API key",
        ...CredentialForm.helpUrl("https://help.acme.example/api-keys")
      }),
      region: Schema.optional(Schema.Literal("eu", "us"))
    })
    const form = CredentialForm.of(define(Credentials, Auth.bearer<typeof Credentials.Type>((c) => c.apiKey)))
    expect(form.kind).toBe("form")
    expect(form.fields).toEqual([
      { name: "subdomain", title: "Company subdomain", description: "acme for acme.example.com", required: true, secret: false, helpUrl: undefined, examples: ["acme"] },
      { name: "apiKey", title: "API key", description: undefined, required: true, secret: true, helpUrl: "https://help.acme.example/api-keys", examples: undefined },
      { name: "region", title: "Region", description: undefined, required: false, secret: false, helpUrl: undefined, examples: undefined }
    ])
    const json = JSON.stringify(form.jsonSchema)
    expect(json).toContain("\"writeOnly\":true")
    expect(json).toContain("\"format\":\"password\"")
  })

  it("names an unannotated field in words, not by Effect's own titles", () => {
    const Credentials = Schema.Struct({ clientSecret: Schema.Redacted(Schema.NonEmptyTrimmedString) })
    const form = CredentialForm.of(define(Credentials, Auth.bearer<typeof Credentials.Type>((c) => c.clientSecret)))
    expect(form.fields[0]).toMatchObject({ name: "clientSecret", title: "Client secret", secret: true })
    expect(form.fields[0]!.description).toBeUndefined()
  })

  it("gives an OAuth 2 connector no fields: its tokens come from the consent step", () => {
    const Credentials = Schema.Struct({ accessToken: Schema.Redacted(Schema.String), refreshToken: Schema.Redacted(Schema.String) })
    type C = typeof Credentials.Type
    const auth = Auth.oauth2<C>({
      authorizeUrl: "https://acme.example/oauth/authorize",
      tokenUrl: "https://acme.example/oauth/token",
      clientId: "id",
      clientSecret: Schema.decodeSync(Schema.Redacted(Schema.String))("secret"),
      tokens: (c) => ({ accessToken: c.accessToken, refreshToken: c.refreshToken }),
      withTokens: (c, t) => ({ ...c, accessToken: t.accessToken, refreshToken: t.refreshToken })
    })
    const form = CredentialForm.of(define(Credentials, auth))
    expect(form).toMatchObject({ kind: "oauth2", fields: [] })
  })
})
