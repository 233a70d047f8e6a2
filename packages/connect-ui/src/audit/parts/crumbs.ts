import { css, html, type TemplateResult } from "lit"

/** Where a view sits: Integrations › tenant · connector › sync › run. */

export interface Crumb {
  readonly label: string | TemplateResult
  readonly href?: string | undefined
}

export const crumbs = (items: ReadonlyArray<Crumb>): TemplateResult =>
  html`<nav aria-label="Breadcrumb"><ol class="crumbs">
    ${items.map((item, i) =>
      html`<li>${i === items.length - 1 || item.href === undefined
        ? html`<span aria-current=${i === items.length - 1 ? "page" : "false"}>${item.label}</span>`
        : html`<a href=${item.href}>${item.label}</a>`}</li>`
    )}
  </ol></nav>`

export const crumbStyles = css`
  .crumbs { list-style: none; margin: 0 0 6px; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; font-size: 13px; color: var(--muted); }
  .crumbs li + li::before { content: "›"; margin-right: 4px; color: var(--muted); }
  .crumbs a { color: var(--muted); }
  .crumbs a:hover { color: var(--accent); }
`
