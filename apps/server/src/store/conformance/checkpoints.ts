import { randomBytes } from 'node:crypto'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openCheckpoint } from '../../checkpoints/checkpoint'
import { makeCheckpoint } from '../../checkpoints/checkpointer'
import { LogTree } from '../../checkpoints/log-tree'
import { noteSigner, parseVerifierKey } from '../../checkpoints/note'
import { appendDecisions, decision } from '../../testing/decisions'
import type { CheckpointLog } from '../checkpoint-log'
import type { Store } from '../store'

/** A migrated store and a checkpoint log on the same data; `open` gives another log on it. */
export interface CheckpointFixture {
  store: Store
  openLog: () => CheckpointLog
  cleanup: () => Promise<void>
}

const ORIGIN = 'consent-sync.example/conformance'
const t = (m: number) => `2026-11-02T08:${String(m).padStart(2, '0')}:00.000Z`
const customer = { id: 'C-0001', role: 'customer' } as const

/** The checkpoint log's conformance suite (docs/checkpoints.md): every adapter passes it unchanged. */
export function runCheckpointLogTests(name: string, make: () => Promise<CheckpointFixture>): void {
  describe(`CheckpointLog conformance: ${name}`, () => {
    async function setup() {
      const f = await make()
      onTestFinished(f.cleanup)
      const log = f.openLog()
      await log.migrateCheckpoints()
      await log.migrateCheckpoints()
      const signer = noteSigner(ORIGIN, randomBytes(32))
      const verifier = parseVerifierKey(signer.verifierKey)
      if (!verifier) throw new Error('verifier key does not parse')
      const checkpoint = (l = log) => makeCheckpoint({ heads: f.store, log: l, origin: ORIGIN, signer })
      return { ...f, log, checkpoint, verifier }
    }

    it('starts empty, and logs each changed head once, in customer id order', async () => {
      const { store, log, checkpoint, verifier } = await setup()
      expect(await log.checkpointLeaves()).toEqual([])
      expect(await log.latestCheckpoint()).toBeNull()
      await appendDecisions(
        store,
        'C-0002',
        [decision({ purposeId: 'marketing-sms', state: 'granted' })],
        customer,
        t(1),
      )
      await appendDecisions(
        store,
        'C-0001',
        [decision({ purposeId: 'marketing-sms', state: 'granted' })],
        customer,
        t(2),
      )
      const first = await checkpoint()
      expect(first.size).toBe(2)
      expect((await log.checkpointLeaves()).map((l) => [l.customerId, l.seq])).toEqual([
        ['C-0001', 1],
        ['C-0002', 1],
      ])
      const opened = openCheckpoint(first.note, verifier, ORIGIN)
      expect(opened.ok && opened.value.size).toBe(2)
      expect(opened.ok && opened.value.root.toString('base64')).toBe(first.root)
      expect(new LogTree(await log.checkpointLeaves()).root().toString('base64')).toBe(first.root)

      // Nothing changed: the same checkpoint.
      expect(await checkpoint()).toEqual(first)
      await appendDecisions(
        store,
        'C-0002',
        [decision({ purposeId: 'marketing-email', state: 'granted' })],
        customer,
        t(3),
      )
      const second = await checkpoint()
      expect(second.size).toBe(3)
      const leaves = await log.checkpointLeaves()
      expect(leaves.at(-1)).toEqual({
        customerId: 'C-0002',
        seq: 2,
        hash: (await store.chainHead('C-0002')).hash,
      })
      expect(await log.checkpointAt(2)).toEqual(first)
      expect(await log.latestCheckpoint()).toEqual(second)
      expect(await log.checkpointAt(7)).toBeNull()
    })

    it('writes nothing when another writer moved the log', async () => {
      const { store, log, checkpoint } = await setup()
      await appendDecisions(
        store,
        'C-0001',
        [decision({ purposeId: 'marketing-sms', state: 'granted' })],
        customer,
        t(1),
      )
      const first = await checkpoint()
      const moved = await log.appendCheckpoint(0, [{ customerId: 'C-0009', seq: 1, hash: 'a'.repeat(64) }], {
        ...first,
        size: 1,
      })
      expect(moved.ok).toBe(false)
      expect(await log.checkpointLeaves()).toHaveLength(1)
    })

    it('keeps one log when two writers checkpoint at once', async () => {
      const { store, openLog, checkpoint } = await setup()
      for (const [i, id] of ['C-0001', 'C-0002', 'C-0003'].entries()) {
        await appendDecisions(
          store,
          id,
          [decision({ purposeId: 'marketing-sms', state: 'granted' })],
          customer,
          t(i),
        )
      }
      const other = openLog()
      onTestFinished(() => other.closeCheckpoints())
      const [a, b] = await Promise.all([checkpoint(), checkpoint(other)])
      expect(a.size).toBe(3)
      expect(b).toEqual(a)
      expect(await other.checkpointLeaves()).toHaveLength(3)
    })
  })
}
