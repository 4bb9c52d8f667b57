import type { PurposeCatalog } from '@consent-sync/consent-core'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config'
import type { AcceptedEvents } from '../context'
import type { Metrics } from '../metrics/metrics'
import type { Store } from '../store/types'
import type { Rooms } from './rooms'

export interface RoomDeps {
  store: Store
  catalog: PurposeCatalog
  config: Config
  events: AcceptedEvents
  metrics: Metrics
  log: FastifyBaseLogger
}

export function createRooms(_deps: RoomDeps): Rooms {
  throw new Error('not implemented yet')
}
