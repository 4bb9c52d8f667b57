/**
 * Hocuspocus 3 with its SQLite extension: documents are stored as one full Yjs state per name,
 * written `DEBOUNCE` ms (default 2000, at most `MAX_DEBOUNCE` = 10000) after a change, and at
 * once when the last connection to a document closes.
 *
 *   PORT=0 DATABASE_PATH=/tmp/h.db npx tsx bench/servers/hocuspocus.ts   → prints `PORT <n>`
 */
import { SQLite } from '@hocuspocus/extension-sqlite'
import { Server } from '@hocuspocus/server'

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: '127.0.0.1',
  quiet: true,
  debounce: Number(process.env.DEBOUNCE ?? 2000),
  maxDebounce: Number(process.env.MAX_DEBOUNCE ?? 10000),
  // Hocuspocus' own SIGTERM handler stores loaded documents before it exits.
  stopOnSignals: true,
  extensions: [new SQLite({ database: process.env.DATABASE_PATH ?? ':memory:' })],
})
await server.listen()
process.stdout.write(`PORT ${server.address.port}\n`)
