/**
 * The audit page's script: defines its elements. The page is
 * `<weft-audit>` (see index.html); its configuration is read from the
 * element's `data-api-url` / `data-auth` or `window.weftAuditConfig`.
 */
import { AuditApp } from "./app.js"
import { Deliveries } from "./views/deliveries.js"
import { DestinationCard } from "./views/destination.js"
import { IntegrationView } from "./views/integration.js"
import { IntegrationsView } from "./views/integrations.js"
import { RunView } from "./views/run.js"
import { SignIn } from "./views/signin.js"
import { SyncView } from "./views/sync.js"
import { SyncActions } from "./views/syncActions.js"

const elements: ReadonlyArray<readonly [string, CustomElementConstructor]> = [
  ["weft-audit-signin", SignIn],
  ["weft-audit-integrations", IntegrationsView],
  ["weft-audit-integration", IntegrationView],
  ["weft-audit-sync", SyncView],
  ["weft-audit-sync-actions", SyncActions],
  ["weft-audit-destination", DestinationCard],
  ["weft-audit-run", RunView],
  ["weft-audit-deliveries", Deliveries],
  // Last: the page's root upgrades once everything it renders is defined.
  ["weft-audit", AuditApp]
]

for (const [name, element] of elements) {
  if (customElements.get(name) === undefined) customElements.define(name, element)
}
