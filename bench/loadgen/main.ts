/**
 * The load generator: a child process of the harness (`fork`), taking one task at a time over IPC
 * (tasks.ts) and answering with its result. All clients of a task live here, so a latency is
 * measured on one clock.
 */
import { closedLoop } from './closed-loop'
import { cold, openWatchers, openWriters, rateHeld, release, stormAwait, stormConnect } from './connections'
import { rate, sequential } from './propagation'
import type { Task } from './tasks'

async function run(t: Task): Promise<unknown> {
  switch (t.task) {
    case 'sequential':
      return sequential(t.endpoint, t.doc, t.decisions)
    case 'rate':
      return rate(t.endpoint, t.docs, t.rate, t.seconds)
    case 'closed-loop':
      return closedLoop(t)
    case 'open-writers':
      return openWriters(t.endpoint, t.docs, t.perSecond)
    case 'open-watchers':
      return openWatchers(t.perSecond)
    case 'rate-held':
      return rateHeld(t.rate, t.seconds)
    case 'release':
      return release()
    case 'cold':
      return cold(t.endpoint, t.docs)
    case 'storm-connect':
      return stormConnect(t.endpoint, t.docs)
    case 'storm-await':
      return stormAwait(t.timeoutMs)
  }
}

process.on('message', (m: { id: number } & Task) => {
  run(m).then(
    (result) => process.send?.({ id: m.id, ok: true, result }),
    (err: unknown) => process.send?.({ id: m.id, ok: false, error: String((err as Error)?.stack ?? err) }),
  )
})
// The harness gone means this process has nothing left to do.
process.on('disconnect', () => process.exit(0))
