import { startDemo } from "./demo.js"
import { walkthrough } from "./walkthrough.js"

/**
 * Starts the host service in demo mode (with a fake BambooHR), walks through
 * connecting, syncing and a delta, then keeps serving until Ctrl-C.
 *
 *   npm start --workspace=@weft/example-host-service            # port 3000
 *   PORT=8080 npm start --workspace=@weft/example-host-service
 *   npm start --workspace=@weft/example-host-service -- --once  # exit after the walk-through
 *
 * @since 0.1.0
 */

const main = async (): Promise<void> => {
  const port = Number(process.env["PORT"] ?? 3000)
  const once = process.argv.includes("--once")
  const demo = await startDemo({ port, log: (line) => console.log(`   [service] ${line}`) })
  const { service } = demo
  console.log(`Host service on ${service.url}, BambooHR fake on ${demo.bamboohr.url} (company domain "acme")`)
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
  process.exitCode = 1
})
