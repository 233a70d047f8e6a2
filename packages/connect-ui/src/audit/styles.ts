import { css } from "lit"

/**
 * The page's look: calm, dense, light or dark after the system's setting.
 * Every component adopts `base`; colours are custom properties so a host
 * that serves the page itself can restyle it.
 */

export const tokens = css`
  :host {
    color-scheme: light dark;
    --bg: #f6f7f9;
    --surface: #ffffff;
    --surface-2: #f1f3f6;
    --border: #dfe3e9;
    --text: #1b2230;
    --muted: #566070;
    --accent: #2b59c3;
    --accent-text: #ffffff;
    --focus: #2b59c3;
    --ok-bg: #e2f3e8;
    --ok: #155c33;
    --info-bg: #e5edfb;
    --info: #1c3d86;
    --warn-bg: #fcf0d8;
    --warn: #6f4700;
    --bad-bg: #fce6e3;
    --bad: #8e1f14;
    --idle-bg: #eceef2;
    --idle: #3b4350;
    --series-new: #2f8a5b;
    --series-changed: #3a6ad6;
    --series-deleted: #c4522a;
    --series-retry: #c89216;
    --grid: #e6e9ee;
    --radius: 6px;
    --mono: ui-monospace, "SF Mono", "Cascadia Mono", Menlo, Consolas, monospace;
    --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --bg: #0f1318;
      --surface: #161b22;
      --surface-2: #1d232c;
      --border: #2c3440;
      --text: #e4e8ee;
      --muted: #9ba5b4;
      --accent: #7ea3ff;
      --accent-text: #0d1220;
      --focus: #9bb8ff;
      --ok-bg: #12301f;
      --ok: #8be0ad;
      --info-bg: #172a4d;
      --info: #a9c3ff;
      --warn-bg: #3a2c0e;
      --warn: #f3cd7a;
      --bad-bg: #421a16;
      --bad: #ffaa9c;
      --idle-bg: #262d37;
      --idle: #c3cad5;
      --series-new: #55c08a;
      --series-changed: #7ea3ff;
      --series-deleted: #f08a5d;
      --series-retry: #e6b94a;
      --grid: #252c36;
    }
  }
`

export const base = css`
  :host {
    display: block;
    font: 14px/1.45 var(--sans);
    color: var(--text);
  }
  *, *::before, *::after { box-sizing: border-box; }
  h1, h2, h3 { margin: 0; font-weight: 600; line-height: 1.25; }
  h1 { font-size: 20px; }
  h2 { font-size: 15px; }
  h3 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
  h1:focus { outline: none; }
  p { margin: 0; }
  a { color: var(--accent); text-underline-offset: 2px; }
  code, .mono { font-family: var(--mono); font-size: 12.5px; }
  :focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; border-radius: 3px; }
  .sr-only {
    position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
    overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
  }
  .muted { color: var(--muted); }
  .card {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    padding: 14px 16px;
  }
  .card > h2 { margin-bottom: 10px; }
  .card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; margin-bottom: 10px; flex-wrap: wrap; }
  .card-head > h2 { margin: 0; }
  .stack { display: grid; gap: 14px; }
  .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }

  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
  th { font-weight: 600; color: var(--muted); font-size: 12px; background: var(--surface-2); white-space: nowrap; }
  tbody tr:last-child > * { border-bottom: none; }
  tbody th[scope=row] { background: none; color: var(--text); font-size: 13px; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: var(--radius); }
  .table-wrap table { margin: 0; }

  button, .button {
    font: inherit; font-size: 13px; font-weight: 500;
    padding: 5px 12px; min-height: 30px;
    border-radius: var(--radius); border: 1px solid var(--border);
    background: var(--surface); color: var(--text); cursor: pointer;
    display: inline-flex; align-items: center; gap: 6px; text-decoration: none;
  }
  button:hover:not(:disabled) { background: var(--surface-2); }
  button.primary { background: var(--accent); color: var(--accent-text); border-color: var(--accent); }
  button.primary:hover:not(:disabled) { background: var(--accent); filter: brightness(1.08); }
  button.danger { color: var(--bad); }
  button:disabled { opacity: 0.55; cursor: default; }
  input, select {
    font: inherit; font-size: 13px; font-weight: 400; color: var(--text); background: var(--surface);
    border: 1px solid var(--border); border-radius: var(--radius); padding: 5px 8px; min-height: 30px;
  }
  label { font-size: 12px; font-weight: 600; color: var(--muted); display: grid; gap: 3px; }
  label.check { display: inline-flex; flex-direction: row; align-items: center; gap: 6px; font-weight: 500; color: var(--text); font-size: 13px; }

  .badge {
    display: inline-block; padding: 1px 8px; border-radius: 999px;
    font-size: 12px; font-weight: 600; white-space: nowrap;
    background: var(--idle-bg); color: var(--idle);
  }
  .badge.ok { background: var(--ok-bg); color: var(--ok); }
  .badge.info { background: var(--info-bg); color: var(--info); }
  .badge.warn { background: var(--warn-bg); color: var(--warn); }
  .badge.bad { background: var(--bad-bg); color: var(--bad); }
  .code { background: var(--surface-2); border: 1px solid var(--border); border-radius: 4px; padding: 0 4px; }

  time, code[title] { white-space: nowrap; }
  dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px 18px; margin: 0; }
  dl.facts div { min-width: 0; }
  dl.facts dt { font-size: 12px; color: var(--muted); }
  dl.facts dd { margin: 0; font-weight: 500; overflow-wrap: anywhere; }

  .empty { color: var(--muted); padding: 10px 0; }
  .error-box { border: 1px solid var(--bad); background: var(--bad-bg); color: var(--bad); border-radius: var(--radius); padding: 10px 12px; }
`
