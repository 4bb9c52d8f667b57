/**
 * One proxied connection between a client and the server: two lanes (one each way), each a delay
 * line with latency, jitter and a bandwidth limit, that can stall (half-open) or cut a chunk in
 * the middle. The faults themselves are chosen by proxy.ts.
 */
import type { Socket } from 'node:net'
import type { Rng } from './rng'

export interface LinkShape {
  /** Added one-way latency, ms. */
  latencyMs: number
  /** Uniform extra latency in [0, jitterMs), ms; order is kept. */
  jitterMs: number
  /** Bytes per second each way; 0 = unlimited. */
  bytesPerSecond: number
}

/** Above this many queued bytes one way, the sending socket is paused until the queue drains. */
const HIGH_WATER = 256 * 1024

/** One direction of a proxied connection: a delay line with a bandwidth limit. */
class Lane {
  private queue: { at: number; data: Buffer }[] = []
  private queued = 0
  private lastAt = 0
  private timer: NodeJS.Timeout | undefined
  stalled = false
  /** Forward only part of the next chunk, then tear the connection down. */
  cutNext = false
  /** Called once the queue is empty, after the sending end closed with bytes still queued. */
  onDrained: (() => void) | undefined

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly shape: LinkShape,
    private readonly rng: Rng,
    private readonly onCut: () => void,
  ) {
    from.on('data', (data: Buffer) => this.push(data))
  }

  private push(data: Buffer): void {
    // Half-open: the bytes go nowhere and nobody is told (no FIN, no RST).
    if (this.stalled) return
    if (this.cutNext) {
      this.cutNext = false
      const keep = data.length > 1 ? this.rng.int(1, data.length - 1) : 0
      if (keep > 0 && this.to.writable) this.to.write(data.subarray(0, keep))
      this.onCut()
      return
    }
    const now = Date.now()
    const delay = this.shape.latencyMs + this.rng.next() * this.shape.jitterMs
    const transmit = this.shape.bytesPerSecond > 0 ? (data.length / this.shape.bytesPerSecond) * 1000 : 0
    const at = Math.max(now + delay, this.lastAt) + transmit
    this.lastAt = at
    this.queue.push({ at, data })
    this.queued += data.length
    if (this.queued > HIGH_WATER) this.from.pause()
    this.schedule()
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return
    const head = this.queue[0]
    if (!head) return
    this.timer = setTimeout(() => this.flush(), Math.max(0, head.at - Date.now()))
  }

  private flush(): void {
    this.timer = undefined
    const now = Date.now()
    // Bounded by the queue's length: each pass removes one entry.
    while (this.queue.length > 0 && (this.queue[0]?.at ?? Infinity) <= now) {
      const { data } = this.queue.shift() as { at: number; data: Buffer }
      this.queued -= data.length
      if (!this.stalled && this.to.writable) this.to.write(data)
    }
    if (this.queued <= HIGH_WATER / 2 && this.from.isPaused()) this.from.resume()
    if (this.queue.length === 0 && this.onDrained) {
      const drained = this.onDrained
      this.onDrained = undefined
      drained()
    }
    this.schedule()
  }

  get hasQueued(): boolean {
    return this.queue.length > 0
  }

  stall(): void {
    this.stalled = true
    this.queue = []
    this.queued = 0
    clearTimeout(this.timer)
    this.timer = undefined
  }

  dispose(): void {
    this.stall()
  }
}

export class Link {
  readonly up: Lane
  readonly down: Lane
  private disposed = false
  private stallTimer: NodeJS.Timeout | undefined

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    shape: LinkShape,
    rng: Rng,
    private readonly onGone: (link: Link) => void,
  ) {
    this.up = new Lane(client, upstream, shape, rng, () => this.destroy(false))
    this.down = new Lane(upstream, client, shape, rng, () => this.destroy(false))
    for (const s of [client, upstream]) s.on('error', () => this.destroy(false))
    client.on('close', () => this.closedBy(this.up, upstream))
    upstream.on('close', () => this.closedBy(this.down, client))
  }

  /** One end closed: deliver what it sent before closing (a 1012 close frame), then end the other. */
  private closedBy(lane: Lane, other: Socket): void {
    if (this.disposed) return
    if (!lane.hasQueued || lane.stalled) {
      this.destroy(false)
      return
    }
    lane.onDrained = () => {
      other.end()
      this.stallTimer = setTimeout(() => this.destroy(false), 1000)
    }
  }

  /** Stops forwarding both ways without telling either end; destroyed after `ms`. */
  halfOpen(ms: number): void {
    this.up.stall()
    this.down.stall()
    clearTimeout(this.stallTimer)
    this.stallTimer = setTimeout(() => this.destroy(false), ms)
  }

  destroy(reset: boolean): void {
    if (this.disposed) return
    this.disposed = true
    clearTimeout(this.stallTimer)
    this.up.dispose()
    this.down.dispose()
    for (const s of [this.client, this.upstream]) {
      try {
        if (reset && !s.destroyed && !s.connecting) s.resetAndDestroy()
        else s.destroy()
      } catch {
        s.destroy()
      }
    }
    this.onGone(this)
  }
}
