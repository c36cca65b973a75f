import { QueueEvents } from 'bullmq';
import { DomainError } from '../../src/domain/errors';
import type { JobDefinition } from '../../src/jobs/job-definition';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/** The jobs plumbing on a real queue in Redis: enqueue by name, dispatch, retry, no retry. */
describe('queue registry and worker host', () => {
  let t: TestGateway;
  let events: QueueEvents;
  const seen: string[] = [];
  const attemptsOf = new Map<string, number>();

  const echo: JobDefinition<{ key: string }> = {
    name: 'test.echo',
    queue: 'test-queue',
    async process({ key }, ctx) {
      seen.push(key);
      // The job sees the same database as the app.
      const [{ n }] = await ctx.dataSource.query('SELECT COUNT(*) AS n FROM purposes');
      return { key, purposes: Number(n) };
    },
  };
  const flaky: JobDefinition<{ key: string }> = {
    name: 'test.flaky',
    queue: 'test-queue',
    attempts: 3,
    backoff: { type: 'fixed', delay: 10 },
    async process({ key }) {
      const n = (attemptsOf.get(key) ?? 0) + 1;
      attemptsOf.set(key, n);
      if (n < 3) throw Object.assign(new Error('deadlock'), { code: 'ER_LOCK_DEADLOCK' });
      return n;
    },
  };
  const ruleBreaker: JobDefinition<{ key: string }> = {
    name: 'test.rule',
    queue: 'test-queue',
    attempts: 5,
    backoff: { type: 'fixed', delay: 10 },
    async process({ key }) {
      attemptsOf.set(key, (attemptsOf.get(key) ?? 0) + 1);
      throw new DomainError('CONFLICT', 'a rule says no');
    },
  };

  beforeAll(async () => {
    t = await startTestGateway('jobs', { parts: { jobs: [echo, flaky, ruleBreaker] }, serve: false });
    expect(await t.gateway.work(['test-queue'])).toEqual(['test-queue']);
    // Connection options, not an instance: BullMQ then owns the connection and closes it.
    events = new QueueEvents('test-queue', { connection: { host: t.config.redis.host, port: t.config.redis.port }, prefix: t.config.redis.prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events.close();
    await t.close();
  });

  const finished = (jobId: string) =>
    new Promise<{ state: 'completed' | 'failed'; value: unknown }>((resolve) => {
      const onDone = ({ jobId: id, returnvalue }: { jobId: string; returnvalue: unknown }) => id === jobId && resolve({ state: 'completed', value: returnvalue });
      const onFail = ({ jobId: id, failedReason }: { jobId: string; failedReason: string }) => id === jobId && resolve({ state: 'failed', value: failedReason });
      events.on('completed', onDone);
      events.on('failed', onFail);
    });

  it('runs a job by its name on its own queue, once per job id', async () => {
    const done = finished('echo-1');
    await t.gateway.queues.enqueue('test.echo', { key: 'a' }, { jobId: 'echo-1' });
    await t.gateway.queues.enqueue('test.echo', { key: 'a-again' }, { jobId: 'echo-1' });
    const result = await done;
    expect(result.state).toBe('completed');
    const job = await t.gateway.queues.queue('test-queue').getJob('echo-1');
    expect(job?.returnvalue).toEqual({ key: 'a', purposes: 6 });
    expect(seen.filter((k) => k.startsWith('a'))).toEqual(['a']);
  });

  it('retries transient failures with backoff', async () => {
    const done = finished('flaky-1');
    await t.gateway.queues.enqueue('test.flaky', { key: 'f' }, { jobId: 'flaky-1' });
    expect((await done).state).toBe('completed');
    expect(attemptsOf.get('f')).toBe(3);
  });

  it('does not retry a rule violation', async () => {
    const done = finished('rule-1');
    await t.gateway.queues.enqueue('test.rule', { key: 'r' }, { jobId: 'rule-1' });
    const result = await done;
    expect(result.state).toBe('failed');
    expect(String(result.value)).toContain('CONFLICT');
    // Give BullMQ time to have scheduled a retry, were there one.
    await new Promise((r) => setTimeout(r, 200));
    expect(attemptsOf.get('r')).toBe(1);
  });

  it('refuses unknown job names and unknown queues with a clear error', async () => {
    await expect(t.gateway.queues.enqueue('test.nope', {})).rejects.toThrow(/no job named "test.nope"/);
    const { WorkerHost } = await import('../../src/jobs/worker-host');
    const host = new WorkerHost(t.gateway.queues, t.gateway.redis, t.gateway.dataSource, t.config, { queues: ['nope'], hooks: t.gateway.hooks, services: {} });
    expect(() => host.start()).toThrow(/unknown queue\(s\): nope/);
  });
});
