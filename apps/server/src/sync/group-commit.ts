import type { Metrics } from '../metrics/metrics'
import type { AppendRequest, AppendResult, DocumentLog } from '../store/document-log'
import { StoreUnavailableError } from '../store/store'

interface Waiting {
  request: AppendRequest
  resolve: (result: AppendResult) => void
  reject: (err: unknown) => void
}

/**
 * Groups appends that arrive while the previous commit is being made into one transaction
 * (DESIGN.md §6.3), so durability costs one fsync per batch rather than per update. A failed
 * batch is retried one request at a time, so one bad request fails alone; when the store is
 * unavailable the whole batch fails at once instead (each retry would wait for its own timeout).
 */
export class GroupCommitter {
  private queue: Waiting[] = []
  private flushing: Promise<void> | null = null

  constructor(
    private readonly log: Pick<DocumentLog, 'append'>,
    private readonly metrics: Metrics,
  ) {}

  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject })
      if (this.flushing === null) this.flushing = this.flushSoon()
    })
  }

  /** Resolves when everything queued so far is committed or failed. */
  async drain(): Promise<void> {
    while (this.flushing !== null) await this.flushing
  }

  private async flushSoon(): Promise<void> {
    // Let the messages already read in this turn of the event loop join the batch.
    await new Promise<void>((r) => setImmediate(r))
    try {
      while (this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        await this.commit(batch)
      }
    } finally {
      this.flushing = null
    }
  }

  private async commit(batch: Waiting[]): Promise<void> {
    const started = performance.now()
    try {
      const results = await this.log.append(batch.map((w) => w.request))
      this.metrics.commitSeconds.observe((performance.now() - started) / 1000)
      this.metrics.commitBatchSize.observe(batch.length)
      for (const [i, w] of batch.entries()) w.resolve(results[i]!)
    } catch (err) {
      if (batch.length === 1 || err instanceof StoreUnavailableError) {
        for (const w of batch) w.reject(err)
        return
      }
      for (const w of batch) await this.commit([w])
    }
  }
}
