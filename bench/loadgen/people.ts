/**
 * The simulated people of a task: client A, a customer deciding on their own document, and client
 * B, an agent watching it (consent-sync: A holds a customer token for its own customer, B a csr
 * token). Both live in this process, so a propagation latency is read on one clock.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { createSigner } from 'fast-jwt'
import * as Y from 'yjs'
import { BenchClient, type ClientOptions } from './client'
import type { Endpoint } from './tasks'

type Extra = Partial<ClientOptions>

const CSR = { id: 'bench-csr', role: 'csr' as const }
const signers = new Map<string, (claims: Record<string, unknown>) => string>()
const csrTokens = new Map<string, string>()

function sign(endpoint: Endpoint, claims: { sub: string; role: string; name: string; customerId?: string }) {
  let signer = signers.get(endpoint.jwtSecret)
  if (!signer) {
    signer = createSigner({ key: endpoint.jwtSecret, expiresIn: 3600_000 })
    signers.set(endpoint.jwtSecret, signer)
  }
  return signer(claims)
}

/** The sync URL base a client of the `index`-th document connects to (see `Endpoint.syncUrls`). */
function baseUrl(endpoint: Endpoint, index: number, role: 'writer' | 'watcher'): string {
  const { syncUrls } = endpoint
  return syncUrls[(index + (role === 'watcher' ? 1 : 0)) % syncUrls.length]!
}

const dialectOf = (endpoint: Endpoint) => (endpoint.server === 'hocuspocus' ? 'hocuspocus' : 'y-websocket')

/** Client A: the customer deciding (consent-sync: a customer token for their own document). */
export function writer(endpoint: Endpoint, doc: string, extra: Extra = {}, index = 0): BenchClient {
  const token =
    endpoint.server === 'consent-sync'
      ? `?token=${sign(endpoint, { sub: doc, role: 'customer', name: doc, customerId: doc })}`
      : ''
  return new BenchClient({
    url: `${baseUrl(endpoint, index, 'writer')}/${doc}${token}`,
    docName: doc,
    dialect: dialectOf(endpoint),
    actor: { id: doc, role: 'customer' },
    channel: 'app',
    ...extra,
  })
}

/** Client B: an agent watching the same document (consent-sync: a csr token, durable acks off). */
export function watcher(endpoint: Endpoint, doc: string, extra: Extra = {}, index = 0): BenchClient {
  let token = ''
  if (endpoint.server === 'consent-sync') {
    const csrToken =
      csrTokens.get(endpoint.jwtSecret) ?? sign(endpoint, { sub: CSR.id, role: 'csr', name: 'Bench agent' })
    csrTokens.set(endpoint.jwtSecret, csrToken)
    token = `?token=${csrToken}&ack=0`
  }
  return new BenchClient({
    url: `${baseUrl(endpoint, index, 'watcher')}/${doc}${token}`,
    docName: doc,
    dialect: dialectOf(endpoint),
    actor: CSR,
    channel: 'phone',
    ...extra,
  })
}

/**
 * Connects at most `width` clients at a time (a burst of thousands would measure the accept queue),
 * and at most `perSecond` a second when given.
 */
export async function connectAll(clients: BenchClient[], width = 200, perSecond = 0): Promise<void> {
  const started = performance.now()
  for (let i = 0; i < clients.length; i += width) {
    const wait = perSecond > 0 ? started + (i / perSecond) * 1000 - performance.now() : 0
    if (wait > 0) await sleep(wait)
    await Promise.all(clients.slice(i, i + width).map((c) => c.connect()))
  }
}

export interface Pair {
  a: BenchClient
  /** Absent for a writer alone (a closed loop without watchers). */
  b: BenchClient | undefined
  /** Sends of A not yet seen by B: [A's clock after the send, time sent]. */
  pending: [number, number][]
}

export interface PairOptions {
  /** Each of A's updates B applied, as a latency in ms. */
  latencies: number[]
  onEcho?: () => void
  onAck?: () => void
  /** Without a watcher: A alone. */
  watch?: boolean
}

/** A writer and (unless `watch` is false) a watcher on one document; B reports A's updates it applied. */
export function makePair(endpoint: Endpoint, doc: string, index: number, options: PairOptions): Pair {
  const { latencies, onEcho, onAck } = options
  const pair: Pair = { a: writer(endpoint, doc, onAck ? { onAck } : {}, index), b: undefined, pending: [] }
  if (options.watch === false) return pair
  const onRemoteUpdate = () => {
    const seen = Y.getState(pair.b!.doc.store, pair.a.doc.clientID)
    const now = performance.now()
    while (pair.pending.length && pair.pending[0]![0] <= seen) {
      latencies.push(now - pair.pending.shift()![1])
    }
    onEcho?.()
  }
  pair.b = watcher(endpoint, doc, { onRemoteUpdate }, index)
  return pair
}

export const clientsOf = (pairs: Pair[]): BenchClient[] => pairs.flatMap((p) => (p.b ? [p.a, p.b] : [p.a]))

export function closePairs(pairs: Pair[]): void {
  for (const c of clientsOf(pairs)) c.close()
}
