import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** One POST a receiver got: its webhook headers and body exactly as sent. */
export interface ReceivedWebhook {
  id: string
  timestamp: string
  signature: string
  headers: IncomingHttpHeaders
  body: string
  at: number
}

/** How a receiver answers its n-th request (from 1): a status, or `hang` (never answers). */
export type ReceiverAnswer = (hook: ReceivedWebhook, n: number) => number | 'hang'

/**
 * A real webhook receiver on a loopback port (node:http): records every request, answers each as
 * `answer` says. `close` ends it, hanging requests too.
 */
export async function startWebhookReceiver(answer: ReceiverAnswer = () => 200) {
  const received: ReceivedWebhook[] = []
  /** The ids answered 2xx, in order. */
  const delivered: string[] = []
  const open = new Map<string, number>()
  /** The most requests of one webhook-id that were open at once. */
  const mostAtOnce = new Map<string, number>()
  const hanging = new Set<ServerResponse>()
  const sockets = new Set<Socket>()
  let script = answer
  const server = createServer((req, res) => {
    const id = String(req.headers['webhook-id'] ?? '')
    open.set(id, (open.get(id) ?? 0) + 1)
    mostAtOnce.set(id, Math.max(mostAtOnce.get(id) ?? 0, open.get(id) ?? 0))
    res.on('close', () => open.set(id, (open.get(id) ?? 1) - 1))
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const header = (name: string) => String(req.headers[name] ?? '')
      const hook: ReceivedWebhook = {
        id: header('webhook-id'),
        timestamp: header('webhook-timestamp'),
        signature: header('webhook-signature'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      }
      received.push(hook)
      const status = script(hook, received.length)
      if (status === 'hang') {
        hanging.add(res)
        return
      }
      if (status >= 200 && status < 300) delivered.push(hook.id)
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status))
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    delivered,
    mostAtOnce,
    /** Requests open right now (hanging ones included). */
    openNow: () => [...open.values()].reduce((a, b) => a + b, 0),
    /** The distinct webhook-ids received, in order of first arrival. */
    ids: () => [...new Set(received.map((r) => r.id))],
    /** Answers from now on as `next` says. */
    answerWith(next: ReceiverAnswer) {
      script = next
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>
