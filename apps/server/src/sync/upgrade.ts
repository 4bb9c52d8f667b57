import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyBaseLogger } from 'fastify'
import { WebSocketServer } from 'ws'
import { redactUrl } from '../log/redact'
import type { AdmissionRequest } from './admission'

const SYNC_PATH = /^\/sync\/([^/]*)$/

/**
 * The sync endpoint's WebSocket upgrade, taken straight off the HTTP server: no Fastify request,
 * reply or child logger lives on per connection (they were most of a connection's memory), and
 * the socket is ws's own with compression off. Any other upgrade is answered 404.
 */
export function acceptSyncUpgrades(
  server: {
    on(event: 'upgrade', listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown
  },
  options: { maxPayload: number; log: FastifyBaseLogger },
  open: (socket: import('ws').WebSocket, tcp: Duplex, request: AdmissionRequest) => void,
): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  })
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://upgrade')
    const match = SYNC_PATH.exec(url.pathname)
    if (!match) {
      options.log.warn({ url: redactUrl(req.url ?? '') }, 'upgrade refused: no WebSocket endpoint here')
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    options.log.info(
      { url: redactUrl(req.url ?? ''), remoteAddress: req.socket.remoteAddress },
      'sync upgrade',
    )
    let customerId: string
    try {
      customerId = decodeURIComponent(match[1] ?? '')
    } catch {
      customerId = ''
    }
    const request: AdmissionRequest = {
      customerId,
      // As the HTTP routes read queries: keys and values percent-decoded, + as a space.
      token: url.searchParams.get('token') ?? undefined,
      ack: url.searchParams.get('ack') ?? undefined,
      origin: req.headers.origin,
      host: req.headers.host,
    }
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, socket, request))
  }
  server.on('upgrade', onUpgrade)
  return () => wss.close()
}
