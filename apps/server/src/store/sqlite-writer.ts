import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { CatalogWrite } from './catalog-store'
import type { AppendRequest, AppendResult } from './document-log'
import { type PostedBatch, postBatch } from './sqlite-batch'
import type { CatalogOp } from './sqlite-catalog'
import type { DirectoryOp, DirectoryReply } from './sqlite-directory'
import type { DownstreamOp } from './sqlite-downstream'
import type { SqliteFileOptions } from './sqlite-open'
import type { WebhookOp, WebhookReply } from './sqlite-webhooks'

export type WriterRequest =
  | { id: number; kind: 'append'; batch: PostedBatch }
  | { id: number; kind: 'snapshot'; args: [customerId: string, snapshot: Uint8Array, uptoSeq: number] }
  | { id: number; kind: 'catalog'; op: CatalogOp }
  | { id: number; kind: 'directory'; op: DirectoryOp }
  | { id: number; kind: 'downstream'; op: DownstreamOp }
  | { id: number; kind: 'webhook'; op: WebhookOp }
  | { id: number; kind: 'analytics'; limit: number }

/**
 * The answer to a request: an append's results, a catalog write's outcome, a directory write's
 * entry or counts, a downstream write's or a roll-up's count, null for a snapshot.
 */
export type WriterReply =
  | { id: number; ok: true; value: AppendResult[] | CatalogWrite | DirectoryReply | number | WebhookReply }
  | { id: number; ok: false; error: { name: string; message: string; code?: string | undefined } }

/** The writer thread's entry: built JavaScript next to this module, or the TypeScript source through tsx. */
function entry(file: SqliteFileOptions): { url: URL; workerData: object } {
  const built = new URL('./sqlite-writer.worker.mjs', import.meta.url)
  if (existsSync(built)) return { url: built, workerData: file }
  const source = new URL('./sqlite-writer.worker.ts', import.meta.url).href
  return { url: new URL('./sqlite-writer.boot.mjs', import.meta.url), workerData: { ...file, entry: source } }
}

/**
 * The event loop's end of the writer thread: every write of the store goes through it, in order,
 * one batch a message. An error in the thread is the write's error; the thread dying fails
 * whatever was in flight and the next write starts a new one.
 */
export class SqliteWriter {
  private worker: Worker | null = null
  private nextId = 1
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >()

  constructor(private readonly file: SqliteFileOptions) {}

  async append(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    const batch = postBatch(requests)
    return this.post<AppendResult[]>((id) => ({ id, kind: 'append', batch }), [batch.updates])
  }

  async saveSnapshot(customerId: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    await this.post<null>((id) => ({ id, kind: 'snapshot', args: [customerId, snapshot, uptoSeq] }))
  }

  async catalog(op: CatalogOp): Promise<CatalogWrite> {
    return this.post<CatalogWrite>((id) => ({ id, kind: 'catalog', op }))
  }

  async directory(op: DirectoryOp): Promise<DirectoryReply> {
    return this.post<DirectoryReply>((id) => ({ id, kind: 'directory', op }))
  }

  async downstream(op: DownstreamOp): Promise<number> {
    return this.post<number>((id) => ({ id, kind: 'downstream', op }))
  }

  async analytics(limit: number): Promise<number> {
    return this.post<number>((id) => ({ id, kind: 'analytics', limit }))
  }

  async webhook(op: WebhookOp): Promise<WebhookReply> {
    return this.post<WebhookReply>((id) => ({ id, kind: 'webhook', op }))
  }

  /** Whether a write is in flight in the thread (its connection may hold the write lock). */
  get busy(): boolean {
    return this.waiting.size > 0
  }

  async close(): Promise<void> {
    const worker = this.worker
    if (!worker) return
    this.worker = null
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve())
      // An idle writer is unref'd: without this a process with nothing else to do would end
      // before the thread closed the database (exit code 13, the close never settled).
      worker.ref()
      worker.postMessage('close')
    })
  }

  /** `T` is what the thread answers to that kind of request (sqlite-writer.worker.ts). */
  private post<T>(make: (id: number) => WriterRequest, transfer: ArrayBuffer[] = []): Promise<T> {
    const worker = this.started()
    const id = this.nextId++
    // Held only while a write is in flight: an idle writer keeps no process alive.
    worker.ref()
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (value) => resolve(value as T), reject })
      worker.postMessage(make(id), transfer)
    })
  }

  private started(): Worker {
    if (this.worker) return this.worker
    const { url, workerData } = entry(this.file)
    const worker = new Worker(url, { workerData })
    worker.on('message', (reply: WriterReply) => {
      const w = this.waiting.get(reply.id)
      if (!w) return
      this.waiting.delete(reply.id)
      if (this.waiting.size === 0) worker.unref()
      if (reply.ok) w.resolve(reply.value)
      else
        w.reject(
          Object.assign(new Error(reply.error.message), { name: reply.error.name, code: reply.error.code }),
        )
    })
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null
      for (const w of this.waiting.values()) w.reject(err)
      this.waiting.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`the SQLite writer thread stopped (exit code ${code})`))
    })
    this.worker = worker
    return worker
  }
}
