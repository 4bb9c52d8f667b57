import type { UserRole } from '@consent-sync/consent-core'
import type { AdminEntry, AdminRecord } from './catalog-store'

export interface CustomerRecord {
  id: string
  name: string
  phone: string
  email?: string
  /** The operator's own account number (billing, CRM), when it has one. */
  accountNumber?: string
}

export interface UserRecord {
  username: string
  /** The token's `sub`: the customer id for customers, the username for staff. */
  id: string
  /** A string column: roles the server learns later (`auditor`) need no schema change. */
  role: UserRole
  name: string
  customerId?: string
  passwordHash: string
  /** Seeded by demo mode; production refuses to start while any exist. */
  demo: boolean
  /** A disabled account keeps its row (the audit log names it) but may not sign in. */
  disabled: boolean
  /** When the account was first stored; absent for accounts stored before it was kept. */
  createdAt?: string
}

/** An account as the demo seed writes it: not disabled unless it says so. */
export type UserSeed = Omit<UserRecord, 'disabled'> & { disabled?: boolean }

/** What one customer upsert did, by customer: new, changed, or already stored exactly so. */
export interface UpsertCounts {
  inserted: number
  updated: number
  unchanged: number
}

/** The customers the operator serves and the accounts that sign in. */
export interface Directory {
  upsertCustomer(customer: CustomerRecord): Promise<void>
  /**
   * Stores every customer in one transaction, all or none. Ids must be distinct within the call
   * (the validators refuse a repeated one); a repeated id throws and stores nothing.
   */
  upsertCustomers(customers: readonly CustomerRecord[]): Promise<UpsertCounts>
  /**
   * Every batch in one transaction: all stored, or none when a batch or the iterable throws (the
   * error is rethrown). For an import far larger than one call should hold in memory.
   */
  importCustomers(batches: AsyncIterable<readonly CustomerRecord[]>): Promise<UpsertCounts>
  getCustomer(id: string): Promise<CustomerRecord | undefined>
  /**
   * Up to `limit` customers in id order, each part index-backed: an id prefix (case-insensitive),
   * a phone number's digits from the start (typed with +94, a leading 0, or neither) or its last
   * digits, a word of the name from its start; each part reads at most `limit` in its index's
   * order. Only when none of them finds anyone, a bounded scan for the query anywhere in the id,
   * the name or the digits.
   */
  searchCustomers(q: string, limit: number): Promise<CustomerRecord[]>

  /** Stores an account without an admin entry: the demo seed's accounts. */
  upsertUser(user: UserSeed): Promise<void>
  /**
   * Stores an account and its admin entry, chained onto the admin log's head, in one transaction
   * (the log `adminLog` reads; audit/admin-chain.ts). A stored account keeps its `createdAt`.
   */
  saveUser(user: UserRecord, admin: AdminRecord): Promise<AdminEntry>
  findUser(username: string): Promise<UserRecord | undefined>
  /** Every account, by username. */
  listUsers(): Promise<UserRecord[]>
  /** Whether any demo account exists (production refuses to start then). */
  hasDemoUsers(): Promise<boolean>
}
