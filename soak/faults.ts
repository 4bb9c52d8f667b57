/**
 * The soak's faults, each concern drawing from its own seeded stream: the network (through each
 * client's proxy), the server (SIGKILL, SIGTERM, restart on the same database), the clients
 * (offline, reload while offline) and a forger breaking the rules. All run while the phase does.
 */
import type { ClientSpec, SoakClient } from './clients'
import { type ForgeryOutcome, forge } from './forger'
import type { Phase } from './phase'
import type { Profile } from './profile'
import type { FaultProxy } from './proxy'
import type { Rng } from './rng'
import type { ServerProcess } from './server-process'

export interface FaultScene {
  phase: Phase
  rng: Rng
  profile: Profile
  server: ServerProcess
  /** Client i's proxy is `proxies[i]`. */
  proxies: readonly FaultProxy[]
  clients: readonly SoakClient[]
  specs: readonly ClientSpec[]
  /** A token per actor id, for the forger. */
  tokens: ReadonlyMap<string, string>
  /** Seconds since the soak started, for the log. */
  now: () => number
  log: (line: string) => void
}

export class Faults {
  /** How many of each fault struck. */
  readonly counts: Record<string, number> = {}
  readonly server = {
    kills: 0,
    sigterms: 0,
    restarts: 0,
    sigtermExits: [] as (number | null)[],
    maxRestartMs: 0,
    /** Slowest graceful (SIGTERM) shutdown. */
    maxShutdownMs: 0,
  }
  readonly forgeries: ForgeryOutcome[] = []
  private readonly away = new Set<SoakClient>()
  private readonly tasks = new Set<Promise<void>>()

  constructor(private readonly scene: FaultScene) {}

  /** Every fault loop, until the phase ends. */
  run(): Promise<unknown> {
    const { phase, rng, profile } = this.scene
    return Promise.all([
      phase.repeat(rng.fork('network'), profile.netFaultEveryMs, (r) => this.network(r)),
      phase.repeat(rng.fork('server'), profile.killEveryMs, (r) => this.serverFault(r)),
      phase.repeat(rng.fork('offline'), profile.offlineEveryMs, (r) => this.clientFault(r)),
      phase.repeat(rng.fork('forger'), profile.forgeEveryMs, (r) => this.forgery(r)),
    ])
  }

  /** Waits for the clients still away (offline or reloading) to come back. */
  async returned(): Promise<void> {
    await Promise.all([...this.tasks])
  }

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1
  }

  private network(r: Rng): void {
    const { proxies, profile } = this.scene
    const kind = r.next()
    const proxy = r.pick(proxies)
    if (kind < 0.3) {
      if (proxy.drop()) this.count('drop')
    } else if (kind < 0.5) {
      if (proxy.halfOpen(r.between(...profile.halfOpenMs))) this.count('half-open')
    } else if (kind < 0.75) {
      if (proxy.cut()) this.count('cut')
    } else if (kind < 0.85) {
      if (!proxy.partitioned) {
        proxy.lift(r.between(...profile.liftMs), r.chance(0.5) ? 'refuse' : 'blackhole')
        this.count('lift')
      }
    } else if (kind < 0.9) {
      for (const p of proxies) p.dropAll()
      this.count('storm')
    } else {
      // Slow links: latency and a bandwidth limit only (new connections draw their shape).
      if (proxy.drop()) this.count('reshape')
    }
  }

  private async serverFault(r: Rng): Promise<void> {
    const { server, profile } = this.scene
    const stats = this.server
    // Always drawn, so forcing one graceful restart does not shift the rest of the schedule.
    const drawn = r.chance(profile.sigtermShare)
    const graceful = drawn || profile.sigtermAt.includes(stats.kills + stats.sigterms)
    const downtime = r.between(...profile.downtimeMs)
    if (graceful) {
      const t = Date.now()
      const exit = await server.stop('SIGTERM', 45_000)
      stats.sigterms++
      stats.sigtermExits.push(exit.code)
      stats.maxShutdownMs = Math.max(stats.maxShutdownMs, Date.now() - t)
    } else {
      await server.stop('SIGKILL')
      stats.kills++
    }
    const at = Math.round(this.scene.now() / 1000)
    this.scene.log(`  ${at} s: ${graceful ? 'SIGTERM' : 'SIGKILL'}, down ${Math.round(downtime)} ms`)
    await new Promise((res) => setTimeout(res, downtime))
    const t = Date.now()
    await server.start()
    stats.restarts++
    stats.maxRestartMs = Math.max(stats.maxRestartMs, Date.now() - t)
  }

  /** A client goes offline for a while (a handle, often, reloads meanwhile); not awaited. */
  private clientFault(r: Rng): void {
    const { clients, profile, phase } = this.scene
    const client = r.pick(clients)
    if (this.away.has(client) || !client.online || client.problem()) return
    const reload = client.spec.kind === 'handle' && r.chance(0.6)
    const away = r.between(...profile.offlineMs)
    this.away.add(client)
    this.count(reload ? 'reload-offline' : 'offline')
    const task = (async () => {
      client.goOffline()
      await phase.pause(away / 2)
      if (reload) await client.reload()
      await phase.pause(away / 2)
      client.goOnline()
      this.away.delete(client)
    })()
    this.tasks.add(task)
    void task.finally(() => this.tasks.delete(task))
  }

  /** A customer's connection writes in an agent's name, straight to the server (no proxy). */
  private async forgery(r: Rng): Promise<void> {
    const { server, specs, tokens } = this.scene
    if (!server.running) return
    const who = r.pick(specs.filter((s) => s.role === 'customer'))
    const token = tokens.get(who.actorId)
    if (!token) return
    const outcome = await forge(`ws://127.0.0.1:${server.port}/sync`, who.customerId, token)
    if (!outcome.skipped) {
      this.forgeries.push(outcome)
      this.count('forgery')
    }
  }
}
