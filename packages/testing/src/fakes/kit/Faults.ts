import type { FakeRequest } from "./FakeServer.js"

/**
 * Fault knobs shared by every provider fake: throttling bursts, error
 * statuses, malformed bodies and dropped connections, each for the next N
 * matching requests.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type Fault =
  | {
    readonly kind: "status"
    readonly status: number
    readonly headers?: Readonly<Record<string, string>>
    readonly body?: unknown
  }
  | { readonly kind: "malformed" }
  | { readonly kind: "reset" }

interface Pending {
  readonly fault: Fault
  readonly match: (request: FakeRequest) => boolean
  remaining: number
}

/**
 * @since 0.1.0
 * @category models
 */
export class Faults {
  private readonly pending: Array<Pending> = []
  /** Faults served so far. */
  served = 0

  /** Answers the next `times` requests matching `match` with `fault`. */
  inject(fault: Fault, options: { readonly times?: number; readonly match?: (request: FakeRequest) => boolean } = {}) {
    this.pending.push({ fault, match: options.match ?? (() => true), remaining: options.times ?? 1 })
    return this
  }

  /** A throttling burst: `times` answers of 429 (or 503) with `Retry-After`. */
  throttle(options: {
    readonly times: number
    readonly status?: 429 | 503
    readonly retryAfter?: string
    readonly headers?: Readonly<Record<string, string>>
    readonly body?: unknown
    readonly match?: (request: FakeRequest) => boolean
  }) {
    return this.inject(
      {
        kind: "status",
        status: options.status ?? 429,
        headers: { ...(options.retryAfter === undefined ? {} : { "retry-after": options.retryAfter }), ...options.headers },
        body: options.body ?? { error: "rate_limited" }
      },
      { times: options.times, ...(options.match === undefined ? {} : { match: options.match }) }
    )
  }

  /** Clears every pending fault. */
  clear() {
    this.pending.length = 0
  }

  /** @internal the fault for this request, if one is due. */
  take(request: FakeRequest): Fault | undefined {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!
      if (!p.match(request)) continue
      p.remaining -= 1
      if (p.remaining <= 0) this.pending.splice(i, 1)
      this.served += 1
      return p.fault
    }
    return undefined
  }
}
