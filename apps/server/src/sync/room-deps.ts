import type { PurposeCatalog } from '@consent-sync/consent-core'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config'
import type { AcceptedEvents } from '../context'
import type { Metrics } from '../metrics/metrics'
import type { AuditLog } from '../store/audit-log'
import type { DocumentLog } from '../store/document-log'
import type { FanOut } from './fanout'

/** What a room reads and writes: its document's log, and the chain head to chain onto. */
export type RoomLog = DocumentLog & Pick<AuditLog, 'chainHead'>

/** What the rooms of an instance are built with (app.ts), shared by every room. */
export interface RoomDeps {
  documents: RoomLog
  /** Milliseconds between checks of loaded documents against the log's seq; 0: no other instance writes it. */
  catchUpIntervalMs: number
  /** Other instances of the deployment (`localFanOut()` when alone). */
  fanout: FanOut
  /** The catalog as published now (catalog/live-catalog.ts): each judgement reads the current one. */
  catalog: { current(): PurposeCatalog }
  config: Config
  events: AcceptedEvents
  metrics: Metrics
  log: FastifyBaseLogger
}
