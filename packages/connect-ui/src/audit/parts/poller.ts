import type { ReactiveController, ReactiveControllerHost } from "lit"

/**
 * Refreshes a view while something is still moving (a run in progress,
 * events pending): `tick` runs every `intervalMs` and says whether to go on.
 * It stops when the view leaves the page.
 */
export class Poller implements ReactiveController {
  private timer: ReturnType<typeof setTimeout> | undefined
  private connected = false

  constructor(
    host: ReactiveControllerHost,
    private readonly tick: () => Promise<boolean>,
    private readonly intervalMs = 2500
  ) {
    host.addController(this)
  }

  /** Polls (again) unless it already does. */
  start(): void {
    if (this.timer !== undefined || !this.connected) return
    // A browser timer: the page has no Effect runtime.
    // eslint-disable-next-line no-restricted-syntax
    this.timer = setTimeout(async () => {
      // A failed refresh (a network blip) is tried again at the next tick.
      let again = true
      try {
        again = await this.tick()
      } catch {
        again = true
      } finally {
        this.timer = undefined
        if (again) this.start()
      }
    }, this.intervalMs)
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  hostConnected(): void {
    this.connected = true
  }

  hostDisconnected(): void {
    this.connected = false
    this.stop()
  }
}
