import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { loadConfig, type Config } from '../../src/config';
import { statementCount } from '../../src/database';
import { Gateway, type GatewayParts } from '../../src/gateway';
import type { LogFn, Logger } from '../../src/ops/logger';
import { Role } from '../../src/entities/enums';
import { signToken } from '../../src/schema/auth';

/**
 * Each test file gets its own database and its own BullMQ prefix, made here and dropped by
 * `close()`, so no test depends on another's data or order.
 */
export function testConfig(name: string, env: NodeJS.ProcessEnv = {}): Config {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const safe = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 30);
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    MYSQL_DATABASE: `drg_t_${safe}_${suffix}`,
    QUEUE_PREFIX: `drg_t_${safe}_${suffix}`,
    GRAPHQL_MAX_PAGE_SIZE: '100',
    // Every operation of every test runs compiled (graphql-jit), so the whole suite checks the
    // executor production uses for repeated queries; GRAPHQL_EXECUTOR=interpreted runs it on graphql-js.
    GRAPHQL_COMPILE_AFTER: '1',
    // Repeatable jobs stay out of the way unless a test runs them; a dead worker's job moves on fast.
    OUTBOX_POLL_MS: '3600000',
    REQUEST_MONITOR_MS: '3600000',
    WORKER_LOCK_MS: '2000',
    WORKER_STALLED_CHECK_MS: '1000',
    // Tests send many mutations with one token; the rate-limit test sets its own limits.
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_BURST: '1000000',
    RATE_LIMIT_COLLECT_PER_MINUTE: '1000000',
    RATE_LIMIT_COLLECT_BURST: '1000000',
    OUTBOX_DIR: `/tmp/drg-outbox/${safe}_${suffix}`,
    PRINT_QUEUE_DIR: `/tmp/drg-print/${safe}_${suffix}`,
    ACCESS_PACKAGE_DIR: `/tmp/drg-access/${safe}_${suffix}`,
    AUDIT_CHECKPOINT_FILE: `/tmp/drg-audit/${safe}_${suffix}.jsonl`,
    // Quiet unless a test asks for logs (it passes its own logger or LOG_LEVEL).
    LOG_LEVEL: 'warn',
    ...env,
  });
}

export interface TestGateway {
  gateway: Gateway;
  config: Config;
  url: string;
  /** Runs a GraphQL operation over real HTTP; `purpose` is sent as X-Purpose (APP tokens need one). */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null, purpose?: string | null): Promise<GqlResult<T>>;
  token(...roles: Role[]): string;
  statements(): number;
  close(): Promise<void>;
}

export interface GqlResult<T> {
  status: number;
  data: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown }; path?: string[] }[];
  /** The response's own extensions: `warnings` of a change whose job waits for Redis. */
  extensions?: { warnings?: { code: string; field?: string; message: string }[] };
}

export async function startTestGateway(
  name: string,
  opts: { parts?: GatewayParts; env?: NodeJS.ProcessEnv; serve?: boolean; logger?: Logger | LogFn; beforeMigrate?: (gateway: Gateway) => void } = {},
): Promise<TestGateway> {
  const config = testConfig(name, opts.env);
  const gateway = await Gateway.open(config, opts.parts ?? {}, opts.logger ?? (() => undefined));
  opts.beforeMigrate?.(gateway);
  await gateway.migrate();
  const http = opts.serve === false ? null : await gateway.serve(0);
  const url = http?.url ?? '';
  const token = (...roles: Role[]) => signToken(config.auth.jwtSecret, `test-${roles.join('-').toLowerCase()}`, roles, 600);
  return {
    gateway,
    config,
    url,
    token,
    statements: () => statementCount(gateway.dataSource),
    async gql<T>(query: string, variables?: Record<string, unknown>, tok: string | null = token(Role.ADMIN), purpose: string | null = null) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(purpose ? { 'x-purpose': purpose } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T | null; errors?: GqlResult<T>['errors']; extensions?: GqlResult<T>['extensions'] };
      return { status: res.status, data: body.data ?? null, errors: body.errors, extensions: body.extensions };
    },
    async close() {
      // Leave nothing behind in Redis: every queue this gateway knows, under this file's prefix.
      await Promise.all(gateway.queues.queueNames().map((q) => gateway.queues.queue(q).obliterate({ force: true }).catch(() => undefined)));
      await gateway.stop();
      await dropDatabase(config);
    },
  };
}

export async function dropDatabase(config: Config): Promise<void> {
  const conn = await mysql.createConnection({ host: config.mysql.host, port: config.mysql.port, user: config.mysql.user, password: config.mysql.password });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${config.mysql.database}\``);
  } finally {
    await conn.end();
  }
}

/** A checksum of every table, to prove that a refused operation changed no row. */
export async function tableChecksums(gateway: Gateway): Promise<Record<string, string>> {
  const tables: { name: string }[] = await gateway.dataSource.query(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await gateway.dataSource.query(`CHECKSUM TABLE \`${name}\``);
    const [count] = await gateway.dataSource.query(`SELECT COUNT(*) AS n FROM \`${name}\``);
    out[name] = `${row.Checksum}:${count.n}`;
  }
  return out;
}

export function errorCode(result: GqlResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}
