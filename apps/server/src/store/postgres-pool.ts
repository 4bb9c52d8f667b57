import pg, { type PoolClient, type QueryResultRow } from 'pg'
import { StoreUnavailableError } from './store'

/** Milliseconds to get a connection (TCP, TLS, authentication, or a free pooled one) before giving up. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000
/** Milliseconds one statement may take before it fails. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000

/** SQLSTATEs after which the transaction was rolled back for sure and may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01'])

/** SQLSTATEs after which the server closes the session: connection exceptions, shutdown, not accepting yet. */
const CONNECTION_GONE = /^(08...|57P0[1-3])$/

/** The server cancelled the statement: `statement_timeout` (nothing else here cancels). */
const STATEMENT_TIMEOUT = '57014'

/** The part of pino's logger the pool reports to. */
export interface PoolLog {
  warn(obj: object, msg: string): void
}

export interface PoolOptions {
  connectionString: string
  max?: number
  connectTimeoutMs?: number
  statementTimeoutMs?: number
  log?: PoolLog
}

/** One checked-out connection; `broken` once it must not be handed to the next caller. */
interface Session {
  readonly client: PoolClient
  broken: Error | undefined
}

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

function messageOf(err: unknown): string {
  // Node reports a refused connection to a name with several addresses as an AggregateError with no message.
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(messageOf).join('; ')
  return err instanceof Error ? err.message : String(err)
}

/**
 * Where a connection string points, for messages: `host:port` (or the socket directory), never
 * the user or the password.
 */
export function addressOf(connectionString: string): string {
  try {
    const url = new URL(connectionString)
    const host = url.searchParams.get('host') || url.hostname || 'localhost'
    const port = url.searchParams.get('port') || url.port || '5432'
    return host.startsWith('/') ? `${host} (socket, port ${port})` : `${host}:${port}`
  } catch {
    return 'the configured address'
  }
}

/**
 * A pg pool that survives its database going away: every client has an 'error' listener for as
 * long as it lives, a connection that broke or stopped answering is discarded rather than reused,
 * every wait is bounded by a timeout, and what failed for those reasons is a `StoreUnavailableError`.
 */
export function openPool(opts: PoolOptions) {
  const address = addressOf(opts.connectionString)
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const statementTimeoutMs = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    ...(opts.max === undefined ? {} : { max: opts.max }),
    connectionTimeoutMillis: connectTimeoutMs,
    // The server cancels a statement that runs too long (and frees its locks); a server that stops
    // answering altogether cannot, so the client gives up after the same time.
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs,
    // A session whose client vanished mid-transaction would hold its row locks until TCP noticed.
    idle_in_transaction_session_timeout: statementTimeoutMs,
    keepAlive: true,
  })
  // pg emits 'error' on a client whose connection drops, and the pool listens only while the
  // client is idle: unheard, that event ends the process. Whoever holds the client learns of the
  // failure from its own listener (withConnection) or from the query that fails.
  pool.on('connect', (client) => client.on('error', () => {}))
  pool.on('error', (err) =>
    opts.log?.warn(
      { err, address },
      'an idle PostgreSQL connection was lost; a new one is opened when needed',
    ),
  )

  const connectFailure = (err: unknown) =>
    new StoreUnavailableError(
      'connect',
      /timeout/i.test(messageOf(err))
        ? `cannot connect to PostgreSQL at ${address}: no connection within ${connectTimeoutMs} ms`
        : `cannot connect to PostgreSQL at ${address}: ${messageOf(err)}`,
      { cause: err },
    )

  /** The error to throw for `err`: unavailability as a StoreUnavailableError, anything else unchanged. */
  const classify = (err: unknown, session: Session): unknown => {
    if (err instanceof StoreUnavailableError) return err
    if (isReadTimeout(err) || sqlState(err) === STATEMENT_TIMEOUT) {
      return new StoreUnavailableError(
        'timeout',
        `PostgreSQL at ${address} did not answer within ${statementTimeoutMs} ms`,
        { cause: err },
      )
    }
    if (session.broken) {
      return new StoreUnavailableError(
        'lost',
        `lost the connection to PostgreSQL at ${address}: ${messageOf(session.broken)}`,
        { cause: err },
      )
    }
    return err
  }

  /** Runs `work` on one pooled connection, which is discarded afterwards if it broke. */
  async function withConnection<T>(work: (session: Session) => Promise<T>): Promise<T> {
    let client: PoolClient
    try {
      client = await pool.connect()
    } catch (err) {
      throw connectFailure(err)
    }
    const session: Session = { client, broken: undefined }
    const onError = (err: Error) => {
      session.broken ??= err
    }
    client.on('error', onError)
    try {
      return await work(session)
    } catch (err) {
      // An unanswered query stays in front of any later one on this connection: it is no use.
      if (!session.broken && (isReadTimeout(err) || CONNECTION_GONE.test(sqlState(err) ?? ''))) {
        session.broken = err as Error
      }
      throw classify(err, session)
    } finally {
      client.off('error', onError)
      // With an error, the pool closes the connection instead of handing it to the next caller.
      client.release(session.broken ?? false)
    }
  }

  /** Runs `work` in one transaction; again, from the start, after a deadlock or serialization failure. */
  async function transaction<T>(
    work: (client: PoolClient) => Promise<T>,
    { begin = 'BEGIN', attempts = 1 }: { begin?: string; attempts?: number } = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withConnection(async (session) => {
          const { client } = session
          try {
            await client.query(begin)
            const value = await work(client)
            await client.query('COMMIT')
            return value
          } catch (err) {
            // A connection that broke or cannot even roll back is discarded, and the server ends
            // its session, which rolls back; waiting for a ROLLBACK on it would only add a timeout.
            if (!session.broken && !isReadTimeout(err)) {
              await client.query('ROLLBACK').catch((rollbackErr: Error) => {
                session.broken ??= rollbackErr
              })
            }
            throw err
          }
        })
      } catch (err) {
        if (attempt < attempts && RETRYABLE.has(sqlState(err) ?? '')) continue
        throw err
      }
    }
  }

  async function query<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return withConnection(async ({ client }) => (await client.query<R>(sql, params)).rows)
  }

  /**
   * One statement that is its own transaction, prepared once per connection under `name` (each
   * later run sends only Bind and Execute), run again after a deadlock or serialization failure.
   */
  async function statement<R extends QueryResultRow>(
    sql: string,
    params: unknown[],
    { name, attempts }: { name: string; attempts: number },
  ): Promise<R[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withConnection(
          async ({ client }) => (await client.query<R>({ name, text: sql, values: params })).rows,
        )
      } catch (err) {
        if (attempt < attempts && RETRYABLE.has(sqlState(err) ?? '')) continue
        throw err
      }
    }
  }

  return { transaction, query, statement, end: () => pool.end() }
}

/** pg's own timeout (`query_timeout`): the query was sent and no answer came back in time. */
function isReadTimeout(err: unknown): boolean {
  return err instanceof Error && err.message === 'Query read timeout'
}
