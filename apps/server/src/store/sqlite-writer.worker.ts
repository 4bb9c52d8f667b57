/**
 * The SQLite writer thread: its own connection to the store's file, running each batch the event
 * loop posts as one transaction (sqlite-writes.ts). The commit and its fsync happen here, so the
 * event loop goes on reading, judging and broadcasting meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { sqliteAnalyticsWrites } from './sqlite-analytics'
import { receiveBatch } from './sqlite-batch'
import { sqliteCatalogWrites } from './sqlite-catalog'
import { sqliteDirectoryWrites } from './sqlite-directory'
import { sqliteDownstreamWrites } from './sqlite-downstream'
import { openSqlite, type SqliteFileOptions } from './sqlite-open'
import { sqliteWebhookWrites } from './sqlite-webhooks'
import type { WriterReply, WriterRequest } from './sqlite-writer'
import { sqliteWrites } from './sqlite-writes'

const db = openSqlite(workerData as SqliteFileOptions)
const writes = sqliteWrites(db)
const catalog = sqliteCatalogWrites(db)
const directory = sqliteDirectoryWrites(db)
const downstream = sqliteDownstreamWrites(db)
const webhook = sqliteWebhookWrites(db)
const analytics = sqliteAnalyticsWrites(db)

parentPort?.on('message', (message: WriterRequest | 'close') => {
  if (message === 'close') {
    db.close()
    parentPort?.close()
    return
  }
  let reply: WriterReply
  try {
    if (message.kind === 'append') {
      reply = { id: message.id, ok: true, value: writes.append(receiveBatch(message.batch)) }
    } else if (message.kind === 'catalog') {
      reply = { id: message.id, ok: true, value: catalog(message.op) }
    } else if (message.kind === 'downstream') {
      reply = { id: message.id, ok: true, value: downstream.op(message.op) }
    } else if (message.kind === 'analytics') {
      reply = { id: message.id, ok: true, value: analytics(message.limit) }
    } else if (message.kind === 'webhook') {
      reply = { id: message.id, ok: true, value: webhook(message.op) }
    } else if (message.kind === 'directory') {
      reply = { id: message.id, ok: true, value: directory(message.op) }
    } else {
      writes.saveSnapshot(...message.args)
      reply = { id: message.id, ok: true, value: null }
    }
  } catch (err) {
    const e = err as { name?: string; message?: string; code?: string }
    reply = {
      id: message.id,
      ok: false,
      error: { name: e.name ?? 'Error', message: e.message ?? String(err), code: e.code },
    }
  }
  parentPort?.postMessage(reply)
})
