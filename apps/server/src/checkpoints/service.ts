import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config'
import type { CheckpointLog, StoredCheckpoint } from '../store/checkpoint-log'
import { createSqliteCheckpointLog } from '../store/sqlite-checkpoints'
import type { CheckpointConfig } from './checkpoint-config'
import { type HeadSource, makeCheckpoint } from './checkpointer'

/** The checkpoint log beside the store the config names. */
export async function openCheckpointLog(
  config: Config,
  log?: { warn(obj: object, msg: string): void },
): Promise<CheckpointLog> {
  if (config.store === 'postgres') {
    const { createPostgresCheckpointLog } = await import('../store/postgres-checkpoints')
    return createPostgresCheckpointLog({
      connectionString: config.databaseUrl,
      schema: config.databaseSchema,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      ...(log ? { log } : {}),
    })
  }
  return createSqliteCheckpointLog(config.databasePath)
}

export interface Checkpoints {
  readonly log: CheckpointLog
  readonly config: CheckpointConfig
  /** Signs and stores a checkpoint now; null without a signing key. */
  make(): Promise<StoredCheckpoint | null>
  stop(): Promise<void>
}

/** The server's checkpoints: on demand, and every `intervalMs` (docs/checkpoints.md). */
export async function startCheckpoints(deps: {
  heads: HeadSource
  log: CheckpointLog
  config: CheckpointConfig
  logger: FastifyBaseLogger
}): Promise<Checkpoints> {
  const { heads, log, config, logger } = deps
  await log.migrateCheckpoints()
  let running: Promise<StoredCheckpoint> | null = null
  const make = async () => {
    const signer = config.signer
    if (!signer) return null
    // One at a time in this process; other instances take turns in the store.
    running ??= makeCheckpoint({ heads, log, origin: config.origin, signer }).finally(() => {
      running = null
    })
    return running
  }
  if (!config.signer) {
    logger.warn('no checkpoints are signed: set CHECKPOINT_SIGNING_KEY (base64 of a 32-byte Ed25519 seed)')
  }
  const timer =
    config.signer && config.intervalMs > 0
      ? setInterval(() => {
          make().then(
            (cp) => cp && logger.info({ size: cp.size }, 'checkpoint signed'),
            (err) => logger.error({ err }, 'checkpoint failed'),
          )
        }, config.intervalMs)
      : null
  timer?.unref()
  return {
    log,
    config,
    make,
    async stop() {
      if (timer) clearInterval(timer)
      await running?.catch(() => {})
      await log.closeCheckpoints()
    },
  }
}
