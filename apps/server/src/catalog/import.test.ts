import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { COMPILED_CATALOG, noticeTextHash } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/child-server'
import { tempDir } from '../testing/per-test'

// A production store starts with no catalog: `consent-sync catalog import` is how one arrives.
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-of-more-than-32-characters',
  LOG_LEVEL: 'warn',
}

const sms = COMPILED_CATALOG.purposes.find((p) => p.id === 'marketing-sms')!
const line = (o: Record<string, unknown>) => JSON.stringify(o)
const smsLine = (version: string, extra: Record<string, unknown> = {}) =>
  line({ purposeId: sms.id, version, title: sms.title, notice: sms.notice, material: false, ...extra })

async function setup() {
  const dir = await tempDir('consent-sync-catalog-')
  const db = path.join(dir, 'consent.db')
  const file = async (name: string, lines: string[]) => {
    const f = path.join(dir, name)
    await writeFile(f, `${lines.join('\n')}\n`)
    return f
  }
  return { db, file, cli: (args: string[]) => runCli(args, db, PRODUCTION) }
}

describe('consent-sync catalog import / export', () => {
  it('imports a valid file, exports it back, and adds nothing when run again', async () => {
    const { file, cli } = await setup()
    const good = await file('catalog.jsonl', [
      smsLine('1.0', { default: 'withdrawn' }),
      smsLine('2.0', { material: true, reconsent: 'required', lifetimeDays: 365 }),
    ])
    const first = await cli(['catalog', 'import', good])
    expect(first, first.stderr).toMatchObject({ code: 0 })
    expect(first.stdout).toContain('imported 2 versions')
    const again = await cli(['catalog', 'import', good])
    expect(again.stdout).toContain('imported 0 versions')
    expect(again.stdout).toContain('2 were published already')

    // The same version with another lifetime is not the published one: refused, not counted as held.
    const changed = await file('changed.jsonl', [
      smsLine('2.0', { material: true, reconsent: 'required', lifetimeDays: 30 }),
    ])
    const refused = await cli(['catalog', 'import', changed])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/:1 version: marketing-sms@2\.0 is published with other texts or settings/)

    const exported = await cli(['catalog', 'export'])
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.map((l) => [l.purposeId, l.version, l.default])).toEqual([
      ['marketing-sms', '1.0', 'withdrawn'],
      ['marketing-sms', '2.0', undefined],
    ])
    expect(lines[0]?.textHash).toBe(noticeTextHash('marketing-sms', '1.0', sms))
    expect(lines[1]).toMatchObject({
      material: true,
      reconsent: 'required',
      lifetimeDays: 365,
      publishedBy: 'catalog-import',
    })
  })

  it('reports every bad line with its number and field, and imports nothing of the file', async () => {
    const { file, cli } = await setup()
    const bad = await file('bad.jsonl', [
      smsLine('1.0', { default: 'withdrawn' }),
      '{not json',
      smsLine('1.1', { notice: { ...sms.notice, si: '' } }),
      line({
        purposeId: 'new-purpose',
        version: '1.0',
        title: sms.title,
        notice: sms.notice,
        material: false,
      }),
      smsLine('1.0'),
      smsLine('1.2', { colour: 'red' }),
    ])
    const result = await cli(['catalog', 'import', bad])
    expect(result.code).toBe(1)
    const at = (n: number) => result.stderr.split('\n').find((l) => l.startsWith(`${bad}:${n}`)) ?? ''
    expect(at(2)).toMatch(/not JSON/)
    expect(at(3)).toMatch(/notice\.si: the Sinhala notice is empty/)
    expect(at(4)).toMatch(/default: the first line of purpose new-purpose needs "default"/)
    expect(at(5)).toMatch(/version: marketing-sms@1\.0 appears twice/)
    expect(at(6)).toMatch(/colour: unknown field/)
    expect(at(1)).toBe('')
    expect(result.stderr).toContain('nothing imported (5 problems)')
    const exported = await cli(['catalog', 'export'])
    expect(exported.stdout).toBe('')
  })
})
