/**
 * What the benchmark runs against: a server, the store it keeps documents in, and how many
 * instances of it share that store (two fan out through Redis, DESIGN.md §8). Every scenario runs
 * on a list of targets; a target's name (`consent-sync/postgres/2`) is its key in the results.
 */
export type ServerKind = 'consent-sync' | 'y-websocket' | 'hocuspocus'
export type StoreKind = 'memory' | 'sqlite' | 'postgres'

export interface Target {
  server: ServerKind
  store: StoreKind
  instances: 1 | 2
}

/** The stores each server can run on here; the first is its default. */
const STORES: Record<ServerKind, readonly StoreKind[]> = {
  'consent-sync': ['sqlite', 'postgres'],
  // @y/websocket-server without YPERSISTENCE.
  'y-websocket': ['memory'],
  // Hocuspocus with its SQLite extension.
  hocuspocus: ['sqlite'],
}

const SERVERS = Object.keys(STORES) as ServerKind[]

/** `server[/store[/instances]]`, leaving out the server's default store and a single instance. */
export function targetName(t: Target): string {
  const parts: string[] = [t.server]
  if (t.store !== STORES[t.server][0] || t.instances > 1) parts.push(t.store)
  if (t.instances > 1) parts.push(String(t.instances))
  return parts.join('/')
}

/** Why the harness cannot start this target, or null when it can. */
function unsupported(t: Target): string | null {
  if (!STORES[t.server].includes(t.store)) return `${t.server} runs on ${STORES[t.server].join(' or ')} here`
  // Instances share documents through a common store and Redis: only consent-sync on PostgreSQL.
  if (t.instances > 1 && t.store !== 'postgres') return 'two instances need a shared store (postgres)'
  return null
}

/** Reads a target name as `targetName` writes it (`hocuspocus`, `consent-sync/postgres/2`). */
export function parseTarget(name: string): Target {
  const [server, store, instances, ...rest] = name.split('/')
  if (!SERVERS.includes(server as ServerKind) || rest.length > 0) {
    throw new Error(`unknown target "${name}": server/store/instances, servers ${SERVERS.join(', ')}`)
  }
  const kind = server as ServerKind
  const target: Target = {
    server: kind,
    store: (store ?? STORES[kind][0]) as StoreKind,
    instances: instances === undefined ? 1 : (Number(instances) as 1 | 2),
  }
  const why = target.instances === 1 || target.instances === 2 ? unsupported(target) : '1 or 2 instances'
  if (why) throw new Error(`cannot run target "${name}": ${why}`)
  return target
}

const single = (server: ServerKind, store = STORES[server][0] as StoreKind): Target => ({
  server,
  store,
  instances: 1,
})

/** consent-sync beside the stock y-websocket server and Hocuspocus, each on its own store (DESIGN.md §11). */
export const PEERS: readonly Target[] = SERVERS.map((server) => single(server))

/** consent-sync on SQLite (the baseline), on PostgreSQL + Redis, and as two instances on one PostgreSQL. */
export const SCALE_OUT: readonly Target[] = [
  single('consent-sync'),
  single('consent-sync', 'postgres'),
  { server: 'consent-sync', store: 'postgres', instances: 2 },
]
