import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { openErasureRequest } from '../../src/domain/data-request.service';
import { runErasure } from '../../src/domain/erasure.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType, Role } from '../../src/entities/enums';
import { placeLegalHold } from '../../src/plugins/legal-hold/legal-hold.service';
import { halfErasedSubjects } from '../helpers/erasure-checks';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

const TRIALS = Number(process.env.RACE_TRIALS ?? 120);
const legal = { id: 'test-legal', roles: [Role.LEGAL] };

/**
 * A legal hold and an erasure of the same subject, started together on separate connections,
 * both in flight: either the hold came first (the subject is intact and the request blocked)
 * or the erasure did (the placement reports the subject as already erased). Never a held
 * subject erased.
 */
describe(`legal hold against erasure, ${TRIALS} trials with real concurrency`, () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('erasure_race', { serve: false, env: { MYSQL_POOL_SIZE: '8' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: TRIALS, recipients: 8, consentsPerSubject: 3, disclosuresPerSubject: 3, collectionEventsPerSubject: 2, seed: 9 });
  });
  afterAll(() => t.close());

  it('never erases a held subject', async () => {
    const ds = t.gateway.dataSource;
    const outcomes = { holdFirst: 0, erasureFirst: 0 };
    const violations: string[] = [];
    for (let subjectId = 1; subjectId <= TRIALS; subjectId += 1) {
      const { request } = await inTransaction(ds, (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
      const erase = () => inTransaction(ds, (em) => runErasure(em, systemActor, request.id, t.gateway.hooks, t.gateway.queues));
      const hold = () => inTransaction(ds, (em) => placeLegalHold(em, legal, { matter: `Race ${subjectId}`, caseReference: 'R', subjectIds: [subjectId] }, { snapshotJobThreshold: 100, purgeGraceDays: 30 }));
      // Alternate which one is sent first; both are in flight before either can finish.
      const [erasure, placement] = subjectId % 2 === 0 ? await Promise.all([erase(), hold()]) : await Promise.all([hold(), erase()]).then(([h, e]) => [e, h] as const);
      const [subject] = await ds.query('SELECT status FROM subjects WHERE id = ?', [subjectId]);
      const [req] = await ds.query('SELECT status FROM data_requests WHERE id = ?', [request.id]);
      const held: unknown[] = await ds.query('SELECT 1 FROM legal_hold_subjects WHERE subject_id = ?', [subjectId]);
      if (placement.alreadyErasedSubjectIds.includes(subjectId)) {
        outcomes.erasureFirst += 1;
        if (erasure.status !== 'COMPLETED' || subject.status !== 'ERASED' || req.status !== 'COMPLETED' || held.length !== 0) violations.push(`trial ${subjectId}: erasure first but ${JSON.stringify({ erasure: erasure.status, subject, req, held: held.length })}`);
      } else {
        outcomes.holdFirst += 1;
        if (erasure.status !== 'BLOCKED_BY_HOLD' || subject.status !== 'ACTIVE' || req.status !== 'BLOCKED_BY_HOLD' || held.length !== 1) violations.push(`trial ${subjectId}: hold first but ${JSON.stringify({ erasure: erasure.status, subject, req, held: held.length })}`);
      }
    }
    expect(violations).toEqual([]);
    expect(outcomes.holdFirst + outcomes.erasureFirst).toBe(TRIALS);
    // Both orders happened: the two really raced.
    expect(outcomes.holdFirst).toBeGreaterThan(0);
    expect(outcomes.erasureFirst).toBeGreaterThan(0);
    const ids = Array.from({ length: TRIALS }, (_, i) => i + 1);
    expect(await halfErasedSubjects(ds, ids)).toEqual([]);
    const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM subjects s JOIN legal_hold_subjects hs ON hs.subject_id = s.id WHERE s.status = 'ERASED'`);
    expect(Number(n)).toBe(0);
    process.stdout.write(`race outcomes: ${JSON.stringify(outcomes)}\n`);
  });
});
