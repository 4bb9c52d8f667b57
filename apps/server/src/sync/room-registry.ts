import type { PurposeCatalog } from '@consent-sync/consent-core'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config'
import type { AcceptedEvents } from '../context'
import type { Metrics } from '../metrics/metrics'
import type { Store } from '../store/types'
import { CloseCode, type CloseCodeValue } from './close-codes'
import { GroupCommitter } from './group-commit'
import type { Peer } from './peer'
import { Room } from './room'
import type { Rooms } from './rooms'

export interface RoomDeps {
  store: Store
  catalog: PurposeCatalog
  config: Config
  events: AcceptedEvents
  metrics: Metrics
  log: FastifyBaseLogger
}

/** The rooms of this instance, with the sync endpoint's entry points (sync/route.ts). */
export interface RoomRegistry extends Rooms {
  /** Loads (once) and returns the customer's room, joining the peer to it. */
  open(customerId: string, peer: Peer): Promise<Room>
  close(room: Room, peer: Peer): void
  readonly accepting: boolean
}

export function createRooms(deps: RoomDeps): RoomRegistry {
  const committer = new GroupCommitter(deps.store, deps.metrics)
  const rooms = new Map<string, Promise<Room>>()
  const unloadTimers = new Map<string, NodeJS.Timeout>()
  let accepting = true
  let connections = 0

  const load = (customerId: string): Promise<Room> => {
    let room = rooms.get(customerId)
    if (!room) {
      room = deps.store
        .loadDocument(customerId)
        .then((stored) => new Room(customerId, stored, deps, committer))
      rooms.set(customerId, room)
      // A failed load is not cached: the next open tries again.
      room.catch(() => rooms.delete(customerId))
      room.then(() => deps.metrics.documentsLoaded.set(rooms.size)).catch(() => {})
    }
    const timer = unloadTimers.get(customerId)
    if (timer) {
      clearTimeout(timer)
      unloadTimers.delete(customerId)
    }
    return room
  }

  /** Unloads a document nobody has open once it stayed idle for `idleUnloadMs` (DESIGN.md §6). */
  const scheduleUnload = (room: Room) => {
    if (!room.idle || unloadTimers.has(room.customerId)) return
    const timer = setTimeout(async () => {
      unloadTimers.delete(room.customerId)
      await room.settled()
      if (!room.idle || rooms.get(room.customerId) === undefined) return
      rooms.delete(room.customerId)
      room.destroy(CloseCode.Restarting, 'document unloaded')
      deps.metrics.documentsLoaded.set(rooms.size)
    }, deps.config.idleUnloadMs)
    timer.unref()
    unloadTimers.set(room.customerId, timer)
  }

  return {
    get accepting() {
      return accepting
    },
    async open(customerId, peer) {
      const room = await load(customerId)
      room.join(peer)
      connections++
      deps.metrics.connections.set(connections)
      return room
    },
    close(room, peer) {
      if (!room.peers.has(peer)) return
      room.leave(peer)
      connections--
      deps.metrics.connections.set(connections)
      room.settled().then(() => scheduleUnload(room))
    },
    async readDecisions(customerId) {
      const room = await load(customerId)
      const decisions = room.decisions()
      scheduleUnload(room)
      return decisions
    },
    loadedCount: () => rooms.size,
    connectionCount: () => connections,
    async shutdown(code: number, reason: string) {
      accepting = false
      for (const t of unloadTimers.values()) clearTimeout(t)
      unloadTimers.clear()
      const loaded = await Promise.allSettled(rooms.values())
      // Finish what was received before closing: nothing acknowledged is left behind.
      for (const r of loaded) if (r.status === 'fulfilled') await r.value.settled()
      await committer.drain()
      for (const r of loaded) if (r.status === 'fulfilled') r.value.destroy(code as CloseCodeValue, reason)
      rooms.clear()
      deps.metrics.documentsLoaded.set(0)
    },
  }
}
