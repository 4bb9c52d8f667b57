import { describe, expect, it } from 'vitest'
import { createRollUpRunner } from './roll-up-runner'

/** A store with `backlog` events to roll up, `batchMs` per batch. */
function slowStore(backlog: number, batchMs: number) {
  const s = {
    head: backlog,
    mark: 0,
    batches: 0,
    async rollUpAnalytics(limit: number) {
      await new Promise((r) => setTimeout(r, batchMs))
      const n = Math.min(limit, s.head - s.mark)
      s.mark += n
      s.batches++
      return n
    },
    analyticsMark: async () => s.mark,
    outboxHead: async () => s.head,
  }
  return s
}

const quiet = { info() {} }

describe('roll-up runner', () => {
  it('shares one run among callers, and a caller mid-run gets a run that starts after it', async () => {
    const store = slowStore(25, 5)
    const runner = createRollUpRunner(store, quiet, 10)
    const first = runner.catchUp()
    const same = runner.catchUp()
    store.head = 40
    await Promise.all([first, same])
    // The second call came mid-run: it waited for a run that saw the 15 events added meanwhile.
    expect(store.mark).toBe(40)
    await runner.catchUp()
    expect(store.batches).toBeLessThanOrEqual(6)
  })

  it('answers within its bound during a long catch-up, which goes on; stop ends it at its batch', async () => {
    const store = slowStore(1_000_000, 20)
    const runner = createRollUpRunner(store, quiet, 1000)
    const started = Date.now()
    await runner.catchUpWithin(100)
    expect(Date.now() - started).toBeLessThan(1000)
    const counted = store.mark
    expect(counted).toBeLessThan(store.head)
    await new Promise((r) => setTimeout(r, 100))
    expect(store.mark).toBeGreaterThan(counted)
    await runner.stop()
    const stoppedAt = store.mark
    await new Promise((r) => setTimeout(r, 100))
    expect(store.mark).toBe(stoppedAt)
    await runner.catchUp()
    expect(store.mark).toBe(stoppedAt)
  })

  it('takes no batch when nothing is new', async () => {
    const store = slowStore(0, 1)
    await createRollUpRunner(store, quiet).catchUp()
    expect(store.batches).toBe(0)
  })
})
