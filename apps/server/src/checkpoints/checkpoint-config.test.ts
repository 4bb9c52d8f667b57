import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../config'
import { tempDir } from '../testing/per-test'
import { demoKeyFile, loadCheckpointSettings, resolveCheckpointConfig } from './checkpoint-config'

describe('checkpoint configuration', () => {
  it('reads the origin, interval and key, and names the variable that is wrong', () => {
    const seed = randomBytes(32)
    expect(
      loadCheckpointSettings({
        CHECKPOINT_ORIGIN: 'telco.example/consent',
        CHECKPOINT_INTERVAL_SECONDS: '0',
        CHECKPOINT_SIGNING_KEY: seed.toString('base64'),
      }),
    ).toEqual({ origin: 'telco.example/consent', intervalMs: 0, signingKey: seed })
    expect(loadCheckpointSettings({})).toMatchObject({
      origin: 'consent-sync.example/demo',
      intervalMs: 3_600_000,
    })
    const bad = (env: Record<string, string>, variable: string) => {
      expect(() => loadConfig(env)).toThrow(ConfigError)
      expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}:`))
    }
    bad({ CHECKPOINT_SIGNING_KEY: 'c2hvcnQ=' }, 'CHECKPOINT_SIGNING_KEY')
    bad({ CHECKPOINT_ORIGIN: 'has space' }, 'CHECKPOINT_ORIGIN')
    bad({ CHECKPOINT_INTERVAL_SECONDS: 'hourly' }, 'CHECKPOINT_INTERVAL_SECONDS')
  })

  it('keeps a demo key beside the SQLite file, and signs nothing in production or on PostgreSQL without a key', async () => {
    const dir = await tempDir('consent-checkpoint-key-')
    const databasePath = path.join(dir, 'consent.db')
    const checkpoints = loadCheckpointSettings({})
    const demo = resolveCheckpointConfig({ production: false, store: 'sqlite', databasePath, checkpoints })
    expect(demo.keySource).toBe('file')
    expect(statSync(demoKeyFile(databasePath)).mode & 0o777).toBe(0o600)
    const again = resolveCheckpointConfig({ production: false, store: 'sqlite', databasePath, checkpoints })
    expect(again.signer?.verifierKey).toBe(demo.signer?.verifierKey)
    for (const [production, store] of [
      [true, 'sqlite'],
      [false, 'postgres'],
    ] as const) {
      const none = resolveCheckpointConfig({ production, store, databasePath, checkpoints })
      expect(none).toMatchObject({ signer: null, keySource: 'missing' })
    }
    const keyed = resolveCheckpointConfig({
      production: true,
      store: 'postgres',
      databasePath,
      checkpoints: { ...checkpoints, signingKey: randomBytes(32) },
    })
    expect(keyed.keySource).toBe('env')
  })
})
