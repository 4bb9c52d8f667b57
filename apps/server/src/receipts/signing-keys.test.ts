import { stat } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { tempDir } from '../testing/per-test'
import { TEST_RECEIPT_KEY, TEST_RECEIPT_KEY_PEM } from '../testing/receipt-keys'
import { createKeyRegistry, demoSigningKey, signingKeyFrom, verifyingKeyFrom } from './signing-keys'

describe('receipt signing keys', () => {
  it('keeps the demo key next to the database, readable by the owner only, and reads it back on the next start', async () => {
    const dir = await tempDir()
    const db = path.join(dir, 'data', 'consent.db')
    const first = await demoSigningKey(db)
    const again = await demoSigningKey(db)
    expect(again.kid).toBe(first.kid)
    const file = await stat(path.join(dir, 'data', 'receipt-signing-key.jwk'))
    expect(file.mode & 0o777).toBe(0o600)
  })

  it('reads a PKCS#8 PEM or a JWK, and publishes only the public half of a previous private key', async () => {
    const pem = await signingKeyFrom(TEST_RECEIPT_KEY_PEM)
    const jwk = await signingKeyFrom(TEST_RECEIPT_KEY)
    expect(pem.kid).not.toBe(jwk.kid)
    expect(pem.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: pem.kid })
    const oneLine = TEST_RECEIPT_KEY_PEM.trim().replaceAll('\n', '\\n')
    expect((await signingKeyFrom(oneLine)).kid).toBe(pem.kid)
    const previous = await verifyingKeyFrom(TEST_RECEIPT_KEY)
    expect(previous).toEqual(jwk.publicJwk)
    const registry = createKeyRegistry()
    registry.add('receipt', { ...previous, d: 'secret' } as typeof previous)
    expect(registry.jwks().keys[0]).not.toHaveProperty('d')
  })

  it('names the variable of a key it cannot read, and of a bad jurisdiction', () => {
    expect(() => loadConfig({ RECEIPT_SIGNING_KEY: 'not a key' })).toThrow(/^RECEIPT_SIGNING_KEY: /)
    expect(() => loadConfig({ RECEIPT_SIGNING_KEY_PREVIOUS: '{"kty":"RSA"}' })).toThrow(
      /^RECEIPT_SIGNING_KEY_PREVIOUS: must be an Ed25519 JWK/,
    )
    expect(() => loadConfig({ RECEIPT_JURISDICTION: 'Sri Lanka' })).toThrow(/^RECEIPT_JURISDICTION: /)
    expect(loadConfig({ RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY }).receipts.signingKey).toBe(TEST_RECEIPT_KEY)
  })
})
