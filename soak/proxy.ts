/**
 * A fault-injecting TCP proxy on loopback, between one client and the server: latency with
 * jitter, a bandwidth limit, dropped connections, half-open connections, messages cut in the
 * middle, long partitions ("in a lift") and reconnect storms. Every queue and timer is bounded
 * and `close()` tears everything down.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { Link, type LinkShape } from './link'
import type { Rng } from './rng'

export type FaultKind = 'drop' | 'half-open' | 'cut' | 'lift' | 'storm'

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
