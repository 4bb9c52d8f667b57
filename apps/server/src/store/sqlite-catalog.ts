import {
  type ChainHead,
  GENESIS,
  type NoticeVersion,
  type PurposeRecord,
  type PurposeStatus,
} from '@consent-sync/consent-core'
import type Database from 'better-sqlite3'
import { chainAdmin } from '../audit/admin-chain'
import * as rows from './catalog-rows'
import { checkCreate, checkVersion, createConflict, publishConflict, statusConflict } from './catalog-rules'
import type { AdminRecord, CatalogConflict, CatalogStore, CatalogWrite } from './catalog-store'

/** One catalog write as it crosses to the writer thread (structured clone: plain data only). */
export type CatalogOp =
  | { kind: 'create-purpose'; purpose: PurposeRecord; first: NoticeVersion; admin: AdminRecord }
  | { kind: 'publish-version'; version: NoticeVersion; admin: AdminRecord }
  | { kind: 'set-purpose-status'; purposeId: string; status: PurposeStatus; admin: AdminRecord }
  | { kind: 'record-admin'; admin: AdminRecord }

const refused = (conflict: CatalogConflict): CatalogWrite => ({ ok: false, conflict })
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ')

/**
 * The catalog writes of the SQLite store, each one IMMEDIATE transaction: the checks, the change,
 * and its admin entry chained onto the head read inside it, so a second process on the file waits
 * and chains onto this one's entry. Runs where the appends run (the writer thread, or inline).
 */
export function sqliteCatalogWrites(db: Database.Database): (op: CatalogOp) => CatalogWrite {
  const s = {
    head: db.prepare<[], ChainHead>('SELECT seq, hash FROM admin_audit ORDER BY seq DESC LIMIT 1'),
    status: db.prepare<[string], { status: PurposeStatus }>('SELECT status FROM purposes WHERE id = ?'),
    version: db.prepare<[string, string], { found: number }>(
      'SELECT 1 AS found FROM notice_versions WHERE purpose_id = ? AND version = ?',
    ),
    insertPurpose: db.prepare(
      `INSERT INTO purposes (${rows.PURPOSE_COLUMNS}, created_seq) VALUES (${placeholders(5)})`,
    ),
    insertVersion: db.prepare(
      `INSERT INTO notice_versions (${rows.VERSION_COLUMNS}, published_seq) VALUES (${placeholders(11)})`,
    ),
    setStatus: db.prepare<[PurposeStatus, string]>('UPDATE purposes SET status = ? WHERE id = ?'),
    insertAdmin: db.prepare(`INSERT INTO admin_audit (${rows.ADMIN_COLUMNS}) VALUES (${placeholders(9)})`),
  }
  const bool = (b: boolean) => (b ? 1 : 0)
  const statusOf = (purposeId: string) => s.status.get(purposeId)?.status

  /** Chains the record onto the stored head and stores it with the change it records. */
  const logged = (admin: AdminRecord, change: (seq: number) => void): CatalogWrite => {
    const entry = chainAdmin(s.head.get() ?? GENESIS, admin)
    change(entry.seq)
    s.insertAdmin.run(rows.adminValues(entry))
    return { ok: true, entry }
  }

  const write = db.transaction((op: CatalogOp): CatalogWrite => {
    switch (op.kind) {
      case 'create-purpose': {
        checkCreate(op.purpose, op.first)
        const conflict = createConflict(statusOf(op.purpose.id))
        if (conflict) return refused(conflict)
        return logged(op.admin, (seq) => {
          s.insertPurpose.run(rows.purposeValues(op.purpose, seq))
          s.insertVersion.run(rows.versionValues(op.first, seq, bool))
        })
      }
      case 'publish-version': {
        const v = op.version
        checkVersion(v)
        const conflict = publishConflict(
          statusOf(v.purposeId),
          s.version.get(v.purposeId, v.version) !== undefined,
        )
        if (conflict) return refused(conflict)
        return logged(op.admin, (seq) => void s.insertVersion.run(rows.versionValues(v, seq, bool)))
      }
      case 'set-purpose-status': {
        const conflict = statusConflict(statusOf(op.purposeId), op.status)
        if (conflict) return refused(conflict)
        return logged(op.admin, () => void s.setStatus.run(op.status, op.purposeId))
      }
      case 'record-admin':
        return logged(op.admin, () => {})
    }
  })
  // IMMEDIATE takes the write lock up front, so the head read is the one this entry follows.
  return (op) => write.immediate(op)
}

/** The catalog reads of the SQLite store, on the store's own connection; prepared on first use. */
export function sqliteCatalogReads(
  db: Database.Database,
): Pick<CatalogStore, 'listPurposes' | 'listVersions' | 'getVersion' | 'adminLog'> {
  const prepare = () => ({
    purposes: db.prepare<[], rows.PurposeRow>(
      `SELECT ${rows.PURPOSE_COLUMNS} FROM purposes ORDER BY created_seq`,
    ),
    versions: db.prepare<[], rows.VersionRow>(
      `SELECT ${rows.VERSION_COLUMNS} FROM notice_versions ORDER BY published_seq DESC`,
    ),
    versionsOf: db.prepare<[string], rows.VersionRow>(
      `SELECT ${rows.VERSION_COLUMNS} FROM notice_versions WHERE purpose_id = ? ORDER BY published_seq DESC`,
    ),
    version: db.prepare<[string, string], rows.VersionRow>(
      `SELECT ${rows.VERSION_COLUMNS} FROM notice_versions WHERE purpose_id = ? AND version = ?`,
    ),
    adminLog: db.prepare<[number], rows.AdminRow>(
      `SELECT ${rows.ADMIN_COLUMNS} FROM admin_audit WHERE seq > ? ORDER BY seq`,
    ),
  })
  let prepared: ReturnType<typeof prepare> | null = null
  // The tables exist only once `migrate` has run.
  const s = () => {
    prepared ??= prepare()
    return prepared
  }
  return {
    listPurposes: async () => s().purposes.all().map(rows.toPurpose),
    listVersions: async (purposeId) =>
      (purposeId === undefined ? s().versions.all() : s().versionsOf.all(purposeId)).map(rows.toVersion),
    getVersion: async (purposeId, version) => {
      const row = s().version.get(purposeId, version)
      return row ? rows.toVersion(row) : undefined
    },
    adminLog: async (afterSeq = 0) => s().adminLog.all(afterSeq).map(rows.toAdminEntry),
  }
}

/** The catalog writes as the store's methods, each posted as one op to where the writes run. */
export function catalogWriteMethods(
  write: (op: CatalogOp) => Promise<CatalogWrite>,
): Pick<CatalogStore, 'createPurpose' | 'publishVersion' | 'setPurposeStatus' | 'recordAdmin'> {
  return {
    createPurpose: (purpose, first, admin) => write({ kind: 'create-purpose', purpose, first, admin }),
    publishVersion: (version, admin) => write({ kind: 'publish-version', version, admin }),
    setPurposeStatus: (purposeId, status, admin) =>
      write({ kind: 'set-purpose-status', purposeId, status, admin }),
    recordAdmin: async (admin) => {
      const written = await write({ kind: 'record-admin', admin })
      if (!written.ok) throw new Error(`an admin record was refused: ${written.conflict}`)
      return written.entry
    },
  }
}
