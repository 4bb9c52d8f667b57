import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Command } from 'commander'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import type { Config } from '../config'
import { sqliteStores } from '../testing/stores'
import { registerCustomerCommands } from './customers'

class Exit extends Error {}

async function setup() {
  const fixture = await sqliteStores()
  onTestFinished(fixture.cleanup)
  const dir = path.dirname(fixture.path)
  const printed: string[] = []
  const stderr: string[] = []
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk))
    return true
  })
  onTestFinished(() => spy.mockRestore())
  const program = new Command().exitOverride()
  registerCustomerCommands(program, {
    withStore: async (_config, work) => {
      const store = fixture.open()
      try {
        await store.migrate()
        return await work(store)
      } finally {
        await store.close()
      }
    },
    out: (line = '') => void printed.push(line),
    fail: (message) => {
      throw new Exit(message)
    },
    // The store comes from the fixture; nothing else of the configuration is read.
    configOrExit: () => ({}) as Config,
  })
  const run = (...args: string[]) => program.parseAsync(['customers', 'import', ...args], { from: 'user' })
  const file = async (name: string, text: string) => {
    const p = path.join(dir, name)
    await writeFile(p, text)
    return p
  }
  return { run, file, printed, stderr, store: () => fixture.open() }
}

describe('consent-sync customers import', () => {
  it('imports a file and says what it did; again, that nothing changed', async () => {
    const s = await setup()
    const p = await s.file(
      'crm.csv',
      'id,name,phone\nC-0001,Nimal Perera,0771234567\nC-0002,Kamala,0717654321\n',
    )
    await s.run(p)
    expect(s.printed.at(-1)).toMatch(
      /^imported .*crm\.csv: 2 inserted, 0 updated, 0 unchanged \(2 rows in [\d.]+ s\)$/,
    )
    await s.run(p)
    expect(s.printed.at(-1)).toMatch(/0 inserted, 0 updated, 2 unchanged/)
    // Not a terminal: no progress line, only the summary.
    expect(s.stderr.join('')).toBe('')
  })

  it('takes the format from --format when the name does not tell it', async () => {
    const s = await setup()
    const p = await s.file('crm.txt', `${JSON.stringify({ id: 'C-1', name: 'A', phone: '0771234567' })}\n`)
    await expect(s.run(p)).rejects.toThrow(/cannot tell the format/)
    await s.run(p, '--format', 'jsonl')
    expect(s.printed.at(-1)).toMatch(/1 inserted/)
  })

  it('lists refused lines (at most 100, then a count), exits failing and imports nothing', async () => {
    const s = await setup()
    const lines = ['id,name,phone', 'C-0001,Good,0771234567']
    for (let i = 0; i < 130; i++) lines.push(`C-${1000 + i},Bad ${i},123`)
    const p = await s.file('bad.csv', lines.join('\n'))
    await expect(s.run(p)).rejects.toThrow(/nothing imported: 130 refused lines/)
    const err = s.stderr.join('')
    expect(err).toContain(`${p}:3: bad-phone (phone): phone "123" must have 7–15 digits`)
    expect(err.match(/bad-phone/g)).toHaveLength(100)
    expect(err).toContain('… and 30 more refused lines')
    const store = s.store()
    await store.migrate()
    expect(await store.getCustomer('C-0001')).toBeUndefined()
    await store.close()
  })

  it('fails naming a file it cannot read', async () => {
    const s = await setup()
    await expect(s.run('/nonexistent/crm.csv')).rejects.toThrow(/cannot read \/nonexistent\/crm\.csv/)
  })
})
