import countries from "i18n-iso-countries"

/**
 * `Address.country` is an ISO 3166-1 alpha-2 code. Providers give codes
 * (`US`, `USA`) or free text (`United States`, `United Kingdom`,
 * `Deutschland`); this reads either. Names are matched ignoring case and
 * diacritics in the languages below, which covers what HRIS and CRM
 * providers send in practice.
 */
const LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt"] as const

// Names people type for a country that are not its name: constituent
// countries and old or informal names.
const ALIASES: Readonly<Record<string, string>> = {
  "england": "GB",
  "scotland": "GB",
  "wales": "GB",
  "northern ireland": "GB",
  "great britain": "GB",
  "britain": "GB",
  "holland": "NL",
  "the netherlands": "NL",
  "south korea": "KR",
  "north korea": "KP",
  "russia": "RU",
  "vietnam": "VN",
  "czechia": "CZ",
  "turkey": "TR",
  "uae": "AE",
  "u.s.": "US",
  "u.s.a.": "US",
  "u.k.": "GB"
}

/**
 * The ISO 3166-1 alpha-2 code for a provider's country string, or
 * `undefined` when it is not recognisable (the caller keeps the raw string
 * in `rawValues`, so nothing is lost).
 */
export const toIsoCountry = (raw: string | undefined): string | undefined => {
  const text = raw?.trim()
  if (text === undefined || text === "") return undefined
  const upper = text.toUpperCase()
  if (upper.length === 2 && countries.isValid(upper)) return upper
  if (upper.length === 3) {
    const alpha2 = countries.alpha3ToAlpha2(upper)
    if (alpha2 !== undefined) return alpha2
  }
  const alias = ALIASES[text.toLowerCase().replace(/\s+/g, " ")]
  if (alias !== undefined) return alias
  for (const language of LANGUAGES) {
    const alpha2 = countries.getSimpleAlpha2Code(text, language)
    if (alpha2 !== undefined) return alpha2
  }
  return undefined
}

/**
 * An address's country as stored: the ISO code when recognisable, and the
 * provider's string under `rawKey` in `rawValues` whenever it differs from
 * the code (so `United States` is kept, `US` is not repeated).
 */
export const country = (
  raw: string | undefined,
  rawKey: string
): { readonly country: string | undefined; readonly rawValues: Record<string, string> } => {
  const text = raw?.trim()
  const code = toIsoCountry(text)
  return {
    country: code,
    rawValues: text !== undefined && text !== "" && text !== code ? { [rawKey]: text } : {}
  }
}
