/**
 * `npm run bench -- <name> [args]`: runs one benchmark (its baseline runs in
 * the same process) and prints its report; the last line is JSON.
 */
const benches: Record<string, () => Promise<{ readonly run: (args: ReadonlyArray<string>) => Promise<void> }>> = {
  detect: () => import("./detect.js"),
  deliver: () => import("./deliver.js"),
  e2e: () => import("./e2e.js"),
  store: () => import("./store.js"),
}

const [name, ...args] = process.argv.slice(2)
const load = name === undefined ? undefined : benches[name]
if (load === undefined) {
  console.error(`Usage: npm run bench -- <${Object.keys(benches).join("|")}> [options]`)
  process.exit(2)
} else {
  load()
    .then((bench) => bench.run(args))
    .catch((error: unknown) => {
      console.error(error)
      process.exit(1)
    })
}
