import type { CustomerRecord } from '../store/directory'

/**
 * What a customer record must be before the directory stores it, wherever it comes from (an import
 * file's line, an element of the CRM upsert): one rule, so the CLI and the API refuse the same.
 */

/** Why a record was refused. */
export type CustomerProblemReason =
  | 'bad-id'
  | 'missing-name'
  | 'bad-name'
  | 'bad-phone'
  | 'bad-email'
  | 'bad-account-number'
  | 'not-text'
  | 'unknown-field'
  | 'duplicate-id'
  /** A file's line that is not a record: a stray quote, the wrong number of fields, not JSON. */
  | 'malformed-line'
  /** A CSV header that lacks a required column, names an unknown one or one twice. */
  | 'bad-header'

export interface CustomerProblem {
  reason: CustomerProblemReason
  /** The record's field it is about (`id`, `phone`, …), as the file or the body names it. */
  field: string
  message: string
}

export type CustomerCheck = { ok: true; value: CustomerRecord } | { ok: false; problem: CustomerProblem }

/** Customer ids as rooms, URLs and the sync endpoint take them (sync/admission.ts, http/customers.ts). */
export const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** How a phone number may be written: digits with spaces, +, -, dots and brackets between them. */
const PHONE_CHARACTERS = /^\+?[\d\s().-]+$/
const PHONE_DIGITS = { min: 7, max: 15 } as const
/** Something@something.tld, no spaces: the shape, not deliverability. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/
const EMAIL_MAX = 254
const NAME_MAX = 200
const ACCOUNT_NUMBER = /^[\p{L}\p{N}][\p{L}\p{N} ./_-]{0,63}$/u
const CONTROL = /\p{Cc}/u

/** The fields a record may have; `account_number` is how spreadsheets tend to spell the last one. */
export const CUSTOMER_FIELDS = ['id', 'name', 'phone', 'email', 'accountNumber'] as const
const FIELD_ALIASES: Readonly<Record<string, (typeof CUSTOMER_FIELDS)[number]>> = {
  account_number: 'accountNumber',
}

/** The record's name for a field of a file or body (`account_number` → `accountNumber`), if it is one. */
export function customerField(name: string): (typeof CUSTOMER_FIELDS)[number] | undefined {
  const known = CUSTOMER_FIELDS.find((f) => f === name)
  return known ?? FIELD_ALIASES[name]
}

const refuse = (reason: CustomerProblemReason, field: string, message: string): CustomerCheck => ({
  ok: false,
  problem: { reason, field, message },
})

/**
 * A customer record from its fields, trimmed; an empty e-mail or account number is none. Fields
 * are judged in order (id, name, phone, email, account number): the first problem is the answer.
 */
export function checkCustomer(fields: Readonly<Record<string, unknown>>): CustomerCheck {
  const text: Partial<Record<(typeof CUSTOMER_FIELDS)[number], string>> = {}
  for (const [key, value] of Object.entries(fields)) {
    const field = customerField(key)
    if (!field) return refuse('unknown-field', key, `unknown field ${JSON.stringify(key)}`)
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') return refuse('not-text', key, `${key} must be text`)
    text[field] = value.trim()
  }
  const { id = '', name = '', phone = '', email = '', accountNumber = '' } = text
  if (!CUSTOMER_ID.test(id)) {
    return refuse(
      'bad-id',
      'id',
      id === ''
        ? 'id is missing'
        : `id ${JSON.stringify(id.slice(0, 70))} is not 1–64 letters, digits, ".", "_" or "-" starting with a letter or digit`,
    )
  }
  if (name === '') return refuse('missing-name', 'name', 'name is missing')
  if (name.length > NAME_MAX || CONTROL.test(name))
    return refuse(
      'bad-name',
      'name',
      `name must be at most ${NAME_MAX} characters without control characters`,
    )
  const digits = phone.replace(/\D/g, '').length
  if (!PHONE_CHARACTERS.test(phone) || digits < PHONE_DIGITS.min || digits > PHONE_DIGITS.max) {
    return refuse(
      'bad-phone',
      'phone',
      phone === ''
        ? 'phone is missing'
        : `phone ${JSON.stringify(phone.slice(0, 40))} must have ${PHONE_DIGITS.min}–${PHONE_DIGITS.max} digits (spaces, +, -, dots and brackets allowed)`,
    )
  }
  if (email !== '' && (email.length > EMAIL_MAX || !EMAIL.test(email)))
    return refuse(
      'bad-email',
      'email',
      `email ${JSON.stringify(email.slice(0, 60))} is not an e-mail address`,
    )
  if (accountNumber !== '' && !ACCOUNT_NUMBER.test(accountNumber)) {
    return refuse(
      'bad-account-number',
      accountNumberField(fields),
      'account number must be 1–64 letters, digits, spaces, ".", "/", "_" or "-"',
    )
  }
  const value: CustomerRecord = { id, name, phone }
  if (email !== '') value.email = email
  if (accountNumber !== '') value.accountNumber = accountNumber
  return { ok: true, value }
}

const accountNumberField = (fields: Readonly<Record<string, unknown>>) =>
  'account_number' in fields ? 'account_number' : 'accountNumber'

/** Remembers each id's first place and answers the earlier one for a repeat. */
export function duplicateIds<P>(): (id: string, at: P) => P | undefined {
  const seen = new Map<string, P>()
  return (id, at) => {
    const first = seen.get(id)
    if (first === undefined) seen.set(id, at)
    return first
  }
}
