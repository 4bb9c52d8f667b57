import { CloseCode, type CloseCodeValue } from '@consent-sync/protocol'
import { GroupCommitter } from './group-commit'
import type { Peer } from './peer'
import { Room } from './room'
import type { RoomDeps } from './room-deps'
import type { Rooms } from './rooms'

/** The rooms of this instance, with the sync endpoint's entry points (sync/route.ts). */
/** How long a document's shadow copy is kept without an update to judge. */
const SHADOW_IDLE_MS = 10_000
/** Loaded documents whose seqs one catch-up query reads. */
const CATCH_UP_CHUNK = 1000

export interface RoomRegistry extends Rooms {
  /** Loads (once) and returns the customer's room, joining the peer to it. */
  open(customerId: string, peer: Peer): Promise<Room>
  close(room: Room, peer: Peer): void
  readonly accepting: boolean
}

export function createRooms(deps: RoomDeps): RoomRegistry {
  const committer = new GroupCommitter(deps.documents, deps.metrics)
  const rooms = new Map<string, Promise<Room>>()
  /** The rooms whose load finished, for messages from other instances (never waited for). */
  const ready = new Map<string, Room>()
  const unloadTimers = new Map<string, NodeJS.Timeout>()
  let accepting = true
  let connections = 0

  const load = (customerId: string): Promise<Room> => {
    let room = rooms.get(customerId)
    if (!room) {
      room = deps.documents.loadDocument(customerId).then((stored) => {
        const r = new Room(customerId, stored, deps, committer)
        ready.set(customerId, r)
        // Other instances' connections to this document announced themselves before it was loaded here.
        deps.fanout.publishPresenceQuery(customerId)
        return r
      })
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
      ready.delete(room.customerId)
      room.destroy(CloseCode.Restarting, 'document unloaded')
      deps.metrics.documentsLoaded.set(rooms.size)
    }, deps.config.idleUnloadMs)
    timer.unref()
    unloadTimers.set(room.customerId, timer)
  }

  deps.fanout.onUpdate(
    ({ customerId, seq, update }) => void ready.get(customerId)?.receiveRemote(seq, update),
  )
  deps.fanout.onAwareness(({ customerId, update }) => ready.get(customerId)?.applyRemoteAwareness(update))
  deps.fanout.onPresenceQuery(({ customerId }) => ready.get(customerId)?.publishPresence())
  // What was published while delivery was down is lost: read it from the store, ask for presence.
  deps.fanout.onResume(() => {
    for (const r of ready.values()) {
      void r.refresh()
      deps.fanout.publishPresenceQuery(r.customerId)
    }
  })
  // Fan-out is best effort; with a shared store, a periodic look at the loaded documents' seqs
  // bounds how long a dropped message can leave one behind: one query per thousand documents, so
  // the look does not queue the appends behind a query per document.
  const catchUp = async () => {
    const loaded = [...ready.values()]
    for (let i = 0; i < loaded.length; i += CATCH_UP_CHUNK) {
      const chunk = loaded.slice(i, i + CATCH_UP_CHUNK)
      try {
        const seqs = await deps.documents.updateSeqs(chunk.map((r) => r.customerId))
        for (const [j, r] of chunk.entries()) if (seqs[j]! > r.appliedSeq) void r.refresh()
      } catch (err) {
        deps.log.warn({ err, documents: chunk.length }, 'seq check failed')
        return
      }
    }
  }
  let catchingUp = false
  const catchUpTimer =
    deps.catchUpIntervalMs > 0
      ? setInterval(() => {
          if (catchingUp) return
          catchingUp = true
          void catchUp().finally(() => {
            catchingUp = false
          })
        }, deps.catchUpIntervalMs)
      : undefined
  catchUpTimer?.unref()
  const shadowSweep = setInterval(() => {
    const now = performance.now()
    for (const r of ready.values()) r.releaseIdleShadow(now, SHADOW_IDLE_MS)
  }, SHADOW_IDLE_MS / 2)
  shadowSweep.unref()

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
    closeUser(userId, code, reason) {
      let closed = 0
      for (const room of ready.values()) {
        for (const peer of [...room.peers]) {
          if (peer.user.id !== userId || peer.closed) continue
          peer.close(code as CloseCodeValue, reason)
          closed++
        }
      }
      return closed
    },
    async shutdown(code: number, reason: string) {
      accepting = false
      clearInterval(catchUpTimer)
      clearInterval(shadowSweep)
      for (const t of unloadTimers.values()) clearTimeout(t)
      unloadTimers.clear()
      const loaded = await Promise.allSettled(rooms.values())
      // Finish what was received before closing: nothing acknowledged is left behind.
      for (const r of loaded) if (r.status === 'fulfilled') await r.value.settled()
      await committer.drain()
      for (const r of loaded) if (r.status === 'fulfilled') r.value.destroy(code as CloseCodeValue, reason)
      rooms.clear()
      ready.clear()
      deps.metrics.documentsLoaded.set(0)
    },
  }
}
