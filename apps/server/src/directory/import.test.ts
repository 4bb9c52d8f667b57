import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { Store } from '../store/store'
import { scaleOutServices } from '../testing/services'
import { postgresStores, sqliteStores } from '../testing/stores'
import type { CustomerFileFormat } from './customer-file'
import { importCustomerFile } from './import'

async function setup(open: () => Promise<{ store: Store; dir: string; cleanup: () => Promise<void> }>) {
  const { store, dir, cleanup } = await open()
  onTestFinished(cleanup)
  await store.migrate()
  let n = 0
  const file = async (text: string, ext = 'csv') => {
    const p = path.join(dir, `customers-${++n}.${ext}`)
    await writeFile(p, text)
    return p
  }
  const run = (p: string, format: CustomerFileFormat = p.endsWith('.csv') ? 'csv' : 'jsonl', batchSize = 2) =>
    importCustomerFile({ store, path: p, format, batchSize })
  return { store, file, run }
}

const onSqlite = async () => {
  const fixture = await sqliteStores()
  return { store: fixture.open(), dir: path.dirname(fixture.path), cleanup: fixture.cleanup }
}

const GOOD = [
  'id,name,phone,email,account_number',
  'C-0001,Nimal Perera,+94 77 123 4567,nimal@example.lk,ACC-1',
  'C-0002,"Silva, Kamala",0717654321,,',
  'C-0003,"The ""Fibre"" Shop",011 255 0000,shop@example.lk,',
].join('\r\n')

function importTests(open: typeof onSqlite) {
  it('imports a CSV file with quoted fields, CRLF and a BOM, and a second run changes nothing', async () => {
    const { store, file, run } = await setup(open)
    const p = await file(`\ufeff${GOOD}\r\n`)
    expect(await run(p)).toEqual({ ok: true, rows: 3, counts: { inserted: 3, updated: 0, unchanged: 0 } })
    expect(await store.getCustomer('C-0001')).toStrictEqual({
      id: 'C-0001',
      name: 'Nimal Perera',
      phone: '+94 77 123 4567',
      email: 'nimal@example.lk',
      accountNumber: 'ACC-1',
    })
    expect(await store.getCustomer('C-0002')).toStrictEqual({
      id: 'C-0002',
      name: 'Silva, Kamala',
      phone: '0717654321',
    })
    expect((await store.getCustomer('C-0003'))?.name).toBe('The "Fibre" Shop')
    expect((await store.searchCustomers('+94717654321', 5)).map((c) => c.id)).toEqual(['C-0002'])
    expect(await run(p)).toEqual({ ok: true, rows: 3, counts: { inserted: 0, updated: 0, unchanged: 3 } })
    const changed = await file(`${GOOD.replace('Nimal Perera', 'Nimal A. Perera')}\n`)
    expect(await run(changed)).toEqual({
      ok: true,
      rows: 3,
      counts: { inserted: 0, updated: 1, unchanged: 2 },
    })
  })

  it('imports JSON Lines, with accountNumber or account_number and blank lines', async () => {
    const { store, file, run } = await setup(open)
    const p = await file(
      [
        JSON.stringify({ id: 'C-0001', name: 'Nimal Perera', phone: '+94771234567', accountNumber: 'A1' }),
        '',
        JSON.stringify({ id: 'C-0002', name: 'Kamala', phone: '0717654321', account_number: 'A2' }),
      ].join('\n'),
      'ndjson',
    )
    expect(await run(p)).toMatchObject({ ok: true, counts: { inserted: 2 } })
    expect(await store.getCustomer('C-0002')).toMatchObject({ accountNumber: 'A2' })
  })

  it('refuses a file with bad lines, naming each line and reason, and writes nothing of it', async () => {
    const { store, file, run } = await setup(open)
    const p = await file(
      [
        'id,name,phone,email,accountNumber',
        'C-0001,Nimal Perera,+94 77 123 4567,,', // 2: fine
        '-bad,Someone,0771234567,,', // 3
        'C-0003,,0771234567,,', // 4
        'C-0004,Short Phone,12345,,', // 5
        'C-0005,Letters,077 CALL ME,,', // 6
        'C-0006,Mail,0771234567,not-an-email,', // 7
        'C-0007,Account,0771234567,,#!', // 8
        'C-0008,Too,Many,Fields,Here,Now', // 9
        'C-0009,Bad "quote,0771234567,,', // 10
        'C-0001,Again,0771234568,,', // 11
        '"C-0010","Line', // 12: a quoted name over two lines
        'break",0771234567,,', // 13
        'C-0011,Fine After,0771234569,,', // 14
      ].join('\n'),
    )
    const report = await run(p)
    expect(report.ok).toBe(false)
    if (report.ok) return
    expect(report.problems.map((x) => [x.line, x.reason, x.field])).toEqual([
      [3, 'bad-id', 'id'],
      [4, 'missing-name', 'name'],
      [5, 'bad-phone', 'phone'],
      [6, 'bad-phone', 'phone'],
      [7, 'bad-email', 'email'],
      [8, 'bad-account-number', 'accountNumber'],
      [9, 'malformed-line', 'line'],
      [10, 'malformed-line', 'line'],
      [11, 'duplicate-id', 'id'],
      [12, 'bad-name', 'name'],
    ])
    expect(report.problems.find((x) => x.reason === 'duplicate-id')?.message).toMatch(/line 2 and line 11/)
    expect(await store.getCustomer('C-0001')).toBeUndefined()
    expect(await store.getCustomer('C-0011')).toBeUndefined()
  })

  it('refuses a header without a required column or with an unknown one', async () => {
    const { store, file, run } = await setup(open)
    const missing = await run(await file('id,name\nC-0001,Nimal\n'))
    expect(missing).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: 'bad-header', field: 'phone' }],
    })
    const unknown = await run(await file('id,name,phone,emial\nC-0001,Nimal,0771234567,a@b.lk\n'))
    expect(unknown).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: 'bad-header', field: 'emial' }],
    })
    expect(await run(await file(''))).toMatchObject({ ok: false, problems: [{ reason: 'bad-header' }] })
    expect(await store.searchCustomers('', 10)).toEqual([])
  })

  it('refuses JSON Lines that are not objects of text', async () => {
    const { store, file, run } = await setup(open)
    const p = await file(
      [
        JSON.stringify({ id: 'C-0001', name: 'Nimal', phone: '0771234567' }),
        '{"id": "C-0002", "name": "Broken"',
        '["C-0003"]',
        JSON.stringify({ id: 'C-0004', name: 'Number', phone: 771234567 }),
        JSON.stringify({ id: 'C-0005', name: 'Extra', phone: '0771234567', notes: 'vip' }),
      ].join('\n'),
      'jsonl',
    )
    const report = await run(p)
    expect(report.ok ? [] : report.problems.map((x) => [x.line, x.reason, x.field])).toEqual([
      [2, 'malformed-line', 'line'],
      [3, 'malformed-line', 'line'],
      [4, 'not-text', 'phone'],
      [5, 'unknown-field', 'notes'],
    ])
    expect(await store.getCustomer('C-0001')).toBeUndefined()
  })
}

describe('customers import (SQLite)', () => {
  importTests(onSqlite)

  it('fails for a file that cannot be read, writing nothing', async () => {
    const { store, run } = await setup(onSqlite)
    await expect(run('/nonexistent/customers.csv')).rejects.toThrow(/ENOENT/)
    expect(await store.searchCustomers('', 1)).toEqual([])
  })
})

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL import tests' })

describe.skipIf(!services.ok)('customers import (PostgreSQL)', () => {
  importTests(async () => {
    const pg = postgresStores()
    const files = await sqliteStores()
    return {
      store: pg.open(),
      dir: path.dirname(files.path),
      cleanup: async () => {
        await pg.cleanup()
        await files.cleanup()
      },
    }
  })
})
