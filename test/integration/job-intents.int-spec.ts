import { systemActor } from '../../src/domain/actor';
import { requestErasure } from '../../src/domain/data-request.service';
import { DomainError, badInput } from '../../src/domain/errors';
import { declareJobs, jobIdOf, satisfyIntents, useCaseRunner, type JobIntent } from '../../src/domain/job-intents';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType } from '../../src/entities/enums';
import type { JobDefinition } from '../../src/jobs/job-definition';
import { seedDemoData } from '../../src/demo-data';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

/**
 * Job intents end to end: written in the change's transaction, handed to BullMQ after commit,
 * removed once a run that began after them finished, and replayed when the queue does not hold
 * them. Real MySQL and Redis; the test job records each run in a scratch table.
 */
describe('job intents', () => {
  let t: TestGateway;
  // A run in "gate" mode waits here until the test opens the gate.
  let openGate: () => void = () => undefined;
  let gate = Promise.resolve();
  let gateReached: () => void = () => undefined;

  const intentJob: JobDefinition<{ key: string; mode: 'ok' | 'gate' | 'transient' | 'rule' }> = {
    name: 'test.intent',
    queue: 'test-intents',
    attempts: 1,
    async process({ key, mode }, ctx) {
      if (mode === 'gate') {
        gateReached();
        await gate;
      }
      if (mode === 'transient') throw new Error('the database went away');
      if (mode === 'rule') throw new DomainError('CONFLICT', 'a rule says no');
      await ctx.dataSource.query('INSERT INTO intent_runs (k) VALUES (?)', [key]);
      return { key };
    },
  };

  const intent = (key: string, mode: 'ok' | 'gate' | 'transient' | 'rule' = 'ok'): JobIntent => ({ name: 'test.intent', key, payload: { key, mode } });
  const jobId = (key: string) => jobIdOf('test.intent', key);
  const runs = async (key: string) => Number((await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM intent_runs WHERE k = ?', [key]))[0].n);
  const intentRows = async (key: string) => Number((await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM job_intents WHERE job_id = ?', [jobId(key)]))[0].n);
  const state = async (key: string) => (await t.gateway.queues.queue('test-intents').getJob(jobId(key)))?.getState();

  beforeAll(async () => {
    t = await startTestGateway('job_intents', { parts: { jobs: [intentJob] }, serve: false });
    await t.gateway.dataSource.query('CREATE TABLE intent_runs (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(100) NOT NULL)');
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 5, recipients: 3, consentsPerSubject: 1, disclosuresPerSubject: 1, collectionEventsPerSubject: 1, seed: 3 });
  });
  afterAll(async () => {
    openGate();
    await t?.close();
  });

  it('writes nothing and queues nothing when the change rolls back', async () => {
    const failing = t.gateway.run(async (uow) => {
      await uow.declare(intent('rolled-back'));
      throw badInput('a later rule refused the change');
    });
    await expect(failing).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await intentRows('rolled-back')).toBe(0);
    expect(await state('rolled-back')).toBeUndefined();
  });

  it('hands a committed intent to the queue, runs it once, and removes it when the run finished', async () => {
    await t.gateway.work(['test-intents']);
    const outcome = await t.gateway.run(async (uow) => {
      await uow.declare(intent('once'), intent('once'));
      return 'done';
    });
    expect(outcome).toMatchObject({ result: 'done', queued: true });
    expect(outcome.declared.map((d) => d.jobId)).toEqual(['test.intent@once', 'test.intent@once']);
    await waitFor(async () => (await runs('once')) === 1 && (await intentRows('once')) === 0, 'the run and the intent removed', 20000);
    // Nothing is left to replay.
    expect(await t.gateway.intents.replay(t.gateway.dataSource, 0)).toMatchObject({ queued: 0 });
    expect(await runs('once')).toBe(1);
  });

  it('keeps the intent when the enqueue after commit never happens, and the replay queues it once', async () => {
    const crashed = useCaseRunner(t.gateway.dataSource, { dispatch: async () => Promise.reject(new Error('the process died after commit')) });
    const outcome = await crashed(async (uow) => uow.declare(intent('lost')));
    expect(outcome.queued).toBe(false);
    expect(await intentRows('lost')).toBe(1);
    expect(await state('lost')).toBeUndefined();
    // Within the grace the replay leaves it alone: its job may simply not have been taken yet.
    expect(await t.gateway.intents.replay(t.gateway.dataSource, 60_000)).toMatchObject({ queued: 0 });
    expect(await t.gateway.intents.replay(t.gateway.dataSource, 0)).toMatchObject({ queued: 1 });
    await waitFor(async () => (await runs('lost')) === 1 && (await intentRows('lost')) === 0, 'the replayed run', 20000);
    expect(await t.gateway.intents.replay(t.gateway.dataSource, 0)).toMatchObject({ queued: 0 });
    expect(await runs('lost')).toBe(1);
  });

  it('runs the job again when the intent was declared again while its job was running', async () => {
    gate = new Promise<void>((resolve) => (openGate = resolve));
    const reached = new Promise<void>((resolve) => (gateReached = resolve));
    await t.gateway.run((uow) => uow.declare(intent('grown', 'gate')));
    await reached;
    // A declaration in the very millisecond the run began counts as seen by it (satisfyIntents):
    // this test is about one that comes later.
    await new Promise((r) => setTimeout(r, 5));
    // The change comes while the run is under way: that run may have read the old state.
    const again = await t.gateway.run((uow) => uow.declare(intent('grown', 'ok')));
    expect(again.queued).toBe(true);
    openGate();
    await waitFor(async () => (await state('grown')) === 'completed', 'the first run', 20000);
    await new Promise((r) => setTimeout(r, 400)); // past the satisfier's batch interval
    expect(await runs('grown')).toBe(1);
    expect(await intentRows('grown')).toBe(1);
    expect(await t.gateway.intents.replay(t.gateway.dataSource, 0)).toMatchObject({ queued: 1 });
    await waitFor(async () => (await runs('grown')) === 2 && (await intentRows('grown')) === 0, 'the second run', 20000);
  });

  it('counts a run as done for changes declared up to the millisecond it began, not after', async () => {
    const ds = t.gateway.dataSource;
    const at = new Date('2026-12-07T07:30:00.320Z');
    await inTransaction(ds, (em) => declareJobs(em, [intent('same-ms')], at));
    expect(await satisfyIntents(ds.manager, [{ jobId: jobId('same-ms'), startedAt: new Date(at.getTime() - 1) }])).toBe(0);
    expect(await intentRows('same-ms')).toBe(1);
    // The usual case: declared, committed and dispatched, and the run begins in the same millisecond.
    expect(await satisfyIntents(ds.manager, [{ jobId: jobId('same-ms'), startedAt: at }])).toBe(1);
    expect(await intentRows('same-ms')).toBe(0);
  });

  it('replays a job whose attempts ran out, but not one a rule refused', async () => {
    await t.gateway.run((uow) => uow.declare(intent('flaky', 'transient'), intent('refused', 'rule')));
    await waitFor(async () => (await state('flaky')) === 'failed' && (await state('refused')) === 'failed', 'both to fail', 20000);
    await waitFor(async () => (await intentRows('refused')) === 0, 'the refused intent removed', 5000);
    expect(await intentRows('flaky')).toBe(1);
    const replayed = await t.gateway.intents.replay(t.gateway.dataSource, 0);
    expect(replayed).toMatchObject({ queued: 1 });
    await waitFor(async () => (await state('flaky')) === 'failed', 'the second attempt', 20000);
    const job = await t.gateway.queues.queue('test-intents').getJob(jobId('flaky'));
    expect(job?.failedReason).toContain('the database went away');
  });

  it('declares one job for concurrent identical requests', async () => {
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => requestErasure(t.gateway.run, systemActor, { subjectId: 2, type: DataRequestType.ERASURE, channel: 'WEB' })));
    const ids = new Set(outcomes.map((o) => o.result.request.id));
    expect(ids.size).toBe(1);
    expect(outcomes.filter((o) => o.result.created)).toHaveLength(1);
    expect(outcomes.flatMap((o) => o.declared.map((d) => d.jobId))).toEqual([`erasure.run@request-${[...ids][0]}`]);
    const rows = await t.gateway.dataSource.query(`SELECT job_id, name, payload, priority FROM job_intents WHERE name = 'erasure.run'`);
    expect(rows).toEqual([{ job_id: `erasure.run@request-${[...ids][0]}`, name: 'erasure.run', payload: JSON.stringify({ requestId: [...ids][0] }), priority: 10 }]);
    const queued = await t.gateway.queues.queue('erasure').getJob(`erasure.run@request-${[...ids][0]}`);
    expect(queued?.opts.priority).toBe(10);
  });
});
