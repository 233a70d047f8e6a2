/**
 * The page `--serve` shows at `/`: a host application's settings screen
 * with `<weft-connect>` on it, the fake BambooHR's company domain and key to
 * type in, and a link to the audit page. The token comes from the demo's
 * own backend route (`/demo/session`), as a host's backend would mint it.
 *
 * @since 0.1.0
 */

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[c]!)

/**
 * @since 0.1.0
 * @category pages
 */
export const html = (options: { readonly companyDomain: string; readonly bambooKey: string }): string => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Weft demo: connect an integration</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1f2430; }
    code { background: #f1f3f7; padding: 0.1rem 0.35rem; border-radius: 4px; }
    .hint { background: #f6f8fb; border: 1px solid #dde3ec; border-radius: 8px; padding: 0.75rem 1rem; }
    #status:empty { display: none; }
    #status { margin-top: 1rem; font-weight: 600; }
  </style>
  <script type="module" src="/ui/weft-connect.js"></script>
</head>
<body>
  <main>
    <h1>Integrations</h1>
    <p>This page plays a host application's settings screen. The element below is <code>&lt;weft-connect&gt;</code>,
    given a connect session minted by the demo's backend.</p>
    <div class="hint">
      <p>Connect the fake BambooHR with company domain <code>${escape(options.companyDomain)}</code> and the API key
      <code id="bamboo-key">${escape(options.bambooKey)}</code>. Try a wrong key first to see the refusal.
      HubSpot connects through the fake's consent page.</p>
    </div>
    <weft-connect></weft-connect>
    <p id="status" role="status"></p>
    <p><a href="/ui/">Open the audit page</a>: sign in with the admin API key printed in your terminal.</p>
  </main>
  <script type="module" src="/demo/page.js"></script>
</body>
</html>
`

/**
 * The page's script: gets a session token from the demo's backend, hands it
 * to the element, renews it when the element asks, and says what happened.
 *
 * @since 0.1.0
 * @category pages
 */
export const script = `const element = document.querySelector("weft-connect")
const status = document.getElementById("status")
const token = async () => {
  const response = await fetch("/demo/session", { method: "POST" })
  if (!response.ok) throw new Error("The demo could not create a connect session (" + response.status + ").")
  return (await response.json()).token
}
element.addEventListener("weft:session-expired", async () => { element.token = await token() })
element.addEventListener("weft:connected", (event) => {
  status.textContent = "Connected: integration " + event.detail.integrationId + ". Its initial sync has started; follow it on the audit page."
})
element.addEventListener("weft:error", (event) => { status.textContent = "" })
token().then((t) => { element.token = t }, (e) => { status.textContent = e.message })
`
