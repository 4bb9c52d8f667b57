import type { Limits } from '@consent-sync/consent-core'
import { openLiveCatalog } from '../catalog/live-catalog'
import type { CatalogStore } from '../store/catalog-store'
import type { Directory } from '../store/directory'
import type { DocumentLog } from '../store/document-log'
import { planCustomer } from './history'
import { purposeResolver, readPurposeMap } from './purpose-map'
import { emptyReport, type MigrationReport } from './report'
import { type Collection, Staging } from './staging'
import { MIGRATION_USER, writeCustomer } from './write-customer'

export interface MigrateOptions {
  /** The consent collection as `mongoexport` JSON Lines. */
  consents: string
  /** The audit collection, likewise; without it only each consent's last state is known. */
  audit?: string
  /** JSON `{"legacyName": "purposeId"}`. */
  purposeMap?: string
  /** Judge everything, write nothing. */
  dryRun?: boolean
}

export type MigrationProgress =
  | { phase: 'reading'; collection: Collection; line: number }
  | { phase: 'writing'; done: number; total: number }

export interface MigrateDeps {
  store: Pick<DocumentLog, 'loadDocument' | 'append'> & Pick<Directory, 'getCustomer'> & CatalogStore
  /** The limits live updates are judged under (as the server's rooms set them). */
  limits: Limits
  /** The migration's clock (ms); default Date.now. */
  now?: () => number
  progress?: (p: MigrationProgress) => void
}

/** Why a migration could not run (exit 1); a store that failed midway leaves what it wrote whole. */
export type MigrationFailure = 'purpose-map' | 'no-catalog' | 'unreadable' | 'json-array' | 'storage'

export type MigrationResult =
  | { ok: true; report: MigrationReport }
  | { ok: false; reason: MigrationFailure; detail: string; report?: MigrationReport }

/**
 * Migrates the old service's exports (DESIGN.md §12 `migrate-legacy`): stages both files by
 * customer, plans each customer's history (history.ts) and writes it through the accept path
 * (write-customer.ts), one customer at a time. Customers are independent: one with a bad line is
 * skipped whole and listed, the others go on.
 */
export async function migrateLegacy(options: MigrateOptions, deps: MigrateDeps): Promise<MigrationResult> {
  const now = deps.now ?? Date.now
  const progress = deps.progress ?? (() => {})
  const files: MigrationReport['files'] = { consents: options.consents }
  if (options.audit !== undefined) files.audit = options.audit
  if (options.purposeMap !== undefined) files.purposeMap = options.purposeMap
  const report = emptyReport(files, options.dryRun ?? false, MIGRATION_USER, new Date(now()).toISOString())

  const map =
    options.purposeMap === undefined
      ? { ok: true as const, value: new Map() }
      : await readPurposeMap(options.purposeMap)
  if (!map.ok) return { ok: false, reason: map.reason, detail: map.detail ?? '' }
  // The catalog the running server judges with: decisions name its current versions.
  const catalog = (await openLiveCatalog(deps.store)).current()
  if (catalog.purposes.length === 0) {
    return {
      ok: false,
      reason: 'no-catalog',
      detail: 'the store holds no purpose catalog: publish one first (consent-sync catalog import FILE)',
    }
  }
  const resolver = purposeResolver(map.value, catalog)
  if (!resolver.ok) return { ok: false, reason: resolver.reason, detail: resolver.detail ?? '' }

  const staging = await Staging.open()
  try {
    const runAt = now()
    for (const [collection, file] of [
      ['consents', options.consents],
      ['audit', options.audit],
    ] as const) {
      if (file === undefined) continue
      const staged = await staging.stage(file, collection, runAt, (line) =>
        progress({ phase: 'reading', collection, line }),
      )
      if (!staged.ok) return { ok: false, reason: staged.reason, detail: staged.detail ?? '' }
      report.lines[collection] = staged.value.lines
    }
    for (const l of staging.unattributed()) {
      if (!l.ok)
        report.badLines.push({ collection: l.collection, line: l.line, reason: l.reason, detail: l.detail })
    }

    const total = staging.customerCount()
    report.customers.seen = total
    let done = 0
    for (const customerId of staging.customers()) {
      progress({ phase: 'writing', done, total })
      const lines = staging.linesOf(customerId)
      for (const l of lines) {
        if (!l.ok)
          report.badLines.push({
            collection: l.collection,
            line: l.line,
            reason: l.reason,
            detail: l.detail,
            customerId,
          })
      }
      const plan = planCustomer(customerId, lines, resolver.value, options.audit !== undefined)
      done++
      if (!plan.ok) {
        report.skippedCustomers.push({ customerId, reason: plan.reason, detail: plan.detail })
        continue
      }
      report.skippedRecords.push(...plan.skipped)
      if (plan.decisions.length === 0) {
        report.customers.nothingToMigrate++
        continue
      }
      let outcome: Awaited<ReturnType<typeof writeCustomer>>
      try {
        outcome = await writeCustomer(customerId, plan.decisions, {
          store: deps.store,
          catalog,
          limits: deps.limits,
          dryRun: report.dryRun,
          now: () => new Date(now()).toISOString(),
        })
      } catch (err) {
        report.finishedAt = new Date(now()).toISOString()
        return {
          ok: false,
          reason: 'storage',
          detail: `writing ${customerId} failed: ${(err as Error).message}; customers before it are migrated, run again to go on`,
          report,
        }
      }
      switch (outcome.kind) {
        case 'skipped':
          report.skippedCustomers.push({ customerId, reason: outcome.reason, detail: outcome.detail })
          continue
        case 'already-migrated':
          report.customers.alreadyMigrated++
          report.decisions.alreadyMigrated += outcome.alreadyMigrated
          break
        case 'written':
          report.customers.migrated++
          report.decisions.written += outcome.written
          report.decisions.alreadyMigrated += outcome.alreadyMigrated
          report.updates += outcome.updates
          break
      }
      report.notes.push(...plan.notes)
      if (!(await deps.store.getCustomer(customerId))) report.notInDirectory.push(customerId)
    }
    progress({ phase: 'writing', done, total })
    report.customers.skipped = report.skippedCustomers.length
    report.finishedAt = new Date(now()).toISOString()
    return { ok: true, report }
  } finally {
    await staging.close()
  }
}
