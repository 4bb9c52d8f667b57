/**
 * A token bucket checked synchronously on every incoming message. Written here rather than
 * taken from a library: the HTTP rate limiters key on requests and the generic ones are async.
 */
/** Shared by every bucket: a default arrow would be a closure per bucket, one per connection. */
const monotonic = () => performance.now()

export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = monotonic,
  ) {
    this.tokens = burst
    this.last = now()
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const t = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond)
    this.last = t
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
