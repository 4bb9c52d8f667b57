import { once } from 'node:events'
import { createWriteStream } from 'node:fs'

/** A small seeded generator (mulberry32): the same seed writes the same file. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FIRST = [
  'Nimal',
  'Kamala',
  'Sunil',
  'Chamari',
  'Ruwan',
  'Dilani',
  'Kasun',
  'Nadeesha',
  'Tharindu',
  'Ishara',
  'Priyantha',
  'Sanduni',
  'Mahesh',
  'Anjali',
  'Lahiru',
  'Hiruni',
  'Arjuna',
  'Shanika',
  'Dinesh',
  'Malini',
  'Kumar',
  'Selvi',
  'Ravi',
  'Priya',
  'Suresh',
  'Kavitha',
  'Mohamed',
  'Fathima',
  'Ahamed',
  'Rizna',
]
const SYLLABLES = [
  'pe',
  're',
  'ra',
  'si',
  'lva',
  'fer',
  'nan',
  'do',
  'ja',
  'ya',
  'wi',
  'kra',
  'ma',
  'dis',
  'sa',
  'na',
  'ya',
  'ke',
  'gu',
  'na',
  'wa',
  'rde',
  'ne',
  'ba',
  'nda',
  'ra',
  'thi',
  'la',
  'ka',
  'ge',
]

/** Surnames from syllables: a few thousand distinct ones, as a country's directory has. */
export function surname(random: () => number): string {
  const n = 2 + Math.floor(random() * 3)
  let s = ''
  for (let i = 0; i < n; i++) s += SYLLABLES[Math.floor(random() * SYLLABLES.length)]
  return s[0]!.toUpperCase() + s.slice(1)
}

export interface GeneratedCustomer {
  id: string
  name: string
  /** The number as the CRM wrote it (one of three styles). */
  phone: string
  /** Its national form, 0 and nine digits, as an agent types it. */
  national: string
}

/** The `i`th customer of the seeded directory; ids are C-0000001… */
export function customerAt(random: () => number, i: number): GeneratedCustomer {
  const first = FIRST[Math.floor(random() * FIRST.length)]!
  const last = surname(random)
  // Distinct numbers: 7 and eight digits derived from the index, scrambled by a fixed odd multiplier.
  const subscriber = String((i * 7919 + 1234567) % 100_000_000).padStart(8, '0')
  const national = `07${subscriber}`
  const style = random()
  const phone =
    style < 0.4
      ? `+947${subscriber}`
      : style < 0.7
        ? national
        : `+94 7${subscriber.slice(0, 1)} ${subscriber.slice(1, 4)} ${subscriber.slice(4)}`
  return { id: `C-${String(i + 1).padStart(7, '0')}`, name: `${first} ${last}`, phone, national }
}

const quoted = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)

/**
 * Writes `rows` customers as CSV (CRLF, a header with email and account_number), in a shuffled
 * order so the ids do not arrive sorted; a twentieth of the names are "Last, First" (quoted).
 */
export async function writeCustomerCsv(file: string, rows: number, seed = 42): Promise<void> {
  const random = seeded(seed)
  const order = Array.from({ length: rows }, (_, i) => i)
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const out = createWriteStream(file)
  out.write('id,name,phone,email,account_number\r\n')
  let chunk = ''
  for (let k = 0; k < rows; k++) {
    const c = customerAt(seeded(seed + order[k]!), order[k]!)
    const [first, last] = c.name.split(' ') as [string, string]
    const name = random() < 0.05 ? `${last}, ${first}` : c.name
    const email = random() < 0.5 ? `${first.toLowerCase()}.${last.toLowerCase()}${order[k]}@example.lk` : ''
    const account = random() < 0.7 ? `ACC-${String(order[k]! * 3 + 100000)}` : ''
    chunk += `${c.id},${quoted(name)},${c.phone},${email},${account}\r\n`
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
}
