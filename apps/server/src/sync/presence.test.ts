/**
 * The presence rules of DESIGN.md §5 one by one, with raw sockets that misbehave on purpose next
 * to stock providers: relays are dropped, a connection speaks only for its own client ids, only an
 * owner removes its state, and the number of ids and bytes per connection is capped.
 */
import {
  decodeAwarenessEntries,
  encodeAwareness,
  encodeAwarenessEntries,
  parseMessage,
} from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import { presenceProbe } from '../testing/clients'
import { afterTest, rawFor, testServer } from '../testing/per-test'
import { CSR_1, CSR_2, CUSTOMER_1 } from '../testing/server'
import { until } from '../testing/until'

interface Entry {
  clientId: number
  clock: number
  state: unknown
}

function awarenessFrame(entries: Entry[]): Uint8Array {
  return encodeAwareness(
    encodeAwarenessEntries(entries.map((x) => ({ ...x, json: JSON.stringify(x.state) }))),
  )
}

/** The entries of the awareness frames a raw client received. */
function heardEntries(frames: readonly Uint8Array[]): Entry[] {
  return frames.flatMap((f) => {
    const m = parseMessage(f)
    if (m.kind !== 'awareness') return []
    return (decodeAwarenessEntries(m.update) ?? []).map(({ clientId, clock, json }) => ({
      clientId,
      clock,
      state: JSON.parse(json) as unknown,
    }))
  })
}

async function setup() {
  const server = await testServer()
  const probe = (user: typeof CSR_1) => {
    const p = presenceProbe(server.syncUrl, 'C-0001', server.token(user), user)
    afterTest(() => p.destroy())
    return p
  }
  const raw = async (user: typeof CSR_1) => {
    const r = await rawFor(server, user)
    return r
  }
  const dropped = async (reason: string) =>
    (await server.ctx.metrics.presenceDropped.get()).values.find((v) => v.labels.reason === reason)?.value ??
    0
  return { server, probe, raw, dropped }
}

describe('presence rules', () => {
  it('drops a relay of what the server sent, so a change reaches each peer once', async () => {
    const { probe, raw, dropped } = await setup()
    const customer = probe(CUSTOMER_1)
    const agent = probe(CSR_1)
    await customer.synced()
    await agent.synced()
    // The worst relayer: every awareness frame it hears goes straight back.
    const relayer = await raw(CSR_2)
    relayer.ws.on('message', (data: ArrayBuffer) => {
      const bytes = new Uint8Array(data)
      if (parseMessage(bytes).kind === 'awareness') relayer.send(bytes)
    })
    await until(() => agent.sees(customer.clientId, 'C-0001'), 5000, 'agent sees the customer')
    const before = agent.presenceMessages
    for (let i = 0; i < 5; i++) {
      customer.provider.awareness.setLocalStateField('editing', i % 2 === 0)
      await until(() => agent.presenceMessages >= before + i + 1, 5000, `change ${i} reached the agent`)
    }
    await until(async () => (await dropped('relayed')) >= 5, 5000, 'relays dropped')
    // Stock clients relay too: give every relay time to come back, then count.
    await new Promise((r) => setTimeout(r, 500))
    expect(agent.presenceMessages - before).toBe(5)
    expect(agent.closes).toEqual([])
  })

  it('lets no connection speak for, or remove, a client id another connection announced', async () => {
    const { probe, raw, dropped } = await setup()
    const agent = probe(CSR_1)
    const customer = probe(CUSTOMER_1)
    await agent.synced()
    await customer.synced()
    await until(() => customer.sees(agent.clientId, 'csr1'), 5000, 'customer sees the agent')
    const intruder = await raw(CSR_2)
    intruder.send(awarenessFrame([{ clientId: agent.clientId, clock: 1000, state: { editing: true } }]))
    intruder.send(awarenessFrame([{ clientId: agent.clientId, clock: 1001, state: null }]))
    await until(async () => (await dropped('owned-elsewhere')) >= 1, 5000, 'impersonation dropped')
    await until(async () => (await dropped('removal-by-other')) >= 1, 5000, 'removal dropped')
    const state = customer.provider.awareness.getStates().get(agent.clientId)
    expect(state).toMatchObject({ user: { id: 'csr1', name: 'Agent One' }, editing: false })
  })

  it('caps the client ids a connection speaks for and the size of a state', async () => {
    const { probe, raw, dropped } = await setup()
    const customer = probe(CUSTOMER_1)
    await customer.synced()
    const many = await raw(CSR_2)
    many.send(
      awarenessFrame(
        Array.from({ length: 10 }, (_, i) => ({ clientId: 9000 + i, clock: 1, state: { editing: false } })),
      ),
    )
    await until(async () => (await dropped('too-many-clients')) === 6, 5000, 'ids past the cap dropped')
    await until(() => customer.remoteIds().length === 4, 5000, 'four ids shown')
    expect(customer.remoteIds().every((id) => customer.sees(id, 'csr2'))).toBe(true)

    const big = await raw(CSR_1)
    big.send(awarenessFrame([{ clientId: 7777, clock: 1, state: { note: 'x'.repeat(5000) } }]))
    const closed = await big.waitClosed()
    expect(closed.code).toBe(4413)
    expect(closed.reason).toMatch(/presence state of \d+ bytes exceeds 4096/)
    expect(customer.remoteIds()).not.toContain(7777)
  })

  it('echoes a client its own state with its own clock, and tells the others a raised one after a return', async () => {
    const { probe, raw } = await setup()
    const customer = probe(CUSTOMER_1)
    await customer.synced()
    const first = await raw(CSR_1)
    first.send(awarenessFrame([{ clientId: 4242, clock: 3, state: { editing: false } }]))
    await until(() => customer.sees(4242, 'csr1'), 5000, 'customer sees the agent')
    expect(heardEntries(first.frames).filter((e) => e.clientId === 4242)).toEqual([
      {
        clientId: 4242,
        clock: 3,
        state: { editing: false, user: { id: 'csr1', role: 'csr', name: 'Agent One' } },
      },
    ])
    first.close()
    await until(() => !customer.sees(4242, 'csr1'), 5000, 'agent gone')

    // The same client id comes back on a new connection with the clock it had.
    const again = await raw(CSR_1)
    again.send(awarenessFrame([{ clientId: 4242, clock: 3, state: { editing: true } }]))
    await until(
      () => (customer.provider.awareness.getStates().get(4242) as { editing?: boolean } | undefined)?.editing,
      5000,
      'customer sees the agent again',
    )
    const echo = heardEntries(again.frames).filter((e) => e.clientId === 4242)
    expect(echo.map((e) => e.clock)).toEqual([3])
    expect(customer.provider.awareness.meta.get(4242)?.clock).toBeGreaterThan(3)
  })
})
