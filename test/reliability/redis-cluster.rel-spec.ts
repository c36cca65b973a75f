import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster } from 'ioredis';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { erasureJob, openErasureRequest } from '../../src/domain/data-request.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType, Role } from '../../src/entities/enums';
import { INTENT_REPLAY_JOB } from '../../src/jobs/request-monitor.job';
import { signToken } from '../../src/schema/auth';
import { halfErasedSubjects } from '../helpers/erasure-checks';
import { startTestGateway, testConfig, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';
import { OwnRedisCluster } from './support/own-redis-cluster';
import { size } from './support/scale';

const ERASURES = size('RELIABILITY_CLUSTER_ERASURES', 150);
const count = async (t: TestGateway, sql: string, params: unknown[] = []) => Number((await t.gateway.dataSource.query(sql, params))[0].n);

/**
 * The gateway on a real Redis Cluster (three primaries, a replica each, hash-tagged prefix):
 * erasures, Shine-the-Light notices, a business-transfer flow and the mutation rate limit, with
 * the primary that holds the gateway's slot killed (SIGKILL) mid-run. Its replica takes over;
 * every job completes, none twice to effect. The figures printed here are in docs/reliability.md.
 */
describe('Redis Cluster: a primary killed mid-run', () => {
  let cluster: OwnRedisCluster;
  let t: TestGateway;
  let exportDir: string;
  const prefix = `{drg_rel_cluster_${process.pid}}`;

  beforeAll(async () => {
    cluster = await OwnRedisCluster.start({ primaries: 3, replicasEach: 1, nodeTimeoutMs: 1000 });
    exportDir = await mkdtemp(path.join(tmpdir(), 'drg-cluster-export-'));
    t = await startTestGateway('rel_redis_cluster', {
      env: {
        ...cluster.env(),
        QUEUE_PREFIX: prefix,
        EXPORT_DIR: exportDir,
        BUSINESS_TRANSFER_CHUNK_SIZE: '10',
        REQUEST_SWEEP_AFTER_MS: '0',
        RATE_LIMIT_MUTATIONS_PER_MINUTE: '60',
        RATE_LIMIT_BURST: '6',
      },
    });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: ERASURES + 60, recipients: 12, consentsPerSubject: 3, disclosuresPerSubject: 3, collectionEventsPerSubject: 2, seed: 25 });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
    if (exportDir) await rm(exportDir, { recursive: true, force: true });
  });

  it('runs on the cluster client, and refuses a prefix without a hash tag', () => {
    expect(t.gateway.redis).toBeInstanceOf(Cluster);
    expect(() => testConfig('cluster_prefix', { ...cluster.env(), QUEUE_PREFIX: 'drg' })).toThrow(/QUEUE_PREFIX must carry a hash tag on Redis Cluster/);
  });

  it('limits mutations per token subject on the cluster', async () => {
    const probe = signToken(t.config.auth.jwtSecret, 'cluster-rate-probe', [Role.ADMIN], 600);
    const codes: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const r = await t.gql(`mutation { requestErasure(userId: "999999", channel: "WEB") { created } }`, undefined, probe);
      codes.push(r.errors?.[0]?.extensions?.code ?? 'ok');
    }
    // The burst (6) passes to the resolver (which refuses the unknown user); the rest are limited.
    expect(codes.slice(0, 6).every((c) => c !== 'RATE_LIMITED')).toBe(true);
    expect(codes.slice(6)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('completes every erasure, notice and transfer once while a primary fails over', async () => {
    const ds = t.gateway.dataSource;
    // Subjects beyond the erasures' range: Californians get notices, the rest are the transfer's scope.
    const californians: { id: number }[] = await ds.query(`SELECT id FROM subjects WHERE region = 'US-CA' AND id > ? ORDER BY id LIMIT 15`, [ERASURES]);
    expect(californians.length).toBeGreaterThan(5);
    const [acquirer] = await ds.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' ORDER BY id LIMIT 1`);

    for (let subjectId = 1; subjectId <= ERASURES; subjectId += 1) {
      const { request } = await inTransaction(ds, (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
      await t.gateway.declareJobs(erasureJob(request.id, DataRequestType.ERASURE));
    }
    // The primary that serves the gateway's slot: every queue key hashes there.
    const victim = await cluster.primaryOf(`${prefix}:erasure:id`);
    await t.gateway.work();
    const erased = () => count(t, `SELECT COUNT(*) AS n FROM data_requests WHERE type = 'ERASURE' AND status = 'COMPLETED'`);
    await waitFor(async () => (await erased()) >= ERASURES / 4, 'a quarter of the erasures', 300000, 20);
    const doneAtKill = await erased();
    const killedAt = Date.now();
    await victim.kill();
    const promoted = waitFor(async () => (await cluster.primaryOf(`${prefix}:erasure:id`).catch(() => victim)) !== victim && (await cluster.healthy()), 'a replica to take over the slot', 60000, 50)
      .then(() => Date.now() - killedAt)
      .catch((err) => {
        throw new Error(`${(err as Error).message}\n${cluster.logs()}`);
      });
    // Notices and a transfer's flow asked for while the slot has no primary: the mutations wait
    // for the cluster (within the enqueue timeout) instead of failing.
    const notices = t.gql<{ requestCaliforniaNotices: { id: string; status: string }[] }>(
      `mutation($ids: [ID!]!) { requestCaliforniaNotices(userIds: $ids, channel: OTHER) { id status } }`,
      { ids: californians.map((c) => String(c.id)) },
    );
    const transfer = t.gql<{ startBusinessTransfer: { id: string } }>(
      `mutation($a: ID!) { startBusinessTransfer(input: { dealName: "Cluster", acquirerId: $a, phase: DUE_DILIGENCE, scope: { regions: ["US-NY", "US-TX"] }, format: NDJSON }) { id } }`,
      { a: String(acquirer.id) },
    );

    const [noticesAnswer, transferAnswer] = await Promise.all([notices, transfer]);
    const answeredMs = Date.now() - killedAt;
    // Within the enqueue timeout the job is queued; past it, the change is recorded and says its job waits (QUEUE_UNAVAILABLE).
    const warnings = [noticesAnswer, transferAnswer].flatMap((r) => r.extensions?.warnings ?? []).map((w) => w.code);
    expect(noticesAnswer.errors).toBeUndefined();
    expect(transferAnswer.errors).toBeUndefined();
    const noticeIds = noticesAnswer.data!.requestCaliforniaNotices.filter((r) => r.status === 'ACKNOWLEDGED').map((r) => Number(r.id));
    expect(noticeIds.length).toBeGreaterThan(5);
    const promotedMs = await promoted;
    await waitFor(async () => (await erased()) > doneAtKill, 'an erasure completed after the failover', 120000, 20);
    const progressMs = Date.now() - killedAt;
    // The old primary comes back as a replica of the new one.
    await victim.up();

    // What the kill lost from Redis (acknowledged by the primary, not yet copied to its replica)
    // is still a job intent in MySQL. Let the queues run dry first, to count what was lost.
    const noticesDone = () => count(t, `SELECT COUNT(*) AS n FROM data_requests WHERE type = 'CALIFORNIA_NOTICE' AND status = 'COMPLETED'`);
    const transferDone = () => count(t, `SELECT COUNT(*) AS n FROM business_transfers WHERE status = 'COMPLETED'`);
    const unfinished = async () => ERASURES - (await erased()) + noticeIds.length - (await noticesDone()) + 1 - (await transferDone());
    // Busy: a job waiting, running, retrying or waiting for its children; the next run of a
    // repeatable job (a delayed job of a scheduler) does not count.
    const busy = async () => {
      for (const q of t.gateway.queues.queueNames()) {
        const queue = t.gateway.queues.queue(q);
        const c = await queue.getJobCounts('wait', 'active', 'prioritized', 'waiting-children');
        if (Object.values(c).some((n) => n > 0)) return true;
        if ((await queue.getDelayed()).some((j) => !j.repeatJobKey)) return true;
      }
      return false;
    };
    // Or stuck: nothing finished for 30 s (a job the failover lost would leave its request waiting).
    let last = { n: -1, at: Date.now() };
    const stuck = async () => {
      const n = await unfinished();
      if (n !== last.n) last = { n, at: Date.now() };
      return Date.now() - last.at > 30000;
    };
    const state = async () => ({
      unfinished: await unfinished(),
      queues: Object.fromEntries(await Promise.all(t.gateway.queues.queueNames().map(async (q) => [q, await t.gateway.queues.queue(q).getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed')]))),
      requests: await ds.query(`SELECT type, status, COUNT(*) AS n FROM data_requests GROUP BY type, status`),
      transfers: await ds.query(`SELECT status, chunks_done, chunks_total, error FROM business_transfers`),
      intents: await ds.query(`SELECT job_name, COUNT(*) AS n FROM job_intents GROUP BY job_name`).catch(() => 'no job_intents table'),
    });
    // Dry: idle for 3 s on end. A single idle look can fall between a commit and its job reaching
    // the queue (an after-commit hand-off the client is still retrying through the failover): the
    // work was not lost, and the replay would rightly leave it alone.
    let idleSince: number | null = null;
    const dry = async () => {
      if (await busy()) {
        idleSince = null;
        return false;
      }
      idleSince ??= Date.now();
      return Date.now() - idleSince >= 3000;
    };
    await waitFor(async () => (await unfinished()) === 0 || (await dry()) || (await stuck()), 'the queues to run dry', 180000, 200).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await state())}`);
    });
    const lostFromRedis = await unfinished();
    // The replay, which the request monitor runs on a schedule, is run here once on demand.
    const replay = await t.gateway.queues.queue('requests').add(INTENT_REPLAY_JOB, {}, { jobId: 'replay-after-failover' });
    const replayed = await waitFor(async () => {
      const job = await t.gateway.queues.queue('requests').getJob(replay.id!);
      return (await job?.isCompleted()) ? (job!.returnvalue as { queued: number }) : undefined;
    }, 'the replay', 120000, 100);
    await waitFor(async () => (await unfinished()) === 0, 'every erasure, notice and the transfer to complete', 300000, 100).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await state())}`);
    });

    // Once each: one completion audit per erasure, one confirmation per request, one notice letter each.
    const audits: { n: number }[] = await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'erasure.completed' GROUP BY entity_id`);
    expect(audits).toHaveLength(ERASURES);
    const duplicates = audits.filter((a) => Number(a.n) !== 1).length;
    expect(duplicates).toBe(0);
    expect(await halfErasedSubjects(ds, Array.from({ length: ERASURES }, (_, i) => i + 1))).toEqual([]);
    expect(await ds.query(`SELECT kind, data_request_id, recipient_id FROM outbox_messages WHERE data_request_id IS NOT NULL GROUP BY kind, data_request_id, recipient_id HAVING COUNT(*) > 1`)).toEqual([]);
    expect(await count(t, `SELECT COUNT(*) AS n FROM outbox_messages WHERE kind = 'ERASURE_CONFIRMATION'`)).toBe(ERASURES);
    expect(await count(t, `SELECT COUNT(DISTINCT data_request_id) AS n FROM outbox_messages WHERE kind = 'CALIFORNIA_NOTICE'`)).toBe(noticeIds.length);
    const [tr] = await ds.query(`SELECT status, error FROM business_transfers`);
    expect(tr).toMatchObject({ status: 'COMPLETED', error: null });

    expect(await unfinished()).toBe(0);
    // Whatever Redis lost, the replay found again (it may also re-queue work that was not lost; that runs once to effect).
    expect(replayed.queued).toBeGreaterThanOrEqual(lostFromRedis);
    const figures = { erasuresLeftAtKill: ERASURES - doneAtKill, erasures: ERASURES, notices: noticeIds.length, transfers: 1, completedBeforeKill: doneAtKill, duplicates, unfinishedWhenQueuesRanDry: lostFromRedis, requeuedByReplay: replayed.queued, unfinishedAtEnd: await unfinished(), promotedMs, mutationsAnsweredMs: answeredMs, mutationWarnings: warnings, progressAgainMs: progressMs };
    process.stdout.write(`redis cluster failover: ${JSON.stringify(figures)}\n`);
  }, 900_000);
});

