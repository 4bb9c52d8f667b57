import { GENESIS } from '@consent-sync/consent-core'
import type Database from 'better-sqlite3'
import { advance, checkRequest, isBehind } from './append-rules'
import type { AppendRequest, AppendResult } from './document-log'
import * as rows from './rows'

/**
 * The writes of the SQLite store: appends (each request's update, entries and advanced document
 * row) and snapshots, each one IMMEDIATE transaction. The same code runs on the event loop or in
 * the writer thread (sqlite-writer.ts), which owns its own connection to the file.
 */
export interface SqliteWrites {
  append(requests: readonly AppendRequest[]): AppendResult[]
  saveSnapshot(customerId: string, snapshot: Uint8Array, uptoSeq: number): void
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
    insertUpdate: db.prepare(
      `INSERT INTO updates (${rows.UPDATE_COLUMNS})
       VALUES (@customerId, @seq, @data, @receivedAt, @connectionId, @userId, @userRole, @hash)`,
    ),
    insertAudit: db.prepare(
      `INSERT INTO audit (${rows.AUDIT_ENTRY_COLUMNS})
       VALUES (@customerId, @seq, @purposeId, @decisionId, @decision, @previousState, @newState, @conflicted,
         @actorId, @actorRole, @channel, @noticeVersion, @evidence, @deviceAt, @receivedAt, @connectionId, @updateHash,
         @prevHash, @hash)`,
    ),
    saveSnapshot: db.prepare<[Uint8Array, number, string]>(
      'UPDATE documents SET snapshot = ?, snapshot_seq = ? WHERE customer_id = ?',
    ),
  }
  const appendAll = db.transaction((requests: readonly AppendRequest[]): AppendResult[] =>
    requests.map((request): AppendResult => {
      checkRequest(request)
      const { customerId, update, meta, entries } = request
      let doc = s.document.get(customerId)
      if (!doc) {
        s.insertDocument.run(customerId, GENESIS.hash)
        doc = { update_seq: 0, audit_seq: 0, audit_head: GENESIS.hash }
      }
      const at = { updateSeq: doc.update_seq, chain: rows.chainHeadOf(doc) }
      if (isBehind(at, request)) return { customerId, seq: at.updateSeq, behind: true }
      const next = advance(at, entries)
      s.insertUpdate.run({ ...meta, customerId, seq: next.updateSeq, data: update })
      // A non-boolean binds NULL and fails NOT NULL rather than being stored as a guess.
      for (const e of entries.map(rows.exactEntry))
        s.insertAudit.run({ ...e, conflicted: typeof e.conflicted === 'boolean' ? +e.conflicted : null })
      s.advanceDocument.run(next.updateSeq, next.chain.seq, next.chain.hash, customerId)
      return { customerId, seq: next.updateSeq }
    }),
  )
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
