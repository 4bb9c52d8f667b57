/**
 * Durable accepted updates per second: C clients on C customer documents, each sending a consent
 * decision, waiting for the server's durable ack, and sending the next, for D seconds.
 *
 *   npx tsx bench/durable-throughput.ts [--clients 200] [--seconds 10] [--synchronous FULL|NORMAL]
 *
 * The server runs in its own process (the CLI's `serve`), the clients in this one.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_CATALOG, decide, findPurpose } from '@consent-sync/consent-core'
import { decodeStateVector, encodeSyncUpdate, parseMessage } from '@consent-sync/protocol'
import { createSqliteStore, DEMO_JWT_SECRET } from '@consent-sync/server'
import { freePort } from '@consent-sync/server/testing'
import { createSigner } from 'fast-jwt'
import WebSocket from 'ws'
import * as Y from 'yjs'

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    synchronous: { type: 'string', default: 'FULL' },
  },
})
const CLIENTS = Number(values.clients)
const SECONDS = Number(values.seconds)
const ROOT = path.resolve(import.meta.dirname, '..')
const PURPOSES = ['personalised-offers', 'marketing-sms', 'marketing-email', 'usage-analytics']

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'consent-bench-'))
  const dbPath = path.join(dir, 'bench.db')
  const store = createSqliteStore({ path: dbPath })
  await store.migrate()
  const ids = Array.from({ length: CLIENTS }, (_, i) => `B-${String(i + 1).padStart(5, '0')}`)
  for (const id of ids) await store.upsertCustomer({ id, name: `Bench ${id}`, phone: '+94 77 000 0000' })
  await store.close()

  const port = await freePort()
  const server: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--import',
      'tsx',
      'apps/server/src/cli.ts',
      'serve',
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATABASE_PATH: dbPath,
        DEMO: 'false',
        LOG_LEVEL: 'warn',
        SQLITE_SYNCHRONOUS: values.synchronous,
        RATE_MESSAGES_PER_SECOND: '100000',
        RATE_USER_MESSAGES_PER_SECOND: '1000000',
        MAX_CONNECTIONS_PER_USER: '100000',
        SNAPSHOT_EVERY: '1000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  try {
    const deadline = Date.now() + 20_000
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) break
      if (Date.now() > deadline) throw new Error('server did not become ready')
      await new Promise((r) => setTimeout(r, 100))
    }
    const sign = createSigner({ key: DEMO_JWT_SECRET, expiresIn: 3600_000 })
    const latencies: number[] = []
    let accepted = 0
    let stopAt = 0
    const runClient = (id: string) =>
      new Promise<void>((resolve, reject) => {
        const token = sign({ sub: id, role: 'customer', name: id, customerId: id })
        const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/${id}?token=${token}`)
        ws.binaryType = 'arraybuffer'
        const doc = new Y.Doc()
        let sentAt = 0
        let waitingFor = 0
        let n = 0
        const next = () => {
          if (Date.now() >= stopAt) return ws.close()
          let update: Uint8Array | null = null
          doc.once('update', (u: Uint8Array) => {
            update = u
          })
          const purposeId = PURPOSES[n++ % PURPOSES.length]!
          decide(doc, {
            purposeId,
            state: n % 2 ? 'granted' : 'withdrawn',
            actor: { id, role: 'customer' },
            channel: 'app',
            // The version the catalog published (consent-core SPEC 2.11), or the server refuses it.
            noticeVersion: findPurpose(DEFAULT_CATALOG, purposeId)!.version,
          })
          waitingFor = Y.getState(doc.store, doc.clientID)
          sentAt = performance.now()
          const u = update as Uint8Array | null
          if (!u) throw new Error('decide produced no update')
          ws.send(encodeSyncUpdate(u))
        }
        ws.on('message', (data: ArrayBuffer) => {
          const message = parseMessage(new Uint8Array(data))
          if (message.kind !== 'durable' || waitingFor === 0) return
          const sv = decodeStateVector(message.stateVector)
          if ((sv.get(doc.clientID) ?? 0) < waitingFor) return
          waitingFor = 0
          latencies.push(performance.now() - sentAt)
          accepted++
          next()
        })
        ws.on('open', () => setImmediate(next))
        ws.on('close', (code) =>
          code === 1000 || code === 1005 ? resolve() : reject(new Error(`closed ${code}`)),
        )
        ws.on('error', reject)
      })
    stopAt = Date.now() + SECONDS * 1000
    const started = performance.now()
    await Promise.all(ids.map(runClient))
    const elapsed = (performance.now() - started) / 1000
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text())
    const batchSum = Number(/consent_sync_commit_batch_updates_sum (\S+)/.exec(metrics)?.[1] ?? 0)
    const batchCount = Number(/consent_sync_commit_batch_updates_count (\S+)/.exec(metrics)?.[1] ?? 1)
    latencies.sort((a, b) => a - b)
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(2)
    console.log(
      JSON.stringify({
        clients: CLIENTS,
        seconds: Number(elapsed.toFixed(1)),
        synchronous: values.synchronous,
        acceptedDurable: accepted,
        perSecond: Math.round(accepted / elapsed),
        ackLatencyMs: { p50: pct(0.5), p99: pct(0.99), max: latencies.at(-1)?.toFixed(2) },
        updatesPerCommit: Number((batchSum / batchCount).toFixed(1)),
      }),
    )
  } finally {
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
