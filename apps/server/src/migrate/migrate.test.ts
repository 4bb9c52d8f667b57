import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  DEFAULT_CATALOG,
  DEFAULT_CATALOG_PUBLISHED_AT,
  DEFAULT_LIMITS,
  type Decision,
  decisionsOf as decisionArray,
  foldAll,
  readDecisions,
} from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openStore } from '../app'
import { verifyStore } from '../audit/verify'
import { seedCatalog } from '../catalog/live-catalog'
import { loadConfig } from '../config'
import { seedDemo } from '../demo/seed'
import type { Store } from '../store/store'
import { appendDecisions, decideAs } from '../testing/decisions'
import { afterTest, tempDir } from '../testing/per-test'
import { legacyDecisionId } from './decision-id'
import { type MigrateOptions, migrateLegacy } from './migrate'

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/legacy')
const SAMPLE = {
  consents: path.join(FIXTURES, 'consents.jsonl'),
  audit: path.join(FIXTURES, 'audit.jsonl'),
  purposeMap: path.join(FIXTURES, 'purpose-map.json'),
}
/** The migration's clock: after every date of the sample. */
const NOW = Date.parse('2026-11-02T08:00:00.000Z')

/** A store on a real SQLite file, opened as the CLI opens it, with the demo customers and catalog. */
async function setup() {
  const dir = await tempDir('consent-sync-migrate-')
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'consent.db'), LOG_LEVEL: 'silent' })
  const store: Store = await openStore(config)
  afterTest(() => store.close())
  await store.migrate()
  await seedDemo(store)
  await seedCatalog(store, DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT)
  /** The sample export, with files and flags changed, or left out when undefined. */
  const migrate = async (options: { [K in keyof MigrateOptions]?: MigrateOptions[K] | undefined } = {}) => {
    const merged = Object.fromEntries(
      Object.entries({ ...SAMPLE, ...options }).filter(([, v]) => v !== undefined),
    ) as unknown as MigrateOptions
    const result = await migrateLegacy(merged, { store, limits: DEFAULT_LIMITS, now: () => NOW })
    if (!result.ok) throw new Error(`migration failed: ${result.reason}: ${result.detail}`)
    return result.report
  }
  const decisionsOf = async (customerId: string): Promise<Decision[]> => {
    const stored = await store.loadDocument(customerId)
    const doc = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
    for (const u of stored.tail) Y.applyUpdate(doc, u.update)
    return readDecisions(doc)
  }
  const file = async (name: string, lines: unknown[]) => {
    const f = path.join(dir, name)
    await writeFile(f, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`)
    return f
  }
  return { dir, config, store, migrate, decisionsOf, file }
}

const oid = (n: number) => `65a1b2c3d4e5f6a7b8c9${n.toString(16).padStart(4, '0')}`

describe('migrate-legacy with the sample export', () => {
  it('writes each customer its history through the accept path, and reports what it left out', async () => {
    const { store, migrate } = await setup()
    const report = await migrate()

    expect(report.customers).toEqual({
      seen: 8,
      migrated: 7,
      alreadyMigrated: 0,
      skipped: 1,
      nothingToMigrate: 0,
    })
    expect(report.decisions).toEqual({ written: 24, alreadyMigrated: 0 })
    expect(report.lines).toEqual({ consents: 18, audit: 19 })
    // The cut-off line names C-0007, whose other records are then not written either.
    expect(report.badLines).toEqual([
      expect.objectContaining({ collection: 'consents', line: 16, reason: 'not-json', customerId: 'C-0007' }),
    ])
    expect(report.skippedCustomers).toEqual([
      { customerId: 'C-0007', reason: 'bad-line', detail: 'consents line 16 cannot be read' },
    ])
    expect(await store.updateSeq('C-0007')).toBe(0)
    // A name neither mapped nor in the catalog is reported, never guessed.
    expect(report.skippedRecords.map((s) => [s.customerId, s.collection, s.reason, s.detail])).toEqual([
      ['C-0003', 'consents', 'unknown-purpose', 'unknown purpose survey_calls'],
      ['C-0003', 'audit', 'unknown-purpose', 'unknown purpose survey_calls'],
    ])
    // The admin's bulk revocation left no audit record: the consent record has the last word.
    expect(report.notes).toContainEqual(
      expect.objectContaining({ customerId: 'C-0004', purposeId: 'marketing-push', kind: 'audit-disagrees' }),
    )
    expect(report.notInDirectory).toEqual(['C-0006', 'C-0008'])
  })

  it('orders a purpose by time (ties by legacy id), each decision superseding the one before', async () => {
    const { migrate, decisionsOf } = await setup()
    await migrate()
    const sms = (await decisionsOf('C-0001')).filter((d) => d.purposeId === 'marketing-sms')
    expect(sms.map((d) => [d.id, d.state, d.at, d.supersedes])).toEqual([
      [legacyDecisionId(`audit/${oid(1)}`), 'granted', '2023-02-14T08:30:00.000Z', []],
      [legacyDecisionId(`audit/${oid(3)}`), 'withdrawn', '2023-09-02T11:15:00.000Z', [sms[0]!.id]],
      [legacyDecisionId(`audit/${oid(4)}`), 'granted', '2024-03-01T10:00:00.000Z', [sms[1]!.id]],
    ])
    for (const d of sms) {
      expect(d).toMatchObject({
        actor: { id: 'legacy-migration', role: 'csr' },
        channel: 'import',
        noticeVersion: DEFAULT_CATALOG.purposes.find((p) => p.id === 'marketing-sms')!.version,
      })
    }
    // Two changes in the same millisecond: the lower legacy id first.
    const location = (await decisionsOf('C-0003')).filter((d) => d.purposeId === 'location-offers')
    expect(location.map((d) => [d.state, d.id])).toEqual([
      ['granted', legacyDecisionId(`audit/${oid(9)}`)],
      ['withdrawn', legacyDecisionId(`audit/${oid(10)}`)],
    ])
    expect(location[1]!.supersedes).toEqual([location[0]!.id])
  })

  it('names the legacy record and the original actor in each decision', async () => {
    const { migrate, decisionsOf } = await setup()
    await migrate()
    const [first, byAgent] = (await decisionsOf('C-0001')).filter((d) => d.purposeId === 'marketing-sms')
    expect(first!.evidence).toBe(
      `legacy audit record ${oid(1)}: consent-created by customer C-0001 (Nimal Perera) via web from 203.0.113.10`,
    )
    expect(byAgent!.evidence).toBe(
      `legacy audit record ${oid(3)}: consent-updated by csr 5f1a0c2e9b3d4a0012ab0001 (Ruwan Silva) via call-centre`,
    )
    const push = (await decisionsOf('C-0004')).filter((d) => d.purposeId === 'marketing-push')
    expect(push.at(-1)).toMatchObject({ state: 'withdrawn', at: '2024-08-30T16:00:00.000Z' })
    expect(push.at(-1)!.evidence).toMatch(
      /^legacy consent record 64f0e1d2c3b4a59687000008: revoked as of 2024-08-30T16:00:00.000Z, set by admin 5f1a0c2e9b3d4a0012ab0003 \(Lasantha Gunawardena\); created 2022-12-01T06:00:00.000Z; the legacy audit log ended at granted$/,
    )
  })

  it('chains an audit entry per decision, received now, that `verify` re-derives', async () => {
    const { store, migrate } = await setup()
    await migrate()
    const chain = await store.auditChain('C-0005')
    expect(chain.map((e) => [e.seq, e.purposeId, e.previousState, e.newState, e.deviceAt])).toEqual([
      [1, 'marketing-sms', 'withdrawn', 'granted', '2024-02-02T12:00:00.000Z'],
      [2, 'marketing-email', 'withdrawn', 'granted', '2024-02-02T12:00:10.000Z'],
      [3, 'marketing-sms', 'granted', 'withdrawn', '2024-02-03T12:00:00.000Z'],
      [4, 'marketing-sms', 'withdrawn', 'granted', '2024-04-10T07:30:00.000Z'],
      [5, 'marketing-sms', 'granted', 'withdrawn', '2024-11-23T21:05:00.000Z'],
    ])
    for (const e of chain) {
      expect(e).toMatchObject({
        actorId: 'legacy-migration',
        actorRole: 'csr',
        channel: 'import',
        connectionId: 'migrate-legacy',
        receivedAt: new Date(NOW).toISOString(),
      })
    }
    const verified = await verifyStore(store, DEFAULT_CATALOG)
    expect(verified.problems).toEqual([])
    expect(verified).toMatchObject({ ok: true, customers: 7, entries: 24 })
  })

  it('adds nothing when run again: the same ids are found and reported as already migrated', async () => {
    const { store, migrate } = await setup()
    const first = await migrate()
    const seqs = await store.updateSeqs(['C-0001', 'C-0004', 'C-0008'])
    const again = await migrate()
    expect(again.decisions).toEqual({ written: 0, alreadyMigrated: first.decisions.written })
    expect(again.customers).toMatchObject({ migrated: 0, alreadyMigrated: 7 })
    expect(await store.updateSeqs(['C-0001', 'C-0004', 'C-0008'])).toEqual(seqs)
    expect((await verifyStore(store, DEFAULT_CATALOG)).ok).toBe(true)
  })

  it('writes nothing in a dry run, and reports what it would write', async () => {
    const { store, migrate } = await setup()
    const report = await migrate({ dryRun: true })
    expect(report).toMatchObject({ dryRun: true, decisions: { written: 24 } })
    expect(await store.documentIds()).toEqual([])
  })
})

describe('migrate-legacy with only the consent collection', () => {
  it('writes one decision per consent record, at its last update, and says earlier changes are unknown', async () => {
    const { migrate, decisionsOf } = await setup()
    const report = await migrate({ audit: undefined })
    expect(report.decisions.written).toBe(15)
    const decisions = await decisionsOf('C-0001')
    expect(decisions.map((d) => [d.purposeId, d.state, d.at])).toEqual([
      ['marketing-email', 'granted', '2023-02-14T08:30:05.000Z'],
      ['marketing-sms', 'granted', '2024-03-01T10:00:00.000Z'],
    ])
    expect(decisions[1]!.evidence).toMatch(
      /created 2023-02-14T08:30:00.000Z; earlier changes are not in the export$/,
    )
    const states = foldAll(await decisionsOf('C-0004'), DEFAULT_CATALOG)
    expect(states.find((s) => s.purposeId === 'marketing-push')?.state).toBe('withdrawn')
  })
})

describe('migrate-legacy refusing and skipping', () => {
  it('refuses a purpose map naming a purpose the catalog lacks, before reading anything', async () => {
    const { store, file } = await setup()
    const map = await file('map.json', [{ sms_marketing: 'marketing-sms', analytics: 'analytics-v2' }])
    const result = await migrateLegacy(
      { ...SAMPLE, purposeMap: map },
      { store, limits: DEFAULT_LIMITS, now: () => NOW },
    )
    expect(result).toMatchObject({ ok: false, reason: 'purpose-map' })
    expect(result.ok ? '' : result.detail).toMatch(
      /"analytics" maps to "analytics-v2", which is not a purpose/,
    )
    expect(await store.documentIds()).toEqual([])
  })

  it('reports every record of an unmapped name and migrates the names that are catalog ids', async () => {
    const { migrate, decisionsOf } = await setup()
    const report = await migrate({ purposeMap: undefined })
    expect(new Set(report.skippedRecords.map((s) => s.detail))).toContain('unknown purpose sms_marketing')
    expect(report.skippedRecords.every((s) => s.reason === 'unknown-purpose')).toBe(true)
    // location-offers is the catalog's own id: taken as it is.
    expect((await decisionsOf('C-0006')).map((d) => d.purposeId)).toEqual(['location-offers'])
  })

  it('skips a customer whose record holds newer decisions of a purpose, rather than override them', async () => {
    const { store, migrate, file, decisionsOf } = await setup()
    await migrate()
    // Since the first run, the customer granted usage analytics on their own page.
    const doc = new Y.Doc()
    for (const d of await decisionsOf('C-0002')) decisionArray(doc).push([d])
    const live = decideAs(doc, { id: 'C-0002', role: 'customer' }, 'usage-analytics', 'granted')
    await appendDecisions(
      store,
      'C-0002',
      [live],
      { id: 'C-0002', role: 'customer' },
      '2026-10-01T10:00:00.000Z',
    )
    const before = await decisionsOf('C-0002')
    // A later export brings a legacy change of the same purpose.
    const later = await file('audit-later.jsonl', [
      ...(await readFile(SAMPLE.audit, 'utf8')).trim().split('\n'),
      {
        _id: { $oid: '65a1b2c3d4e5f6a7b8c9ffff' },
        customerId: 'C-0002',
        purpose: 'analytics',
        action: 'consent-updated',
        before: { status: 'revoked' },
        after: { status: 'granted' },
        changedBy: { userId: 'C-0002', userType: 'customer', userName: 'Kavindi Jayasinghe' },
        timestamp: { $date: '2024-12-01T00:00:00.000Z' },
      },
    ])
    const report = await migrate({ audit: later })
    expect(report.skippedCustomers).toContainEqual(
      expect.objectContaining({ customerId: 'C-0002', reason: 'decided-since' }),
    )
    expect(await decisionsOf('C-0002')).toEqual(before)
    expect(
      foldAll(before, DEFAULT_CATALOG).find((s) => s.purposeId === 'usage-analytics')?.decision?.id,
    ).toBe(live.id)
  })

  it('writes a long history as several updates in one transaction, chained without a gap', async () => {
    const { store, migrate, file } = await setup()
    const changes = Array.from({ length: 230 }, (_, i) => ({
      _id: { $oid: `66000000000000000000${i.toString(16).padStart(4, '0')}` },
      customerId: 'C-0001',
      purpose: 'marketing-sms',
      action: i === 0 ? 'consent-created' : 'consent-updated',
      before: i === 0 ? null : { status: i % 2 ? 'granted' : 'revoked' },
      after: { status: i % 2 ? 'revoked' : 'granted' },
      changedBy: { userId: 'C-0001', userType: 'customer', userName: 'Nimal Perera' },
      timestamp: { $date: { $numberLong: String(Date.parse('2023-01-01T00:00:00Z') + i * 3_600_000) } },
    }))
    const consents = await file('one.jsonl', [])
    const audit = await file('long.jsonl', changes)
    const report = await migrate({ consents, audit, purposeMap: undefined })
    // Over the decisions and bytes one update may carry (DEFAULT_LIMITS): split, all stored at once.
    expect(report.decisions.written).toBe(230)
    expect(report.updates).toBeGreaterThan(2)
    expect(await store.updateSeq('C-0001')).toBe(report.updates)
    expect((await store.auditChain('C-0001')).map((e) => e.seq)).toEqual(changes.map((_, i) => i + 1))
    expect((await verifyStore(store, DEFAULT_CATALOG)).ok).toBe(true)
  })
})
