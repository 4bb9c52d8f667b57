/**
 * Steady-state health: a window with no faults at all, in which people go on deciding and
 * changing their presence as they would, while the soak watches what a person would feel —
 * closes by code (from the server's /metrics) and new connections per client per minute (from
 * each client's proxy). A healthy system is quiet here: no close and no reconnect.
 */
import type { SoakClient } from './clients'
import type { FaultProxy } from './proxy'
import type { Rng } from './rng'
import type { ServerProcess } from './server-process'

export interface SteadyReport {
  /** Seconds since the soak started. */
  startedAtS: number
  durationMs: number
  decisions: number
  presenceChanges: number
  /** Sync connections the server closed in the window, by close code. */
  closesByCode: Record<string, number>
  /** New connections per client per minute in the window: the most of any client, and each client's. */
  connectionsPerClientPerMinute: { max: number; byClient: Record<string, number> }
  /** What broke steady state (empty when healthy). */
  problems: string[]
}

/** The server's `consent_sync_connections_closed_total` by code, or null when it does not answer. */
export async function closesByCode(server: ServerProcess): Promise<Record<string, number> | null> {
  try {
    const res = await fetch(`${server.httpUrl}/metrics`, { signal: AbortSignal.timeout(2000) })
    if (!res.ok) return null
    const out: Record<string, number> = {}
    for (const m of (await res.text()).matchAll(
      /^consent_sync_connections_closed_total\{code="(\d+)"\} (\d+)/gm,
    )) {
      out[m[1] as string] = Number(m[2])
    }
    return out
  } catch {
    return null
  }
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [code, n] of Object.entries(after)) {
    const d = n - (before[code] ?? 0)
    if (d > 0) out[code] = d
  }
  return out
}

/**
 * Totals of the server's closes by code over the whole soak, across restarts: scraped every
 * `everyMs`, each server lifetime's last reading kept (a SIGKILL loses at most one interval).
 */
export function watchCloses(server: ServerProcess, everyMs = 1000) {
  const lifetimes = new Map<number, Record<string, number>>()
  const scrape = async () => {
    const starts = server.starts
    if (!server.running) return
    const now = await closesByCode(server)
    if (now && server.starts === starts) lifetimes.set(starts, now)
  }
  const timer = setInterval(() => void scrape(), everyMs)
  return {
    scrape,
    totals(): Record<string, number> {
      const out: Record<string, number> = {}
      for (const counts of lifetimes.values()) {
        for (const [code, n] of Object.entries(counts)) out[code] = (out[code] ?? 0) + n
      }
      return out
    },
    stop() {
      clearInterval(timer)
    },
  }
}

export interface SteadyInput {
  server: ServerProcess
  clients: readonly SoakClient[]
  proxies: readonly FaultProxy[]
  durationMs: number
  decideEveryMs: readonly [number, number]
  rng: Rng
  startedAtS: number
}

/** Runs one steady window and reports it; the caller has stopped faults and let clients settle. */
export async function steadyWindow(input: SteadyInput): Promise<SteadyReport> {
  const { server, clients, proxies, rng } = input
  const before = (await closesByCode(server)) ?? {}
  const connectionsBefore = proxies.map((p) => p.connections)
  const started = Date.now()
  const end = started + input.durationMs
  let decisions = 0
  let presenceChanges = 0
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(end - Date.now(), rng.between(...input.decideEveryMs))))
    if (Date.now() >= end) break
    const client = rng.pick(clients)
    if (rng.chance(0.3)) {
      client.setEditing(rng.chance(0.5))
      presenceChanges++
    } else if (client.canDecide()) {
      client.decide(rng)
      decisions++
    }
  }
  const durationMs = Date.now() - started
  const after = await closesByCode(server)
  const problems: string[] = []
  if (after === null) problems.push('the server did not answer /metrics at the end of the window')
  const closes = difference(after ?? {}, before)
  const minutes = durationMs / 60_000
  const byClient: Record<string, number> = {}
  for (const [i, c] of clients.entries()) {
    byClient[c.spec.name] = ((proxies[i]?.connections ?? 0) - (connectionsBefore[i] ?? 0)) / minutes
  }
  const max = Math.max(0, ...Object.values(byClient))
  for (const [code, n] of Object.entries(closes)) problems.push(`${n} connection(s) closed with ${code}`)
  for (const [name, perMinute] of Object.entries(byClient)) {
    if (perMinute > 0) problems.push(`${name} opened ${(perMinute * minutes).toFixed(0)} new connection(s)`)
  }
  return {
    startedAtS: input.startedAtS,
    durationMs,
    decisions,
    presenceChanges,
    closesByCode: closes,
    connectionsPerClientPerMinute: { max, byClient },
    problems,
  }
}
