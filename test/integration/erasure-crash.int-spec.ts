import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { erasureJob, openErasureRequest } from '../../src/domain/data-request.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType } from '../../src/entities/enums';
import { runCli, type CliRun } from '../helpers/cli-process';
import { halfErasedSubjects } from '../helpers/erasure-checks';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

const SUBJECTS = 150;
const KILLS = 3;

/**
 * Workers in child processes, killed with SIGKILL in the middle of erasures: after a new
 * worker starts, every request is COMPLETED exactly once and no subject is half-erased.
 */
describe('a worker killed mid-erasure', () => {
  let t: TestGateway;
  let worker: CliRun | null = null;
  const env = () => ({
    MYSQL_DATABASE: t.config.mysql.database,
    QUEUE_PREFIX: t.config.redis.prefix,
    WORKER_CONCURRENCY: '4',
    WORKER_LOCK_MS: '1000',
    WORKER_STALLED_CHECK_MS: '500',
    OUTBOX_POLL_MS: '3600000',
    REQUEST_MONITOR_MS: '3600000',
  });
  const completed = async () => Number((await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM data_requests WHERE status = 'COMPLETED'`))[0].n);

  beforeAll(async () => {
    t = await startTestGateway('erasure_crash', { serve: false });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: SUBJECTS, recipients: 20, consentsPerSubject: 5, disclosuresPerSubject: 10, collectionEventsPerSubject: 20, seed: 21 });
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await t.close();
  });

  it('completes every request exactly once, with no subject half-erased', async () => {
    const ds = t.gateway.dataSource;
    const ids: number[] = [];
    for (let subjectId = 1; subjectId <= SUBJECTS; subjectId += 1) {
      const { request } = await inTransaction(ds, (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
      ids.push(request.id);
    }
    for (const id of ids) await t.gateway.declareJobs(erasureJob(id, DataRequestType.ERASURE));
    const queue = t.gateway.queues.queue('erasure');
    const subjectIds = Array.from({ length: SUBJECTS }, (_, i) => i + 1);

    let kills = 0;
    let last = 0;
    while (kills < KILLS) {
      worker = runCli(['work', '--queues', 'erasure'], env());
      await worker.waitFor(/workers started/);
      // Let it get well into the work, then kill it while jobs are active.
      const target = last + 15;
      await waitFor(async () => (await completed()) >= target && (await queue.getActiveCount()) > 0, `${target} erasures with jobs in flight`, 60000, 5);
      worker.child.kill('SIGKILL');
      await worker.exited;
      kills += 1;
      last = await completed();
      expect(last).toBeLessThan(SUBJECTS);
      expect(await halfErasedSubjects(ds, subjectIds)).toEqual([]);
    }

    worker = runCli(['work', '--queues', 'erasure'], env());
    await worker.waitFor(/workers started/);
    await waitFor(async () => (await completed()) === SUBJECTS, 'every request completed', 90000, 100);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    expect(await halfErasedSubjects(ds, subjectIds)).toEqual([]);
    const [{ n: erased }] = await ds.query(`SELECT COUNT(*) AS n FROM subjects WHERE status = 'ERASED'`);
    expect(Number(erased)).toBe(SUBJECTS);
    const audits: { entity_id: string; n: number }[] = await ds.query(`SELECT entity_id, COUNT(*) AS n FROM audit_events WHERE action = 'erasure.completed' GROUP BY entity_id`);
    expect(audits).toHaveLength(SUBJECTS);
    expect(audits.every((a) => Number(a.n) === 1)).toBe(true);
    const [{ n: notices }] = await ds.query(`SELECT COUNT(*) AS n FROM outbox_messages WHERE kind = 'ERASURE_CONFIRMATION'`);
    expect(Number(notices)).toBe(SUBJECTS);
  });
});
