import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { halfErasedSubjects } from '../helpers/erasure-checks';
import { raceHoldAgainstErasure } from '../helpers/hold-erasure-race';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

const TRIALS = Number(process.env.RACE_TRIALS ?? 120);

/**
 * A legal hold and an erasure of the same subject, started together on separate connections
 * (test/helpers/hold-erasure-race.ts). The reliability project runs 1,000 trials of the same.
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
      const trial = await raceHoldAgainstErasure(t.gateway, subjectId);
      if (trial.holdFirst) outcomes.holdFirst += 1;
      else outcomes.erasureFirst += 1;
      if (trial.violation) violations.push(trial.violation);
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
