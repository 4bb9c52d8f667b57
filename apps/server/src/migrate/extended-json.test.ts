import { describe, expect, it } from 'vitest'
import { unwrapExtendedJson } from './extended-json'

describe('unwrapExtendedJson', () => {
  it('unwraps ObjectIds and both forms of $date that mongoexport writes, at any depth', () => {
    const r = unwrapExtendedJson({
      _id: { $oid: '65A1B2C3D4E5F6A7B8C90001' },
      createdAt: { $date: '2024-03-01T10:00:00Z' },
      updatedAt: { $date: { $numberLong: '1709287200000' } },
      by: { userId: { $oid: '5f1a0c2e9b3d4a0012ab0001' }, tags: [{ $numberInt: '3' }] },
      __v: { $numberLong: '0' },
    })
    expect(r).toEqual({
      ok: true,
      value: {
        _id: '65a1b2c3d4e5f6a7b8c90001',
        createdAt: '2024-03-01T10:00:00.000Z',
        updatedAt: '2024-03-01T10:00:00.000Z',
        by: { userId: '5f1a0c2e9b3d4a0012ab0001', tags: [3] },
        __v: 0,
      },
    })
  })

  it('reads a $date with an offset as the same instant in UTC', () => {
    expect(unwrapExtendedJson({ $date: '2024-03-01T15:30:00+05:30' })).toEqual({
      ok: true,
      value: '2024-03-01T10:00:00.000Z',
    })
  })

  it.each([
    [{ at: { $date: 'yesterday' } }, 'at: $date is not a date'],
    [{ at: { $date: { $numberLong: '1.5' } } }, 'at: $date is not a date'],
    [{ id: { $oid: 'xyz' } }, 'id: $oid must be 24 hex digits'],
    [{ n: { $numberDecimal: '1.0' } }, 'n: $numberDecimal is not a supported extended-JSON type'],
    [{ x: { $oid: '65a1b2c3d4e5f6a7b8c90001', extra: 1 } }, 'x: a $oid/extra wrapper must have one key'],
  ])('refuses %j rather than pass a wrapper on as data', (value, detail) => {
    expect(unwrapExtendedJson(value)).toEqual({ ok: false, reason: 'extended-json', detail })
  })
})
