import { type DemoCatalog, openDemoCatalog } from './catalog'
import { HUB_DB, type Hub, openHub } from './hub'
import { CUSTOMER_ID, PEOPLE, SIDES, type Side } from './people'
import { deleteDatabase, openReplica, type Replica, replicaDb } from './replica'
import { type KeyValueStore, PREFIX } from './storage'

/** Everything on the page: the catalog, the hub and the two replicas linked to it. */
export interface Demo {
  /** What the hub judges with and the replicas fold with; a version published here reaches all three. */
  catalog: DemoCatalog
  hub: Hub
  replicas: Readonly<Record<Side, Replica>>
  /** Resolves when the hub and both replicas are loaded and linked. */
  ready: Promise<void>
  destroy(): Promise<void>
}

export interface DemoOptions {
  storage: KeyValueStore
  /** IndexedDB for the three documents (off in unit tests). */
  persist: boolean
}

export function openDemo({ storage, persist }: DemoOptions): Demo {
  const catalog = openDemoCatalog(storage)
  const first = catalog.store.getState().catalog
  const hub = openHub({ customerId: CUSTOMER_ID, catalog: first, people: PEOPLE, storage, persist })
  const open = (side: Side) =>
    openReplica({
      side,
      person: PEOPLE[side],
      customerId: CUSTOMER_ID,
      catalog: first,
      hub,
      storage,
      persist,
    })
  const replicas = { customer: open('customer'), agent: open('agent') }
  // As a publish reaches the server and every open dashboard: the hub first, so it accepts what it asks for.
  const unsubscribe = catalog.store.subscribe((s, prev) => {
    if (s.catalog === prev.catalog) return
    hub.setCatalog(s.catalog)
    for (const side of SIDES) replicas[side].setCatalog(s.catalog)
  })
  return {
    catalog,
    hub,
    replicas,
    ready: Promise.all([hub.whenLoaded, replicas.customer.whenLoaded, replicas.agent.whenLoaded]).then(
      () => undefined,
    ),
    async destroy() {
      unsubscribe()
      await Promise.all(SIDES.map((side) => replicas[side].destroy()))
      await hub.destroy()
    },
  }
}

/** "Reset demo": closes everything, then forgets the three documents, the audit chain and the switches. */
export async function clearDemo(demo: Demo, options: DemoOptions): Promise<void> {
  await demo.destroy()
  if (options.persist) await Promise.all([HUB_DB, ...SIDES.map(replicaDb)].map(deleteDatabase))
  options.storage.clear(PREFIX)
}
