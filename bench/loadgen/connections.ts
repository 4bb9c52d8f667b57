/**
 * Connections held across tasks: documents held open while the harness samples the server's
 * memory (scenario 4), each document opened once after a restart (5), and clients reconnecting by
 * themselves after a restart (6).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { summarize } from '../lib/stats'
import type { BenchClient } from './client'
import { connectAll, watcher, writer } from './people'
import type { ColdResult, Endpoint, StormAwaitResult } from './tasks'

const held: BenchClient[] = []

/** Opens one writer per document, each making one decision when `decide`; kept until `release`. */
export async function hold(endpoint: Endpoint, docs: string[], decide: boolean) {
  const clients = docs.map((doc) => writer(endpoint, doc))
  held.push(...clients)
  await connectAll(clients)
  if (decide) {
    for (const c of clients) c.decide()
  }
  return { held: held.length }
}

export function release() {
  for (const c of held.splice(0)) c.close()
  return { held: 0 }
}

/** Each document opened once, one after another: connect → the server's sync step 2. */
export async function cold(endpoint: Endpoint, docs: string[]): Promise<ColdResult> {
  const times: number[] = []
  let steps = 0
  for (const doc of docs) {
    const c = watcher(endpoint, doc)
    const t0 = performance.now()
    await c.connect(10_000)
    times.push(performance.now() - t0)
    steps += c.doc.getArray('decisions').length
    c.close()
  }
  return { docs: docs.length, decisionsLoaded: steps, connectToStep2Ms: summarize(times) }
}

let storm: BenchClient[] = []

/** Connects one reconnecting writer per document, each making one decision. */
export async function stormConnect(endpoint: Endpoint, docs: string[]) {
  storm = docs.map((doc) => writer(endpoint, doc, { reconnect: true }))
  await connectAll(storm)
  for (const c of storm) c.decide()
  return { connected: storm.length }
}

/** Waits (bounded) until every storm client has synced again after the restart, then closes them. */
export async function stormAwait(timeoutMs: number): Promise<StormAwaitResult> {
  const deadline = Date.now() + timeoutMs
  while (storm.some((c) => c.syncs < 2) && Date.now() < deadline) await sleep(5)
  const lastSyncAt = Date.now()
  const resynced = storm.filter((c) => c.syncs >= 2).length
  const closeCodes: Record<string, number> = {}
  for (const c of storm) for (const code of c.closes) closeCodes[code] = (closeCodes[code] ?? 0) + 1
  for (const c of storm) c.close()
  const result = { clients: storm.length, resynced, lastSyncAt, closeCodes }
  storm = []
  return result
}
