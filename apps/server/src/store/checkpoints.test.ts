import { describe } from 'vitest'
import { POSTGRES_URL, scaleOutServices } from '../testing/services'
import { postgresStores, sqliteStores } from '../testing/stores'
import type { CheckpointLog } from './checkpoint-log'
import { runCheckpointLogTests } from './conformance/checkpoints'
import { createPostgresCheckpointLog } from './postgres-checkpoints'
import { createSqliteCheckpointLog } from './sqlite-checkpoints'

function closing(logs: CheckpointLog[], open: () => CheckpointLog) {
  return () => {
    const log = open()
    logs.push(log)
    return log
  }
}

runCheckpointLogTests('sqlite', async () => {
  const f = await sqliteStores()
  const store = f.open()
  await store.migrate()
  const logs: CheckpointLog[] = []
  return {
    store,
    openLog: closing(logs, () => createSqliteCheckpointLog(f.path)),
    cleanup: async () => {
      for (const l of logs) await l.closeCheckpoints()
      await f.cleanup()
    },
  }
})

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL checkpoint log tests' })

describe.skipIf(!services.ok)('postgres', () => {
  runCheckpointLogTests('postgres', async () => {
    const f = postgresStores()
    const store = f.open()
    await store.migrate()
    const logs: CheckpointLog[] = []
    return {
      store,
      openLog: closing(logs, () =>
        createPostgresCheckpointLog({ connectionString: POSTGRES_URL, schema: f.schema }),
      ),
      cleanup: async () => {
        for (const l of logs) await l.closeCheckpoints()
        await f.cleanup()
      },
    }
  })
})
