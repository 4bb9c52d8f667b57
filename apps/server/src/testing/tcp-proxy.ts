import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * What the proxy does with one chunk a client sends upstream: forward it, or cut every link before
 * or after forwarding it; `reset-…` cuts with RST (ECONNRESET on the other side) instead of FIN.
 */
export type UpstreamVerdict = 'forward' | 'cut-before' | 'cut-after' | 'reset-before' | 'reset-after'

interface Link {
  client: Socket
  upstream: Socket
}

/**
 * A TCP proxy on an ephemeral loopback port in front of a real service (PostgreSQL), whose link
 * a test breaks on purpose: cut every proxied connection (`cut`), refuse new ones (`refuse`), or
 * stop forwarding while keeping the connections open (`stall`), as a network partition would.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const links = new Set<Link>()
  let refusing = false
  let stalled = false
  let cuts = 0
  let refused = 0
  let accepted = 0
  let inspect: ((chunk: Buffer) => UpstreamVerdict) | null = null

  const drop = (link: Link, reset: boolean) => {
    links.delete(link)
    for (const socket of [link.client, link.upstream]) {
      // A reset (RST) reads as ECONNRESET on the other side; a plain destroy as an unexpected end.
      if (reset && typeof socket.resetAndDestroy === 'function' && socket.readyState !== 'opening') {
        socket.resetAndDestroy()
      } else socket.destroy()
    }
  }

  const cut = ({ reset = false }: { reset?: boolean } = {}) => {
    cuts++
    for (const link of [...links]) drop(link, reset)
  }

  const server: Server = createServer((client) => {
    accepted++
    client.on('error', () => {})
    if (refusing) {
      refused++
      client.destroy()
      return
    }
    const upstream = connect(target.port, target.host)
    upstream.on('error', () => {})
    const link: Link = { client, upstream }
    links.add(link)
    if (stalled) {
      client.pause()
      upstream.pause()
    }
    client.on('data', (chunk: Buffer) => {
      const verdict = inspect?.(chunk) ?? 'forward'
      const reset = verdict.startsWith('reset')
      if (verdict.endsWith('before')) return cut({ reset })
      // Cut once the chunk is handed to the kernel, so the service receives it but cannot answer.
      upstream.write(chunk, verdict.endsWith('after') ? () => cut({ reset }) : undefined)
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
    const end = () => {
      if (links.has(link)) drop(link, false)
    }
    client.on('close', end)
    upstream.on('close', end)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no port for the proxy')

  return {
    port: address.port,
    /** Destroys every proxied connection at once (both sides); `reset` sends RST instead of FIN. */
    cut,
    /** While on, new connections are accepted and closed at once. */
    refuse(on: boolean) {
      refusing = on
    },
    /** While on, nothing is forwarded either way; connections (old and new) stay open and silent. */
    stall(on: boolean) {
      stalled = on
      for (const { client, upstream } of links) {
        if (on) {
          client.pause()
          upstream.pause()
        } else {
          client.resume()
          upstream.resume()
        }
      }
    },
    /** Looks at each chunk sent upstream before it is forwarded; `null` forwards everything. */
    inspect(fn: ((chunk: Buffer) => UpstreamVerdict) | null) {
      inspect = fn
    },
    get cuts() {
      return cuts
    },
    get refused() {
      return refused
    },
    get accepted() {
      return accepted
    },
    get open() {
      return links.size
    },
    async close() {
      cut()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>
