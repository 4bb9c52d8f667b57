import { describe, expect, it } from 'vitest'
import { createReplayGuard } from './replay-guard.js'

function setup(options: { ttlSeconds: number; maxEntries?: number }) {
  let clock = 1_000_000
  const guard = createReplayGuard({ ...options, now: () => clock })
  return { guard, advance: (seconds: number) => (clock += seconds * 1000) }
}

describe('createReplayGuard', () => {
  it('answers true for an id seen within the ttl, false for a new one', () => {
    const { guard, advance } = setup({ ttlSeconds: 600 })
    expect(guard.seen('msg_1')).toBe(false)
    expect(guard.seen('msg_2')).toBe(false)
    advance(599)
    expect(guard.seen('msg_1')).toBe(true)
    expect(guard.seen('msg_2')).toBe(true)
  })

  it('forgets ids once the ttl has passed, so memory does not grow with time', () => {
    const { guard, advance } = setup({ ttlSeconds: 60 })
    for (let i = 0; i < 1000; i++) guard.seen(`old_${i}`)
    advance(60)
    expect(guard.seen('new')).toBe(false)
    expect(guard.size).toBe(1)
    expect(guard.seen('old_0')).toBe(false)
  })

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const { guard } = setup({ ttlSeconds: 600, maxEntries: 3 })
    for (const id of ['a', 'b', 'c', 'd']) guard.seen(id)
    expect(guard.size).toBe(3)
    expect(guard.seen('d')).toBe(true)
    expect(guard.seen('b')).toBe(true)
    expect(guard.seen('a')).toBe(false)
  })

  it('forget lets a retried delivery through after its handling failed', () => {
    const { guard } = setup({ ttlSeconds: 600 })
    expect(guard.seen('msg_1')).toBe(false)
    guard.forget('msg_1')
    expect(guard.seen('msg_1')).toBe(false)
    expect(guard.seen('msg_1')).toBe(true)
  })

  it('refuses a ttl that would remember nothing', () => {
    expect(() => createReplayGuard({ ttlSeconds: 0 })).toThrow(TypeError)
  })
})
