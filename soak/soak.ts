/**
 * The fault soak: a real server child process (SIGKILLed and SIGTERMed, restarted on the same
 * database), one fault-injecting proxy per client, customers and CSR agents deciding at random,
 * clients going offline and reloading. Afterwards every promise is checked (see check.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CloseCode } from '@consent-sync/protocol'
import { freePort } from '@consent-sync/server/testing'
import { type FinalCheck, finalCheck } from './check'
import { type ClientSpec, createClient, type MadeDecision, type Rejection, type SoakClient } from './clients'
import { type ForgeryOutcome, forge } from './forger'
import { type Profile, profileFor } from './profile'
import { FaultProxy } from './proxy'
import { createRng, type Rng } from './rng'
import { ServerProcess } from './server-process'
import { type SteadyReport, steadyWindow, watchCloses } from './steady'

export interface SoakOptions {
  seed: number
  /** Length of the fault phase. */
  minutes: number
  /** The short mode of the test suite: about a minute of faults, scaled-down partitions. */
  short?: boolean
  log?: (line: string) => void
}

export type FaultCounts = Record<string, number>

export interface SoakResult {
  seed: number
  minutes: number
  short: boolean
  startedAt: string
  durationMs: number
  clients: { handles: number; stock: number; customers: number; agents: number }
  decisions: {
    made: number
    acknowledged: number
    lost: number
    lostIds: string[]
    rejected: number
    rejections: Rejection[]
  }
  /** Rule-breaking updates sent on purpose: each must be refused and never applied. */
  forgeries: { attempted: number; rejected: number; applied: number }
  faults: FaultCounts
  /** From the last fault until every client was online, synced and had nothing waiting. */
  settleMs: number
  /** Windows without faults: closes by code and new connections per client per minute. */
  steady: SteadyReport[]
  /** Every close the server made over the whole run, by code (4529 must not appear: no client floods). */
  closesByCode: Record<string, number>
  server: {
    kills: number
    sigterms: number
    restarts: number
    sigtermExits: (number | null)[]
    maxRestartMs: number
    /** Slowest graceful (SIGTERM) shutdown. */
    maxShutdownMs: number
    closes1012: number
    warnings: string[]
  }
  check: FinalCheck
  ok: boolean
}

const CUSTOMERS = ['C-0001', 'C-0002', 'C-0003', 'C-0004', 'C-0005'] as const

/** Which clients exist: one customer device per document first, then a seeded mix. */
export function clientSpecs(rng: Rng, count: number): ClientSpec[] {
  const specs: ClientSpec[] = []
  for (let i = 0; i < count; i++) {
    const kind = i < CUSTOMERS.length ? 'handle' : rng.chance(0.55) ? 'handle' : 'stock'
    const customer = i < CUSTOMERS.length ? CUSTOMERS[i] : rng.pick(CUSTOMERS)
    const csr = i >= CUSTOMERS.length && rng.chance(0.6)
    const actorId = csr ? rng.pick(['csr1', 'csr2'] as const) : (customer ?? 'C-0001')
    const customerId = customer ?? 'C-0001'
    specs.push({
      name: `${String(i).padStart(2, '0')}-${kind}-${actorId}${csr ? `-on-${customerId}` : ''}`,
      kind,
      role: csr ? 'csr' : 'customer',
      actorId,
      customerId,
    })
  }
  return specs
}

/** A sleep that ends early once the soak stops its faults. */
function pause(ms: number, stop: { stopped: boolean }): Promise<void> {
  return new Promise((resolve) => {
    const deadline = Date.now() + ms
    const tick = () => {
      if (stop.stopped || Date.now() >= deadline) resolve()
      else setTimeout(tick, Math.min(100, deadline - Date.now()))
    }
    tick()
  })
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {})
  const profile: Profile = profileFor(options)
  const rng = createRng(options.seed)
  const t0 = Date.now()
  const now = () => Date.now() - t0
  const dir = await mkdtemp(path.join(tmpdir(), `consent-sync-soak-${options.seed}-`))
  const server = new ServerProcess(await freePort(), path.join(dir, 'soak.db'))
  const faults: FaultCounts = {}
  const count = (kind: string) => {
    faults[kind] = (faults[kind] ?? 0) + 1
  }
  const made: MadeDecision[] = []
  const acked = new Map<string, MadeDecision>()
  const rejections: Rejection[] = []
  const serverStats = {
    kills: 0,
    sigterms: 0,
    restarts: 0,
    sigtermExits: [] as (number | null)[],
    maxRestartMs: 0,
    maxShutdownMs: 0,
  }
  let closes1012 = 0
  const proxies: FaultProxy[] = []
  const clients: SoakClient[] = []
  const stop = { stopped: false }
  /** On during a steady window: no faults, and the window makes its own decisions. */
  const quiet = { on: false }
  const steady: SteadyReport[] = []
  const forgeries: ForgeryOutcome[] = []
  let closes: ReturnType<typeof watchCloses> | undefined

  try {
    await server.start()
    closes = watchCloses(server)
    const specs = clientSpecs(rng.fork('clients'), profile.clients)
    const tokens = new Map<string, string>()
    for (const actor of new Set(specs.map((s) => s.actorId))) tokens.set(actor, await server.login(actor))
    const proxyRng = rng.fork('links')
    for (const spec of specs) {
      const proxy = new FaultProxy({
        targetPort: server.port,
        rng: proxyRng.fork(spec.name),
        shapeOf: profile.shape,
      })
      await proxy.listen()
      proxies.push(proxy)
      clients.push(
        createClient(spec, {
          url: `ws://127.0.0.1:${proxy.port}/sync`,
          token: tokens.get(spec.actorId) ?? '',
          getToken: () => server.login(spec.actorId),
          dbPrefix: `soak-${options.seed}-${t0}`,
          now,
          onMade: (d) => made.push(d),
          onAcked: (d) => acked.set(d.id, d),
          onRejected: (r) => rejections.push(r),
          onClose: (code) => {
            if (code === CloseCode.Restarting) closes1012++
          },
        }),
      )
    }
    log(
      `seed ${options.seed}: ${clients.length} clients, server on :${server.port}, faults for ${Math.round(profile.faultMs / 1000)} s`,
    )
    const faultEnd = Date.now() + profile.faultMs
    const running = () => !stop.stopped && Date.now() < faultEnd
    const busy = new Set<SoakClient>()
    const tasks = new Set<Promise<void>>()

    const decisions = async () => {
      const r = rng.fork('decisions')
      while (running()) {
        await pause(r.between(...profile.decideEveryMs), stop)
        const client = r.pick(clients)
        if (running() && !quiet.on && client.canDecide()) client.decide(r)
      }
    }

    const network = async () => {
      const r = rng.fork('network')
      while (running()) {
        await pause(r.between(...profile.netFaultEveryMs), stop)
        if (!running()) break
        if (quiet.on) continue
        const kind = r.next()
        const proxy = r.pick(proxies)
        if (kind < 0.3) {
          if (proxy.drop()) count('drop')
        } else if (kind < 0.5) {
          if (proxy.halfOpen(r.between(...profile.halfOpenMs))) count('half-open')
        } else if (kind < 0.75) {
          if (proxy.cut()) count('cut')
        } else if (kind < 0.85) {
          if (!proxy.partitioned) {
            proxy.lift(r.between(...profile.liftMs), r.chance(0.5) ? 'refuse' : 'blackhole')
            count('lift')
          }
        } else if (kind < 0.9) {
          for (const p of proxies) p.dropAll()
          count('storm')
        } else {
          // Slow links: latency and a bandwidth limit only (new connections draw their shape).
          if (proxy.drop()) count('reshape')
        }
      }
    }

    const serverFaults = async () => {
      const r = rng.fork('server')
      while (running()) {
        await pause(r.between(...profile.killEveryMs), stop)
        if (!running()) break
        if (quiet.on) continue
        // Always drawn, so forcing one graceful restart does not shift the rest of the schedule.
        const drawn = r.chance(profile.sigtermShare)
        const graceful = drawn || profile.sigtermAt.includes(serverStats.kills + serverStats.sigterms)
        const downtime = r.between(...profile.downtimeMs)
        if (graceful) {
          const t = Date.now()
          const exit = await server.stop('SIGTERM', 45_000)
          serverStats.sigterms++
          serverStats.sigtermExits.push(exit.code)
          serverStats.maxShutdownMs = Math.max(serverStats.maxShutdownMs, Date.now() - t)
        } else {
          await server.stop('SIGKILL')
          serverStats.kills++
        }
        log(
          `  ${Math.round(now() / 1000)} s: ${graceful ? 'SIGTERM' : 'SIGKILL'}, down ${Math.round(downtime)} ms`,
        )
        await new Promise((res) => setTimeout(res, downtime))
        const t = Date.now()
        await server.start()
        serverStats.restarts++
        serverStats.maxRestartMs = Math.max(serverStats.maxRestartMs, Date.now() - t)
      }
    }

    const clientFaults = async () => {
      const r = rng.fork('offline')
      while (running()) {
        await pause(r.between(...profile.offlineEveryMs), stop)
        if (!running()) break
        if (quiet.on) continue
        const client = r.pick(clients)
        if (busy.has(client) || !client.online || client.problem()) continue
        const reload = client.spec.kind === 'handle' && r.chance(0.6)
        const away = r.between(...profile.offlineMs)
        busy.add(client)
        count(reload ? 'reload-offline' : 'offline')
        const task = (async () => {
          client.goOffline()
          await pause(away / 2, stop)
          if (reload) await client.reload()
          await pause(away / 2, stop)
          client.goOnline()
          busy.delete(client)
        })()
        tasks.add(task)
        void task.finally(() => tasks.delete(task))
      }
    }

    const forger = async () => {
      const r = rng.fork('forger')
      const customers = specs.filter((s) => s.role === 'customer')
      while (running()) {
        await pause(r.between(...profile.forgeEveryMs), stop)
        if (!running() || !server.running || quiet.on) continue
        const who = r.pick(customers)
        const token = tokens.get(who.actorId)
        if (!token) continue
        const outcome = await forge(`ws://127.0.0.1:${server.port}/sync`, who.customerId, token)
        if (!outcome.skipped) {
          forgeries.push(outcome)
          count('forgery')
        }
      }
    }

    /** Waits (bounded) until every client is online, connected and has nothing waiting. */
    const settled = async (timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline && !clients.every((c) => c.online && c.settled())) {
        await new Promise((res) => setTimeout(res, 100))
      }
      return clients.every((c) => c.online && c.settled())
    }

    const steadyRng = rng.fork('steady')
    /** Lets every client settle, then watches a steady window; returns how long settling took. */
    const measureSteady = async (durationMs: number): Promise<number> => {
      const t = Date.now()
      const calm = await settled(profile.convergeTimeoutMs)
      const settleMs = Date.now() - t
      const report = await steadyWindow({
        server,
        clients,
        proxies,
        durationMs,
        decideEveryMs: profile.decideEveryMs,
        rng: steadyRng,
        startedAtS: Math.round(now() / 1000),
      })
      if (!calm) report.problems.unshift('clients had not settled when the window began')
      steady.push(report)
      log(
        `  ${report.startedAtS} s: steady ${Math.round(report.durationMs / 1000)} s: closes ${JSON.stringify(report.closesByCode)}, most new connections per client per minute ${report.connectionsPerClientPerMinute.max.toFixed(2)}${report.problems.length ? `; ${report.problems.join('; ')}` : ''}`,
      )
      return settleMs
    }

    const steadiness = async () => {
      if (profile.steadyEveryMs <= 0) return
      while (running()) {
        await pause(profile.steadyEveryMs, stop)
        if (!running()) break
        quiet.on = true
        for (const p of proxies) p.heal()
        await Promise.all([...tasks])
        while (!server.running && !stop.stopped) await pause(100, stop)
        await measureSteady(profile.midSteadyMs)
        quiet.on = false
      }
    }

    const progress = async () => {
      while (running()) {
        await pause(profile.progressEveryMs, stop)
        log(
          `  ${Math.round(now() / 1000)} s: ${made.length} decisions, ${acked.size} acknowledged, kills ${serverStats.kills}, sigterms ${serverStats.sigterms}, faults ${JSON.stringify(faults)}`,
        )
      }
    }

    await Promise.all([
      decisions(),
      network(),
      serverFaults(),
      clientFaults(),
      forger(),
      steadiness(),
      progress(),
    ])
    stop.stopped = true
    await Promise.all([...tasks])
    const faultsStoppedAt = Date.now()
    log(`faults stopped at ${Math.round(now() / 1000)} s; converging`)

    if (!server.running) await server.start()
    for (const p of proxies) p.settle()
    for (const c of clients) if (!c.online) c.goOnline()
    // Steady state after the storm: people go on as usual; nothing may close or reconnect.
    const settleMs = await measureSteady(profile.steadyMs)
    await closes.scrape()
    const closesByCode = closes.totals()
    const check = await finalCheck({
      server,
      clients,
      made,
      acked,
      rejections,
      faultsStoppedAt: Date.now(),
      convergeTimeoutMs: profile.convergeTimeoutMs,
      log,
    })
    const forgedIds = new Set(forgeries.map((f) => f.id))
    const forgedApplied = check.unknownInServer.filter((id) => forgedIds.has(id)).length
    const ok =
      (closesByCode[CloseCode.RateLimited] ?? 0) === 0 &&
      steady.every((w) => w.problems.length === 0) &&
      forgedApplied === 0 &&
      check.converged &&
      check.lostIds.length === 0 &&
      rejections.length === 0 &&
      check.verify.code === 0 &&
      check.unsettled.length === 0 &&
      check.readyz &&
      check.unsaved.length === 0 &&
      check.unknownInServer.length === 0 &&
      check.sigtermExitCode === 0 &&
      serverStats.sigtermExits.every((c) => c === 0)
    const result: SoakResult = {
      seed: options.seed,
      minutes: profile.faultMs / 60_000,
      short: options.short === true,
      startedAt: new Date(t0).toISOString(),
      durationMs: Date.now() - t0,
      clients: {
        handles: clients.filter((c) => c.spec.kind === 'handle').length,
        stock: clients.filter((c) => c.spec.kind === 'stock').length,
        customers: clients.filter((c) => c.spec.role === 'customer').length,
        agents: clients.filter((c) => c.spec.role === 'csr').length,
      },
      decisions: {
        made: made.length,
        acknowledged: acked.size,
        lost: check.lostIds.length,
        lostIds: check.lostIds,
        rejected: rejections.length,
        rejections,
      },
      forgeries: {
        attempted: forgeries.length,
        rejected: forgeries.filter((f) => f.rejected).length,
        applied: forgedApplied,
      },
      faults,
      settleMs,
      steady,
      closesByCode,
      server: { ...serverStats, closes1012, warnings: server.warnings.slice(0, 50) },
      check,
      ok,
    }
    return result
  } finally {
    stop.stopped = true
    closes?.stop()
    for (const c of clients) await c.destroy().catch(() => {})
    for (const p of proxies) await p.close()
    if (server.running) await server.stop('SIGKILL').catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
}
