/**
 * The fault soak: a real server child process (SIGKILLed and SIGTERMed, restarted on the same
 * database), one fault-injecting proxy per client, customers and CSR agents deciding at random,
 * clients going offline and reloading (faults.ts). Afterwards every promise is checked (check.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CloseCode } from '@consent-sync/protocol'
import { freePort } from '@consent-sync/server/testing'
import { finalCheck } from './check'
import { clientSpecs, createClient, type MadeDecision, type Rejection, type SoakClient } from './clients'
import { Faults } from './faults'
import { Phase } from './phase'
import { type Profile, profileFor } from './profile'
import { FaultProxy } from './proxy'
import { promisesHeld, type SoakResult } from './result'
import { createRng } from './rng'
import { ServerProcess } from './server-process'
import { type SteadyReport, steadyWindow, watchCloses } from './steady'

export type { SoakResult } from './result'

export interface SoakOptions {
  seed: number
  /** Length of the fault phase. */
  minutes: number
  /** The short mode of the test suite: about a minute of faults, scaled-down partitions. */
  short?: boolean
  log?: (line: string) => void
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {})
  const profile: Profile = profileFor(options)
  const rng = createRng(options.seed)
  const t0 = Date.now()
  const now = () => Date.now() - t0
  const dir = await mkdtemp(path.join(tmpdir(), `consent-sync-soak-${options.seed}-`))
  const server = new ServerProcess(await freePort(), path.join(dir, 'soak.db'))
  const made: MadeDecision[] = []
  const acked = new Map<string, MadeDecision>()
  const rejections: Rejection[] = []
  let closes1012 = 0
  const proxies: FaultProxy[] = []
  const clients: SoakClient[] = []
  const phase = new Phase()
  const steady: SteadyReport[] = []
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
    phase.endIn(profile.faultMs)
    const faults = new Faults({ phase, rng, profile, server, proxies, clients, specs, tokens, now, log })

    const decisions = async () => {
      const r = rng.fork('decisions')
      while (phase.running) {
        await phase.pause(r.between(...profile.decideEveryMs))
        // Drawn whatever happens next, so a steady window does not shift the rest of the stream.
        const client = r.pick(clients)
        if (phase.running && !phase.quiet && client.canDecide()) client.decide(r)
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
      while (phase.running) {
        await phase.pause(profile.steadyEveryMs)
        if (!phase.running) break
        phase.quiet = true
        for (const p of proxies) p.heal()
        await faults.returned()
        while (!server.running && !phase.stopped) await phase.pause(100)
        await measureSteady(profile.midSteadyMs)
        phase.quiet = false
      }
    }

    const progress = async () => {
      while (phase.running) {
        await phase.pause(profile.progressEveryMs)
        const { kills, sigterms } = faults.server
        log(
          `  ${Math.round(now() / 1000)} s: ${made.length} decisions, ${acked.size} acknowledged, kills ${kills}, sigterms ${sigterms}, faults ${JSON.stringify(faults.counts)}`,
        )
      }
    }

    await Promise.all([decisions(), faults.run(), steadiness(), progress()])
    phase.stopped = true
    await faults.returned()
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
    const forgedIds = new Set(faults.forgeries.map((f) => f.id))
    const count = (keep: (c: SoakClient) => boolean) => clients.filter(keep).length
    const result: Omit<SoakResult, 'ok'> = {
      seed: options.seed,
      minutes: profile.faultMs / 60_000,
      short: options.short === true,
      startedAt: new Date(t0).toISOString(),
      durationMs: Date.now() - t0,
      clients: {
        handles: count((c) => c.spec.kind === 'handle'),
        stock: count((c) => c.spec.kind === 'stock'),
        customers: count((c) => c.spec.role === 'customer'),
        agents: count((c) => c.spec.role === 'csr'),
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
        attempted: faults.forgeries.length,
        rejected: faults.forgeries.filter((f) => f.rejected).length,
        applied: check.unknownInServer.filter((id) => forgedIds.has(id)).length,
      },
      faults: faults.counts,
      settleMs,
      steady,
      closesByCode,
      server: { ...faults.server, closes1012, warnings: server.warnings.slice(0, 50) },
      check,
    }
    return { ...result, ok: promisesHeld(result) }
  } finally {
    phase.stopped = true
    closes?.stop()
    for (const c of clients) await c.destroy().catch(() => {})
    for (const p of proxies) await p.close()
    if (server.running) await server.stop('SIGKILL').catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
}
