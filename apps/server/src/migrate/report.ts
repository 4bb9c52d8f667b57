import type { PlanNote, SkippedRecord } from './history'
import type { LineReason } from './legacy-records'
import type { Collection } from './staging'
import type { CustomerSkipReason } from './write-customer'

/** A line of an export that could not be read. */
export interface BadLine {
  collection: Collection
  line: number
  reason: LineReason
  detail: string
  /** The customer it names, who is then skipped whole; absent when the line names nobody readable. */
  customerId?: string
}

export interface SkippedCustomer {
  customerId: string
  reason: CustomerSkipReason
  detail: string
}

/** What a migration did, printed as a summary and written with `--report FILE` as JSON. */
export interface MigrationReport {
  dryRun: boolean
  startedAt: string
  finishedAt: string
  files: { consents: string; audit?: string; purposeMap?: string }
  /** The identity the decisions were written as, channel `import`. */
  actor: { id: string; role: string }
  lines: { consents: number; audit: number }
  customers: {
    /** Customers the export names. */
    seen: number
    /** Customers with decisions written by this run (would be written, in a dry run). */
    migrated: number
    /** Customers whose every decision was written by an earlier run. */
    alreadyMigrated: number
    skipped: number
    /** Customers none of whose records could be written (every one of an unknown purpose). */
    nothingToMigrate: number
  }
  decisions: {
    /** Written by this run (would be written, in a dry run). */
    written: number
    /** Held already, from an earlier run: not written again. */
    alreadyMigrated: number
  }
  /** Updates appended (several decisions each, the audit chain one entry per decision). */
  updates: number
  skippedCustomers: SkippedCustomer[]
  skippedRecords: SkippedRecord[]
  badLines: BadLine[]
  /** Migrated customers the directory does not know: their consents answer 404 until they are imported. */
  notInDirectory: string[]
  notes: PlanNote[]
}

export function emptyReport(
  files: MigrationReport['files'],
  dryRun: boolean,
  actor: { id: string; role: string },
  startedAt: string,
): MigrationReport {
  return {
    dryRun,
    startedAt,
    finishedAt: startedAt,
    files,
    actor,
    lines: { consents: 0, audit: 0 },
    customers: { seen: 0, migrated: 0, alreadyMigrated: 0, skipped: 0, nothingToMigrate: 0 },
    decisions: { written: 0, alreadyMigrated: 0 },
    updates: 0,
    skippedCustomers: [],
    skippedRecords: [],
    badLines: [],
    notInDirectory: [],
    notes: [],
  }
}

/** Items listed per section of the printed summary; the JSON report holds them all. */
const LISTED = 20

function listed<T>(items: readonly T[], line: (item: T) => string): string[] {
  const shown = items.slice(0, LISTED).map((i) => `  ${line(i)}`)
  if (items.length > LISTED) shown.push(`  … and ${items.length - LISTED} more (see --report)`)
  return shown
}

function count(keys: readonly string[]): string {
  const by = new Map<string, number>()
  for (const k of keys) by.set(k, (by.get(k) ?? 0) + 1)
  return [...by].map(([k, n]) => `${n} ${k}`).join(', ')
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** The summary printed at the end of a run, one line per string. */
export function summaryLines(r: MigrationReport): string[] {
  const would = r.dryRun ? 'would be ' : ''
  const out = [
    `${r.dryRun ? 'DRY RUN: nothing written. ' : ''}migrate-legacy: ${plural(r.customers.seen, 'customer')} in the export (${plural(r.lines.consents, 'consent line')}${r.files.audit ? `, ${plural(r.lines.audit, 'audit line')}` : ''})`,
    `  ${plural(r.customers.migrated, 'customer')} ${would}migrated: ${plural(r.decisions.written, 'decision')} ${would}written in ${plural(r.updates, 'update')}, as ${r.actor.role} ${r.actor.id}, channel import`,
    `  ${plural(r.customers.alreadyMigrated, 'customer')} already migrated; ${plural(r.decisions.alreadyMigrated, 'decision')} already migrated (not written again)`,
    `  ${plural(r.customers.skipped, 'customer')} skipped${r.skippedCustomers.length ? ` (${count(r.skippedCustomers.map((s) => s.reason))})` : ''}`,
  ]
  if (r.customers.nothingToMigrate > 0) {
    out.push(
      `  ${plural(r.customers.nothingToMigrate, 'customer')} with no record to migrate (see skipped records)`,
    )
  }
  if (r.skippedCustomers.length) {
    out.push('skipped customers (nothing of theirs written):')
    out.push(...listed(r.skippedCustomers, (s) => `${s.customerId}: ${s.reason}: ${s.detail}`))
  }
  if (r.badLines.length) {
    out.push(`bad lines (${r.badLines.length}):`)
    out.push(
      ...listed(
        r.badLines,
        (b) =>
          `${r.files[b.collection] ?? b.collection}:${b.line}: ${b.reason}: ${b.detail}${b.customerId ? ` (customer ${b.customerId} skipped)` : ''}`,
      ),
    )
  }
  if (r.skippedRecords.length) {
    out.push(`skipped records (${r.skippedRecords.length}: ${count(r.skippedRecords.map((s) => s.reason))}):`)
    out.push(
      ...listed(
        r.skippedRecords,
        (s) =>
          `${r.files[s.collection] ?? s.collection}:${s.line} (${s.customerId}, record ${s.recordId}): ${s.detail}`,
      ),
    )
  }
  if (r.notes.length) {
    out.push(`notes (${r.notes.length}: ${count(r.notes.map((n) => n.kind))}):`)
    out.push(...listed(r.notes, (n) => `${n.customerId} ${n.purposeId}: ${n.detail}`))
  }
  if (r.notInDirectory.length) {
    out.push(
      `not in the customer directory (${r.notInDirectory.length}): migrated, but GET /api/customers/:id/consents answers 404 until they are imported (consent-sync customers import):`,
    )
    const shown = r.notInDirectory.slice(0, LISTED).join(', ')
    const more =
      r.notInDirectory.length > LISTED ? ` … and ${r.notInDirectory.length - LISTED} more (see --report)` : ''
    out.push(`  ${shown}${more}`)
  }
  return out
}
