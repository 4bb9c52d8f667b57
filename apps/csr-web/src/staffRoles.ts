import type { Session } from '@consent-sync/react'

/** Who works on this page: agents, administrators and auditors (who read and export, never decide). */
export const STAFF_ROLES: ReadonlySet<string> = new Set(['csr', 'admin', 'auditor'])

export const CUSTOMER_REFUSAL =
  'This is a customer account. Customers use the customer dashboard at /customer/.'

const SERVICE_REFUSAL = 'This is a service account: it uses the API, not this page.'

/** Why this page does not open for `session`, or null when it does. */
export function staffRefusal(session: Session): string | null {
  const { role } = session.user
  if (STAFF_ROLES.has(role)) return null
  return role === 'customer' ? CUSTOMER_REFUSAL : SERVICE_REFUSAL
}
