/**
 * Propagation latency: from A's send until B has applied the update (B's state vector covers A's
 * clock), one decision at a time (scenario 1) or at an aggregate rate over many documents (2).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { summarize } from '../lib/stats'
import { clientsOf, closePairs, connectAll, makePair, type Pair } from './people'
import type { Endpoint, RateResult, SequentialResult } from './tasks'

/** One document, one decision at a time, each waited for (at most 5 s) before the next. */
export async function sequential(
  endpoint: Endpoint,
  doc: string,
  decisions: number,
): Promise<SequentialResult> {
  const latencies: number[] = []
  let wake: (() => void) | null = null
  const pair = makePair(endpoint, doc, 0, { latencies, onEcho: () => wake?.() })
  let lost = 0
  try {
    await connectAll(clientsOf([pair]))
    for (let i = 0; i < decisions; i++) {
      const seen = latencies.length
      pair.pending.push([pair.a.decide(), performance.now()])
      const done = await Promise.race([
        new Promise<boolean>((resolve) => {
          wake = () => latencies.length > seen && resolve(true)
        }),
        sleep(5000).then(() => false),
      ])
      wake = null
      if (!done) {
        lost++
        pair.pending.length = 0
      }
    }
  } finally {
    closePairs([pair])
  }
  return { decisions, received: latencies.length, lost, latencyMs: summarize(latencies) }
}

/** Open loop over fresh pairs on `docs` (scenario 2), connected first and closed after. */
export async function rate(
  endpoint: Endpoint,
  docs: string[],
  perSecond: number,
  seconds: number,
): Promise<RateResult> {
  const latencies: number[] = []
  const pairs = docs.map((doc, i) => makePair(endpoint, doc, i, { latencies }))
  try {
    await connectAll(clientsOf(pairs))
    return await openLoop(pairs, latencies, perSecond, seconds)
  } finally {
    closePairs(pairs)
  }
}

/**
 * Open loop: every tick sends what the schedule says is due, whatever the server's pace, round
 * robin over the pairs (connected, each with a watcher, reporting into `latencies`); then waits up
 * to 5 s for what is still on its way.
 */
export async function openLoop(
  pairs: Pair[],
  latencies: number[],
  perSecond: number,
  seconds: number,
): Promise<RateResult> {
  const first = latencies.length
  let sent = 0
  let next = 0
  const started = performance.now()
  const endAt = started + seconds * 1000
  while (performance.now() < endAt) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond)
    for (; sent < due; sent++) {
      const pair = pairs[next++ % pairs.length]!
      pair.pending.push([pair.a.decide(), performance.now()])
    }
    await sleep(2)
  }
  const received = () => latencies.length - first
  const drainUntil = performance.now() + 5000
  while (received() < sent && performance.now() < drainUntil) await sleep(10)
  const elapsed = (performance.now() - started) / 1000
  return {
    docs: pairs.length,
    connections: clientsOf(pairs).length,
    targetRate: perSecond,
    seconds,
    sent,
    received: received(),
    sentRate: Math.round(sent / seconds),
    achievedRate: Math.round(received() / Math.max(seconds, elapsed)),
    latencyMs: summarize(latencies.slice(first)),
  }
}
