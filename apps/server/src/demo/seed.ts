import { hashPassword } from '../auth/passwords'
import type { CustomerRecord, Directory, UserRecord } from '../store/directory'

/** The password of every demo account (README: Demo accounts). */
export const DEMO_PASSWORD = 'consent-demo'

export const DEMO_CUSTOMERS: readonly CustomerRecord[] = [
  { id: 'C-0001', name: 'Nimal Perera', phone: '+94 77 123 4567' },
  { id: 'C-0002', name: 'Kavindi Jayasinghe', phone: '+94 71 234 5678' },
  { id: 'C-0003', name: 'Tharindu Fernando', phone: '+94 76 345 6789' },
  { id: 'C-0004', name: 'Priya Rajaratnam', phone: '+94 75 456 7890' },
  { id: 'C-0005', name: 'Mohamed Rizwan', phone: '+94 70 567 8901' },
]

export const DEMO_STAFF: readonly Pick<UserRecord, 'username' | 'role' | 'name'>[] = [
  { username: 'csr1', role: 'csr', name: 'Dilani Wickramasinghe' },
  { username: 'csr2', role: 'csr', name: 'Suresh Kumar' },
  { username: 'admin1', role: 'admin', name: 'Anoma Senanayake' },
]

/** The demo accounts as `username (role, name)`, for the start banner. */
export function demoAccounts(): { username: string; role: string; name: string }[] {
  return [
    ...DEMO_CUSTOMERS.map((c) => ({ username: c.id, role: 'customer', name: c.name })),
    ...DEMO_STAFF.map((s) => ({ username: s.username, role: s.role, name: s.name })),
  ]
}

/**
 * Seeds the demo customers and accounts (DESIGN.md §5b). Idempotent: runs at every demo start.
 * One bcrypt hash serves every account, so a start costs one hash, not eight.
 */
export async function seedDemo(store: Directory): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  for (const customer of DEMO_CUSTOMERS) {
    await store.upsertCustomer(customer)
    await store.upsertUser({
      username: customer.id,
      id: customer.id,
      role: 'customer',
      name: customer.name,
      customerId: customer.id,
      passwordHash,
      demo: true,
    })
  }
  for (const staff of DEMO_STAFF) {
    await store.upsertUser({ ...staff, id: staff.username, passwordHash, demo: true })
  }
}
