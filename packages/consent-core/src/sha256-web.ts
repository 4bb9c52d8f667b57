import { digest } from 'lib0/hash/sha256'

const encoder = new TextEncoder()
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

/** SHA-256 as lowercase hex, in a browser (lib0's implementation). */
export function sha256Hex(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  let out = ''
  for (const b of digest(bytes)) out += HEX[b]
  return out
}
