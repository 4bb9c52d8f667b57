/** Roles a built-in account may have (DESIGN.md §12), in the order the create form offers them. */
export const ACCOUNT_ROLES = ['csr', 'admin', 'auditor', 'customer', 'service'] as const

export type AccountRole = (typeof ACCOUNT_ROLES)[number]

/** A built-in account as `GET /api/admin/users` lists it (never a password). */
export interface Account {
  username: string
  id: string
  role: string
  name: string
  customerId?: string
  disabled: boolean
  createdAt?: string
}

/** `POST /api/admin/users`: a customer account's username is its customer id. */
export interface NewAccountBody {
  username: string
  role: AccountRole
  name: string
  customerId?: string
  password: string
}

/** The server's refusal of an account change: its message, and the request field it names. */
export interface AccountRefusal {
  message: string
  field?: string | undefined
}

const ROLE_LABELS: Readonly<Record<AccountRole, string>> = {
  csr: 'Agent (CSR)',
  admin: 'Administrator',
  auditor: 'Auditor (read-only)',
  customer: 'Customer',
  service: 'Service (downstream system)',
}

/** A role as people read it; an unknown one as it is. */
export function roleLabel(role: string): string {
  return (ROLE_LABELS as Readonly<Record<string, string>>)[role] ?? role
}

/** The server's password rules (apps/server accounts/password-rules.ts), as shown beside the field. */
export const PASSWORD_RULES =
  'At least 12 characters (a phrase of a few words is easiest), at most 72 bytes, not a common password, and not containing the username.'
