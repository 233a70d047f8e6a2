import { startDemo } from "./demo.js"
import { DEFAULT_STORE, fromFlag, StoreFlagError } from "./store.js"
import { walkthrough } from "./walkthrough.js"

/**
 * Starts the host service in demo mode (with a fake BambooHR), walks through
 * connecting, syncing and a delta, then keeps serving until Ctrl-C.
 *
 *   npm start --workspace=@weft/example-host-service            # port 3000
 *   PORT=8080 npm start --workspace=@weft/example-host-service
 *   npm start --workspace=@weft/example-host-service -- --once  # exit after the walk-through
 *   npm start --workspace=@weft/example-host-service -- --store memory  # or sqlite:<file>, postgres://…
 *
 * @since 0.1.0
 */

/** The value of `--store VALUE` or `--store=VALUE`. */
const storeFlag = (args: ReadonlyArray<string>): string => {
  const i = args.findIndex((a) => a === "--store" || a.startsWith("--store="))
  if (i < 0) return DEFAULT_STORE
  const value = args[i] === "--store" ? args[i + 1] : args[i]!.slice("--store=".length)
  if (value === undefined || value.startsWith("--")) throw new StoreFlagError("--store: needs a value: sqlite:<file>, postgres://user:password@host:port/database or memory.")
  return value
}

const main = async (): Promise<void> => {
  const port = Number(process.env["PORT"] ?? 3000)
  const once = process.argv.includes("--once")
  const store = fromFlag(storeFlag(process.argv.slice(2)))
  const demo = await startDemo({ port, store, log: (line) => console.log(`   [service] ${line}`) })
  const { service } = demo
  console.log(`Host service on ${service.url}, BambooHR fake on ${demo.bamboohr.url} (company domain "acme")`)
  console.log(`Weft's store: ${store.label} · ${store.key}`)
  if (demo.reset.integrations > 0) {
    console.log(`The store held ${demo.reset.integrations} integration(s) of an earlier start (their fake is gone): disconnected; their runs stay listable.`)
  }
  console.log([
    "  POST /webhooks/weft            Weft's signed events (verified, then applied to the directory)",
    "  POST /integrations             connect BambooHR: { tenant, credentials: { companyDomain, apiKey } }",
    "  GET  /integrations             connected integrations",
    "  GET  /employees[?tenant=]      the employee directory built from the events",
    "  GET  /received                 what the service received per run (sync.events.allEmitted / allConsumed)",
    "  GET  /syncs                    syncs",
    "  POST /syncs/:id/trigger        run a delta now ({ type: \"manual\" } reads everything); ?wait=true waits for the audit",
    "  GET  /runs[?syncId=&limit=]    run audits, with what the service received for each"
  ].join("\n"))

  await walkthrough(demo, (line) => console.log(line))

  if (once) {
    await demo.close()
    return
  }
  console.log(`\nServing on ${service.url}; Ctrl-C to stop.`)
  const stop = () => {
    demo.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = error instanceof StoreFlagError ? 2 : 1
})
