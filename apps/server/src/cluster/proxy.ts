import net from 'node:net'

export interface Backend {
  host: string
  port: number
}

/**
 * A TCP load balancer for trying several instances on one machine: each connection goes to the
 * next backend in turn, or the one after it if that one refuses. No sticky sessions: any
 * instance serves any customer (DESIGN.md §8). For production, put a real load balancer in front.
 */
export function startProxy(options: { host: string; port: number; backends: readonly Backend[] }) {
  let next = 0
  const sockets = new Set<net.Socket>()
  const track = (s: net.Socket) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  }
  const connectTo = (client: net.Socket, tries: number) => {
    if (tries >= options.backends.length || client.destroyed) return client.destroy()
    const backend = options.backends[next++ % options.backends.length]!
    const upstream = net.connect(backend.port, backend.host)
    let connected = false
    track(upstream)
    upstream.once('connect', () => {
      connected = true
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
      upstream.once('close', () => client.destroy())
      client.once('close', () => upstream.destroy())
      client.pipe(upstream)
      upstream.pipe(client)
      client.resume()
    })
    // Refused (that instance is down): try the next one.
    upstream.once('error', () => {
      if (!connected) connectTo(client, tries + 1)
    })
  }
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    track(client)
    connectTo(client, 0)
  })
  const listening = new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : options.port)
    })
  })
  return {
    listening,
    close(): Promise<void> {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
