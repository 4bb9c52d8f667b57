import { writeFile } from 'node:fs/promises'
import { DEFAULT_LIMITS, type Limits } from '@consent-sync/consent-core'
import type { Command } from 'commander'
import type { Config } from '../config'
import { type MigrationProgress, type MigrationResult, migrateLegacy } from '../migrate/migrate'
import { summaryLines } from '../migrate/report'
import { type CliHelpers, progressLine } from './helpers'

interface MigrateFlags {
  consents: string
  audit?: string
  purposeMap?: string
  report?: string
  dryRun?: boolean
}

/** The limits a live update of the same server is judged under (as sync/room.ts sets them). */
function liveLimits(config: Config): Limits {
  return {
    ...DEFAULT_LIMITS,
    maxUpdateBytes: config.limits.maxMessageBytes,
    maxDocumentBytes: config.limits.maxDocumentBytes,
  }
}

/** Progress on a terminal's standard error, at most a few times a second; nothing when piped. */
function migrationProgress(stream: NodeJS.WriteStream): {
  show: (p: MigrationProgress) => void
  done: () => void
} {
  const line = progressLine(stream, 200)
  return {
    show: (p) =>
      line.show(() =>
        p.phase === 'reading'
          ? `reading ${p.collection}: line ${p.line}`
          : `migrating customers: ${p.done}/${p.total}`,
      ),
    done: line.done,
  }
}

/** `consent-sync migrate-legacy`: the old Socket.IO/MongoDB service's exports, migrated (DESIGN.md §12). */
export function registerMigrateCommand(program: Command, deps: CliHelpers): void {
  program
    .command('migrate-legacy')
    .description(
      "migrate the old service's consent and audit collections (mongoexport JSON Lines) through the accept path; a re-run adds nothing",
    )
    .requiredOption('--consents <file>', 'the consent collection')
    .option('--audit <file>', 'the audit collection: each change becomes a decision (else only last states)')
    .option('--purpose-map <file>', 'JSON {"legacyName": "purposeId"} for names that are not catalog ids')
    .option('--report <file>', 'write the full report as JSON')
    .option('--dry-run', 'judge everything, write nothing')
    .action(async (flags: MigrateFlags) => {
      const config = deps.configOrExit()
      const progress = migrationProgress(process.stderr)
      const result: MigrationResult = await deps.withStore(config, (store) =>
        migrateLegacy(
          {
            consents: flags.consents,
            ...(flags.audit !== undefined ? { audit: flags.audit } : {}),
            ...(flags.purposeMap !== undefined ? { purposeMap: flags.purposeMap } : {}),
            dryRun: flags.dryRun === true,
          },
          { store, limits: liveLimits(config), progress: progress.show },
        ),
      )
      progress.done()
      const { report } = result
      if (report) {
        for (const line of summaryLines(report)) deps.out(line)
        if (flags.report) {
          try {
            await writeFile(flags.report, `${JSON.stringify(report, null, 2)}\n`)
            deps.out(`report written to ${flags.report}`)
          } catch (err) {
            deps.fail(`migrate-legacy: cannot write ${flags.report}: ${(err as Error).message}`)
          }
        }
      }
      if (!result.ok) deps.fail(`migrate-legacy: ${result.detail}`)
    })
}
