import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { erasureJob } from '../../src/domain/data-request.service';
import { DataRequestType, Role } from '../../src/entities/enums';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

const ORDINARY = 1000;

describe('a child deletion queued behind 1,000 ordinary erasures', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('erasure_priority', { env: { WORKER_CONCURRENCY: '1' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: ORDINARY + 1, recipients: 6, consentsPerSubject: 1, disclosuresPerSubject: 1, collectionEventsPerSubject: 0, seed: 4 });
  });
  afterAll(() => t.close());

  it('is processed first', async () => {
    const ds = t.gateway.dataSource;
    const now = new Date();
    await ds.query(
      `INSERT INTO data_requests (type, status, channel, subject_id, received_at, acknowledge_due_at, acknowledged_at, due_at, created_by)
       SELECT 'ERASURE', 'ACKNOWLEDGED', 'WEB', id, ?, ?, ?, ?, 'test' FROM subjects WHERE id <= ?`,
      [now, now, now, new Date(now.getTime() + 45 * 86400_000), ORDINARY],
    );
    const ids: { id: number }[] = await ds.query(`SELECT id FROM data_requests ORDER BY id`);
    for (const { id } of ids) await t.gateway.declareJobs(erasureJob(id, DataRequestType.ERASURE));
    const child = await t.gql<{ flagChild: { request: { id: string } } }>(`mutation { flagChild(userId: "${ORDINARY + 1}") { request { id } } }`, undefined, t.token(Role.PRIVACY_OPS));
    const childId = Number(child.data!.flagChild.request.id);
    expect(await t.gateway.queues.queue('erasure').getWaitingCount() + (await t.gateway.queues.queue('erasure').getPrioritizedCount())).toBe(ORDINARY + 1);

    await t.gateway.work(['erasure']);
    const done = await waitFor(async () => {
      const [r] = await ds.query('SELECT status, completed_at FROM data_requests WHERE id = ?', [childId]);
      return r.status === 'COMPLETED' ? (r.completed_at as Date) : undefined;
    }, 'the child deletion');
    const [{ first }] = await ds.query(`SELECT MIN(completed_at) AS first FROM data_requests WHERE type = 'ERASURE' AND status = 'COMPLETED'`);
    if (first !== null) expect(new Date(first).getTime()).toBeGreaterThanOrEqual(new Date(done).getTime());
    const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM data_requests WHERE type = 'ERASURE' AND completed_at < ?`, [done]);
    expect(Number(n)).toBe(0);
  });
});
