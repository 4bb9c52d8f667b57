import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/child-server'
import { decideAs } from '../testing/decisions'
import { stockFor, tempDir, testServer } from '../testing/per-test'
import { TEST_RECEIPT_KEY, TEST_RECEIPT_KEY_2 } from '../testing/receipt-keys'
import { CSR_1, type TestServer } from '../testing/server'
import { until } from '../testing/until'

/** An agent's phone decision for C-0001, and its receipt as the server serves it. */
async function agentReceipt(s: TestServer, state: 'granted' | 'withdrawn' = 'granted') {
  const agent = stockFor(s, CSR_1)
  await agent.synced()
  const before = (await s.ctx.store.auditChain('C-0001')).length
  const d = decideAs(agent.doc, CSR_1, 'marketing-sms', state, { evidence: 'call 993: customer agreed' })
  await until(async () => (await s.ctx.store.auditChain('C-0001')).length === before + 1, 5000, 'stored')
  agent.destroy()
  const res = await s.get(`/api/receipts/${d.id}?customerId=C-0001`, s.token(CSR_1))
  expect(res.status).toBe(200)
  return { decisionId: d.id, jws: await res.text() }
}

describe('consent-sync verify-receipt', () => {
  it('verifies a served receipt offline with the served JWKS and prints what it attests; a tampered one fails', async () => {
    const dir = await tempDir()
    const s = await testServer({ env: { RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY } })
    const { decisionId, jws } = await agentReceipt(s)
    const receiptFile = path.join(dir, 'receipt.jws')
    const keysFile = path.join(dir, 'keys.json')
    await writeFile(receiptFile, jws)
    await writeFile(keysFile, await (await s.get('/api/keys')).text())
    const db = path.join(dir, 'unused.db')

    const ok = await runCli(['verify-receipt', receiptFile, '--keys', keysFile], db)
    expect(ok.stderr).toBe('')
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`valid consent receipt ${decisionId}`)
    expect(ok.stdout).toMatch(/customer:\s+C-0001/)
    expect(ok.stdout).toMatch(/recorded by:\s+csr1 \(csr\)/)
    expect(ok.stdout).toMatch(/channel:\s+phone/)
    expect(ok.stdout).toContain('call 993: customer agreed')

    // The payload altered (granted → withdrawn), the signature kept.
    const [header, payload, signature] = jws.split('.') as [string, string, string]
    const altered = Buffer.from(payload, 'base64url')
      .toString()
      .replace('"type":"given"', '"type":"withdrawn"')
    const tampered = path.join(dir, 'tampered.jws')
    await writeFile(tampered, `${header}.${Buffer.from(altered).toString('base64url')}.${signature}`)
    const bad = await runCli(['verify-receipt', tampered, '--keys', keysFile], db)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('NOT VALID: bad-signature')
    expect(bad.stdout).toBe('')

    // Without --keys: the keys this host is configured with.
    const own = await runCli(['verify-receipt', receiptFile], db, { RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY })
    expect(own.code).toBe(0)
    const stranger = await runCli(['verify-receipt', receiptFile], db, {
      RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY_2,
    })
    expect(stranger.code).toBe(1)
    expect(stranger.stderr).toContain('unknown-key')
    const none = await runCli(['verify-receipt', receiptFile], db)
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('pass --keys')
  })

  it('still verifies receipts signed before a key rotation, against the JWKS the rotated server serves', async () => {
    const dir = await tempDir()
    const first = await testServer({ dir, env: { RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY } })
    const old = await agentReceipt(first)
    await first.cleanup(true)

    const rotated = await testServer({
      dir,
      env: { RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY_2, RECEIPT_SIGNING_KEY_PREVIOUS: TEST_RECEIPT_KEY },
    })
    const fresh = await agentReceipt(rotated, 'withdrawn')
    expect(decodeProtectedHeader(fresh.jws).kid).not.toBe(decodeProtectedHeader(old.jws).kid)
    const jwks = (await (await rotated.get('/api/keys')).json()) as {
      keys: { kid: string; 'x-consent-sync-use': string }[]
    }
    const receiptKeys = jwks.keys.filter((k) => k['x-consent-sync-use'] === 'receipt')
    expect(receiptKeys.map((k) => k.kid).sort()).toEqual(
      [decodeProtectedHeader(old.jws).kid, decodeProtectedHeader(fresh.jws).kid].sort(),
    )
    for (const [name, r] of [
      ['old', old],
      ['fresh', fresh],
    ] as const) {
      const file = path.join(dir, `${name}.jws`)
      await writeFile(file, r.jws)
      const checked = await runCli(
        ['verify-receipt', file, '--keys', rotated.url('/api/keys')],
        path.join(dir, 'x.db'),
      )
      expect(checked.stderr).toBe('')
      expect(checked.code).toBe(0)
      expect(checked.stdout).toContain(r.decisionId)
    }
    // The old receipt, fetched again now, is signed with the current key and verifies too.
    const again = await rotated.get(`/api/receipts/${old.decisionId}?customerId=C-0001`, rotated.token(CSR_1))
    expect(decodeProtectedHeader(await again.text()).kid).toBe(decodeProtectedHeader(fresh.jws).kid)
  })

  it('verifies a "download my data" bundle and refuses one whose contents were changed', async () => {
    const dir = await tempDir()
    const s = await testServer({ env: { RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY } })
    await agentReceipt(s)
    const text = await (
      await s.get('/api/customers/C-0001/export', s.token({ id: 'admin1', role: 'admin' }))
    ).text()
    const file = path.join(dir, 'export.json')
    await writeFile(file, text)
    const env = { RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY }
    const ok = await runCli(['verify-receipt', file], path.join(dir, 'x.db'), env)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('valid export of customer C-0001')
    await writeFile(file, text.replace('call 993: customer agreed', 'call 993: customer refused'))
    const bad = await runCli(['verify-receipt', file], path.join(dir, 'x.db'), env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('digest-mismatch')
  })
})
