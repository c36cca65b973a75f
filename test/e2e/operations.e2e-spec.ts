import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import mysql from 'mysql2/promise';
import { Role } from '../../src/entities/enums';
import { signToken } from '../../src/schema/auth';
import { freePort, runCli, type CliRun } from '../helpers/cli-process';
import { dropDatabase, testConfig } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';
import type { Config } from '../../src/config';

// Response bodies are free-form JSON read by path, hence any.
type Json = any;

/** The environment a CLI child needs to share this test's database and BullMQ prefix. */
function cliEnv(config: Config, outboxDir: string): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    MYSQL_DATABASE: config.mysql.database,
    QUEUE_PREFIX: config.redis.prefix,
    HOST: '127.0.0.1',
    OUTBOX_DIR: outboxDir,
    OUTBOX_POLL_MS: '3600000',
    REQUEST_MONITOR_MS: '3600000',
    WORKER_LOCK_MS: '2000',
    WORKER_STALLED_CHECK_MS: '1000',
    LOG_LEVEL: 'info',
    // These tests send a burst of erasure requests with one token; the rate limit has its own tests.
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
  };
}

async function serveOn(env: NodeJS.ProcessEnv, command: string[] = ['serve']): Promise<{ run: CliRun; url: string }> {
  const port = await freePort();
  const run = runCli(command, { ...env, PORT: String(port) });
  await run.waitFor(/"msg":"serving"/);
  return { run, url: `http://127.0.0.1:${port}/graphql` };
}

async function gql(url: string, token: string, query: string, variables?: Record<string, unknown>, operationName?: string): Promise<Json> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables, operationName }) });
  return { status: res.status, ...((await res.json()) as Json) };
}

const ERASE = `mutation E($id: ID!) { requestErasure(userId: $id, channel: "email") { request { id } } }`;

/** Lines a process logged, parsed. */
const logLines = (run: CliRun): Json[] =>
  run
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

/** Leaves nothing of this test's prefix in the shared Redis. */
async function dropRedisKeys(config: Config): Promise<void> {
  const redis = new IORedis({ host: config.redis.host, port: config.redis.port, password: config.redis.password });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redis.prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function stop(run: CliRun): Promise<void> {
  if (run.child.exitCode === null) {
    run.child.kill('SIGKILL');
    await run.exited;
  }
}

/** Every erasure request completed, each exactly once: one audit event, one notice per recipient. */
async function checkErasedOnce(db: mysql.Connection, requestIds: number[]): Promise<void> {
  const [statuses] = (await db.query('SELECT status, COUNT(*) AS n FROM data_requests WHERE id IN (?) GROUP BY status', [requestIds])) as Json;
  expect(statuses.map((r: Json) => [r.status, Number(r.n)])).toEqual([['COMPLETED', requestIds.length]]);
  const [audits] = (await db.query(`SELECT entity_id AS id, COUNT(*) AS n FROM audit_events WHERE action = 'erasure.completed' AND entity_id IN (?) GROUP BY entity_id`, [requestIds.map(String)])) as Json;
  expect(audits).toHaveLength(requestIds.length);
  expect(audits.filter((r: Json) => Number(r.n) !== 1)).toEqual([]);
  const [dupes] = (await db.query(`SELECT data_request_id, recipient_id, kind, COUNT(*) AS n FROM outbox_messages WHERE data_request_id IN (?) GROUP BY 1, 2, 3 HAVING COUNT(*) > 1`, [requestIds])) as Json;
  expect(dupes).toEqual([]);
  const [rows] = (await db.query(`SELECT id, result FROM data_requests WHERE id IN (?)`, [requestIds])) as Json;
  const [notices] = (await db.query(`SELECT data_request_id AS id, recipient_id AS r FROM outbox_messages WHERE kind = 'ERASURE_NOTICE' AND data_request_id IN (?)`, [requestIds])) as Json;
  let total = 0;
  for (const row of rows) {
    const result = typeof row.result === 'string' ? JSON.parse(row.result) : row.result;
    const told = new Set(result.notifiedRecipientIds.filter((r: number) => !result.recipientsWithoutContact.includes(r)));
    const sent = notices.filter((n: Json) => Number(n.id) === Number(row.id)).map((n: Json) => Number(n.r));
    expect(new Set(sent)).toEqual(told);
    total += sent.length;
  }
  expect(total).toBeGreaterThan(0);
}

/**
 * A database and BullMQ prefix shared by CLI children, seeded through the CLI; dropped with the
 * Redis keys and the outbox folder afterwards, and every process in `runs` stopped.
 */
function cliDatabase(name: string, subjects: number) {
  const config = testConfig(name);
  const outbox = mkdtempSync(path.join(os.tmpdir(), 'drg_outbox_'));
  const shared = { config, env: cliEnv(config, outbox), runs: [] as CliRun[], db: null as unknown as mysql.Connection };
  beforeAll(async () => {
    const seed = runCli(['seed', '--subjects', String(subjects)], shared.env);
    expect(await seed.exited).toBe(0);
    shared.db = await mysql.createConnection({ host: config.mysql.host, port: config.mysql.port, user: config.mysql.user, password: config.mysql.password, database: config.mysql.database });
  });
  afterAll(async () => {
    await Promise.all(shared.runs.map(stop));
    await shared.db?.end();
    await dropDatabase(config);
    await dropRedisKeys(config);
    rmSync(outbox, { recursive: true, force: true });
  });
  return shared;
}

describe('multi-process: two serve and two work processes on one MySQL and one Redis', () => {
  const shared = cliDatabase('e2e_multi', 40);
  const { config, env, runs } = shared;

  it('refuses an unknown queue name and lists the known ones', async () => {
    const run = runCli(['work', '--queues', 'erasure,nope'], env);
    expect(await run.exited).toBe(2);
    expect(run.errors()).toMatch(/unknown queue\(s\) nope; known queues: .*business-transfer.*california-notice.*erasure.*outbox/);
  });

  it('processes a batch of erasure requests sent round-robin to both serve processes exactly once', async () => {
    const [a, b] = await Promise.all([serveOn(env), serveOn(env)]);
    runs.push(a!.run, b!.run);
    const w1 = runCli(['work', '--queues', 'erasure,california-notice'], env);
    const w2 = runCli(['work', '--queues', 'erasure,outbox'], env);
    runs.push(w1, w2);
    await Promise.all([w1.waitFor(/workers started/), w2.waitFor(/workers started/)]);
    expect(logLines(w1).find((l) => l.msg === 'workers started').queues).toEqual(['erasure', 'california-notice']);

    const token = signToken(config.auth.jwtSecret, 'e2e-ops', [Role.ADMIN], 600);
    const urls = [a!.url, b!.url];
    const subjects = Array.from({ length: 30 }, (_, i) => i + 1);
    const answers = await Promise.all(subjects.map((id, i) => gql(urls[i % 2]!, token, ERASE, { id: String(id) })));
    expect(answers.filter((r) => r.errors)).toEqual([]);
    const requestIds = answers.map((r) => Number(r.data.requestErasure.request.id));
    expect(new Set(requestIds).size).toBe(subjects.length);
    // Both serve processes answered (their own request logs).
    for (const s of [a!, b!]) expect(logLines(s.run).filter((l) => l.msg === 'graphql request' && l.operation === 'E')).toHaveLength(15);

    await waitFor(async () => {
      const [[row]] = (await shared.db.query(`SELECT COUNT(*) AS n FROM data_requests WHERE id IN (?) AND status = 'COMPLETED'`, [requestIds])) as Json;
      return Number(row.n) === requestIds.length;
    }, 'every erasure completed', 60000, 100);
    await checkErasedOnce(shared.db, requestIds);
    // Each job ran once over both workers (no second run of a completed request).
    const ran = [...logLines(w1), ...logLines(w2)].filter((l) => l.msg === 'job done' && l.job === 'erasure.run');
    expect(ran.map((l) => Number(String(l.jobId).replace(/^erasure\.run@request-/, ''))).sort((x, y) => x - y)).toEqual([...requestIds].sort((x, y) => x - y));
  });
});

describe('graceful shutdown: SIGTERM to a busy process', () => {
  const shared = cliDatabase('e2e_sigterm', 120);
  const { config, env, runs } = shared;

  it('completes the requests in flight, loses no job, closes MySQL and Redis and exits 0', async () => {
    // One process serving and working, one job at a time, so jobs are still queued at SIGTERM.
    const { run, url } = await serveOn({ ...env, WORKER_CONCURRENCY: '1', LOG_LEVEL: 'debug', SHUTDOWN_TIMEOUT_MS: '20000' }, ['start']);
    runs.push(run);
    const token = signToken(config.auth.jwtSecret, 'e2e-ops', [Role.ADMIN], 600);
    const subjects = Array.from({ length: 120 }, (_, i) => i + 1);
    const answers = await Promise.all(subjects.map((id) => gql(url, token, ERASE, { id: String(id) })));
    expect(answers.filter((r) => r.errors)).toEqual([]);
    const requestIds = answers.map((r) => Number(r.data.requestErasure.request.id));
    await run.waitFor(/"msg":"job started"/);

    // Heavy reads in flight when the signal arrives.
    const READ = `query Heavy { users(first: 100) { edges { node { id consents { purpose status } disclosures(first: 20) { edges { node { purpose categories { key } recipient { name } } } } recipients { name } } } } }`;
    const reads = Array.from({ length: 12 }, () => gql(url, token, READ, undefined, 'Heavy'));
    await waitFor(async () => logLines(run).filter((l) => l.msg === 'graphql request started' && l.operation === 'Heavy').length >= 12, 'reads received', 20000, 5);
    run.child.kill('SIGTERM');

    const done = await Promise.all(reads);
    for (const r of done) {
      expect(r.errors).toBeUndefined();
      expect(r.status).toBe(200);
      expect(r.data.users.edges).toHaveLength(100);
    }
    expect(await run.exited).toBe(0);
    const lines = logLines(run);
    expect(lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal: 'SIGTERM' });
    expect(lines.find((l) => l.msg === 'stopped')).toBeDefined();
    // New connections are refused once it is gone.
    await expect(fetch(url.replace(/graphql$/, 'healthz'))).rejects.toThrow();

    const [[before]] = (await shared.db.query(`SELECT COUNT(*) AS n FROM data_requests WHERE id IN (?) AND status = 'COMPLETED'`, [requestIds])) as Json;
    expect(Number(before.n)).toBeLessThan(requestIds.length);
    // A new worker takes over what was left; nothing is lost and nothing runs twice.
    const worker = runCli(['work', '--queues', 'erasure'], env);
    runs.push(worker);
    await waitFor(async () => {
      const [[row]] = (await shared.db.query(`SELECT COUNT(*) AS n FROM data_requests WHERE id IN (?) AND status = 'COMPLETED'`, [requestIds])) as Json;
      return Number(row.n) === requestIds.length;
    }, 'every erasure completed after the restart', 60000, 100);
    await checkErasedOnce(shared.db, requestIds);
    const ranFirst = lines.filter((l) => l.msg === 'job done' && l.job === 'erasure.run').length;
    expect(ranFirst).toBeGreaterThan(0);
    expect(ranFirst).toBe(Number(before.n));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
