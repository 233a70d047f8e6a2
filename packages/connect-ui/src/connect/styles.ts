import { css, unsafeCSS } from "lit"

/**
 * The element's look. Every colour, font, radius and spacing reads a
 * `--weft-*` custom property, with light and dark defaults: dark follows
 * `prefers-color-scheme` unless `theme="light"`, or `theme="dark"` forces it.
 * Internally each value is a private `--_*` property, so a host may set the
 * `--weft-*` ones on the element or on any ancestor (`:root` included).
 */

/** `--weft-color-<name>`: light and dark defaults. */
const colours: Readonly<Record<string, readonly [light: string, dark: string]>> = {
  background: ["#ffffff", "#17191d"],
  surface: ["#f5f6f8", "#1f2228"],
  "surface-hover": ["#eceff3", "#282c33"],
  text: ["#1b1f24", "#e8eaed"],
  muted: ["#5a636e", "#a3abb5"],
  border: ["#d2d7de", "#3a3f48"],
  "input-background": ["#ffffff", "#111316"],
  "input-border": ["#8a939e", "#6b737e"],
  accent: ["#3451d1", "#8fa3ff"],
  "accent-hover": ["#2a43b3", "#a9b8ff"],
  "accent-text": ["#ffffff", "#0d1330"],
  focus: ["#3451d1", "#8fa3ff"],
  error: ["#b42318", "#ffb3a8"],
  "error-background": ["#fef3f2", "#3b1714"],
  "error-border": ["#f1b8b2", "#7a2e26"],
  success: ["#067647", "#7fe0a7"],
  "success-background": ["#ecfdf3", "#10301f"],
  "logo-background": ["#e6ebfc", "#262d47"],
  "logo-text": ["#2c45b8", "#bac6ff"]
}

const palette = (index: 0 | 1) =>
  unsafeCSS(Object.entries(colours).map(([name, values]) => `--_${name}: var(--weft-color-${name}, ${values[index]});`).join("\n"))

export const styles = css`
  :host {
    ${palette(0)}
    --_font: var(--weft-font-family, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
    --_font-size: var(--weft-font-size, 15px);
    --_font-size-small: var(--weft-font-size-small, 13px);
    --_title-size: var(--weft-title-size, 18px);
    --_weight-strong: var(--weft-font-weight-strong, 600);
    --_radius: var(--weft-radius, 12px);
    --_radius-control: var(--weft-radius-control, 8px);
    --_space: var(--weft-space, 8px);
    --_padding: var(--weft-padding, 24px);
    --_width: var(--weft-max-width, 440px);
    --_shadow: var(--weft-shadow, 0 1px 2px rgb(16 24 40 / 6%), 0 8px 24px rgb(16 24 40 / 8%));
    display: block;
    max-width: var(--_width);
    color-scheme: light;
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.45;
    color: var(--_text);
  }
  :host([theme="dark"]) {
    ${palette(1)}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme="light"])) {
      ${palette(1)}
      color-scheme: dark;
    }
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .container {
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    padding: var(--_padding);
  }
  .header {
    display: flex;
    align-items: center;
    gap: var(--_space);
    margin-bottom: calc(var(--_space) * 2);
  }
  h2,
  h3 {
    margin: 0;
    font-weight: var(--_weight-strong);
  }
  h2 {
    flex: 1;
    font-size: var(--_title-size);
  }
  h3 {
    font-size: var(--_title-size);
  }
  p {
    margin: 0 0 calc(var(--_space) * 2);
  }
  .muted {
    color: var(--_muted);
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  [tabindex="-1"]:focus {
    outline: none;
  }
  .icon-button {
    display: inline-grid;
    place-items: center;
    min-width: 32px;
    height: 32px;
    padding: 0 var(--_space);
    border: 0;
    border-radius: var(--_radius-control);
    background: transparent;
    color: var(--_muted);
  }
  .icon-button:hover {
    background: var(--_surface-hover);
    color: var(--_text);
  }
  .back {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) / 2);
    height: auto;
    margin: calc(var(--_space) * -1) 0 calc(var(--_space) * 1.5) calc(var(--_space) * -1);
    padding: calc(var(--_space) / 2) var(--_space);
    font-size: var(--_font-size-small);
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--_space);
  }
  .connector {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 1.5);
    width: 100%;
    padding: calc(var(--_space) * 1.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius-control);
    background: var(--_surface);
    text-align: left;
  }
  .connector:hover {
    background: var(--_surface-hover);
  }
  .logo {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 40px;
    height: 40px;
    border-radius: var(--_radius-control);
    background: var(--_logo-background);
    color: var(--_logo-text);
    font-weight: var(--_weight-strong);
    letter-spacing: 0.02em;
  }
  .name {
    flex: 1;
    font-weight: var(--_weight-strong);
  }
  .category {
    font-size: var(--_font-size-small);
    color: var(--_muted);
  }
  .field {
    margin-bottom: calc(var(--_space) * 2);
  }
  label {
    display: block;
    margin-bottom: calc(var(--_space) / 2);
    font-weight: var(--_weight-strong);
  }
  .optional {
    font-weight: normal;
    color: var(--_muted);
  }
  .input-row {
    display: flex;
    gap: var(--_space);
  }
  input {
    flex: 1;
    min-width: 0;
    padding: var(--_space) calc(var(--_space) * 1.5);
    border: 1px solid var(--_input-border);
    border-radius: var(--_radius-control);
    background: var(--_input-background);
    color: var(--_text);
    font: inherit;
  }
  input::placeholder {
    color: var(--_muted);
  }
  input:focus-visible {
    outline-offset: 0;
    border-color: var(--_focus);
  }
  .reveal {
    flex: none;
    min-width: 4.5em;
    padding: 0 calc(var(--_space) * 1.5);
    border: 1px solid var(--_input-border);
    border-radius: var(--_radius-control);
    background: var(--_surface);
    font-size: var(--_font-size-small);
  }
  .help {
    margin: calc(var(--_space) / 2) 0 0;
    font-size: var(--_font-size-small);
    color: var(--_muted);
  }
  a {
    color: var(--_accent);
  }
  .primary {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 100%;
    min-height: 40px;
    padding: var(--_space) calc(var(--_space) * 2);
    border: 0;
    border-radius: var(--_radius-control);
    background: var(--_accent);
    color: var(--_accent-text);
    font-weight: var(--_weight-strong);
  }
  .primary:hover:not(:disabled) {
    background: var(--_accent-hover);
  }
  .primary:disabled {
    opacity: 0.65;
  }
  .secondary {
    display: block;
    width: 100%;
    margin-top: var(--_space);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius-control);
    background: transparent;
  }
  .alert {
    margin-bottom: calc(var(--_space) * 2);
    padding: calc(var(--_space) * 1.5);
    border: 1px solid var(--_error-border);
    border-left-width: 4px;
    border-left-color: var(--_error);
    border-radius: var(--_radius-control);
    background: var(--_error-background);
    color: var(--_text);
  }
  .alert p {
    margin: 0 0 var(--_space);
  }
  .alert .message {
    color: var(--_error);
    font-weight: var(--_weight-strong);
  }
  details {
    font-size: var(--_font-size-small);
    color: var(--_muted);
  }
  summary {
    cursor: pointer;
  }
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  }
  .status:empty {
    display: none;
  }
  .status {
    margin: calc(var(--_space) * 1.5) 0 0;
    font-size: var(--_font-size-small);
    color: var(--_muted);
    text-align: center;
  }
  .success {
    text-align: center;
    padding: var(--_space) 0;
  }
  .check {
    display: inline-grid;
    place-items: center;
    width: 48px;
    height: 48px;
    margin-bottom: calc(var(--_space) * 1.5);
    border-radius: 50%;
    background: var(--_success-background);
    color: var(--_success);
    font-size: 24px;
  }
  .success h3 {
    margin-bottom: var(--_space);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  @media (prefers-reduced-motion: no-preference) {
    .connector,
    .primary,
    .icon-button {
      transition: background-color 120ms ease;
    }
  }
`
