import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Result } from '@consent-sync/consent-core'
import Database from 'better-sqlite3'
import { type LegacyRecord, type LineReason, parseLegacyLine } from './legacy-records'

export type Collection = 'consents' | 'audit'

/** A line of an export as staged: its record, or why it could not be read. */
export type StagedLine = { collection: Collection; line: number } & (
  | { ok: true; record: LegacyRecord }
  | { ok: false; reason: LineReason; detail: string }
)

export type StageFailure = 'unreadable' | 'json-array'

/** Lines staged per transaction: large enough to be fast, small enough to keep memory flat. */
const LINES_PER_TRANSACTION = 2000

/**
 * The export's lines grouped by customer without holding the files in memory: each line is parsed
 * as it streams past and put in a temporary SQLite file (in the system's temp dir), indexed by
 * customer id, which `customers()` then walks one customer at a time. Deleted by `close()`.
 */
export class Staging {
  private ofCustomer: Database.Statement<[string], Row> | null = null

  private constructor(
    private readonly dir: string,
    private readonly db: Database.Database,
  ) {
    db.exec(`
      CREATE TABLE lines (
        customer_id TEXT, collection TEXT NOT NULL, line INTEGER NOT NULL,
        record TEXT, reason TEXT, detail TEXT
      );
      CREATE INDEX lines_by_customer ON lines (customer_id);
    `)
  }

  static async open(): Promise<Staging> {
    const dir = await mkdtemp(path.join(tmpdir(), 'consent-sync-migrate-'))
    const db = new Database(path.join(dir, 'staging.db'))
    // A scratch file: losing it in a crash costs a re-run, nothing else.
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    return new Staging(dir, db)
  }

  /**
   * Streams one JSON Lines file into the staging table; each line is parsed on the way. Fails only
   * when the file cannot be read at all, or is a JSON array rather than JSON Lines.
   */
  async stage(
    file: string,
    collection: Collection,
    now: number,
    onLine: (line: number) => void = () => {},
  ): Promise<Result<{ lines: number }, StageFailure>> {
    const insert = this.db.prepare(
      'INSERT INTO lines (customer_id, collection, line, record, reason, detail) VALUES (?, ?, ?, ?, ?, ?)',
    )
    const flush = this.db.transaction((rows: unknown[][]) => {
      for (const row of rows) insert.run(row)
    })
    let rows: unknown[][] = []
    let number = 0
    let first = true
    try {
      const input = createReadStream(file, { encoding: 'utf8' })
      for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        number++
        onLine(number)
        const line = number === 1 ? text.replace(/^\uFEFF/, '') : text
        if (line.trim() === '') continue
        if (first && line.trimStart().startsWith('[')) {
          input.destroy()
          return {
            ok: false,
            reason: 'json-array',
            detail: `${file} is a JSON array: export with mongoexport's default JSON Lines (no --jsonArray)`,
          }
        }
        first = false
        const parsed = parseLegacyLine(line, collection, now)
        rows.push(
          parsed.ok
            ? [parsed.customerId ?? null, collection, number, JSON.stringify(parsed.value), null, null]
            : [parsed.customerId ?? null, collection, number, null, parsed.reason, parsed.detail ?? ''],
        )
        if (rows.length >= LINES_PER_TRANSACTION) {
          flush(rows)
          rows = []
        }
      }
    } catch (err) {
      return { ok: false, reason: 'unreadable', detail: `cannot read ${file}: ${(err as Error).message}` }
    }
    flush(rows)
    return { ok: true, value: { lines: number } }
  }

  /** How many customers the staged lines name. */
  customerCount(): number {
    const row = this.db
      .prepare<[], { n: number }>(
        'SELECT count(DISTINCT customer_id) AS n FROM lines WHERE customer_id IS NOT NULL',
      )
      .get()
    return row?.n ?? 0
  }

  /** Each customer id, in order, one query at a time (no open cursor while the caller awaits). */
  *customers(): Generator<string> {
    const next = this.db.prepare<[string], { id: string | null }>(
      'SELECT min(customer_id) AS id FROM lines WHERE customer_id > ?',
    )
    let after = ''
    for (;;) {
      const id = next.get(after)?.id
      if (id === null || id === undefined) return
      yield id
      after = id
    }
  }

  /** Every staged line of one customer, in file order (consents before audit). */
  linesOf(customerId: string): StagedLine[] {
    this.ofCustomer ??= this.db.prepare<[string], Row>(
      `SELECT collection, line, record, reason, detail FROM lines WHERE customer_id = ?
       ORDER BY collection = 'audit', line`,
    )
    return this.ofCustomer.all(customerId).map(toLine)
  }

  /** Lines that could not be read and name no customer: reported, they hold nobody back. */
  unattributed(): StagedLine[] {
    return this.db
      .prepare<[], Row>(
        `SELECT collection, line, record, reason, detail FROM lines WHERE customer_id IS NULL
         ORDER BY collection = 'audit', line`,
      )
      .all()
      .map(toLine)
  }

  async close(): Promise<void> {
    this.db.close()
    await rm(this.dir, { recursive: true, force: true })
  }
}

interface Row {
  collection: Collection
  line: number
  record: string | null
  reason: LineReason | null
  detail: string | null
}

function toLine(row: Row): StagedLine {
  const at = { collection: row.collection, line: row.line }
  return row.record !== null
    ? { ...at, ok: true, record: JSON.parse(row.record) as LegacyRecord }
    : { ...at, ok: false, reason: row.reason ?? 'bad-record', detail: row.detail ?? '' }
}
