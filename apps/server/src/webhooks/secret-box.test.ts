import { describe, expect, it } from 'vitest'
import { createSecretBox } from './secret-box'

const KEY_A = 'a'.repeat(32)
const KEY_B = 'b'.repeat(32)

describe('sealed webhook secrets', () => {
  it('seals so that the clear text is nowhere in the sealed value, and opens it again', () => {
    const box = createSecretBox(KEY_A)
    const sealed = box.seal('whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=')
    expect(sealed).not.toContain('c2VjcmV0')
    expect(sealed.startsWith(`${box.keyId}:`)).toBe(true)
    expect(box.open(sealed)).toBe('whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=')
    expect(box.seal('x')).not.toBe(box.seal('x'))
  })

  it('opens what a former key sealed when it is kept as previous, and not otherwise', () => {
    const sealed = createSecretBox(KEY_A).seal('whsec_old')
    expect(createSecretBox(KEY_B, [KEY_A]).open(sealed)).toBe('whsec_old')
    expect(() => createSecretBox(KEY_B).open(sealed)).toThrow(/no key/)
  })

  it('refuses a sealed value that was altered', () => {
    const box = createSecretBox(KEY_A)
    const sealed = box.seal('whsec_x')
    const [id, data] = sealed.split(':') as [string, string]
    const bytes = Buffer.from(data, 'base64')
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1
    expect(() => box.open(`${id}:${bytes.toString('base64')}`)).toThrow()
  })
})
