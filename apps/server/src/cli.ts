import { createWriteStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { catalogOf, DEFAULT_CATALOG, EXPORT_FORMATS, type ExportFormat } from '@consent-sync/consent-core'
import { Command, Option } from 'commander'
import * as Y from 'yjs'
import { createServer, openStore } from './app'
import { exportLines } from './audit/export'
import { verifyStore } from './audit/verify'
import { exportCatalog, importCatalog } from './catalog/import'
import { openLiveCatalog } from './catalog/live-catalog'
import { registerWitnessCommand, verifyAgainstCheckpoints } from './cli/checkpoints'
import { registerCustomerCommands } from './cli/customers'
import { registerMigrateCommand } from './cli/migrate'
import { registerReceiptCommands } from './cli/receipts'
import { registerUserCommands } from './cli/users'
import { runCluster } from './cluster/run'
import { type Config, ConfigError, loadConfig } from './config'
import { DEMO_PASSWORD, demoAccounts, seedDemo } from './demo/seed'
import { type Store, StoreUnavailableError } from './store/store'

function out(line = ''): void {
  process.stdout.write(`${line}\n`)
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

/** The configuration, or exit 1 naming the variable that is wrong. */
function configOrExit(): Config {
  try {
    return loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration error: ${err.message}`)
    throw err
  }
}

/**
 * What to print when a command could not start: a store that cannot be reached is named with the
 * setting that points at it (DESIGN.md §10); the message carries host and port, never the password.
 */
function startFailure(config: Config, err: unknown): string {
  if (err instanceof StoreUnavailableError && config.store === 'postgres') {
    return `cannot start: ${err.message}; check DATABASE_URL`
  }
  return err instanceof Error ? err.message : String(err)
}

async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  // The store the server runs on: the SQLite file, or PostgreSQL with STORE=postgres.
  const store = await openStore(config)
  try {
    try {
      await store.migrate()
    } catch (err) {
      fail(startFailure(config, err))
    }
    return await work(store)
  } finally {
    await store.close()
  }
}

async function serve(): Promise<void> {
  const config = configOrExit()
  let server: Awaited<ReturnType<typeof createServer>>
  try {
    server = await createServer(config)
  } catch (err) {
    fail(startFailure(config, err))
  }
  const { app } = server
  await app.listen({ port: config.port, host: config.host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  out()
  out(`consent-sync is listening on ${base}`)
  out(`  customer dashboard  ${base}/customer/`)
  out(`  CSR dashboard       ${base}/csr/`)
  out(`  offline demo        ${base}/demo/`)
  out(`  API reference       ${base}/docs`)
  if (config.production) {
    out(
      config.metricsToken
        ? `  metrics             ${base}/metrics (protected: send Authorization: Bearer $METRICS_TOKEN)`
        : `  metrics             ${base}/metrics (open to anyone who reaches this port; set METRICS_TOKEN to protect it)`,
    )
  }
  if (config.demo) {
    out()
    out(`demo mode: accounts below, password "${DEMO_PASSWORD}"`)
    for (const a of demoAccounts()) out(`  ${a.username.padEnd(8)} ${a.role.padEnd(9)} ${a.name}`)
  }
  out()

  let closing = false
  const stop = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

/**
 * The catalog the store's decisions were judged under: the one it keeps (every version ever
 * published), or the compiled one for a store from before the catalog was kept as data.
 */
async function catalogFor(store: Store) {
  const purposes = await store.listPurposes()
  return purposes.length > 0 ? catalogOf(purposes, await store.listVersions()) : DEFAULT_CATALOG
}

async function catalogImport(file: string): Promise<void> {
  const config = configOrExit()
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    fail(`catalog import: cannot read ${file}: ${(err as Error).message}`)
  }
  const report = await withStore(config, async (store) =>
    // Running servers read the catalog again within CATCH_UP_INTERVAL_MS.
    importCatalog({ store, catalog: await openLiveCatalog(store), announce: () => {} }, text),
  )
  for (const p of report.problems) {
    process.stderr.write(`${file}:${p.line}${p.field ? ` ${p.field}` : ''}: ${p.message}\n`)
  }
  if (!report.ok) fail(`catalog import: nothing imported (${report.problems.length} problems)`)
  out(`imported ${report.published} versions from ${file}; ${report.unchanged} were published already`)
}

async function catalogExport(options: { out?: string }): Promise<void> {
  const config = configOrExit()
  const text = await withStore(config, (store) => exportCatalog({ store }))
  if (options.out) {
    await writeFile(options.out, text)
    process.stderr.write(`wrote ${options.out}\n`)
  } else process.stdout.write(text)
}

async function verify(options: {
  customer?: string
  checkpoint: string[]
  checkpointKey?: string
  leaves?: string
}): Promise<void> {
  const config = configOrExit()
  const report = await withStore(config, async (store) =>
    verifyStore(
      store,
      await catalogFor(store),
      options.customer === undefined ? {} : { customerId: options.customer },
    ),
  )
  out(
    `${report.ok ? 'OK' : 'FAILED'}: ${report.customers} customers, ${report.entries} audit entries, ${report.updates} updates checked`,
  )
  for (const p of report.problems) {
    out(`  ${p.customerId}${p.seq === undefined ? '' : ` seq ${p.seq}`}: ${p.reason}: ${p.detail}`)
  }
  if (!report.ok) process.exitCode = 1
  if (options.checkpoint.length > 0) {
    const helpers = { withStore, out, fail, configOrExit }
    if (
      !(await verifyAgainstCheckpoints(
        helpers,
        config,
        options.checkpoint,
        options.checkpointKey,
        options.leaves,
      ))
    ) {
      process.exitCode = 1
    }
  }
}

async function exportAudit(options: {
  format: ExportFormat
  customer?: string
  out?: string
}): Promise<void> {
  const config = configOrExit()
  await withStore(config, async (store) => {
    const filter = options.customer === undefined ? {} : { customerId: options.customer }
    const body = Readable.from(exportLines(store.streamAudit(filter), options.format))
    await pipeline(body, options.out ? createWriteStream(options.out) : process.stdout, {
      end: !!options.out,
    })
  })
  if (options.out) process.stderr.write(`wrote ${options.out}\n`)
}

async function seed(): Promise<void> {
  const config = configOrExit()
  if (config.production) fail('seed-demo: demo accounts are refused in production')
  await withStore(config, seedDemo)
  out(`seeded demo customers and accounts in ${config.databasePath} (password "${DEMO_PASSWORD}")`)
}

/** Folds each document's update log into a snapshot; raw updates stay for audit re-derivation. */
async function compact(options: { customer?: string }): Promise<void> {
  const config = configOrExit()
  await withStore(config, async (store) => {
    const ids = options.customer === undefined ? await store.documentIds() : [options.customer]
    for (const id of ids) {
      const stored = await store.loadDocument(id)
      const last = stored.tail.at(-1)
      if (!last) {
        out(`${id}: nothing to compact`)
        continue
      }
      const doc = new Y.Doc()
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
      for (const u of stored.tail) Y.applyUpdate(doc, u.update)
      await store.saveSnapshot(id, Y.encodeStateAsUpdate(doc), last.seq)
      doc.destroy()
      out(`${id}: ${stored.tail.length} updates folded into a snapshot up to seq ${last.seq}`)
    }
  })
}

const program = new Command()
  .name('consent-sync')
  .description('consent-sync server and maintenance commands (configuration from the environment)')

program.command('serve').description('start the server (HTTP API, sync endpoint, pages)').action(serve)

program
  .command('cluster')
  .description('several instances on PostgreSQL + Redis behind HAProxy (DATABASE_URL, REDIS_URL)')
  .option('--instances <n>', 'how many instances', '2')
  .option(
    '--port <port>',
    "HAProxy's port; instances take the ports after it, its stats page the next",
    '3000',
  )
  .option('--host <host>', "HAProxy's address", '127.0.0.1')
  .action(async (options: { instances: string; port: string; host: string }) => {
    const instances = Number(options.instances)
    const port = Number(options.port)
    if (!Number.isInteger(instances) || instances < 1 || instances > 16)
      fail('--instances: a number from 1 to 16')
    if (!Number.isInteger(port) || port < 1 || port > 65534 - instances) fail('--port: a free port number')
    const started = await runCluster({ instances, port, host: options.host, log: out })
    if (!started.ok) fail(`cannot start the cluster: ${started.detail}`)
  })

program
  .command('verify')
  .description('re-walk the audit hash chains and re-derive the entries from the stored updates')
  .option('--customer <id>', 'only this customer')
  .option(
    '--checkpoint <file>',
    'also check the store against a signed checkpoint (give it twice to check two against each other)',
    (file: string, files: string[]) => [...files, file],
    [] as string[],
  )
  .option(
    '--checkpoint-key <vkey>',
    'the signed-note verifier key of the checkpoints (default: this deployment’s)',
  )
  .option(
    '--leaves <file>',
    'the checkpoint log’s leaves kept outside the store (GET /api/checkpoints/leaves): name each customer a cut-back store lost',
  )
  .action(verify)

program
  .command('export')
  .description('write the audit log as JSON Lines or CSV')
  .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).default('jsonl'))
  .option('--customer <id>', 'only this customer')
  .option('--out <file>', 'write to a file instead of standard output')
  .action(exportAudit)

const catalog = program.command('catalog').description('the purpose catalog kept in the store')
catalog
  .command('import')
  .description(
    'publish the versions of a catalog file (JSON Lines, one version per line); nothing unless every line is valid',
  )
  .argument('<file>', 'the catalog file, as `catalog export` writes it')
  .action(catalogImport)
catalog
  .command('export')
  .description('write every published version as JSON Lines, oldest first per purpose')
  .option('--out <file>', 'write to a file instead of standard output')
  .action(catalogExport)

program
  .command('seed-demo')
  .description('create the demo customers and accounts (not in production)')
  .action(seed)

program
  .command('compact')
  .description("fold each document's update log into a snapshot")
  .option('--customer <id>', 'only this customer')
  .action(compact)

const helpers = { withStore, out, fail, configOrExit }
registerUserCommands(program, helpers)
registerCustomerCommands(program, helpers)
registerMigrateCommand(program, helpers)
registerReceiptCommands(program, helpers)
registerWitnessCommand(program, helpers)

await program.parseAsync(process.argv)
