import { GENESIS } from '@consent-sync/consent-core'
import type Database from 'better-sqlite3'
import { advance, checkRequest, isBehind, type LogPosition } from './append-rules'
import type { AppendRequest, AppendResult } from './document-log'
import type { DerivedWrites } from './outbox'
import * as rows from './rows'
import { sqliteDownstreamWrites } from './sqlite-downstream'

/**
 * The writes of the SQLite store: appends (each request's update, entries and advanced document
 * row) and snapshots, each one IMMEDIATE transaction. The same code runs on the event loop or in
 * the writer thread (sqlite-writer.ts), which owns its own connection to the file.
 */
export interface SqliteWrites {
  append(requests: readonly AppendRequest[]): AppendResult[]
  saveSnapshot(customerId: string, snapshot: Uint8Array, uptoSeq: number): void
}

/** Rows per multi-row INSERT: one statement step writes many, under SQLite's bound-parameter limit. */
const ROWS_PER_INSERT = 32

const UPDATE_WIDTH = 8
const AUDIT_WIDTH = 20

/** Prepared multi-row INSERTs by row count, made on first use. */
function multiRowInsert(db: Database.Database, table: string, columns: string, width: number) {
  const byCount = new Map<number, Database.Statement>()
  const statement = (count: number) => {
    let s = byCount.get(count)
    if (!s) {
      const row = `(${Array.from({ length: width }, () => '?').join(',')})`
      s = db.prepare(
        `INSERT INTO ${table} (${columns}) VALUES ${Array.from({ length: count }, () => row).join(',')}`,
      )
      byCount.set(count, s)
    }
    return s
  }
  return (values: unknown[]) => {
    const rowsLeft = values.length / width
    for (let at = 0; at < rowsLeft; at += ROWS_PER_INSERT) {
      const count = Math.min(ROWS_PER_INSERT, rowsLeft - at)
      statement(count).run(values.slice(at * width, (at + count) * width))
    }
  }
}

export function sqliteWrites(db: Database.Database): SqliteWrites {
  const s = {
    document: db.prepare<[string], rows.DocumentRow>(
      'SELECT update_seq, audit_seq, audit_head, snapshot_seq FROM documents WHERE customer_id = ?',
    ),
    insertDocument: db.prepare<[string, string]>(
      'INSERT INTO documents (customer_id, update_seq, audit_seq, audit_head) VALUES (?, 0, 0, ?)',
    ),
    advanceDocument: db.prepare<[number, number, string, string]>(
      'UPDATE documents SET update_seq = ?, audit_seq = ?, audit_head = ? WHERE customer_id = ?',
    ),
    saveSnapshot: db.prepare<[Uint8Array, number, string]>(
      'UPDATE documents SET snapshot = ?, snapshot_seq = ? WHERE customer_id = ?',
    ),
  }
  const insertUpdates = multiRowInsert(db, 'updates', rows.UPDATE_COLUMNS, UPDATE_WIDTH)
  const insertAudit = multiRowInsert(db, 'audit', rows.AUDIT_ENTRY_COLUMNS, AUDIT_WIDTH)
  const downstream = sqliteDownstreamWrites(db)

  const appendAll = db.transaction((requests: readonly AppendRequest[]): AppendResult[] => {
    // Where each customer's log stands: read once, then advanced in memory through the batch.
    const positions = new Map<string, LogPosition>()
    const advanced = new Set<string>()
    const updateValues: unknown[] = []
    const auditValues: unknown[] = []
    const derived: DerivedWrites[] = []
    const results = requests.map((request): AppendResult => {
      checkRequest(request)
      const { customerId, update, meta, entries } = request
      let at = positions.get(customerId)
      if (!at) {
        let doc = s.document.get(customerId)
        if (!doc) {
          s.insertDocument.run(customerId, GENESIS.hash)
          doc = { update_seq: 0, audit_seq: 0, audit_head: GENESIS.hash }
        }
        at = { updateSeq: doc.update_seq, chain: rows.chainHeadOf(doc) }
      }
      if (isBehind(at, request)) {
        positions.set(customerId, at)
        return { customerId, seq: at.updateSeq, behind: true }
      }
      const next = advance(at, entries)
      positions.set(customerId, next)
      advanced.add(customerId)
      if (request.derived) derived.push(request.derived)
      updateValues.push(
        customerId,
        next.updateSeq,
        update,
        meta.receivedAt,
        meta.connectionId,
        meta.userId,
        meta.userRole,
        meta.hash,
      )
      for (const e of entries) {
        // A non-boolean binds NULL and fails NOT NULL rather than being stored as a guess.
        const conflicted = typeof e.conflicted === 'boolean' ? +e.conflicted : null
        auditValues.push(
          e.customerId,
          e.seq,
          e.purposeId,
          e.decisionId,
          e.decision,
          e.previousState,
          e.newState,
        )
        // An absent noticeHash is NULL, read back as absent (rows.ts), as it was hashed.
        auditValues.push(conflicted, e.actorId, e.actorRole, e.channel, e.noticeVersion, e.noticeHash ?? null)
        auditValues.push(e.evidence ?? null)
        auditValues.push(e.deviceAt, e.receivedAt, e.connectionId, e.updateHash, e.prevHash, e.hash)
      }
      return { customerId, seq: next.updateSeq }
    })
    insertUpdates(updateValues)
    insertAudit(auditValues)
    downstream.writeDerived(derived)
    for (const customerId of advanced) {
      const at = positions.get(customerId) as LogPosition
      s.advanceDocument.run(at.updateSeq, at.chain.seq, at.chain.hash, customerId)
    }
    return results
  })
  const snapshotTx = db.transaction((customerId: string, snapshot: Uint8Array, uptoSeq: number) => {
    if (rows.replacesSnapshot(customerId, uptoSeq, s.document.get(customerId)))
      s.saveSnapshot.run(snapshot, uptoSeq, customerId)
  })
  return {
    // IMMEDIATE takes the write lock up front, so busy_timeout applies if another process writes.
    append: (requests) => appendAll.immediate(requests),
    saveSnapshot: (customerId, snapshot, uptoSeq) => snapshotTx.immediate(customerId, snapshot, uptoSeq),
  }
}
