import type { AnalyticsStore } from '../store/analytics-store'

/**
 * Outbox rows one roll-up transaction takes: small enough that the appends queued behind it on
 * SQLite's writer wait tens of milliseconds at most, even during a long catch-up.
 */
export const ROLLUP_BATCH = 2000

/** How long a panel or a scrape waits for the roll-up before it answers from what is counted so far. */
export const ANSWER_WAIT_MS = 2000

/** How often a long catch-up (a first start on a large store) says how far it is. */
const PROGRESS_MS = 10_000

export interface RollUpRunner {
  /** Rolls up everything accepted so far; calls meanwhile share the run that is going. */
  catchUp(): Promise<void>
  /**
   * As `catchUp`, but waits at most `ms`: a long catch-up (a first start on a large store) goes on
   * while a panel answers from what is counted so far, saying how much is not.
   */
  catchUpWithin(ms: number): Promise<void>
  /** Ends a run at its current batch (a shutdown does not wait for a long catch-up); later calls do nothing. */
  stop(): Promise<void>
}

/**
 * Keeps the analytics counters current: each panel asks for a catch-up before it reads, so its
 * figures include every decision acknowledged before the request. One run at a time per process
 * (instances serialise on the store's mark).
 */
export function createRollUpRunner(
  store: Pick<AnalyticsStore, 'rollUpAnalytics' | 'analyticsMark'> & { outboxHead(): Promise<number> },
  log: { info(obj: object, msg: string): void },
  batch = ROLLUP_BATCH,
): RollUpRunner {
  let current: Promise<void> | null = null
  let next: Promise<void> | null = null
  let stopped = false
  async function run(): Promise<void> {
    let total = 0
    let said = Date.now()
    const started = said
    // Reads first: when nothing is new, no write transaction is taken at all.
    if ((await store.analyticsMark()) >= (await store.outboxHead())) return
    for (;;) {
      if (stopped) return
      const n = await store.rollUpAnalytics(batch)
      total += n
      if (n < batch) break
      if (Date.now() - said >= PROGRESS_MS) {
        said = Date.now()
        log.info(
          { events: total, seconds: Math.round((said - started) / 1000) },
          'analytics roll-up catching up',
        )
      }
    }
    if (Date.now() - started >= PROGRESS_MS)
      log.info(
        { events: total, seconds: Math.round((Date.now() - started) / 1000) },
        'analytics roll-up caught up',
      )
  }
  const catchUp = (): Promise<void> => {
    if (stopped) return Promise.resolve()
    if (!current) {
      current = run().finally(() => {
        current = null
      })
      return current
    }
    // A call mid-run may ask about a decision the run's last batch missed: it waits for the next
    // run, which every call until then shares.
    next ??= current
      .catch(() => {})
      .then(() => {
        next = null
        return catchUp()
      })
    return next
  }
  return {
    catchUp,
    catchUpWithin(ms) {
      let timer: NodeJS.Timeout | undefined
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms)
      })
      return Promise.race([catchUp(), waited]).finally(() => clearTimeout(timer))
    },
    async stop() {
      stopped = true
      await current?.catch(() => {})
    },
  }
}
