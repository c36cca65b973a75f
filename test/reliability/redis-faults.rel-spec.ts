import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { erasureJob, openErasureRequest } from '../../src/domain/data-request.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType } from '../../src/entities/enums';
import { INTENT_REPLAY_JOB } from '../../src/jobs/request-monitor.job';
import { runCli, type CliRun } from '../helpers/cli-process';
import { halfErasedSubjects } from '../helpers/erasure-checks';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';
import { OwnRedis } from './support/own-redis';
import { size } from './support/scale';

const REQUESTS = size('RELIABILITY_REDIS_REQUESTS', 300);
const RESTARTS = size('RELIABILITY_REDIS_RESTARTS', 3);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = async (t: TestGateway, sql: string, params: unknown[] = []) => Number((await t.gateway.dataSource.query(sql, params))[0].n);

/**
 * Redis (our own, with the append-only file fsynced on every write) killed with SIGKILL and
 * started again on the same data while erasures are queued and running: every request still
 * completes, from the jobs Redis kept (the monitor is not run), and none takes effect twice.
 */
describe(`Redis restarted ${RESTARTS} times under ${REQUESTS} queued erasures`, () => {
  let redis: OwnRedis;
  let t: TestGateway;
  let worker: CliRun | null = null;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    t = await startTestGateway('rel_redis_restart', { serve: false, env: { ...redis.env() } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: REQUESTS, recipients: 12, consentsPerSubject: 3, disclosuresPerSubject: 3, collectionEventsPerSubject: 3, seed: 5 });
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await redis.up().catch(() => undefined);
    await t?.close();
    await redis?.stop();
  });

  it('loses no job and runs none twice to effect', async () => {
    const ds = t.gateway.dataSource;
    const ids: number[] = [];
    for (let subjectId = 1; subjectId <= REQUESTS; subjectId += 1) {
      const { request } = await inTransaction(ds, (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
      ids.push(request.id);
      await t.gateway.declareJobs(erasureJob(request.id, DataRequestType.ERASURE));
    }
    worker = runCli(['work', '--queues', 'erasure'], {
      ...redis.env(),
      MYSQL_DATABASE: t.config.mysql.database,
      QUEUE_PREFIX: t.config.redis.prefix,
      WORKER_CONCURRENCY: '2',
      WORKER_LOCK_MS: '1000',
      WORKER_STALLED_CHECK_MS: '500',
      OUTBOX_POLL_MS: '3600000',
      REQUEST_MONITOR_MS: '3600000',
    });
    await worker.waitFor(/workers started/);
    const queue = t.gateway.queues.queue('erasure');
    const completed = () => count(t, `SELECT COUNT(*) AS n FROM data_requests WHERE status = 'COMPLETED'`);

    let restarts = 0;
    let withJobsLeft = 0;
    for (let i = 1; i <= RESTARTS; i += 1) {
      const target = Math.floor((REQUESTS * i) / (RESTARTS + 1));
      await waitFor(async () => (await completed()) >= target, `${target} erasures`, 300000, 5);
      if ((await completed()) < REQUESTS) withJobsLeft += 1;
      await redis.kill();
      await sleep(300);
      await redis.up();
      restarts += 1;
    }
    process.stdout.write(`redis restarts: ${restarts}, with jobs still queued: ${withJobsLeft}\n`);
    expect(withJobsLeft).toBe(RESTARTS);

    // No monitor, no sweep: what Redis kept is enough.
    await waitFor(async () => (await completed()) === REQUESTS, 'every request completed from the jobs Redis kept', 300000, 100);
    await waitFor(async () => (await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')) && Object.values(await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')).every((n) => n === 0), 'the queue drained', 60000, 100);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    worker = null;

    expect(await halfErasedSubjects(ds, Array.from({ length: REQUESTS }, (_, i) => i + 1))).toEqual([]);
    const audits: { n: number }[] = await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'erasure.completed' GROUP BY entity_id`);
    expect(audits).toHaveLength(REQUESTS);
    expect(audits.filter((a) => Number(a.n) !== 1)).toEqual([]);
    expect(await count(t, `SELECT COUNT(*) AS n FROM outbox_messages WHERE kind = 'ERASURE_CONFIRMATION'`)).toBe(REQUESTS);
    expect(await ds.query(`SELECT kind, data_request_id, recipient_id FROM outbox_messages WHERE data_request_id IS NOT NULL GROUP BY kind, data_request_id, recipient_id HAVING COUNT(*) > 1`)).toEqual([]);
  }, 900_000);
});

/**
 * Why production needs the append-only file: a Redis without persistence comes back empty and
 * every queued job is gone. The requests' job intents stay in MySQL, and the replay (run here on
 * demand) queues them again; each then runs once.
 */
describe('Redis without persistence restarted under queued erasures', () => {
  let redis: OwnRedis;
  let t: TestGateway;
  const N = 40;

  beforeAll(async () => {
    redis = await OwnRedis.start({ persistent: false });
    t = await startTestGateway('rel_redis_volatile', { serve: false, env: { ...redis.env(), REQUEST_SWEEP_AFTER_MS: '0' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: N, recipients: 12, consentsPerSubject: 3, disclosuresPerSubject: 3, collectionEventsPerSubject: 2, seed: 6 });
  });
  afterAll(async () => {
    await redis.up().catch(() => undefined);
    await t?.close();
    await redis?.stop();
  });

  it('loses the queued jobs, and the replay re-queues every open request', async () => {
    const ds = t.gateway.dataSource;
    for (let subjectId = 1; subjectId <= N; subjectId += 1) {
      const { request } = await inTransaction(ds, (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
      await t.gateway.declareJobs(erasureJob(request.id, DataRequestType.ERASURE));
    }
    const queue = t.gateway.queues.queue('erasure');
    expect(await queue.count()).toBe(N);
    await redis.restart();
    await waitFor(async () => t.gateway.redis.status === 'ready', 'the gateway to reconnect', 30000);
    expect(await queue.count()).toBe(0);

    await t.gateway.work(['erasure', 'requests']);
    await t.gateway.queues.enqueue(INTENT_REPLAY_JOB, {}, { jobId: 'replay-after-restart' });
    await waitFor(async () => (await count(t, `SELECT COUNT(*) AS n FROM data_requests WHERE status = 'COMPLETED'`)) === N, 'every request completed', 120000, 100);
    const audits: { n: number }[] = await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'erasure.completed' GROUP BY entity_id`);
    expect(audits).toHaveLength(N);
    expect(audits.filter((a) => Number(a.n) !== 1)).toEqual([]);
    expect(await halfErasedSubjects(ds, Array.from({ length: N }, (_, i) => i + 1))).toEqual([]);
  }, 300_000);
});

/**
 * Redis down: GraphQL reads go on; the mutations that need a job answer within the enqueue
 * timeout (never hang) with the request and its job intent recorded in full, and the replay
 * queues the jobs once Redis is back.
 */
describe('the gateway while Redis is down', () => {
  let redis: OwnRedis;
  let t: TestGateway;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    // Holds on more than 3 subjects are snapshotted by a job.
    t = await startTestGateway('rel_redis_down', { env: { ...redis.env(), REQUEST_SWEEP_AFTER_MS: '0', LEGAL_HOLD_SNAPSHOT_JOB_THRESHOLD: '3' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 40, recipients: 12, consentsPerSubject: 3, disclosuresPerSubject: 3, collectionEventsPerSubject: 2, seed: 8 });
  });
  afterAll(async () => {
    await redis.up().catch(() => undefined);
    await t?.close();
    await redis?.stop();
  });

  // A hung request fails the test through this abort rather than through a wall-clock assertion.
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(t.url, {
      method: 'POST',
      // ADMIN declares no purpose: one would hold it to what an APP sees (no data requests).
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token('ADMIN' as never)}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30000),
    });
    return {
      status: res.status,
      ...((await res.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[]; extensions?: { warnings?: { code: string; field?: string }[] } }),
    };
  };

  it('answers reads, records job-backed mutations without hanging, and runs their jobs once Redis is back', async () => {
    await redis.kill();
    await waitFor(async () => t.gateway.redis.status !== 'ready', 'the gateway to notice', 10000);

    const ready = await fetch(new URL('/readyz', t.url), { signal: AbortSignal.timeout(30000) });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ mysql: true, redis: false });

    const read = await gql(`{ users(first: 5) { edges { node { id name consents { purpose status } disclosures(first: 3) { edges { node { purpose } } } } } } dataRequests(first: 5) { edges { node { id } } } }`);
    expect(read.errors).toBeUndefined();
    expect((read.data!.users as { edges: unknown[] }).edges).toHaveLength(5);

    const [acq] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' ORDER BY id LIMIT 1`);
    // A Californian (others' notice requests are answered at once, without a job).
    const [ca] = await t.gateway.dataSource.query(`SELECT id FROM subjects WHERE region = 'US-CA' AND id > 2 ORDER BY id LIMIT 1`);
    const results = await Promise.all([
      gql(`mutation { requestErasure(userId: "1", channel: "WEB") { created request { id status } } }`),
      gql(`mutation { flagChild(userId: "2") { created request { id status } } }`),
      gql(`mutation { requestCaliforniaNotice(userId: "${ca.id}", channel: DESIGNATED) { created request { id status } } }`),
      gql(`mutation($a: ID!) { startBusinessTransfer(input: { dealName: "Outage", acquirerId: $a, phase: DUE_DILIGENCE, scope: { statuses: [ACTIVE] }, format: NDJSON }) { id status } }`, { a: String(acq.id) }),
      gql(`mutation { placeLegalHold(input: { matter: "Outage", caseReference: "O-1", subjectIds: ["30", "31", "32", "33", "34"] }) { hold { id } addedSubjectIds } }`),
    ]);
    for (const r of results) {
      expect(r.errors).toBeUndefined();
      expect(r.status).toBe(200);
    }
    // Each says so: the change is recorded, its job waits for Redis.
    expect(results.map((r) => r.extensions?.warnings?.map((w) => `${w.field}:${w.code}`))).toEqual([
      ['requestErasure:QUEUE_UNAVAILABLE'],
      ['flagChild:QUEUE_UNAVAILABLE'],
      ['requestCaliforniaNotice:QUEUE_UNAVAILABLE'],
      ['startBusinessTransfer:QUEUE_UNAVAILABLE'],
      ['placeLegalHold:QUEUE_UNAVAILABLE'],
    ]);
    // Each change is there in full: the request with its audit event, the transfer pending.
    const requests: { id: number; type: string; status: string }[] = await t.gateway.dataSource.query(`SELECT id, type, status FROM data_requests ORDER BY id`);
    expect(requests.map((r) => r.type).sort()).toEqual(['CALIFORNIA_NOTICE', 'CHILD_DELETION', 'ERASURE']);
    for (const r of requests) expect(await count(t, `SELECT COUNT(*) AS n FROM audit_events WHERE entity_type = 'DataRequest' AND entity_id = ?`, [String(r.id)])).toBeGreaterThanOrEqual(1);
    expect(await count(t, `SELECT COUNT(*) AS n FROM business_transfers WHERE status = 'PENDING' AND planned_at IS NULL`)).toBe(1);
    // The hold stands at once (it vetoes erasure of its five subjects); only its copies wait.
    expect(await count(t, `SELECT COUNT(*) AS n FROM legal_hold_subjects`)).toBe(5);
    expect(await count(t, `SELECT COUNT(*) AS n FROM legal_hold_preservations WHERE status = 'PENDING'`)).toBe(1);

    // Reads still answer after the mutations' waits.
    expect((await gql(`{ dataRequests(first: 10) { edges { node { id status } } } }`)).errors).toBeUndefined();

    // Redis back: the replay (run here on demand rather than on its schedule) queues the jobs.
    await redis.up();
    await waitFor(async () => t.gateway.redis.status === 'ready', 'the gateway to reconnect', 30000);
    await t.gateway.work();
    // With Redis answering, a job-backed mutation carries no warning.
    const [other] = await t.gateway.dataSource.query(`SELECT id FROM subjects WHERE id > 2 AND id NOT IN (30, 31, 32, 33, 34) AND id <> ? ORDER BY id LIMIT 1`, [ca.id]);
    const normal = await gql(`mutation { requestErasure(userId: "${other.id}", channel: "WEB") { created } }`);
    expect(normal.errors).toBeUndefined();
    expect(normal.extensions?.warnings).toBeUndefined();
    // One replay for every kind of job: the core's and both plugins'.
    await t.gateway.queues.enqueue(INTENT_REPLAY_JOB, {}, { jobId: 'replay-after-outage' });
    await waitFor(async () => (await count(t, `SELECT COUNT(*) AS n FROM data_requests WHERE status = 'COMPLETED'`)) === 4, 'the four requests completed', 120000, 100).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await t.gateway.dataSource.query('SELECT id, type, status, updated_at FROM data_requests'))} ${JSON.stringify(await Promise.all(t.gateway.queues.queueNames().map(async (q) => [q, await t.gateway.queues.queue(q).getJobCounts()])))}`);
    });
    await waitFor(async () => (await count(t, `SELECT COUNT(*) AS n FROM business_transfers WHERE status = 'COMPLETED'`)) === 1, 'the transfer completed', 120000, 100);
    expect(await count(t, `SELECT COUNT(*) AS n FROM subjects WHERE status = 'ERASED'`)).toBe(3);
    await waitFor(async () => (await count(t, `SELECT COUNT(*) AS n FROM legal_hold_preservations WHERE status = 'COMPLETED' AND subjects_done = 5`)) === 1, 'the hold snapshot', 120000, 100);
  }, 600_000);
});
