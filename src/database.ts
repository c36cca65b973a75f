import { DataSource, type Logger, type MixedList, type QueryRunner } from 'typeorm';
import mysql from 'mysql2/promise';
import type { Config } from './config';
import { coreEntities } from './entities';
import { coreMigrations } from './migrations';

/** Counts the SQL statements a DataSource sends: the N+1 tests and benchmarks read it. */
export class StatementCounter implements Logger {
  count = 0;
  /** Of those, the job-intent bookkeeping (declare, satisfy, replay): benchmarks report it apart. */
  intents = 0;
  /** Who else wants each statement's text (the MySQL portability test). */
  readonly listeners = new Set<(sql: string) => void>();
  logQuery(query: string): void {
    this.count += 1;
    for (const l of this.listeners) l(query);
    if (query.includes('job_intents')) this.intents += 1;
  }
  logQueryError(error: string | Error, query: string): void {
    // Failed statements count too: they were sent.
    this.count += 1;
    void error;
    void query;
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface DataSourceParts {
  // TypeORM's own option type: a list of entity classes (any constructor).
  entities?: MixedList<Function>;
  migrations?: MixedList<Function>;
  /** How long to wait for a connection (mysql2's connectTimeout); a replica that is down should not hold a read for mysql2's 10 s. */
  connectTimeoutMs?: number;
}

/**
 * Prepared statements each pooled connection keeps (mysql2's maxPreparedStatements, an LRU that
 * closes what it evicts): bulk row counts vary (a fan-out page, a chunk split by delivery), so
 * without a bound a connection would keep one statement per count, and the server refuses every
 * prepare once max_prepared_stmt_count (16,382 by default, server-wide) is reached.
 */
export const PREPARED_PER_CONNECTION = 24;

export function createDataSource(config: Config, parts: DataSourceParts = {}): DataSource {
  const counter = new StatementCounter();
  const ds = new DataSource({
    type: config.mysql.flavor,
    host: config.mysql.host,
    port: config.mysql.port,
    username: config.mysql.user,
    password: config.mysql.password,
    database: config.mysql.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    entities: [...coreEntities, ...((parts.entities as Function[] | undefined) ?? [])],
    migrations: [...coreMigrations, ...((parts.migrations as Function[] | undefined) ?? [])],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['query', 'error'],
    logger: counter,
    poolSize: config.mysql.poolSize,
    extra: { connectionLimit: config.mysql.poolSize, decimalNumbers: true, maxPreparedStatements: PREPARED_PER_CONNECTION, ...(parts.connectTimeoutMs ? { connectTimeout: parts.connectTimeoutMs } : {}) },
  });
  statementCounters.set(ds, counter);
  return ds;
}

const statementCounters = new WeakMap<DataSource, StatementCounter>();
export function statementCount(ds: DataSource): number {
  return statementCounters.get(ds)?.count ?? 0;
}
/** Hands every statement `ds` sends to `listener` until the returned function is called. */
export function listenToStatements(ds: DataSource, listener: (sql: string) => void): () => void {
  const counter = statementCounters.get(ds);
  counter?.listeners.add(listener);
  return () => void counter?.listeners.delete(listener);
}

export function intentStatementCount(ds: DataSource): number {
  return statementCounters.get(ds)?.intents ?? 0;
}

/** Creates the configured database if it does not exist (the migrations need it to connect). */
export async function ensureDatabase(config: Config): Promise<void> {
  const conn = await mysql.createConnection({
    host: config.mysql.host,
    port: config.mysql.port,
    user: config.mysql.user,
    password: config.mysql.password,
  });
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${config.mysql.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}

/** Runs `fn` on a query runner outside any transaction, for the few raw operations that need one. */
export async function withQueryRunner<T>(ds: DataSource, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  try {
    return await fn(qr);
  } finally {
    await qr.release();
  }
}
