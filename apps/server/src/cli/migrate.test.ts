import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT } from '@consent-sync/consent-core'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { openStore } from '../app'
import { verifyStore } from '../audit/verify'
import { seedCatalog } from '../catalog/live-catalog'
import { type Config, loadConfig } from '../config'
import type { MigrationReport } from '../migrate/report'
import type { Store } from '../store/store'
import { runCli } from '../testing/child-server'
import { tempDir } from '../testing/per-test'
import type { CliHelpers } from './helpers'
import { registerMigrateCommand } from './migrate'

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/legacy')
const SAMPLE = [
  '--consents',
  path.join(FIXTURES, 'consents.jsonl'),
  '--audit',
  path.join(FIXTURES, 'audit.jsonl'),
  '--purpose-map',
  path.join(FIXTURES, 'purpose-map.json'),
]

class Exit extends Error {}

/** The command on a program of its own, with helpers that behave as src/cli.ts's but record and throw. */
async function setup() {
  const dir = await tempDir('consent-sync-migrate-cli-')
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'consent.db'), LOG_LEVEL: 'silent' })
  const withStore: CliHelpers['withStore'] = async <T>(c: Config, work: (store: Store) => Promise<T>) => {
    const store = await openStore(c)
    try {
      await store.migrate()
      return await work(store)
    } finally {
      await store.close()
    }
  }
  await withStore(config, (store) => seedCatalog(store, DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT))
  const stdout: string[] = []
  const helpers: CliHelpers = {
    withStore,
    out: (line = '') => {
      stdout.push(line)
    },
    fail: (message) => {
      throw new Exit(message)
    },
    configOrExit: () => config,
  }
  const run = async (args: string[]) => {
    stdout.length = 0
    const program = new Command().exitOverride()
    registerMigrateCommand(program, helpers)
    await program.parseAsync(['migrate-legacy', ...args], { from: 'user' })
    return stdout.join('\n')
  }
  return { dir, config, run, withStore }
}

describe('consent-sync migrate-legacy', () => {
  it('prints the summary, writes the JSON report, and adds nothing when run again', async () => {
    const { dir, config, run, withStore } = await setup()
    const reportFile = path.join(dir, 'report.json')
    const printed = await run([...SAMPLE, '--report', reportFile])
    expect(printed).toContain(
      '7 customers migrated: 24 decisions written in 7 updates, as csr legacy-migration',
    )
    expect(printed).toContain('1 customer skipped (1 bad-line)')
    expect(printed).toMatch(/consents\.jsonl:16: not-json: .* \(customer C-0007 skipped\)/)
    expect(printed).toContain('unknown purpose survey_calls')
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as MigrationReport
    expect(report).toMatchObject({ dryRun: false, decisions: { written: 24, alreadyMigrated: 0 } })

    const again = await run(SAMPLE)
    expect(again).toContain('0 customers migrated: 0 decisions written')
    expect(again).toContain('7 customers already migrated; 24 decisions already migrated')
    const verified = await withStore(config, (store) => verifyStore(store, DEFAULT_CATALOG))
    expect(verified).toMatchObject({ ok: true, entries: 24 })
  })

  it('says what is wrong and exits 1 on a purpose map naming no catalog purpose', async () => {
    const { dir, run } = await setup()
    const map = path.join(dir, 'map.json')
    await writeFile(map, JSON.stringify({ sms_marketing: 'sms' }))
    await expect(
      run(['--consents', path.join(FIXTURES, 'consents.jsonl'), '--purpose-map', map]),
    ).rejects.toThrow(/^migrate-legacy: "sms_marketing" maps to "sms", which is not a purpose of the catalog/)
  })

  it('exits 1 on a consents file that cannot be read', async () => {
    const { dir, run } = await setup()
    await expect(run(['--consents', path.join(dir, 'missing.jsonl')])).rejects.toThrow(
      /cannot read .*missing\.jsonl/,
    )
  })
})

describe('consent-sync migrate-legacy as a process', () => {
  it('migrates the sample export and exits 0', async () => {
    const { config } = await setup()
    const result = await runCli(['migrate-legacy', ...SAMPLE], config.databasePath)
    expect(result, result.stderr).toMatchObject({ code: 0 })
    expect(result.stdout).toContain('24 decisions written')
    // Piped, not a terminal: no progress line on standard error.
    expect(result.stderr).toBe('')
    const verify = await runCli(['verify'], config.databasePath)
    expect(verify.stdout).toMatch(/^OK: 7 customers, 24 audit entries/)
  })
})
