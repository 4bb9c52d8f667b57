import type { FastifyInstance, FastifyReply } from 'fastify'

/** Proxies close idle connections; a comment line every 15 s keeps a stream open. */
export const HEARTBEAT_MS = 15_000

/**
 * The open server-sent-event streams of one route: each ends when its client goes, and all of them
 * when the server closes (a stream never ends on its own, so `app.close()` would wait for it).
 */
export function eventStreams(app: FastifyInstance) {
  const open = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of [...open]) end()
  })
  return {
    get size() {
      return open.size
    },
    /**
     * Takes the reply over as `text/event-stream`, with a heartbeat; `onEnd` runs once when the
     * stream ends, whoever ends it. Returns the function that writes to it.
     */
    open(reply: FastifyReply, onEnd: () => void): (text: string) => void {
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      })
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS)
      heartbeat.unref()
      let ended = false
      const end = () => {
        if (!open.delete(end)) return
        ended = true
        clearInterval(heartbeat)
        onEnd()
        res.end()
      }
      open.add(end)
      res.on('close', end)
      // Nothing is written once it ended (a replay may still be finishing).
      return (text) => {
        if (!ended) res.write(text)
      }
    },
  }
}
