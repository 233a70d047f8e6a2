/**
 * Keeps the password of a PostgreSQL URL out of messages: server URLs carry
 * one, and errors, logs and snapshots must never show it.
 *
 * @internal
 */

/** The secrets a URL carries: its password (as written and decoded) and a `password` query parameter. */
export const secretsOf = (url: string): ReadonlyArray<string> => {
  const found: Array<string> = []
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") {
      found.push(parsed.password)
      try {
        found.push(decodeURIComponent(parsed.password))
      } catch {
        // a malformed escape: the raw form is already listed
      }
    }
    const query = parsed.searchParams.get("password")
    if (query !== null && query !== "") found.push(query, encodeURIComponent(query))
  } catch {
    // Not a URL: nothing can be told apart as a password, so the whole text is the secret.
    if (url !== "") found.push(url)
  }
  // Longest first, so that a secret containing another is replaced whole.
  return [...new Set(found)].sort((a, b) => b.length - a.length)
}

/** `text` with every secret replaced by `***`. */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((acc, secret) => (secret === "" ? acc : acc.split(secret).join("***")), text)

/** The URL with its password shown as `***`, fit for a message. */
export const safeUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***")
    return parsed.toString()
  } catch {
    return "(a value that is not a URL)"
  }
}
