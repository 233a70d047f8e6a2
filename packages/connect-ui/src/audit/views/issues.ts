import { css, html, nothing } from "lit"
import { codeOf } from "../format.js"
import type { RunIssue } from "../types.js"

/** A run's errors with what to do about them, and its warnings. */

export const issueStyles = css`
  ul.issues { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
  ul.issues li { border-left: 3px solid var(--bad); background: var(--bad-bg); padding: 8px 12px; border-radius: 0 var(--radius) var(--radius) 0; }
  ul.issues li.warning { border-left-color: var(--warn); background: var(--warn-bg); }
  ul.issues .message { font-weight: 600; color: var(--text); }
  ul.issues .meta { font-size: 12px; color: var(--muted); margin-top: 2px; display: flex; gap: 8px; flex-wrap: wrap; }
  ul.issues .resolution { margin-top: 6px; }
`

export const issuesList = (errors: ReadonlyArray<RunIssue>, warnings: ReadonlyArray<{ readonly text: string; readonly model?: string | undefined }>) =>
  html`<ul class="issues">
    ${errors.map((e) => html`<li>
      <p class="message">${e.message}</p>
      ${e.code !== undefined || e.model !== undefined
        ? html`<p class="meta">${e.model === undefined ? nothing : html`<span>${e.model}</span>`}${codeOf(e.code)}</p>`
        : nothing}
      ${e.resolution === undefined ? nothing : html`<p class="resolution"><strong>What to do:</strong> ${e.resolution}</p>`}
    </li>`)}
    ${warnings.map((w) => html`<li class="warning">
      <p class="message">${w.text}</p>
      ${w.model === undefined ? nothing : html`<p class="meta"><span>${w.model}</span></p>`}
    </li>`)}
  </ul>`
