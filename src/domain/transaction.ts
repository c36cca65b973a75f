import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { isTransientDbError } from './db-errors';

/**
 * Runs `work` in one transaction; retries the whole transaction (never a part of it) when
 * the database reports a deadlock, a lock wait timeout or a lost connection.
 */
export async function inTransaction<T>(
  ds: DataSource,
  work: (em: EntityManager) => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await readCommittedTransaction(ds, work);
    } catch (err) {
      if (attempt >= attempts || !isTransientDbError(err)) throw err;
      await new Promise((r) => setTimeout(r, 10 * 2 ** attempt + Math.random() * 20));
    }
  }
}

// Pooled connections already switched to READ COMMITTED for the whole session.
const readCommittedSessions = new WeakSet<object>();

/**
 * One READ COMMITTED transaction. The level is set once per pooled connection, for its session,
 * rather than by a `SET TRANSACTION` before every transaction: an erasure is ~20 round trips and
 * that was one of them. Every transaction of the gateway runs at this level anyway.
 */
async function readCommittedTransaction<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  try {
    const connection = (await runner.connect()) as object;
    if (!readCommittedSessions.has(connection)) {
      await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      readCommittedSessions.add(connection);
    }
    await runner.startTransaction();
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  } finally {
    await runner.release();
  }
}

/** The part of a mysql2 connection a prepared statement needs. */
interface PreparingConnection {
  execute(sql: string, values: unknown[], callback: (err: Error | null, result: unknown) => void): void;
}

/**
 * Runs one statement as a server-side prepared statement (the binary protocol): its values are
 * sent as they are, neither escaped into the SQL text by the gateway nor parsed out of it by the
 * server, and mysql2 prepares each text once per connection. Meant for the multi-row INSERTs of
 * hot transactions (a notice chunk's answers, outbox and audit rows: thousands of values each,
 * whose escaping and parsing were a tenth of the worker's and the database's CPU). Counted and
 * failing like any TypeORM query (QueryFailedError with the driver's code, so a deadlock is still
 * retried); outside a transaction's query runner it is a plain query.
 */
export async function executePrepared(em: EntityManager, sql: string, values: unknown[]): Promise<{ affectedRows?: number; insertId?: number }> {
  const runner = em.queryRunner;
  if (!runner || runner.isReleased || em.connection.options.type !== 'mariadb' && em.connection.options.type !== 'mysql') return em.query(sql, values);
  // TypeORM's MySQL query runner hands out its mysql2 pool connection from connect().
  const connection = (await runner.connect()) as PreparingConnection;
  em.connection.logger.logQuery(sql, values, runner);
  // Plain SQL writes undefined as NULL; the binary protocol refuses it.
  const bound = values.map((v) => (v === undefined ? null : v));
  return new Promise((resolve, reject) =>
    connection.execute(sql, bound, (err, result) => {
      if (err) {
        em.connection.logger.logQueryError(err, sql, values, runner);
        reject(new QueryFailedError(sql, values, err));
      } else resolve(result as { affectedRows?: number; insertId?: number });
    }),
  );
}

/** Rows from which a multi-row INSERT is sent prepared: the bulk ones. */
export const PREPARED_FROM_ROWS = 100;
/** The protocol's limit on a prepared statement's placeholders (a 16-bit count). */
export const PREPARED_MAX_VALUES = 65_535;

/**
 * A multi-row INSERT of `rows` rows: prepared when it is a bulk one within the placeholder limit
 * (executePrepared), plain SQL otherwise (small inserts, and a 10,000-request batch's audit rows).
 */
export function insertRows(em: EntityManager, rows: number, sql: string, values: unknown[]): Promise<{ affectedRows?: number; insertId?: number }> {
  return rows >= PREPARED_FROM_ROWS && values.length <= PREPARED_MAX_VALUES ? executePrepared(em, sql, values) : em.query(sql, values);
}
