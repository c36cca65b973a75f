import type { DataSource, EntityManager } from 'typeorm';
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
