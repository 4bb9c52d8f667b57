/** Size limits enforced by validation (SPEC §2.12). */
export interface Limits {
  /** Bytes of one incoming update. */
  maxUpdateBytes: number
  /** Encoded bytes the document may grow to; past it only withdrawals are taken (SPEC 2.12). */
  maxDocumentBytes: number
  /**
   * Bytes past `maxDocumentBytes` kept for withdrawals, so withdrawing stays possible on a full
   * record (GDPR Art. 7(3)); the hard ceiling is their sum.
   */
  withdrawalHeadroomBytes: number
  /** New decisions in one update. */
  maxDecisionsPerUpdate: number
  /** Characters of a CSR's evidence note. */
  maxEvidenceChars: number
  /** Characters of ids, purpose ids, actor ids and notice versions. */
  maxIdChars: number
  /** Entries of one decision's `supersedes`. */
  maxSupersedes: number
}

export const DEFAULT_LIMITS: Limits = {
  maxUpdateBytes: 64 * 1024,
  maxDocumentBytes: 1024 * 1024,
  withdrawalHeadroomBytes: 64 * 1024,
  maxDecisionsPerUpdate: 200,
  maxEvidenceChars: 500,
  maxIdChars: 64,
  maxSupersedes: 64,
}
