import { existsSync } from 'node:fs'
import path from 'node:path'

/** Where the repository keeps the HAProxy config, the production example and the cluster's. */
export const HAPROXY_CONFIG = path.join('deploy', 'haproxy', 'consent-sync.cfg')

/** The backend whose `server` lines are the instances. */
const BACKEND = 'instances'

/** One consent-sync instance as HAProxy addresses it. */
export interface Instance {
  name: string
  host: string
  port: number
}

/**
 * The repository's HAProxy config, looked for upwards from this module: it runs from
 * `src/cluster/` (tsx) or bundled into `dist/cli.mjs`, which are not as deep.
 */
export function findHaproxyConfig(from = import.meta.dirname): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, HAPROXY_CONFIG)
    if (existsSync(file)) return file
    if (path.dirname(dir) === dir) return null
  }
}

/**
 * The config with the `server` lines of `backend instances` replaced by one per instance, where
 * the first of them stood; the servers take the backend's `default-server` settings (checks).
 */
export function withInstances(config: string, instances: readonly Instance[]): string {
  const lines = config.split('\n')
  const kept: string[] = []
  let section = ''
  let at = -1
  for (const line of lines) {
    // A section starts at a keyword in the first column; everything indented belongs to it.
    if (/^[a-z]/.test(line)) section = line.trim().split(/\s+/).slice(0, 2).join(' ')
    if (section === `backend ${BACKEND}` && /^\s+server\s/.test(line)) {
      if (at < 0) at = kept.length
      continue
    }
    kept.push(line)
  }
  if (at < 0) throw new Error(`the HAProxy config has no server lines in backend ${BACKEND}`)
  const servers = instances.map((i) => `    server ${i.name} ${i.host}:${i.port}`)
  kept.splice(at, 0, ...servers)
  return kept.join('\n')
}
