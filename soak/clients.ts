/**
 * The soak's clients: sync-client handles (IndexedDB via fake-indexeddb, reloadable while
 * offline, handle-client.ts) and stock y-websocket providers (durable acks read from message type
 * 100, stock-client.ts). Each records the decisions it makes and when the server acknowledged them
 * as durable (decisions.ts).
 */
import type { ClientEnv, ClientSpec, SoakClient } from './client-types'
import { HandleClient } from './handle-client'
import type { Rng } from './rng'
import { StockClient } from './stock-client'

export type { ClientEnv, ClientSpec, MadeDecision, Rejection, SoakClient } from './client-types'

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

export function createClient(spec: ClientSpec, env: ClientEnv): SoakClient {
  return spec.kind === 'handle' ? new HandleClient(spec, env) : new StockClient(spec, env)
}
