import type { ConnectionUser, PurposeCatalog } from '@consent-sync/consent-core'
import { DEFAULT_CATALOG } from '@consent-sync/consent-core'

/** The two replicas on the page, and the hub that stands in for the server. */
export type Side = 'customer' | 'agent'
export const SIDES: readonly Side[] = ['customer', 'agent']

/** One person at one replica: who they are to the hub (the "token") and to the page. */
export interface Person {
  user: ConnectionUser & { role: 'customer' | 'csr' }
  name: string
}

/** The customer and agent of the server's demo seed (apps/server/src/demo/seed.ts). */
export const CUSTOMER_ID = 'C-0001'
export const PEOPLE: Readonly<Record<Side, Person>> = {
  customer: { user: { id: CUSTOMER_ID, role: 'customer', customerId: CUSTOMER_ID }, name: 'Nimal Perera' },
  agent: { user: { id: 'csr1', role: 'csr' }, name: 'Dilani Wickramasinghe' },
}

/** Display names by user id, for "decided by" (the real apps learn them from presence). */
export const NAMES: Readonly<Record<string, string>> = {
  [PEOPLE.customer.user.id]: PEOPLE.customer.name,
  [PEOPLE.agent.user.id]: PEOPLE.agent.name,
}

/** The bundled catalog the page starts from (there is no server to ask); `catalog.ts` publishes on it. */
export const CATALOG: PurposeCatalog = DEFAULT_CATALOG
