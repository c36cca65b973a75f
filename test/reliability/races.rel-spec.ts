import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { createUnsubscribeToken } from '../../src/domain/unsubscribe-token.service';
import { PurposeKey } from '../../src/entities/enums';
import { halfErasedSubjects } from '../helpers/erasure-checks';
import { raceHoldAgainstErasure } from '../helpers/hold-erasure-race';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { RELIABILITY_SEED, seededRandom, size } from './support/scale';

const HOLD_TRIALS = Math.max(1000, size('RELIABILITY_RACE_TRIALS', 1000));
// Trials run in parallel lanes, so trials also race each other on the audit chain and the pool.
const LANES = 4;
const SUBJECTS = size('RELIABILITY_RACE_SUBJECTS', 30);
const CLICKS = 8;

/** A consent history is consistent: seq 1..n without gaps, no event repeats the status before it, and the current row is the last event. */
async function consentViolations(t: TestGateway, subjectIds: number[]): Promise<string[]> {
  const ds = t.gateway.dataSource;
  const events: { subject_id: number; purpose: string; seq: number; status: string }[] = await ds.query(
    `SELECT subject_id, purpose, seq, status FROM consent_events WHERE subject_id IN (?) ORDER BY subject_id, purpose, seq`,
    [subjectIds],
  );
  const current: { subject_id: number; purpose: string; status: string; version: number }[] = await ds.query(`SELECT subject_id, purpose, status, version FROM consents WHERE subject_id IN (?)`, [subjectIds]);
  const history = new Map<string, { seq: number; status: string }[]>();
  for (const e of events) {
    const key = `${e.subject_id}/${e.purpose}`;
    history.set(key, [...(history.get(key) ?? []), { seq: Number(e.seq), status: e.status }]);
  }
  const problems: string[] = [];
  for (const [key, list] of history) {
    list.forEach((e, i) => {
      if (e.seq !== i + 1) problems.push(`${key}: event ${i + 1} has seq ${e.seq}`);
      if (i > 0 && list[i - 1]!.status === e.status) problems.push(`${key}: seq ${e.seq} repeats ${e.status}`);
    });
  }
  for (const c of current) {
    const list = history.get(`${c.subject_id}/${c.purpose}`) ?? [];
    const last = list[list.length - 1];
    // Replaying the events gives the current state.
    if (!last || last.status !== c.status || last.seq !== Number(c.version)) problems.push(`${c.subject_id}/${c.purpose}: current ${c.status} v${c.version}, history ends ${JSON.stringify(last)}`);
  }
  return problems;
}

describe('races', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('rel_races', { env: { MYSQL_POOL_SIZE: '16' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: HOLD_TRIALS + 3 * SUBJECTS, recipients: 8, consentsPerSubject: 3, disclosuresPerSubject: 2, collectionEventsPerSubject: 1, seed: 19 });
  }, 300000);
  afterAll(() => t?.close());

  it(`legal hold against erasure, ${HOLD_TRIALS} trials: no held subject is ever erased`, async () => {
    const outcomes = { holdFirst: 0, erasureFirst: 0 };
    const violations: string[] = [];
    let next = 1;
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next <= HOLD_TRIALS) {
          const subjectId = next;
          next += 1;
          const trial = await raceHoldAgainstErasure(t.gateway, subjectId);
          outcomes[trial.holdFirst ? 'holdFirst' : 'erasureFirst'] += 1;
          if (trial.violation) violations.push(trial.violation);
        }
      }),
    );
    process.stdout.write(`hold/erasure race, ${HOLD_TRIALS} trials: ${JSON.stringify(outcomes)}\n`);
    expect(violations).toEqual([]);
    expect(outcomes.holdFirst + outcomes.erasureFirst).toBe(HOLD_TRIALS);
    expect(outcomes.holdFirst).toBeGreaterThan(0);
    expect(outcomes.erasureFirst).toBeGreaterThan(0);
    const ds = t.gateway.dataSource;
    expect(await halfErasedSubjects(ds, Array.from({ length: HOLD_TRIALS }, (_, i) => i + 1))).toEqual([]);
    const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM subjects s JOIN legal_hold_subjects hs ON hs.subject_id = s.id WHERE s.status = 'ERASED'`);
    expect(Number(n)).toBe(0);
  }, 900_000);

  it(`duplicate erasure requests sent ${CLICKS} at a time open one request per subject`, async () => {
    const subjects = Array.from({ length: SUBJECTS }, (_, i) => HOLD_TRIALS + 1 + i);
    const mutation = `mutation($u: ID!) { requestErasure(userId: $u, channel: "WEB") { created request { id } } }`;
    const results = await Promise.all(subjects.flatMap((s) => Array.from({ length: CLICKS }, () => t.gql<{ requestErasure: { created: boolean; request: { id: string } } }>(mutation, { u: String(s) }))));
    expect(results.filter((r) => r.errors)).toEqual([]);
    const ds = t.gateway.dataSource;
    for (const [i, s] of subjects.entries()) {
      const mine = results.slice(i * CLICKS, (i + 1) * CLICKS).map((r) => r.data!.requestErasure);
      expect(new Set(mine.map((m) => m.request.id)).size).toBe(1);
      expect(mine.filter((m) => m.created)).toHaveLength(1);
      const open: { id: number }[] = await ds.query(`SELECT id FROM data_requests WHERE subject_id = ?`, [s]);
      expect(open.map((o) => String(o.id))).toEqual([mine[0]!.request.id]);
    }
    const [{ acks }] = await ds.query(`SELECT COUNT(*) AS acks FROM outbox_messages o JOIN data_requests r ON r.id = o.data_request_id WHERE o.kind = 'REQUEST_ACKNOWLEDGEMENT' AND r.subject_id IN (?)`, [subjects]);
    expect(Number(acks)).toBe(SUBJECTS);
    const [{ received }] = await ds.query(`SELECT COUNT(*) AS received FROM audit_events a JOIN data_requests r ON a.entity_id = CAST(r.id AS CHAR) WHERE a.action = 'request.received' AND r.subject_id IN (?)`, [subjects]);
    expect(Number(received)).toBe(SUBJECTS);
  }, 300_000);

  it(`double clicks on the one-click unsubscribe (${CLICKS} concurrent POSTs) write one consent event`, async () => {
    const subjects = Array.from({ length: SUBJECTS }, (_, i) => HOLD_TRIALS + SUBJECTS + 1 + i);
    const grant = `mutation($u: ID!) { recordConsent(input: { userId: $u, purpose: PRODUCT_EMAIL, status: GRANTED, source: FORM }) { changed } }`;
    for (const s of subjects) expect((await t.gql(grant, { u: String(s) })).errors).toBeUndefined();
    const ds = t.gateway.dataSource;
    const eventsBefore = Number((await ds.query(`SELECT COUNT(*) AS n FROM consent_events WHERE subject_id IN (?)`, [subjects]))[0].n);
    const clicks = await Promise.all(
      subjects.flatMap((s) => {
        const token = createUnsubscribeToken(t.config.communications, s, PurposeKey.PRODUCT_EMAIL);
        return Array.from({ length: CLICKS }, async () => {
          const res = await fetch(new URL(`/unsubscribe?token=${encodeURIComponent(token)}`, t.url), {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: 'List-Unsubscribe=One-Click',
          });
          return { status: res.status, body: (await res.json()) as { changed: boolean } };
        });
      }),
    );
    expect(clicks.filter((c) => c.status !== 200)).toEqual([]);
    for (let i = 0; i < SUBJECTS; i += 1) expect(clicks.slice(i * CLICKS, (i + 1) * CLICKS).filter((c) => c.body.changed)).toHaveLength(1);
    const eventsAfter = Number((await ds.query(`SELECT COUNT(*) AS n FROM consent_events WHERE subject_id IN (?)`, [subjects]))[0].n);
    expect(eventsAfter - eventsBefore).toBe(SUBJECTS);
    const sources: { source: string; status: string }[] = await ds.query(`SELECT source, status FROM consents WHERE subject_id IN (?) AND purpose = 'PRODUCT_EMAIL'`, [subjects]);
    expect(sources).toHaveLength(SUBJECTS);
    expect(sources.every((c) => c.source === 'UNSUBSCRIBE_LINK' && c.status === 'WITHDRAWN')).toBe(true);
    expect(await consentViolations(t, subjects)).toEqual([]);
  }, 300_000);

  it('concurrent consent changes for one subject from many connections: the state is what the history says', async () => {
    const rnd = seededRandom(RELIABILITY_SEED + 1);
    const subjects = Array.from({ length: SUBJECTS }, (_, i) => HOLD_TRIALS + 2 * SUBJECTS + 1 + i);
    const purposes = ['THIRD_PARTY_OFFERS', 'PRODUCT_EMAIL', 'ANALYTICS_COOKIES'];
    const mutation = `mutation($u: ID!, $p: Purpose!, $s: ConsentStatus!) { recordConsent(input: { userId: $u, purpose: $p, status: $s, source: FORM }) { changed consent { version } } }`;
    const ds = t.gateway.dataSource;
    const eventsBefore = Number((await ds.query(`SELECT COUNT(*) AS n FROM consent_events WHERE subject_id IN (?)`, [subjects]))[0].n);
    const auditBefore = Number((await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'consent.recorded'`))[0].n);
    // Two rounds of 16 concurrent changes per subject, all subjects at once (HTTP: one pool connection each).
    let changed = 0;
    for (let round = 0; round < 2; round += 1) {
      const results = await Promise.all(
        subjects.flatMap((s) =>
          Array.from({ length: 16 }, () => t.gql<{ recordConsent: { changed: boolean } }>(mutation, { u: String(s), p: purposes[Math.floor(rnd() * purposes.length)], s: rnd() < 0.5 ? 'GRANTED' : 'WITHDRAWN' })),
        ),
      );
      expect(results.filter((r) => r.errors)).toEqual([]);
      changed += results.filter((r) => r.data!.recordConsent.changed).length;
    }
    const eventsAfter = Number((await ds.query(`SELECT COUNT(*) AS n FROM consent_events WHERE subject_id IN (?)`, [subjects]))[0].n);
    const auditAfter = Number((await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'consent.recorded'`))[0].n);
    // Every "changed" answer is exactly one event and one audit entry; the rest wrote nothing.
    expect(eventsAfter - eventsBefore).toBe(changed);
    expect(auditAfter - auditBefore).toBe(changed);
    expect(changed).toBeGreaterThan(0);
    expect(await consentViolations(t, subjects)).toEqual([]);
    const chain = await t.gql<{ verifyAuditChain: { valid: boolean } }>(`{ verifyAuditChain { valid } }`);
    expect(chain.data?.verifyAuditChain.valid).toBe(true);
  }, 300_000);
});
