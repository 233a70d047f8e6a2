import * as Effect from "effect/Effect"

/**
 * The long-lived fibers that run one destination's attempts: the worker
 * hands each claimed entry to an idle lane (or queues it), so an attempt
 * costs a hand-over rather than a new fiber.
 *
 * @internal
 */
export class Lanes<A> {
  private readonly queued: Array<A> = []
  private head = 0
  private readonly idle: Array<(item: A) => void> = []
  /** How many lane fibers exist. */
  size = 0

  /** Gives `item` to an idle lane, or queues it for the next lane that asks. */
  push(item: A): void {
    const lane = this.idle.pop()
    if (lane !== undefined) lane(item)
    else this.queued.push(item)
  }

  private shift(): A {
    const item = this.queued[this.head]!
    this.queued[this.head++] = undefined as A
    if (this.head === this.queued.length) {
      this.queued.length = 0
      this.head = 0
    }
    return item
  }

  /** The next item: at once if one is queued (the usual case under load), else when one is pushed. */
  readonly take: Effect.Effect<A> = Effect.suspend(() =>
    this.head < this.queued.length ? Effect.succeed(this.shift()) : this.wait
  )

  private readonly wait: Effect.Effect<A> = Effect.async<A>((resume) => {
    if (this.head < this.queued.length) return resume(Effect.succeed(this.shift()))
    const lane = (item: A) => resume(Effect.succeed(item))
    this.idle.push(lane)
    return Effect.sync(() => {
      const at = this.idle.indexOf(lane)
      if (at !== -1) this.idle.splice(at, 1)
    })
  })
}
