import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openCheckpoint } from '../checkpoints/checkpoint'
import { parseVerifierKey } from '../checkpoints/note'
import { runCli } from '../testing/child-server'
import { appendDecisions, decision } from '../testing/decisions'
import { extendsTree, includes } from '../testing/merkle-reference'
import { tempDir } from '../testing/per-test'
import { ADMIN, startTestServer } from '../testing/server'
import { until } from '../testing/until'

const t = (m: number) => `2026-11-02T08:${String(m).padStart(2, '0')}:00.000Z`
const customer = (id: string) => ({ id, role: 'customer' }) as const

async function setup(env: Record<string, string> = {}) {
  const server = await startTestServer({ env: { CHECKPOINT_ORIGIN: 'consent-sync.example/test', ...env } })
  onTestFinished(() => server.cleanup())
  const admin = server.token(ADMIN)
  const decide = (id: string, m: number) =>
    appendDecisions(
      server.ctx.store,
      id,
      [decision({ purposeId: 'marketing-sms', state: m % 2 ? 'granted' : 'withdrawn' })],
      customer(id),
      t(m),
    )
  const sign = async () => {
    const res = await server.post('/api/admin/checkpoints', {}, admin)
    expect(res.status).toBe(201)
    return (await res.json()) as { size: number; root: string; checkpoint: string }
  }
  const key = (await (await server.get('/api/checkpoints/key')).json()) as { verifierKey: string }
  const verifier = parseVerifierKey(key.verifierKey)
  if (!verifier) throw new Error(`bad verifier key ${key.verifierKey}`)
  return { server, admin, decide, sign, verifier }
}

describe('checkpoint routes', () => {
  it('signs checkpoints on demand for an administrator only, and serves them as text', async () => {
    const { server, decide, sign, verifier } = await setup()
    expect((await server.get('/api/checkpoints/latest')).status).toBe(404)
    expect(
      (await server.post('/api/admin/checkpoints', {}, server.token({ id: 'csr1', role: 'csr' }))).status,
    ).toBe(403)
    await decide('C-0001', 1)
    await decide('C-0002', 2)
    const first = await sign()
    expect(first.size).toBe(2)
    const latest = await server.get('/api/checkpoints/latest')
    expect(latest.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await latest.text()
    expect(text).toBe(first.checkpoint)
    expect(text).toMatch(
      /^consent-sync\.example\/test\n2\n[A-Za-z0-9+/]{43}=\n\n\u2014 consent-sync\.example\/test [A-Za-z0-9+/=]+\n$/u,
    )
    const opened = openCheckpoint(text, verifier, 'consent-sync.example/test')
    expect(opened.ok).toBe(true)
    const jwks = (await (await server.get('/api/keys')).json()) as {
      keys: { kid: string; x: string; 'x-consent-sync-use': string }[]
    }
    const published = jwks.keys.find((k) => k['x-consent-sync-use'] === 'checkpoint')
    expect(published?.kid).toBe(`consent-sync.example/test+${verifier.keyHash.toString('hex')}`)
    expect(await (await server.get('/api/checkpoints/2')).text()).toBe(text)
    expect((await server.get('/api/checkpoints/5')).status).toBe(404)
  })

  it('proves a customer head in a checkpoint and one checkpoint extends another, to an independent verifier', async () => {
    const { server, admin, decide, sign, verifier } = await setup()
    for (const [i, id] of ['C-0001', 'C-0002', 'C-0003'].entries()) await decide(id, i + 1)
    const first = await sign()
    await decide('C-0002', 5)
    await decide('C-0004', 6)
    const second = await sign()
    expect(second.size).toBe(5)

    const res = await server.get(`/api/checkpoints/proof?customerId=C-0002&size=${second.size}`, admin)
    expect(res.status).toBe(200)
    const proof = (await res.json()) as {
      seq: number
      hash: string
      leafIndex: number
      treeSize: number
      leaf: string
      proof: string[]
      checkpoint: string
    }
    const head = await server.ctx.store.chainHead('C-0002')
    expect({ seq: proof.seq, hash: proof.hash, leafIndex: proof.leafIndex }).toEqual({
      seq: 2,
      hash: head.hash,
      leafIndex: 3,
    })
    const leaf = Buffer.from(proof.leaf, 'base64')
    expect(leaf.toString('utf8')).toBe(`consent-sync/audit-head/v1\nC-0002\n2\n${head.hash}\n`)
    const cp = openCheckpoint(proof.checkpoint, verifier)
    if (!cp.ok) throw new Error(cp.detail)
    const path = proof.proof.map((p) => Buffer.from(p, 'base64'))
    expect(includes(leaf, proof.leafIndex, cp.value.size, path, cp.value.root)).toBe(true)
    expect(includes(leaf, proof.leafIndex, cp.value.size, path, Buffer.from(first.root, 'base64'))).toBe(
      false,
    )

    const cons = (await (
      await server.get(`/api/checkpoints/consistency?from=${first.size}&to=${second.size}`)
    ).json()) as { proof: string[] }
    const consProof = cons.proof.map((p) => Buffer.from(p, 'base64'))
    const [a, b] = [Buffer.from(first.root, 'base64'), Buffer.from(second.root, 'base64')]
    expect(extendsTree(first.size, second.size, a, b, consProof)).toBe(true)
    expect(extendsTree(first.size, second.size, b, b, consProof)).toBe(false)

    // A customer asks only about their own head.
    const own = server.token({ id: 'C-0001', role: 'customer', customerId: 'C-0001' })
    expect((await server.get('/api/checkpoints/proof?customerId=C-0002', own)).status).toBe(403)
    expect((await server.get('/api/checkpoints/proof?customerId=C-0001', own)).status).toBe(200)
    expect((await server.get('/api/checkpoints/consistency?from=5&to=9')).status).toBe(404)

    // The leaves, for an auditor to keep outside the store (verify --leaves).
    expect((await server.get('/api/checkpoints/leaves', own)).status).toBe(403)
    const kept = (await (await server.get('/api/checkpoints/leaves?from=3', admin)).json()) as {
      leaves: unknown[]
    }
    expect(kept.leaves).toEqual([
      { customerId: 'C-0002', seq: 2, hash: head.hash },
      { customerId: 'C-0004', seq: 1, hash: (await server.ctx.store.chainHead('C-0004')).hash },
    ])
  })

  it('signs a checkpoint by itself every CHECKPOINT_INTERVAL_SECONDS', async () => {
    const { server, decide, verifier } = await setup({ CHECKPOINT_INTERVAL_SECONDS: '1' })
    await decide('C-0001', 1)
    await until(
      async () => (await server.get('/api/checkpoints/latest')).status === 200,
      10_000,
      'a periodic checkpoint',
    )
    const opened = openCheckpoint(await (await server.get('/api/checkpoints/latest')).text(), verifier)
    expect(opened.ok && opened.value.size).toBe(1)
  })

  it('lets a witness follow the server with proofs fetched from it', async () => {
    const { server, decide, sign, verifier } = await setup()
    const dir = await tempDir('consent-witness-server-')
    const state = path.join(dir, 'witness.json')
    const key = `${verifier.name}+${verifier.keyHash.toString('hex')}`
    const vkey = ((await (await server.get('/api/checkpoints/key')).json()) as { verifierKey: string })
      .verifierKey
    expect(vkey.startsWith(key)).toBe(true)
    const witness = async (text: string, name: string) => {
      const file = path.join(dir, name)
      await writeFile(file, text)
      const args = ['witness', '--state', state, '--server', server.httpUrl, '--checkpoint-key', vkey, file]
      return runCli(args, path.join(dir, 'unused.db'), {}, 60_000)
    }
    await decide('C-0001', 1)
    const first = await sign()
    expect((await witness(first.checkpoint, 'cp1.txt')).stdout).toContain('size 1 (first seen)')
    await decide('C-0002', 2)
    await decide('C-0003', 3)
    const second = await sign()
    const next = await witness(second.checkpoint, 'cp2.txt')
    expect(next.stdout).toContain('accepted: consent-sync.example/test size 3 (was 1)')
    expect(next.code).toBe(0)
  }, 60_000)
})
