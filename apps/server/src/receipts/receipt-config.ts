import { keyTextProblem } from './signing-keys'

/**
 * Who issues receipts and with which key (README "Consent receipts"), read once at start.
 * Production refuses to serve without `RECEIPT_SIGNING_KEY` (app.ts); elsewhere a key is
 * generated and kept next to the SQLite file.
 */
export interface ReceiptConfig {
  /** The private key text (PKCS#8 PEM or JWK) receipts are signed with; absent: the demo key. */
  signingKey: string | undefined
  /** Keys of receipts signed before a rotation, still published so those receipts verify. */
  previousKeys: readonly string[]
  controller: { name: string; email: string; url: string | undefined; phone: string | undefined }
  /** ISO 3166 code of the law the consent is given under. */
  jurisdiction: string
  /** The address receipts link to (withdrawal, notice texts); absent: paths only. */
  publicUrl: string | undefined
}

export class ReceiptConfigProblem extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message)
  }
}

type Env = Record<string, string | undefined>

function keyText(env: Env, name: string): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const problem = keyTextProblem(raw)
  if (problem) throw new ReceiptConfigProblem(name, problem)
  return raw
}

export function loadReceiptConfig(env: Env): ReceiptConfig {
  const previous = keyText(env, 'RECEIPT_SIGNING_KEY_PREVIOUS')
  const jurisdiction = env.RECEIPT_JURISDICTION || 'LK'
  if (!/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(jurisdiction)) {
    throw new ReceiptConfigProblem(
      'RECEIPT_JURISDICTION',
      `must be an ISO 3166 code such as LK, got "${jurisdiction}"`,
    )
  }
  const publicUrl = env.PUBLIC_URL || undefined
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ReceiptConfigProblem('PUBLIC_URL', `must be an http(s) URL, got "${publicUrl}"`)
  }
  const email = env.RECEIPT_CONTROLLER_EMAIL || 'privacy@telecom.example'
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
    throw new ReceiptConfigProblem('RECEIPT_CONTROLLER_EMAIL', `must be an email address, got "${email}"`)
  }
  return {
    signingKey: keyText(env, 'RECEIPT_SIGNING_KEY'),
    previousKeys: previous ? [previous] : [],
    controller: {
      name: env.RECEIPT_CONTROLLER_NAME || 'Example Telecom PLC',
      email,
      url: env.RECEIPT_CONTROLLER_URL || undefined,
      phone: env.RECEIPT_CONTROLLER_PHONE || undefined,
    },
    jurisdiction,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
  }
}
