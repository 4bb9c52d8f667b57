/**
 * What the harness asks of the load generator over IPC, one task at a time, and what each task
 * answers. The load generator knows nothing of targets or stores: only where to connect.
 */
import type { Summary } from '../lib/stats'
import type { ServerKind } from '../lib/target'

/** Where the simulated people connect. */
export interface Endpoint {
  server: ServerKind
  /**
   * The sync URL base of each instance (`${url}/${docName}`). The writer of the i-th document
   * connects to `syncUrls[i % n]`, its watcher to `syncUrls[(i + 1) % n]`: with two instances every
   * update the watcher sees has crossed instances.
   */
  syncUrls: string[]
  /** consent-sync: the secret to sign customer and csr tokens with (its demo secret, DEMO=false). */
  jwtSecret: string
}

/** How a writer knows its update was accepted: what each server offers. */
export type AckKind = 'durable' | 'status' | 'echo'
export const ACK_OF: Record<ServerKind, AckKind> = {
  'consent-sync': 'durable',
  hocuspocus: 'status',
  'y-websocket': 'echo',
}

export type Task =
  | { task: 'sequential'; endpoint: Endpoint; doc: string; decisions: number }
  | { task: 'rate'; endpoint: Endpoint; docs: string[]; rate: number; seconds: number }
  | {
      task: 'closed-loop'
      endpoint: Endpoint
      docs: string[]
      seconds: number
      perDoc?: number
      /** A watcher on each document (default); without, only the writers (not with an echo ack). */
      watchers?: boolean
    }
  /** Opens a writer on each document (each makes one decision), held until `release`. */
  | { task: 'open-writers'; endpoint: Endpoint; docs: string[]; perSecond: number }
  /** Opens a watcher on each held writer's document. */
  | { task: 'open-watchers'; perSecond: number }
  /** Open loop at an aggregate rate over the held documents (their writers send, their watchers see). */
  | { task: 'rate-held'; rate: number; seconds: number }
  | { task: 'release' }
  | { task: 'cold'; endpoint: Endpoint; docs: string[] }
  | { task: 'storm-connect'; endpoint: Endpoint; docs: string[] }
  | { task: 'storm-await'; timeoutMs: number }

export interface SequentialResult {
  decisions: number
  received: number
  lost: number
  latencyMs: Summary
}

export interface RateResult {
  docs: number
  connections: number
  targetRate: number
  seconds: number
  sent: number
  received: number
  sentRate: number
  achievedRate: number
  latencyMs: Summary
}

export interface ClosedLoopResult {
  docs: number
  ack: AckKind
  seconds: number
  accepted: number
  perSecond: number
  ackLatencyMs: Summary
  propagationMs: Summary
}

export interface ColdResult {
  docs: number
  decisionsLoaded: number
  connectToStep2Ms: Summary
}

export interface HeldResult {
  writers: number
  watchers: number
  /** How long opening took, s. */
  seconds: number
}

export interface StormAwaitResult {
  clients: number
  resynced: number
  lastSyncAt: number
  closeCodes: Record<string, number>
}

/** What each task answers. */
export interface TaskResults {
  sequential: SequentialResult
  rate: RateResult
  'closed-loop': ClosedLoopResult
  'open-writers': HeldResult
  'open-watchers': HeldResult
  'rate-held': RateResult
  release: HeldResult
  cold: ColdResult
  'storm-connect': { connected: number }
  'storm-await': StormAwaitResult
}

export type TaskOf<K extends Task['task']> = Extract<Task, { task: K }>
