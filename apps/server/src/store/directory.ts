import type { UserRole } from '@consent-sync/consent-core'

export interface CustomerRecord {
  id: string
  name: string
  phone: string
}

export interface UserRecord {
  username: string
  /** The token's `sub`: the customer id for customers, the username for staff. */
  id: string
  role: UserRole
  name: string
  customerId?: string
  passwordHash: string
  /** Seeded by demo mode; production refuses to start while any exist. */
  demo: boolean
}

/** The customers the operator serves and the accounts that sign in. */
export interface Directory {
  upsertCustomer(customer: CustomerRecord): Promise<void>
  getCustomer(id: string): Promise<CustomerRecord | undefined>
  /** Case-insensitive match on id, name or phone (digits compared without spaces or +). */
  searchCustomers(q: string, limit: number): Promise<CustomerRecord[]>

  upsertUser(user: UserRecord): Promise<void>
  findUser(username: string): Promise<UserRecord | undefined>
  /** Whether any demo account exists (production refuses to start then). */
  hasDemoUsers(): Promise<boolean>
}
