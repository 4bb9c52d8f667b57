/**
 * Accepted updates per second, closed loop (scenario 3): each writer sends a decision, waits for
 * the server's acceptance (see ACK_OF: consent-sync's durable ack, Hocuspocus's "applied" status,
 * y-websocket's echo at the watcher), and sends the next.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import * as Y from 'yjs'
import { summarize } from '../lib/stats'
import { clientsOf, closePairs, connectAll, makePair, type Pair } from './people'
import { ACK_OF, type ClosedLoopResult, type TaskOf } from './tasks'

/** Whether the server accepted the writer's update that left it at `clock`. */
function acceptance(ack: ClosedLoopResult['ack'], pair: Pair, clock: number, statusesBefore: number) {
  if (ack === 'durable') return () => pair.a.durableClock >= clock
  if (ack === 'status') return () => pair.a.statuses > statusesBefore
  const { b } = pair
  if (!b) throw new Error('an echo ack needs a watcher on each document')
  return () => Y.getState(b.doc.store, pair.a.doc.clientID) >= clock
}

export async function closedLoop(t: TaskOf<'closed-loop'>): Promise<ClosedLoopResult> {
  const { endpoint, docs, seconds, perDoc = Number.POSITIVE_INFINITY } = t
  const ack = ACK_OF[endpoint.server]
  const latencies: number[] = []
  const ackLatencies: number[] = []
  const pairs: Pair[] = []
  let accepted = 0
  let stopAt = 0
  const loops = docs.map((doc, i) => {
    let wake: (() => void) | null = null
    const onEvent = () => wake?.()
    const pair = makePair(endpoint, doc, i, {
      latencies,
      onEcho: onEvent,
      onAck: onEvent,
      watch: t.watchers !== false,
    })
    pairs.push(pair)
    return async () => {
      for (let n = 0; n < perDoc && performance.now() < stopAt; n++) {
        const statuses = pair.a.statuses
        const sentAt = performance.now()
        const clock = pair.a.decide()
        pair.pending.push([clock, sentAt])
        const isAccepted = acceptance(ack, pair, clock, statuses)
        const ok = await Promise.race([
          new Promise<boolean>((resolve) => {
            wake = () => isAccepted() && resolve(true)
            if (isAccepted()) resolve(true)
          }),
          sleep(10_000).then(() => false),
        ])
        wake = null
        if (!ok) break
        ackLatencies.push(performance.now() - sentAt)
        accepted++
      }
    }
  })
  try {
    await connectAll(clientsOf(pairs))
    const started = performance.now()
    stopAt = started + seconds * 1000
    await Promise.all(loops.map((run) => run()))
    const elapsed = (performance.now() - started) / 1000
    return {
      docs: docs.length,
      ack,
      seconds: Math.round(elapsed * 10) / 10,
      accepted,
      perSecond: Math.round(accepted / elapsed),
      ackLatencyMs: summarize(ackLatencies),
      propagationMs: summarize(latencies),
    }
  } finally {
    closePairs(pairs)
  }
}
