import * as Effect from "effect/Effect"

/**
 * A one-slot wake-up signal between synchronous code and one waiting fiber:
 * `notify` is a plain call (an attempt finishing, a new entry written), so it
 * costs nothing when nobody waits; a notice given while nobody waits is kept
 * for the next `wait`.
 *
 * @internal
 */
export class Wakeup {
  private pending = false
  private waiter: (() => void) | undefined = undefined

  notify(): void {
    const waiter = this.waiter
    if (waiter === undefined) {
      this.pending = true
      return
    }
    this.waiter = undefined
    waiter()
  }

  /** Resolves at the next `notify`, or at once if one came since the last wait. */
  readonly wait: Effect.Effect<void> = Effect.async<void>((resume) => {
    if (this.pending) {
      this.pending = false
      return resume(Effect.void)
    }
    const waiter = () => resume(Effect.void)
    this.waiter = waiter
    return Effect.sync(() => {
      if (this.waiter === waiter) this.waiter = undefined
    })
  })
}
