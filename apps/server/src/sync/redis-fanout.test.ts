import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import { afterTest } from '../testing/per-test'
import { REDIS_URL, scaleOutServices } from '../testing/services'
import { until } from '../testing/until'
import type { RemoteAwareness, RemoteUpdate } from './fanout'
import { createRedisFanOut } from './redis-fanout'

const services = await scaleOutServices({ skipping: 'the Redis fan-out tests' })

/** A fan-out on a channel of this test's own, closed when the test ends. */
function fanOut(channel: string) {
  const f = createRedisFanOut({ url: REDIS_URL, channel })
  afterTest(() => f.close())
  return f
}

/** A plain subscriber that records every message on the channel as Redis delivers it. */
async function rawSubscriber(channel: string) {
  const sub = new Redis(REDIS_URL)
  afterTest(() => sub.disconnect())
  const messages: Buffer[] = []
  sub.on('messageBuffer', (_c: Buffer, m: Buffer) => messages.push(m))
  await sub.subscribe(channel)
  return messages
}

describe.skipIf(!services.ok)('the Redis fan-out', () => {
  it('publishes what one turn of the event loop published as one message, delivered whole and in order', async () => {
    const channel = `consent-sync:test:${randomBytes(6).toString('hex')}`
    const a = fanOut(channel)
    const b = fanOut(channel)
    const raw = await rawSubscriber(channel)
    await Promise.all([a.ready(3000), b.ready(3000)])
    const heard: (RemoteUpdate | RemoteAwareness)[] = []
    b.onUpdate((m) => heard.push(m))
    b.onAwareness((m) => heard.push(m))

    // A group commit's worth: 40 customers' updates, presence in between.
    const sent: (RemoteUpdate | RemoteAwareness)[] = []
    for (let i = 0; i < 40; i++) {
      const update = { customerId: `C-${i}`, seq: i + 1, update: new Uint8Array([i, 1, 2]) }
      a.publishUpdate(update.customerId, update.seq, update.update)
      sent.push(update)
      if (i % 20 === 0) {
        const presence = { customerId: `C-${i}`, update: new Uint8Array([9, i]) }
        a.publishAwareness(presence.customerId, presence.update)
        sent.push(presence)
      }
    }
    await until(() => heard.length === sent.length, 3000, 'every record at the other instance')
    expect(heard).toEqual(sent)
    expect(raw).toHaveLength(1)

    // The next turn is the next message; an instance does not hear its own.
    const own: RemoteUpdate[] = []
    a.onUpdate((m) => own.push(m))
    a.publishUpdate('C-x', 1, new Uint8Array([7]))
    await until(() => heard.length === sent.length + 1, 3000, 'the next turn')
    expect(raw).toHaveLength(2)
    expect(own).toEqual([])
  })

  it('reads a single record as the previous release published it, and skips a message it cannot read', async () => {
    const channel = `consent-sync:test:${randomBytes(6).toString('hex')}`
    const b = fanOut(channel)
    await b.ready(3000)
    const heard: RemoteUpdate[] = []
    b.onUpdate((m) => heard.push(m))
    const pub = new Redis(REDIS_URL)
    afterTest(() => pub.disconnect())

    const single = encoding.createEncoder()
    encoding.writeVarUint(single, 0) // an update
    encoding.writeVarString(single, 'an-older-instance')
    encoding.writeVarString(single, 'C-0001')
    encoding.writeVarUint(single, 12)
    encoding.writeVarUint8Array(single, new Uint8Array([1, 2, 3]))
    await pub.publish(channel, Buffer.from([3, 200])) // a batch cut short
    await pub.publish(channel, Buffer.from(encoding.toUint8Array(single)))
    await until(() => heard.length === 1, 3000, 'the single record')
    expect(heard).toEqual([{ customerId: 'C-0001', seq: 12, update: new Uint8Array([1, 2, 3]) }])
  })
})
