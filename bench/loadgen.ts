/**
 * The load generator: a child process of the harness (`fork`), taking one task at a time over IPC
 * and answering with its result. All clients of a task live here, so a latency is measured on one
 * clock: from client A's send until client B (same document, same process) applied the update.
 */
import { createSigner } from 'fast-jwt'
import * as Y from 'yjs'
import { BenchClient, type Dialect } from './lib/client'
import { type Summary, summarize } from './lib/stats'

export interface Target {
  kind: 'consent-sync' | 'y-websocket' | 'hocuspocus'
  syncUrl: string
  /** consent-sync: the secret to sign customer and csr tokens with (its demo secret, DEMO=false). */
  jwtSecret: string
  /**
   * Scale-out: the sync URLs of several instances sharing one store. The writer of the i-th
   * document connects directly to `instances[i % n]`, its watcher to `instances[(i + 1) % n]`, so
   * every update crosses instances. Absent: everyone on `syncUrl`.
   */
  instances?: string[]
}

/** The sync URL base a client of the `index`-th document connects to (see `Target.instances`). */
function baseUrl(target: Target, index: number, role: 'writer' | 'watcher'): string {
  const n = target.instances?.length ?? 0
  if (!target.instances || n === 0) return target.syncUrl
  return target.instances[(index + (role === 'watcher' ? 1 : 0)) % n]!
}

/** How a writer knows its update was accepted: what each server offers. */
export type AckKind = 'durable' | 'status' | 'echo'
export const ACK_OF: Record<Target['kind'], AckKind> = {
  'consent-sync': 'durable',
  hocuspocus: 'status',
  'y-websocket': 'echo',
}

export type Task =
  | { task: 'sequential'; target: Target; doc: string; decisions: number }
  | { task: 'rate'; target: Target; docs: string[]; rate: number; seconds: number }
  | { task: 'closed-loop'; target: Target; docs: string[]; seconds: number; perDoc?: number }
  | { task: 'hold'; target: Target; docs: string[]; decide: boolean }
  | { task: 'release' }
  | { task: 'cold'; target: Target; docs: string[] }
  | { task: 'storm-connect'; target: Target; docs: string[] }
  | { task: 'storm-await'; timeoutMs: number }

export interface RateResult {
  docs: number
  connections: number
  targetRate: number
  seconds: number
  sent: number
  received: number
  sentRate: number
  achievedRate: number
  latencyMs: Summary
}

const CSR = { id: 'bench-csr', role: 'csr' as const }
const signers = new Map<string, (claims: Record<string, unknown>) => string>()
const tokenCache = new Map<string, string>()

function sign(target: Target, claims: { sub: string; role: string; name: string; customerId?: string }) {
  let signer = signers.get(target.jwtSecret)
  if (!signer) {
    signer = createSigner({ key: target.jwtSecret, expiresIn: 3600_000 })
    signers.set(target.jwtSecret, signer)
  }
  return signer(claims)
}

function dialectOf(target: Target): Dialect {
  return target.kind === 'hocuspocus' ? 'hocuspocus' : 'y-websocket'
}

/** Client A: the customer deciding (consent-sync: a customer token for their own document). */
function writer(
  target: Target,
  doc: string,
  extra: Partial<ConstructorParameters<typeof BenchClient>[0]> = {},
  index = 0,
) {
  const token =
    target.kind === 'consent-sync'
      ? `?token=${sign(target, { sub: doc, role: 'customer', name: doc, customerId: doc })}`
      : ''
  return new BenchClient({
    url: `${baseUrl(target, index, 'writer')}/${doc}${token}`,
    docName: doc,
    dialect: dialectOf(target),
    actor: { id: doc, role: 'customer' },
    channel: 'app',
    ...extra,
  })
}

/** Client B: an agent watching the same document (consent-sync: a csr token). */
function watcher(
  target: Target,
  doc: string,
  extra: Partial<ConstructorParameters<typeof BenchClient>[0]> = {},
  index = 0,
) {
  let token = ''
  if (target.kind === 'consent-sync') {
    const csrToken =
      tokenCache.get(target.jwtSecret) ?? sign(target, { sub: CSR.id, role: 'csr', name: 'Bench agent' })
    tokenCache.set(target.jwtSecret, csrToken)
    token = `?token=${csrToken}&ack=0`
  }
  return new BenchClient({
    url: `${baseUrl(target, index, 'watcher')}/${doc}${token}`,
    docName: doc,
    dialect: dialectOf(target),
    actor: CSR,
    channel: 'phone',
    ...extra,
  })
}

/** Connects at most `width` clients at a time (a burst of thousands would measure the accept queue). */
async function connectAll(clients: BenchClient[], width = 200) {
  for (let i = 0; i < clients.length; i += width) {
    await Promise.all(clients.slice(i, i + width).map((c) => c.connect()))
  }
}

interface Pair {
  a: BenchClient
  b: BenchClient
  /** Sends of A not yet seen by B: [A's clock after the send, time sent]. */
  pending: [number, number][]
}

/** A pair whose B reports each of A's updates it applied into `latencies`. */
function makePair(
  target: Target,
  doc: string,
  index: number,
  latencies: number[],
  onEcho?: () => void,
  onAck?: () => void,
): Pair {
  const a = writer(target, doc, onAck ? { onAck } : {}, index)
  const pair: Pair = { a, b: a, pending: [] }
  pair.b = watcher(
    target,
    doc,
    {
      onRemoteUpdate: () => {
        const seen = Y.getState(pair.b.doc.store, pair.a.doc.clientID)
        const now = performance.now()
        while (pair.pending.length && pair.pending[0]![0] <= seen) {
          latencies.push(now - pair.pending.shift()![1])
        }
        onEcho?.()
      },
    },
    index,
  )
  return pair
}

async function openPairs(target: Target, docs: string[], latencies: number[]) {
  const pairs = docs.map((doc, i) => makePair(target, doc, i, latencies))
  await connectAll(pairs.flatMap((p) => [p.a, p.b]))
  return pairs
}

function closePairs(pairs: Pair[]) {
  for (const p of pairs) {
    p.a.close()
    p.b.close()
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function sequential(target: Target, doc: string, decisions: number) {
  const latencies: number[] = []
  let wake: (() => void) | null = null
  const pair = makePair(target, doc, 0, latencies, () => wake?.())
  await connectAll([pair.a, pair.b])
  let lost = 0
  try {
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

async function rate(target: Target, docs: string[], perSecond: number, seconds: number): Promise<RateResult> {
  const latencies: number[] = []
  const pairs = await openPairs(target, docs, latencies)
  let sent = 0
  let next = 0
  try {
    const started = performance.now()
    const endAt = started + seconds * 1000
    // Open loop: every tick sends what the schedule says is due, whatever the server's pace.
    while (performance.now() < endAt) {
      const due = Math.floor(((performance.now() - started) / 1000) * perSecond)
      for (; sent < due; sent++) {
        const pair = pairs[next++ % pairs.length]!
        pair.pending.push([pair.a.decide(), performance.now()])
      }
      await sleep(2)
    }
    const received = () => latencies.length
    const drainUntil = performance.now() + 5000
    while (received() < sent && performance.now() < drainUntil) await sleep(10)
    const elapsed = (performance.now() - started) / 1000
    return {
      docs: docs.length,
      connections: pairs.length * 2,
      targetRate: perSecond,
      seconds,
      sent,
      received: received(),
      sentRate: Math.round(sent / seconds),
      achievedRate: Math.round(received() / Math.max(seconds, elapsed)),
      latencyMs: summarize(latencies),
    }
  } finally {
    closePairs(pairs)
  }
}

/** Each writer sends, waits for the server's acceptance (see ACK_OF), sends the next. */
async function closedLoop(
  target: Target,
  docs: string[],
  seconds: number,
  perDoc = Number.POSITIVE_INFINITY,
) {
  const ack = ACK_OF[target.kind]
  const latencies: number[] = []
  const ackLatencies: number[] = []
  const pairs: Pair[] = []
  let accepted = 0
  let stopAt = 0
  const loops = docs.map((doc, i) => {
    let wake: (() => void) | null = null
    const pair = makePair(
      target,
      doc,
      i,
      latencies,
      () => wake?.(),
      () => wake?.(),
    )
    pairs.push(pair)
    return async () => {
      for (let n = 0; n < perDoc && performance.now() < stopAt; n++) {
        const statuses = pair.a.statuses
        const sentAt = performance.now()
        const clock = pair.a.decide()
        pair.pending.push([clock, sentAt])
        const accepted_ = () =>
          ack === 'durable'
            ? pair.a.durableClock >= clock
            : ack === 'status'
              ? pair.a.statuses > statuses
              : Y.getState(pair.b.doc.store, pair.a.doc.clientID) >= clock
        const ok = await Promise.race([
          new Promise<boolean>((resolve) => {
            wake = () => accepted_() && resolve(true)
            if (accepted_()) resolve(true)
          }),
          sleep(10_000).then(() => false),
        ])
        wake = null
        if (!ok) break
        ackLatencies.push(performance.now() - sentAt)
        accepted++
      }
    }
  })
  try {
    await connectAll(pairs.flatMap((p) => [p.a, p.b]))
    const started = performance.now()
    stopAt = started + seconds * 1000
    await Promise.all(loops.map((run) => run()))
    const elapsed = (performance.now() - started) / 1000
    return {
      docs: docs.length,
      ack,
      seconds: Math.round(elapsed * 10) / 10,
      accepted,
      perSecond: Math.round(accepted / elapsed),
      ackLatencyMs: summarize(ackLatencies),
      propagationMs: summarize(latencies),
    }
  } finally {
    closePairs(pairs)
  }
}

const held: BenchClient[] = []

async function hold(target: Target, docs: string[], decide: boolean) {
  const clients = docs.map((doc) => writer(target, doc))
  held.push(...clients)
  await connectAll(clients)
  if (decide) {
    for (const c of clients) c.decide()
  }
  return { held: held.length }
}

async function cold(target: Target, docs: string[]) {
  const times: number[] = []
  let steps = 0
  for (const doc of docs) {
    const c = watcher(target, doc)
    const t0 = performance.now()
    await c.connect(10_000)
    times.push(performance.now() - t0)
    steps += c.doc.getArray('decisions').length
    c.close()
  }
  return { docs: docs.length, decisionsLoaded: steps, connectToStep2Ms: summarize(times) }
}

let storm: BenchClient[] = []

async function stormConnect(target: Target, docs: string[]) {
  storm = docs.map((doc) => writer(target, doc, { reconnect: true }))
  await connectAll(storm)
  for (const c of storm) c.decide()
  return { connected: storm.length }
}

async function stormAwait(timeoutMs: number) {
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

async function run(t: Task): Promise<unknown> {
  switch (t.task) {
    case 'sequential':
      return sequential(t.target, t.doc, t.decisions)
    case 'rate':
      return rate(t.target, t.docs, t.rate, t.seconds)
    case 'closed-loop':
      return closedLoop(t.target, t.docs, t.seconds, t.perDoc)
    case 'hold':
      return hold(t.target, t.docs, t.decide)
    case 'release': {
      for (const c of held.splice(0)) c.close()
      return { held: 0 }
    }
    case 'cold':
      return cold(t.target, t.docs)
    case 'storm-connect':
      return stormConnect(t.target, t.docs)
    case 'storm-await':
      return stormAwait(t.timeoutMs)
  }
}

process.on('message', (m: { id: number } & Task) => {
  run(m).then(
    (result) => process.send?.({ id: m.id, ok: true, result }),
    (err: unknown) => process.send?.({ id: m.id, ok: false, error: String((err as Error)?.stack ?? err) }),
  )
})
// The harness gone means this process has nothing left to do.
process.on('disconnect', () => process.exit(0))
