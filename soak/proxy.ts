/**
 * A fault-injecting TCP proxy on loopback, between one client and the server: latency with
 * jitter, a bandwidth limit, dropped connections, half-open connections, messages cut in the
 * middle, long partitions ("in a lift") and reconnect storms. Every queue and timer is bounded
 * and `close()` tears everything down.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import type { Rng } from './rng'

export type FaultKind = 'drop' | 'half-open' | 'cut' | 'lift' | 'storm'

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

class Link {
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

export interface FaultProxyOptions {
  /** Where the server listens (loopback). */
  targetPort: number
  rng: Rng
  /** How each new connection's link behaves, drawn per connection. */
  shapeOf?: (rng: Rng) => LinkShape
}

export const CALM: LinkShape = { latencyMs: 0, jitterMs: 0, bytesPerSecond: 0 }

/** One listener on 127.0.0.1 forwarding to the server, with faults injected on demand. */
export class FaultProxy {
  private server: Server
  private links = new Set<Link>()
  /** Accepted sockets not forwarded anywhere (a partition that blackholes new connections). */
  private held = new Set<Socket>()
  private partition: { mode: 'refuse' | 'blackhole'; timer: NodeJS.Timeout } | undefined
  private calm = false
  private closed = false
  port = 0
  connections = 0

  constructor(private readonly options: FaultProxyOptions) {
    this.server = createServer((socket) => this.accept(socket))
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve())
    })
    const address = this.server.address()
    if (typeof address !== 'object' || address === null) throw new Error('proxy has no address')
    this.port = address.port
    return this.port
  }

  get partitioned(): boolean {
    return this.partition !== undefined
  }

  get openLinks(): number {
    return this.links.size
  }

  private accept(socket: Socket): void {
    this.connections++
    socket.on('error', () => socket.destroy())
    if (this.partition?.mode === 'refuse') {
      socket.resetAndDestroy()
      return
    }
    if (this.closed) {
      socket.destroy()
      return
    }
    if (this.partition?.mode === 'blackhole') {
      this.held.add(socket)
      socket.on('close', () => this.held.delete(socket))
      return
    }
    const upstream = tcpConnect({ host: '127.0.0.1', port: this.options.targetPort })
    const shape = this.calm ? CALM : (this.options.shapeOf?.(this.options.rng) ?? CALM)
    const link = new Link(socket, upstream, shape, this.options.rng, (l) => this.links.delete(l))
    this.links.add(link)
  }

  private randomLink(): Link | undefined {
    const all = [...this.links]
    return all.length === 0 ? undefined : this.options.rng.pick(all)
  }

  /** Destroys one connection (FIN or RST). Returns whether there was one. */
  drop(): boolean {
    const link = this.randomLink()
    link?.destroy(this.options.rng.chance(0.5))
    return link !== undefined
  }

  /** One connection stops forwarding both ways without FIN, and is destroyed after `ms`. */
  halfOpen(ms: number): boolean {
    const link = this.randomLink()
    link?.halfOpen(ms)
    return link !== undefined
  }

  /** The next chunk of one connection (either way) is forwarded in part, then the connection dies. */
  cut(): boolean {
    const link = this.randomLink()
    if (!link) return false
    if (this.options.rng.chance(0.5)) link.up.cutNext = true
    else link.down.cutNext = true
    return true
  }

  /** Every connection dropped at once: a reconnect storm. */
  dropAll(): number {
    const n = this.links.size
    for (const link of [...this.links]) link.destroy(false)
    return n
  }

  /**
   * A long partition: existing connections go silent (no FIN) and new ones are refused or
   * blackholed; after `ms`, everything held is destroyed and traffic flows again.
   */
  lift(ms: number, mode: 'refuse' | 'blackhole'): void {
    if (this.partition) return
    for (const link of this.links) link.halfOpen(ms)
    const timer = setTimeout(() => this.heal(), ms)
    this.partition = { mode, timer }
  }

  /** Ends a partition and destroys what it held. */
  heal(): void {
    if (!this.partition) return
    clearTimeout(this.partition.timer)
    this.partition = undefined
    for (const s of [...this.held]) s.destroy()
    this.held.clear()
  }

  /** No more faults: partitions end, stalled links go, new links have no added latency. */
  settle(): void {
    this.calm = true
    this.heal()
    for (const link of [...this.links]) if (link.up.stalled || link.down.stalled) link.destroy(false)
    for (const link of this.links) {
      link.up.cutNext = false
      link.down.cutNext = false
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.heal()
    for (const link of [...this.links]) link.destroy(false)
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
