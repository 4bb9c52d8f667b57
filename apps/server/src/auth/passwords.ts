import bcrypt from 'bcryptjs'

/** bcrypt cost: ~60 ms per hash on a laptop, which is what a login may cost. */
export const BCRYPT_COST = 10

export function hashPassword(password: string, cost = BCRYPT_COST): Promise<string> {
  return bcrypt.hash(password, cost)
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash)
}

let dummyHash: Promise<string> | undefined

/**
 * Spends the time of one password check against a hash nobody knows, so a login for an
 * unknown username takes as long as a wrong password for a known one.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummyHash ??= hashPassword('no-such-user-has-this-password')
  await verifyPassword(password, await dummyHash)
  return false
}
