import * as Schema from "effect/Schema"

/**
 * What an end user gives to connect their Tickety helpdesk.
 *
 * @since 0.1.0
 */

/**
 * A Tickety API key (Settings › API keys), kept `Redacted` from the moment it
 * is decoded. Its form is checked before Tickety is asked, so a pasted label
 * or a truncated key is refused at once with a message that never repeats it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Credentials = Schema.Struct({
  apiKey: Schema.Redacted(
    Schema.String.pipe(
      Schema.pattern(/^tk_(live|test)_[A-Za-z0-9]{16,64}$/, {
        message: () =>
          "A Tickety API key starts with tk_live_ or tk_test_ followed by letters and digits; copy the whole key from Settings › API keys."
      })
    )
  ).annotations({ title: "API key", description: "A Tickety API key with the contacts:read scope" })
}).annotations({ identifier: "TicketyCredentials" })

/**
 * @since 0.1.0
 * @category models
 */
export type Credentials = typeof Credentials.Type
