/**
 * The stock y-websocket server (`@y/websocket-server` 0.1.1) on a plain http + ws server, IN MEMORY:
 * no YPERSISTENCE, so documents live only in this process and are lost when it ends.
 * The document name is the URL path after `/sync/` (same URLs as consent-sync).
 *
 *   PORT=0 npx tsx bench/servers/y-websocket.ts   → prints `PORT <n>` once listening
 */
import http from 'node:http'
import { setupWSConnection } from '@y/websocket-server/utils'
import { WebSocketServer } from 'ws'

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('okay')
})
const wss = new WebSocketServer({ noServer: true })
wss.on('connection', (conn, req) => {
  const docName = decodeURIComponent((req.url ?? '/').split('?')[0]!.replace(/^\/(sync\/)?/, ''))
  setupWSConnection(conn, req, { docName })
})
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`)
})
const stop = () => {
  for (const ws of wss.clients) ws.terminate()
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
