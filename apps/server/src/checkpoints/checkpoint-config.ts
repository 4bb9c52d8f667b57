import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { NoteSigner } from './note'
import { noteSigner, validKeyName } from './note'

/** Checkpoint settings (README "Checkpoints", docs/checkpoints.md), read once at start with the rest of the config. */
export interface CheckpointSettings {
  /** The log's origin line, also the signing key's name (`CHECKPOINT_ORIGIN`). */
  origin: string
  /** Milliseconds between checkpoints signed by the server itself (`CHECKPOINT_INTERVAL_SECONDS`); 0: only on demand. */
  intervalMs: number
  /** The 32-byte Ed25519 seed of `CHECKPOINT_SIGNING_KEY`; absent: a demo key, or none in production. */
  signingKey: Buffer | undefined
}

export class CheckpointConfigProblem extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message)
  }
}

type Env = Record<string, string | undefined>

const DEFAULT_INTERVAL_SECONDS = 3600

function seedOf(text: string, variable: string): Buffer {
  const seed = Buffer.from(text.trim(), 'base64')
  if (seed.length !== 32)
    throw new CheckpointConfigProblem(variable, 'is the base64 of a 32-byte Ed25519 seed')
  return seed
}

export function loadCheckpointSettings(env: Env): CheckpointSettings {
  const origin = env.CHECKPOINT_ORIGIN || 'consent-sync.example/demo'
  if (!validKeyName(origin)) throw new CheckpointConfigProblem('CHECKPOINT_ORIGIN', 'has no spaces and no +')
  const seconds = env.CHECKPOINT_INTERVAL_SECONDS ?? String(DEFAULT_INTERVAL_SECONDS)
  if (!/^[0-9]{1,9}$/.test(seconds)) {
    throw new CheckpointConfigProblem('CHECKPOINT_INTERVAL_SECONDS', 'is whole seconds (0: off)')
  }
  return {
    origin,
    intervalMs: Number(seconds) * 1000,
    signingKey: env.CHECKPOINT_SIGNING_KEY
      ? seedOf(env.CHECKPOINT_SIGNING_KEY, 'CHECKPOINT_SIGNING_KEY')
      : undefined,
  }
}

/** The settings with the key resolved. */
export interface CheckpointConfig {
  origin: string
  intervalMs: number
  /** Null: no key (production or PostgreSQL without `CHECKPOINT_SIGNING_KEY`): no checkpoints are signed. */
  signer: NoteSigner | null
  /** Where the key came from: `CHECKPOINT_SIGNING_KEY`, a demo file beside the SQLite file, made for this process, or none. */
  keySource: 'env' | 'file' | 'ephemeral' | 'missing'
}

/** The demo key file beside the SQLite file, made on first use, readable by its owner only. */
export function demoKeyFile(databasePath: string): string {
  return `${databasePath}.checkpoint-key`
}

function demoSeed(databasePath: string): { seed: Buffer; source: 'file' | 'ephemeral' } {
  if (databasePath === ':memory:') return { seed: randomBytes(32), source: 'ephemeral' }
  const file = demoKeyFile(databasePath)
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600)
  }
  return { seed: seedOf(readFileSync(file, 'utf8'), file), source: 'file' }
}

/**
 * The signing key: `CHECKPOINT_SIGNING_KEY`; outside production on SQLite, a demo key kept beside
 * the file. Production, and instances sharing PostgreSQL (which must sign with one key), name theirs.
 */
export function resolveCheckpointConfig(config: {
  production: boolean
  store: 'sqlite' | 'postgres'
  databasePath: string
  checkpoints: CheckpointSettings
}): CheckpointConfig {
  const { origin, intervalMs, signingKey } = config.checkpoints
  if (signingKey) return { origin, intervalMs, signer: noteSigner(origin, signingKey), keySource: 'env' }
  if (config.production || config.store === 'postgres')
    return { origin, intervalMs, signer: null, keySource: 'missing' }
  const demo = demoSeed(config.databasePath)
  return { origin, intervalMs, signer: noteSigner(origin, demo.seed), keySource: demo.source }
}
