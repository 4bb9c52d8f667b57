import { describe, expect, it } from 'vitest'
import { checkTargetResolves, checkTargetUrl, isRefusedAddress, type TargetPolicy } from './target-guard'

const OPEN: TargetPolicy = { allowedHosts: [], allowPrivate: false, requireHttps: false }

describe('webhook targets', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('refuses %s', (address) => {
    expect(isRefusedAddress(address)).toBe(true)
  })

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '100.128.0.1'])('allows %s', (address) => {
    expect(isRefusedAddress(address)).toBe(false)
  })

  it('refuses address literals and localhost in URLs unless the host is allowed by name', () => {
    for (const url of [
      'http://127.0.0.1:8080/h',
      'http://10.0.0.5/h',
      'http://169.254.169.254/latest',
      'http://[::1]/h',
      'http://localhost/h',
    ])
      expect(checkTargetUrl(OPEN, url)).toMatchObject({ ok: false, reason: 'private-address' })
    const allowed = { ...OPEN, allowedHosts: ['127.0.0.1', '::1'] }
    expect(checkTargetUrl(allowed, 'http://127.0.0.1:8080/h').ok).toBe(true)
    expect(checkTargetUrl(allowed, 'http://[::1]:8080/h').ok).toBe(true)
    expect(checkTargetUrl(allowed, 'http://10.0.0.5/h').ok).toBe(false)
  })

  it('refuses other schemes, credentials, and http in production unless the host is allowed', () => {
    expect(checkTargetUrl(OPEN, 'ftp://example.com/')).toMatchObject({ ok: false, reason: 'scheme' })
    expect(checkTargetUrl(OPEN, 'https://u:p@example.com/')).toMatchObject({
      ok: false,
      reason: 'credentials',
    })
    expect(checkTargetUrl(OPEN, 'not a url')).toMatchObject({ ok: false, reason: 'not-a-url' })
    const production = { ...OPEN, requireHttps: true }
    expect(checkTargetUrl(production, 'http://example.com/')).toMatchObject({
      ok: false,
      reason: 'https-required',
    })
    expect(checkTargetUrl(production, 'https://example.com/').ok).toBe(true)
    expect(
      checkTargetUrl({ ...production, allowedHosts: ['hooks.internal'] }, 'http://hooks.internal/').ok,
    ).toBe(true)
  })

  it('refuses a name that resolves to a refused address, any one of them', async () => {
    const resolve = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ]
    expect(await checkTargetResolves(OPEN, 'https://rebind.example/h', resolve)).toMatchObject({
      ok: false,
      reason: 'private-address',
    })
    const fine = async () => [{ address: '93.184.215.14', family: 4 }]
    expect((await checkTargetResolves(OPEN, 'https://fine.example/h', fine)).ok).toBe(true)
    const none = async () => {
      throw new Error('ENOTFOUND')
    }
    expect(await checkTargetResolves(OPEN, 'https://nowhere.example/h', none)).toMatchObject({
      ok: false,
      reason: 'unresolvable',
    })
  })
})
