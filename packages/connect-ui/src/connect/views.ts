/// <reference lib="dom" />
import { html, nothing, type TemplateResult } from "lit"
import type { Field, Offer, Problem } from "./api.js"
import { format, type Strings } from "./strings.js"

/**
 * The element's stateless pieces: the connector list, a credential field,
 * the alert and the success state. Each is exposed for `::part()`.
 */

/** Two letters standing in for a logo: the first letters of two words, or two capitals (`BambooHR` → `BH`). */
export const initials = (name: string): string => {
  const words = name.split(/[\s._-]+/).filter((word) => word.length > 0)
  if (words.length > 1) return (words[0]!.charAt(0) + words[1]!.charAt(0)).toUpperCase()
  const capitals = name.match(/\p{Lu}/gu) ?? []
  return capitals.length >= 2 ? capitals.slice(0, 2).join("") : name.slice(0, 2).toUpperCase()
}

// A help link comes from a connector's schema: only web addresses become links (never `javascript:`).
const isWebUrl = (text: string): boolean => {
  try {
    const url = new URL(text)
    return url.protocol === "https:" || url.protocol === "http:"
  } catch {
    return false
  }
}

export const connectorList = (s: Strings, connectors: ReadonlyArray<Offer>, choose: (offer: Offer) => void): TemplateResult =>
  html`<p class="muted" part="intro">${s.intro}</p>
    <ul class="list" part="connector-list" role="list">
      ${
    connectors.map((offer) =>
      html`<li>
          <button type="button" class="connector" part="connector" data-connector=${offer.id} @click=${() => choose(offer)}>
            <span class="logo" part="logo" aria-hidden="true">${initials(offer.name)}</span>
            <span class="name" part="connector-name">${offer.name}</span>
            <span class="category" part="connector-category">${s.categories[offer.category] ?? offer.category}</span>
          </button>
        </li>`
    )
  }
    </ul>`

/** The refusal: message, resolution, and the code behind a toggle. Focus moves here. */
export const alert = (s: Strings, problem: Problem): TemplateResult =>
  html`<div class="alert" part="alert" role="alert" tabindex="-1">
    <p class="message" part="alert-message">${problem.message}</p>
    <p part="alert-resolution">${problem.resolution}</p>
    <details part="alert-details">
      <summary>${s.errorDetails}</summary>
      <code>${problem.code}</code>
    </details>
  </div>`

export interface FieldState {
  readonly offer: Offer
  readonly field: Field
  readonly value: string
  readonly revealed: boolean
  readonly busy: boolean
  readonly input: (value: string) => void
  readonly toggle: () => void
}

/** One labelled input; a secret is a password field with a show/hide button. */
export const field = (s: Strings, state: FieldState): TemplateResult => {
  const { field, revealed } = state
  const id = `weft-field-${field.name}`
  const helpId = `${id}-help`
  const example = field.examples?.[0]
  const own = s.fields[`${state.offer.id}.${field.name}`]
  const title = own?.title ?? field.title
  const description = own?.description ?? field.description
  return html`<div class="field" part="field">
    <label part="label" for=${id}>${title}${field.required ? nothing : html` <span class="optional">(${s.optional})</span>`}</label>
    <div class="input-row">
      <input
        part="input"
        id=${id}
        name=${field.name}
        type=${field.secret && !revealed ? "password" : "text"}
        .value=${state.value}
        ?required=${field.required}
        ?readonly=${state.busy}
        autocomplete="off"
        autocapitalize="off"
        spellcheck="false"
        placeholder=${field.secret || example === undefined ? nothing : format(s.example, { example })}
        aria-describedby=${description === undefined ? nothing : helpId}
        @input=${(e: InputEvent) => state.input((e.target as HTMLInputElement).value)}
      />
      ${
    field.secret
      ? html`<button
            type="button"
            class="reveal"
            part="button reveal-button"
            aria-controls=${id}
            aria-label=${format(revealed ? s.hideLabel : s.showLabel, { field: title })}
            @click=${state.toggle}
          >${revealed ? s.hide : s.show}</button>`
      : nothing
  }
    </div>
    ${description === undefined ? nothing : html`<p class="help" part="help" id=${helpId}>${description}</p>`}
    ${
    field.helpUrl === undefined || !isWebUrl(field.helpUrl)
      ? nothing
      : html`<p class="help"><a part="help-link" href=${field.helpUrl} target="_blank" rel="noopener noreferrer">${s.whereToFind}<span
            class="visually-hidden"
          > (${title}, ${s.newTab})</span></a></p>`
  }
  </div>`
}

/** The connected state; focus moves to its heading. */
export const success = (s: Strings, name: string, done: () => void): TemplateResult =>
  html`<div class="success" part="success">
    <div class="check" aria-hidden="true">✓</div>
    <h3 class="success-heading" part="success-heading" tabindex="-1">${format(s.successTitle, { name })}</h3>
    <p class="muted">${format(s.successText, { name })}</p>
    <button type="button" class="primary" part="button primary-button" @click=${done}>${s.done}</button>
  </div>`
