/**
 * Password rules for built-in accounts, after NIST SP 800-63B §3.1.1: long rather than
 * "complex" (no character-class rules, which push people to `Password1!`), checked against
 * passwords that are commonly used or tied to the account, and never truncated (bcrypt reads
 * 72 bytes, so longer ones are refused rather than silently cut).
 */
export const PASSWORD_MIN_LENGTH = 12
/** bcrypt's input limit, in UTF-8 bytes. */
export const PASSWORD_MAX_BYTES = 72

/** Passwords first tried by anyone guessing, plus this product's own words. */
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  'password1234',
  'passwordpassword',
  'qwertyuiopas',
  'qwerty123456',
  'iloveyou1234',
  'administrator',
  'changeme1234',
  'welcome12345',
  'letmein12345',
  'consent-demo',
  'consentsync123',
  'consent-sync',
  'srilanka1234',
  'colombo12345',
])

/** Why `password` may not be the password of `username`, or null when it may. */
export function passwordProblem(password: string, username: string): string | null {
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH) return `the password must be at least ${PASSWORD_MIN_LENGTH} characters`
  if (new TextEncoder().encode(password).byteLength > PASSWORD_MAX_BYTES) {
    return `the password must be at most ${PASSWORD_MAX_BYTES} bytes (bcrypt reads no further)`
  }
  const folded = password.toLowerCase()
  if (COMMON.has(folded)) return 'the password is too common; choose another'
  if (username.length >= 3 && folded.includes(username.toLowerCase())) {
    return 'the password may not contain the username'
  }
  if (new Set(password).size < 4) return 'the password repeats too few characters; choose a longer phrase'
  return null
}
