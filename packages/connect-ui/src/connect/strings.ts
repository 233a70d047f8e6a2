/**
 * Every string `<weft-connect>` shows, replaceable through its `strings`
 * property for translation and tone. `{name}` is the connector's name,
 * `{field}` a field's title and `{seconds}` a wait; `categories` names the
 * connector categories, and `fields` replaces the title or description the
 * API gives a credential field, keyed `<connector>.<field>`
 * (`bamboohr.apiKey`).
 *
 * @since 0.1.0
 */

/**
 * The default (English) strings.
 *
 * @since 0.1.0
 * @category strings
 */
export const defaultStrings = {
  title: "Connect an app",
  intro: "Choose the app you want to connect.",
  connectTitle: "Connect {name}",
  formIntro: "Enter the details of your {name} account.",
  oauthIntro: "A {name} window opens where you sign in and approve access.",
  oauthButton: "Connect with {name}",
  submit: "Connect",
  submitting: "Connecting…",
  checking: "Checking your details with {name}…",
  authorizing: "Waiting for {name}: finish in the window that opened.",
  popupClosed: "The {name} window was closed before the connection finished.",
  cancel: "Cancel",
  optional: "optional",
  show: "Show",
  hide: "Hide",
  showLabel: "Show {field}",
  hideLabel: "Hide {field}",
  whereToFind: "Where do I find this?",
  newTab: "opens in a new tab",
  example: "e.g. {example}",
  back: "All apps",
  close: "Close",
  loading: "Loading…",
  errorDetails: "Error details",
  retry: "Try again",
  networkError: "The connection service could not be reached.",
  networkResolution: "Check your internet connection and try again.",
  unexpectedError: "Something went wrong.",
  genericResolution: "Try again. If it keeps failing, contact support.",
  retryAfter: "Wait {seconds} seconds, then try again.",
  expired: "Your session has expired. Renewing it…",
  successTitle: "{name} is connected",
  successText: "Your {name} data starts syncing now.",
  done: "Done",
  categories: { hris: "HR", ats: "Recruiting", crm: "CRM" } as Readonly<Record<string, string>>,
  fields: {} as Readonly<Record<string, FieldStrings>>
}

/**
 * A credential field's own text, replacing what the API says.
 *
 * @since 0.1.0
 * @category strings
 */
export interface FieldStrings {
  readonly title?: string
  readonly description?: string
}

/**
 * @since 0.1.0
 * @category strings
 */
export type Strings = {
  readonly [K in keyof typeof defaultStrings]: K extends "categories" | "fields" ? (typeof defaultStrings)[K] : string
}

/**
 * What a host passes: any subset; `categories` and `fields` merge with the
 * defaults.
 *
 * @since 0.1.0
 * @category strings
 */
export type StringOverrides = Partial<Strings>

/** The defaults with the host's overrides. */
export const resolveStrings = (overrides: StringOverrides | undefined): Strings =>
  overrides === undefined
    ? defaultStrings
    : {
      ...defaultStrings,
      ...overrides,
      categories: { ...defaultStrings.categories, ...overrides.categories },
      fields: { ...overrides.fields }
    }

/** Fills `{key}` placeholders. */
export const format = (template: string, values: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole))
