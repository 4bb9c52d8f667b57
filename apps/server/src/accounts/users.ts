import type { UserRole } from '@consent-sync/consent-core'
import { hashPassword } from '../auth/passwords'
import { CUSTOMER_ID } from '../directory/customer-rules'
import type { AdminEntry, AdminRecord } from '../store/catalog-store'
import type { Directory, UserRecord } from '../store/directory'
import { passwordProblem } from './password-rules'

/** Roles a built-in account may have. */
export const ACCOUNT_ROLES: readonly UserRole[] = ['customer', 'csr', 'admin', 'auditor', 'service']

/** Usernames: letters, digits and `. _ @ -`, as people and service names are written. */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/

/** Who made a change: an admin's token, or `cli:<os user>` on the server's machine. */
export interface Actor {
  id: string
  role: string
}

/** An account as the admin API and the CLI show it: never its password hash. */
export interface PublicAccount {
  username: string
  id: string
  role: UserRole
  name: string
  customerId?: string
  disabled: boolean
  createdAt?: string
}

export interface NewAccount {
  username: string
  role: UserRole
  name: string
  customerId?: string
  password: string
}

/** Why an account change was refused; nothing was stored and the admin log did not move. */
export interface AccountProblem {
  status: 400 | 404 | 409
  message: string
  field?: string
}

export type AccountOutcome =
  | { ok: true; account: PublicAccount; entry: AdminEntry }
  | { ok: false; problem: AccountProblem }

const refuse = (status: AccountProblem['status'], message: string, field?: string): AccountOutcome => ({
  ok: false,
  problem: field === undefined ? { status, message } : { status, message, field },
})

export function publicAccount(user: UserRecord): PublicAccount {
  const { passwordHash: _hash, demo: _demo, ...rest } = user
  const account: PublicAccount = {
    username: rest.username,
    id: rest.id,
    role: rest.role,
    name: rest.name,
    disabled: rest.disabled,
  }
  if (rest.customerId !== undefined) account.customerId = rest.customerId
  if (rest.createdAt !== undefined) account.createdAt = rest.createdAt
  return account
}

/** What the account operations need: the directory, and what follows a change on every instance. */
export interface AccountDeps {
  store: Pick<Directory, 'findUser' | 'saveUser' | 'getCustomer' | 'listUsers'>
  /** Forgets cached answers about the account and closes a disabled one's connections. */
  changed(username: string): Promise<unknown>
  now?: () => number
}

function record(
  deps: AccountDeps,
  action: string,
  username: string,
  actor: Actor,
  details: Record<string, unknown>,
): AdminRecord {
  return {
    action,
    target: `user:${username}`,
    actorId: actor.id,
    actorRole: actor.role,
    at: new Date((deps.now ?? Date.now)()).toISOString(),
    details,
  }
}

/**
 * Creates a built-in account (admin API, `consent-sync users add`). A customer account is known by
 * its customer id (the token's subject, what the documents and audit entries name), so its
 * username is that id and the customer must be in the directory.
 */
export async function createAccount(
  deps: AccountDeps,
  input: NewAccount,
  actor: Actor,
): Promise<AccountOutcome> {
  const { username, role, password } = input
  const name = input.name.trim()
  if (!USERNAME.test(username)) {
    return refuse(400, 'the username must be letters, digits and . _ @ - (at most 100)', 'username')
  }
  if (!ACCOUNT_ROLES.includes(role))
    return refuse(400, `the role must be one of ${ACCOUNT_ROLES.join(', ')}`, 'role')
  if (name === '' || name.length > 200) return refuse(400, 'the name must be 1 to 200 characters', 'name')
  let customerId: string | undefined
  if (role === 'customer') {
    customerId = input.customerId ?? username
    if (!CUSTOMER_ID.test(customerId)) return refuse(400, 'the customer id is not a valid id', 'customerId')
    if (username !== customerId) {
      return refuse(400, "a customer account's username is its customer id", 'username')
    }
    if (!(await deps.store.getCustomer(customerId))) {
      return refuse(400, `customer ${customerId} is not in the directory; import it first`, 'customerId')
    }
  } else if (input.customerId !== undefined) {
    return refuse(400, 'only a customer account has a customer id', 'customerId')
  }
  const problem = passwordProblem(password, username)
  if (problem) return refuse(400, problem, 'password')
  if (await deps.store.findUser(username))
    return refuse(409, `an account named ${username} exists`, 'username')
  const user: UserRecord = {
    username,
    id: username,
    role,
    name,
    passwordHash: await hashPassword(password),
    demo: false,
    disabled: false,
    createdAt: new Date((deps.now ?? Date.now)()).toISOString(),
    ...(customerId !== undefined ? { customerId } : {}),
  }
  const details = { role, name, ...(customerId !== undefined ? { customerId } : {}) }
  const entry = await deps.store.saveUser(user, record(deps, 'user.create', username, actor, details))
  return { ok: true, account: publicAccount(user), entry }
}

/** Disables (or enables again) an account; a disabled one's open connections close at once. */
export async function setAccountDisabled(
  deps: AccountDeps,
  username: string,
  disabled: boolean,
  actor: Actor,
): Promise<AccountOutcome> {
  const user = await deps.store.findUser(username)
  if (!user) return refuse(404, `no account named ${username}`)
  if (disabled && username === actor.id) return refuse(400, 'an admin may not disable their own account')
  if (user.disabled === disabled) {
    return refuse(409, `the account ${username} is already ${disabled ? 'disabled' : 'enabled'}`)
  }
  const next = { ...user, disabled }
  const action = disabled ? 'user.disable' : 'user.enable'
  const entry = await deps.store.saveUser(next, record(deps, action, username, actor, { role: user.role }))
  await deps.changed(username)
  return { ok: true, account: publicAccount(next), entry }
}

/** Sets a new password (the account's tokens stay valid until they expire; disable it to cut them). */
export async function resetPassword(
  deps: AccountDeps,
  username: string,
  password: string,
  actor: Actor,
): Promise<AccountOutcome> {
  const user = await deps.store.findUser(username)
  if (!user) return refuse(404, `no account named ${username}`)
  const problem = passwordProblem(password, username)
  if (problem) return refuse(400, problem, 'password')
  const next = { ...user, passwordHash: await hashPassword(password) }
  const entry = await deps.store.saveUser(next, record(deps, 'user.reset-password', username, actor, {}))
  await deps.changed(username)
  return { ok: true, account: publicAccount(next), entry }
}

export async function listAccounts(deps: Pick<AccountDeps, 'store'>): Promise<PublicAccount[]> {
  return (await deps.store.listUsers()).map(publicAccount)
}
