/**
 * Connections held across tasks: documents held open while the harness samples the server's
 * memory and measures propagation over them (scenario 4b), each document opened once after a
 * restart (5), and clients reconnecting by themselves after a restart (6).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { summarize } from '../lib/stats'
import type { BenchClient } from './client'
import { closePairs, connectAll, makePair, type Pair, watcher, writer } from './people'
import { openLoop } from './propagation'
import type { ColdResult, Endpoint, HeldResult, StormAwaitResult } from './tasks'

/** Scenario 4b's documents, held across tasks: a writer each, then a watcher each. */
let held: Pair[] = []
const heldLatencies: number[] = []

const heldCount = (seconds: number): HeldResult => ({
  writers: held.length,
  watchers: held.filter((p) => p.b?.synced).length,
  seconds: Math.round(seconds * 10) / 10,
})

/** Opens a writer on each document, at most `perSecond` a second; each then makes one decision. */
export async function openWriters(endpoint: Endpoint, docs: string[], perSecond: number) {
  const t0 = performance.now()
  const pairs = docs.map((doc, i) => makePair(endpoint, doc, i, { latencies: heldLatencies }))
  held.push(...pairs)
  await connectAll(
    pairs.map((p) => p.a),
    100,
    perSecond,
  )
  for (const p of pairs) p.a.decide()
  return heldCount((performance.now() - t0) / 1000)
}

/** Opens the watcher of every held document that has none open yet. */
export async function openWatchers(perSecond: number) {
  const t0 = performance.now()
  const watchers = held.flatMap((p) => (p.b && !p.b.synced ? [p.b] : []))
  await connectAll(watchers, 100, perSecond)
  return heldCount((performance.now() - t0) / 1000)
}

/** The open loop over the held documents. */
export const rateHeld = (perSecond: number, seconds: number) =>
  openLoop(held, heldLatencies, perSecond, seconds)

export function release() {
  closePairs(held)
  held = []
  heldLatencies.length = 0
  return heldCount(0)
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
