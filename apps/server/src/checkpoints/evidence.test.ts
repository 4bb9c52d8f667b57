import { copyFile, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createSqliteStore } from '../store/sqlite'
import { createSqliteCheckpointLog } from '../store/sqlite-checkpoints'
import { runCli } from '../testing/child-server'
import { appendDecisions, decision } from '../testing/decisions'
import { tempDir } from '../testing/per-test'
import { demoKeyFile, resolveCheckpointConfig } from './checkpoint-config'
import { makeCheckpoint } from './checkpointer'

// SPEC docs/checkpoints.md "Verifying" and "Witness": each way of cutting a store back is named.

const ORIGIN = 'consent-sync.example/demo'
let minute = 0
const at = () => `2026-11-02T09:${String(minute++ % 60).padStart(2, '0')}:00.000Z`

/** One SQLite file of the deployment: decisions go in, checkpoints come out as files. */
function deployment(file: string) {
  const withStore = async <T>(work: (store: ReturnType<typeof createSqliteStore>) => Promise<T>) => {
    const store = createSqliteStore({ path: file, writer: 'inline' })
    await store.migrate()
    try {
      return await work(store)
    } finally {
      await store.close()
    }
  }
  return {
    file,
    decide: (customerId: string, count = 1) =>
      withStore(async (store) => {
        for (let i = 0; i < count; i++) {
          const state = i % 2 === 0 ? 'granted' : 'withdrawn'
          await appendDecisions(
            store,
            customerId,
            [decision({ purposeId: 'marketing-sms', state })],
            { id: customerId, role: 'customer' },
            at(),
          )
        }
      }),
    /** Signs a checkpoint as the server would, with the key beside the file; writes it to `out`. */
    checkpoint: (out: string) =>
      withStore(async (store) => {
        const cfg = resolveCheckpointConfig({
          production: false,
          store: 'sqlite',
          databasePath: file,
          checkpoints: { origin: ORIGIN, intervalMs: 0, signingKey: undefined },
        })
        if (!cfg.signer) throw new Error('no signer')
        const log = createSqliteCheckpointLog(file)
        try {
          await log.migrateCheckpoints()
          const cp = await makeCheckpoint({ heads: store, log, origin: ORIGIN, signer: cfg.signer })
          await writeFile(out, cp.note)
          return cp
        } finally {
          await log.closeCheckpoints()
        }
      }),
  }
}

/** A copy of the deployment's file and key, as a backup or a second database would be. */
async function copyDeployment(from: string, to: string) {
  await copyFile(from, to)
  await copyFile(demoKeyFile(from), demoKeyFile(to))
}

const verify = (file: string, ...checkpoints: string[]) =>
  runCli(['verify', ...checkpoints.flatMap((c) => ['--checkpoint', c])], file, {}, 60_000)

describe('verify --checkpoint', () => {
  async function setup() {
    const dir = await tempDir('consent-checkpoints-')
    const a = deployment(path.join(dir, 'consent.db'))
    await a.decide('C-0001', 3)
    await a.decide('C-0002', 1)
    const cp1 = path.join(dir, 'cp1.txt')
    await a.checkpoint(cp1)
    return { dir, a, cp1 }
  }

  it('passes a store that holds what the checkpoint says, and names the customer and seq of a chain cut at its end', async () => {
    const { a, cp1 } = await setup()
    const clean = await verify(a.file, cp1)
    expect(clean.stdout).toContain("OK: 1 checkpoints, 2 customers' heads checked")
    expect(clean.code).toBe(0)

    // Entries cut from the end of C-0001's chain, head and all: the chain alone still walks.
    const db = new Database(a.file)
    db.prepare("DELETE FROM audit WHERE customer_id = 'C-0001' AND seq > 1").run()
    db.close()
    const cut = await verify(a.file, cp1)
    expect(cut.code).toBe(1)
    expect(cut.stdout).toMatch(
      /cp1\.txt size 2 C-0001 seq 3: chain-truncated: .*the store's chain ends at seq 1/,
    )
  }, 120_000)

  it('names the sizes when the database is restored from an older copy', async () => {
    const { dir, a } = await setup()
    const backup = path.join(dir, 'backup.db')
    await copyDeployment(a.file, backup)
    await a.decide('C-0003', 2)
    await a.decide('C-0001', 1)
    const cp2 = path.join(dir, 'cp2.txt')
    expect((await a.checkpoint(cp2)).size).toBe(4)
    const archive = createSqliteCheckpointLog(a.file)
    const archivedLeaves = await archive.checkpointLeaves()
    await archive.closeCheckpoints()
    await rm(`${a.file}-wal`, { force: true })
    await rm(`${a.file}-shm`, { force: true })
    await copyFile(backup, a.file)
    const rolled = await verify(a.file, cp2)
    expect(rolled.code).toBe(1)
    expect(rolled.stdout).toMatch(
      /cp2\.txt size 4: store-behind: the store's checkpoint log has 2 leaves, .* is of size 4/,
    )

    // With the leaves kept outside (as GET /api/checkpoints/leaves serves them), each customer lost is named.
    const leaves = path.join(dir, 'leaves.json')
    await writeFile(leaves, JSON.stringify({ from: 0, to: 4, leaves: archivedLeaves }))
    const named = await runCli(['verify', '--checkpoint', cp2, '--leaves', leaves], a.file, {}, 60_000)
    expect(named.code).toBe(1)
    expect(named.stdout).toMatch(/cp2\.txt size 4 C-0001 seq 4: chain-truncated: .*ends at seq 3/)
    expect(named.stdout).toMatch(/cp2\.txt size 4 C-0003 seq 2: chain-truncated: .*ends at seq 0/)
  }, 120_000)

  it('finds a fork: two copies that diverged sign different checkpoints of one size', async () => {
    const { dir, a } = await setup()
    const b = deployment(path.join(dir, 'forked.db'))
    await copyDeployment(a.file, b.file)
    await a.decide('C-0002', 1)
    await b.decide('C-0003', 1)
    const [cpA, cpB] = [path.join(dir, 'cpA.txt'), path.join(dir, 'cpB.txt')]
    expect((await a.checkpoint(cpA)).size).toBe(3)
    expect((await b.checkpoint(cpB)).size).toBe(3)
    const both = await verify(a.file, cpA, cpB)
    expect(both.code).toBe(1)
    expect(both.stdout).toMatch(/cpA\.txt and .*cpB\.txt size 3: checkpoint-fork: both of size 3, roots /)
    // One file against the store: its own stored checkpoint of that size disagrees.
    const one = await verify(a.file, cpB)
    expect(one.code).toBe(1)
    expect(one.stdout).toMatch(
      /cpB\.txt size 3: checkpoint-fork: the stored checkpoint of size 3 has root .*, .*cpB\.txt has /,
    )
  }, 120_000)
})

describe('witness', () => {
  it('accepts a consistent newer checkpoint and refuses a fork, saying why', async () => {
    const dir = await tempDir('consent-witness-')
    const a = deployment(path.join(dir, 'consent.db'))
    await a.decide('C-0001', 2)
    const cp1 = path.join(dir, 'cp1.txt')
    await a.checkpoint(cp1)
    const b = deployment(path.join(dir, 'forked.db'))
    await copyDeployment(a.file, b.file)
    await a.decide('C-0002', 1)
    await a.decide('C-0001', 1)
    const cpA = path.join(dir, 'cpA.txt')
    expect((await a.checkpoint(cpA)).size).toBe(3)
    await b.decide('C-0003', 1)
    await b.decide('C-0004', 1)
    await b.decide('C-0005', 1)
    const cpB = path.join(dir, 'cpB.txt')
    expect((await b.checkpoint(cpB)).size).toBe(4)

    const state = path.join(dir, 'witness.json')
    const witness = (file: string, db: string) => runCli(['witness', '--state', state, file], db, {}, 60_000)
    const first = await witness(cp1, a.file)
    expect(first.stdout).toContain(`accepted: ${ORIGIN} size 1 (first seen)`)
    const newer = await witness(cpA, a.file)
    expect(newer.stdout).toContain(`accepted: ${ORIGIN} size 3 (was 1)`)
    expect(newer.code).toBe(0)
    const kept = await readFile(state, 'utf8')

    // The fork's log is larger, but the proof its store gives cannot join it to the log seen.
    const fork = await witness(cpB, b.file)
    expect(fork.code).toBe(1)
    expect(fork.stderr).toMatch(/refused: inconsistent: the log of size 4 does not extend the log of size 3/)
    const older = await witness(cp1, a.file)
    expect(older.code).toBe(1)
    expect(older.stderr).toContain('refused: older: size 1 is smaller than the size 3 already seen')
    expect(await readFile(state, 'utf8')).toBe(kept)
  }, 120_000)
})
