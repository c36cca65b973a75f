import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { Role } from '../../src/entities/enums';
import { deliverOutbox } from '../../src/jobs/outbox-delivery.job';
import { createMailTransport } from '../../src/jobs/mail-transport';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';
import { endOfCaliforniaDay } from '../helpers/california-time';
import { californiaLongDate } from '../../src/domain/deadlines';
import { waitFor } from '../helpers/wait';

const REQUEST = `mutation($id: ID!, $changes: UpdateUserInput!, $evidence: String, $verification: VerificationMethod!) {
  requestCorrection(userId: $id, changes: $changes, evidence: $evidence, channel: "WEB_FORM", verification: $verification) {
    id type status reasonCode dueAt receivedAt verificationMethod verificationRequired correctionEvidence
    correctionChanges { field proposedValue status reason decidedBy } } }`;
const DECIDE = `mutation($id: ID!, $decisions: [CorrectionDecisionInput!]!) {
  decideCorrection(requestId: $id, decisions: $decisions) { id status reasonCode result completedAt correctionChanges { field status reason } } }`;

interface Opened {
  id: string;
  status: string;
  reasonCode: string | null;
  dueAt: string;
  receivedAt: string;
  verificationRequired: string;
  correctionEvidence: string | null;
  correctionChanges: { field: string; proposedValue: string | null; status: string; reason: string | null }[];
}
interface Decided {
  id: string;
  status: string;
  reasonCode: string | null;
  result: { corrected: string[]; rejected: { field: string; reason: string }[]; recipientsTold: number[] } | null;
  correctionChanges: { field: string; status: string; reason: string }[];
}

describe('correction requests', () => {
  let t: TestGateway;
  const ops = () => t.token(Role.PRIVACY_OPS);
  const ds = () => t.gateway.dataSource;
  const open = async (id: number, changes: Record<string, unknown>, verification = 'SIGNED_IN_SESSION', evidence: string | null = 'a copy of my passport') => {
    const res = await t.gql<{ requestCorrection: Opened }>(REQUEST, { id: String(id), changes, evidence, verification }, ops());
    expect(res.errors).toBeUndefined();
    return res.data!.requestCorrection;
  };
  const decide = (id: string, decisions: { field: string; accept: boolean; reason: string }[], token = ops()) => t.gql<{ decideCorrection: Decided }>(DECIDE, { id, decisions }, token);
  const messages = (requestId: string, kind: string): Promise<{ to_address: string; text_body: string; recipient_id: number | null }[]> =>
    ds().query('SELECT to_address, text_body, recipient_id FROM outbox_messages WHERE data_request_id = ? AND kind = ? ORDER BY id', [Number(requestId), kind]);

  beforeAll(async () => {
    t = await startTestGateway('correction_request');
    await seedDemoData(ds(), systemActor, { subjects: 20, recipients: 12, disclosuresPerSubject: 8, seed: 9 });
  });
  afterAll(() => t.close());

  it('records each proposed change with the deadlines of a deletion; accepted, it goes through the update path, recipients that got it are told, and the person answered', async () => {
    // A recipient that received the person's name and email, identifiably, with an address to write to.
    const [recipient] = await ds().query(`SELECT id, name, email FROM recipients WHERE kind = 'AGENT' AND email IS NOT NULL ORDER BY id LIMIT 1`);
    await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (1, ?, 'SERVICE_PROVISION', 1, NOW(3) - INTERVAL 3 DAY, 'test')`, [recipient.id]);
    const [{ id: disclosureId }] = await ds().query('SELECT MAX(id) AS id FROM disclosures WHERE subject_id = 1');
    await ds().query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, 'user.name'), (?, 'user.contact.email')`, [disclosureId, disclosureId]);
    const [before] = await ds().query('SELECT name, email, city FROM subjects WHERE id = 1');

    const opened = await open(1, { name: 'Ann Correct', city: 'Oakland' });
    expect(opened).toMatchObject({ status: 'ACKNOWLEDGED', verificationRequired: 'REASONABLE', correctionEvidence: 'a copy of my passport' });
    expect(opened.dueAt).toBe(endOfCaliforniaDay(opened.receivedAt, 45));
    expect(opened.correctionChanges).toEqual([
      { field: 'NAME', proposedValue: 'Ann Correct', status: 'PENDING', reason: null, decidedBy: null },
      { field: 'CITY', proposedValue: 'Oakland', status: 'PENDING', reason: null, decidedBy: null },
    ]);
    const acks = await messages(opened.id, 'REQUEST_ACKNOWLEDGEMENT');
    expect(acks).toHaveLength(1);
    expect(acks[0]!.text_body).toContain(`We will answer by ${californiaLongDate(new Date(opened.dueAt))}.`);
    // Nothing changes until it is decided.
    expect((await ds().query('SELECT name, city FROM subjects WHERE id = 1'))[0]).toEqual({ name: before.name, city: before.city });

    // One decision at a time: still in progress, nothing applied.
    const first = await decide(opened.id, [{ field: 'NAME', accept: true, reason: 'matches the passport' }]);
    expect(first.errors).toBeUndefined();
    expect(first.data!.decideCorrection.status).toBe('IN_PROGRESS');
    expect((await ds().query('SELECT name FROM subjects WHERE id = 1'))[0].name).toBe(before.name);
    // A field decided twice is refused, changing nothing.
    const again = await decide(opened.id, [{ field: 'NAME', accept: false, reason: 'changed my mind' }]);
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_DECIDED' });

    const done = await decide(opened.id, [{ field: 'CITY', accept: true, reason: 'a utility bill shows it' }]);
    expect(done.errors).toBeUndefined();
    expect(done.data!.decideCorrection).toMatchObject({ status: 'COMPLETED', reasonCode: null, result: { corrected: ['name', 'city'], rejected: [] } });
    expect((await ds().query('SELECT name, city FROM subjects WHERE id = 1'))[0]).toEqual({ name: 'Ann Correct', city: 'Oakland' });
    // The update path's audit (field names only), and the decision's own.
    const audit: { action: string; details: string }[] = await ds().query(`SELECT action, details FROM audit_events WHERE entity_id IN ('1', ?) AND action IN ('subject.updated', 'request.correction-completed') ORDER BY id`, [opened.id]);
    expect(audit.map((a) => a.action)).toEqual(['subject.updated', 'request.correction-completed']);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('Ann Correct');

    // The recipient that received the name is told the corrected name (not the city: it never got one),
    // naming the person as it knew them.
    const notices = await messages(opened.id, 'CORRECTION_NOTICE');
    const mine = notices.find((n) => Number(n.recipient_id) === Number(recipient.id))!;
    expect(mine.to_address).toBe(recipient.email);
    expect(mine.text_body).toContain('Name: Ann Correct');
    expect(mine.text_body).toContain(`Name: ${before.name}`);
    expect(mine.text_body).not.toContain('Oakland');
    expect(done.data!.decideCorrection.result!.recipientsTold).toContain(Number(recipient.id));
    const [answer] = await messages(opened.id, 'CORRECTION_ANSWER');
    expect(answer!.text_body).toContain('your name: Ann Correct');
    expect(answer!.text_body).toContain('your city: Oakland');
    // Once delivered, neither the recipients' notices nor the answer keep their bodies (or addresses).
    await deliverOutbox(ds(), createMailTransport(t.config));
    const kept: { kind: string; text_body: string; to_address: string | null; status: string }[] = await ds().query(`SELECT kind, text_body, to_address, status FROM outbox_messages WHERE data_request_id = ? AND kind IN ('CORRECTION_NOTICE', 'CORRECTION_ANSWER')`, [Number(opened.id)]);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    for (const m of kept) expect(m).toEqual({ kind: m.kind, text_body: '', to_address: null, status: 'SENT' });
  });

  it('a rejected change is not applied, and the person is told why; all rejected, the request is rejected', async () => {
    const [before] = await ds().query('SELECT phone FROM subjects WHERE id = 2');
    const opened = await open(2, { phone: '+14155550199' });
    const res = await decide(opened.id, [{ field: 'PHONE', accept: false, reason: 'the number on our contract is the one you gave us in 2024' }]);
    expect(res.data!.decideCorrection).toMatchObject({ status: 'REJECTED', reasonCode: 'CORRECTION_REJECTED', result: { corrected: [], rejected: [{ field: 'phone', reason: 'the number on our contract is the one you gave us in 2024' }], recipientsTold: [] } });
    expect((await ds().query('SELECT phone FROM subjects WHERE id = 2'))[0].phone).toBe(before.phone);
    const [answer] = await messages(opened.id, 'CORRECTION_ANSWER');
    expect(answer!.text_body).toContain('We did not correct:');
    expect(answer!.text_body).toContain('your telephone number: the number on our contract is the one you gave us in 2024');
    expect(await messages(opened.id, 'CORRECTION_NOTICE')).toEqual([]);
  });

  it('some accepted, some rejected: PARTLY_REJECTED, only the accepted applied', async () => {
    const opened = await open(3, { city: 'Fresno', postalCode: '93650' });
    const res = await decide(opened.id, [{ field: 'CITY', accept: true, reason: 'documented' }, { field: 'POSTAL_CODE', accept: false, reason: 'not documented' }]);
    expect(res.data!.decideCorrection).toMatchObject({ status: 'COMPLETED', reasonCode: 'PARTLY_REJECTED' });
    const [row] = await ds().query('SELECT city, postal_code FROM subjects WHERE id = 3');
    expect(row.city).toBe('Fresno');
    expect(row.postal_code).not.toBe('93650');
  });

  it('not verified: recorded, rejected at once, nothing changed, the person told', async () => {
    const opened = await open(4, { name: 'Someone Else' }, 'NONE');
    expect(opened).toMatchObject({ status: 'REJECTED', reasonCode: 'NOT_VERIFIED' });
    expect(opened.correctionChanges[0]).toMatchObject({ status: 'REJECTED', reason: 'we could not verify that the request came from you' });
    expect((await ds().query('SELECT name FROM subjects WHERE id = 4'))[0].name).not.toBe('Someone Else');
    expect((await messages(opened.id, 'CORRECTION_ANSWER'))[0]!.text_body).toContain('could not verify');
    expect(errorCode(await decide(opened.id, [{ field: 'NAME', accept: true, reason: 'x' }]))).toBe('CONFLICT');
  });

  it('refuses bad input, a second open request, the wrong roles and an accepted value the rules refuse, changing nothing', async () => {
    const opened = await open(5, { email: 'taken@example.com' });
    await ds().query(`UPDATE subjects SET email = 'taken@example.com' WHERE id = 6`);
    await waitFor(async () => Number((await ds().query('SELECT COUNT(*) AS n FROM job_intents'))[0].n) === 0, 'job intents satisfied');
    const before = await tableChecksums(t.gateway);
    const ask = (vars: Record<string, unknown>, token = ops()) => t.gql(REQUEST, { id: '7', changes: { city: 'Reno' }, evidence: null, verification: 'SIGNED_IN_SESSION', ...vars }, token);
    expect(errorCode(await ask({ changes: {} }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await ask({ changes: { email: 'not an email' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await ask({ changes: { birthDate: '2020-01-01' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await ask({ changes: { region: 'FR-75', country: 'US' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await ask({ changes: { email: null, phone: null } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await ask({ verification: 'NOT_APPLICABLE' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await ask({ evidence: 'x'.repeat(10_001) }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await ask({ id: '99999' }))).toBe('NOT_FOUND');
    expect((await ask({ id: '5' })).errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CORRECTION_OPEN' });
    for (const role of [Role.APP, Role.LEGAL, Role.MNA]) {
      expect(errorCode(await ask({}, t.token(role)))).toBe('FORBIDDEN');
      expect(errorCode(await decide(opened.id, [{ field: 'EMAIL', accept: true, reason: 'ok' }], t.token(role)))).toBe('FORBIDDEN');
    }
    expect(errorCode(await decide(opened.id, [{ field: 'NAME', accept: true, reason: 'ok' }]))).toBe('BAD_USER_INPUT');
    expect(errorCode(await decide(opened.id, [{ field: 'EMAIL', accept: true, reason: '  ' }]))).toBe('BAD_USER_INPUT');
    expect(errorCode(await decide(opened.id, [{ field: 'EMAIL', accept: true, reason: 'a' }, { field: 'EMAIL', accept: false, reason: 'b' }]))).toBe('BAD_USER_INPUT');
    expect(errorCode(await decide('424242', [{ field: 'EMAIL', accept: true, reason: 'ok' }]))).toBe('NOT_FOUND');
    // Accepting an email another person has: the update path refuses it, and the decision with it.
    expect(errorCode(await decide(opened.id, [{ field: 'EMAIL', accept: true, reason: 'documented' }]))).toBe('CONFLICT');
    expect(await tableChecksums(t.gateway)).toEqual(before);
  });

  it('two decisions at once: one wins, the other is refused, the change is applied once', async () => {
    const opened = await open(8, { city: 'Sacramento' });
    const results = await Promise.all([
      decide(opened.id, [{ field: 'CITY', accept: true, reason: 'one' }]),
      decide(opened.id, [{ field: 'CITY', accept: false, reason: 'two' }]),
    ]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map(errorCode)).toEqual(['CONFLICT']);
    expect(await messages(opened.id, 'CORRECTION_ANSWER')).toHaveLength(1);
  });

  it('an erasure closes a correction request still open: its changes rejected with the reason, nothing left to decide', async () => {
    const opened = await open(10, { city: 'Modesto' }, 'SIGNED_IN_SESSION', 'my bill');
    await t.gql(`mutation { requestErasure(userId: "10", channel: "WEB_FORM") { request { id } } }`, undefined, ops());
    await t.gateway.work(['erasure']);
    await waitFor(async () => (await ds().query('SELECT status FROM subjects WHERE id = 10'))[0].status === 'ERASED', 'the erasure');
    const [request] = await ds().query('SELECT status, reason_code FROM data_requests WHERE id = ?', [Number(opened.id)]);
    expect(request).toEqual({ status: 'REJECTED', reason_code: 'SUBJECT_ERASED' });
    const [change] = await ds().query('SELECT proposed_value, status, reason FROM correction_changes WHERE request_id = ?', [Number(opened.id)]);
    expect(change).toEqual({ proposed_value: null, status: 'REJECTED', reason: 'your information was deleted at your request before this change was decided' });
    expect((await decide(opened.id, [{ field: 'CITY', accept: true, reason: 'x' }])).errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });
  });

  it('a restricted person (a hold stops their erasure): no new correction, and an open one may only be rejected', async () => {
    const opened = await open(11, { city: 'Visalia' });
    await ds().query(`UPDATE subjects SET status = 'RESTRICTED' WHERE id = 11`);
    try {
      expect((await decide(opened.id, [{ field: 'CITY', accept: true, reason: 'x' }])).errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SUBJECT_RESTRICTED' });
      const rejected = await decide(opened.id, [{ field: 'CITY', accept: false, reason: 'a legal hold keeps this information as it is' }]);
      expect(rejected.data!.decideCorrection).toMatchObject({ status: 'REJECTED', reasonCode: 'CORRECTION_REJECTED' });
      const again = await t.gql(REQUEST, { id: '11', changes: { city: 'Tulare' }, evidence: null, verification: 'SIGNED_IN_SESSION' }, ops());
      expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SUBJECT_RESTRICTED' });
    } finally {
      await ds().query(`UPDATE subjects SET status = 'ACTIVE' WHERE id = 11`);
    }
  });

  it('an erasure clears what the person proposed and sent; the decisions stay', async () => {
    const opened = await open(9, { city: 'Eureka' }, 'SIGNED_IN_SESSION', 'my lease');
    await decide(opened.id, [{ field: 'CITY', accept: false, reason: 'no proof' }]);
    const erase = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "9", channel: "WEB_FORM", verification: EMAIL_ROUND_TRIP) { request { id verificationMethod verificationRequired } } }`, undefined, ops());
    expect(erase.errors).toBeUndefined();
    expect(erase.data!.requestErasure.request).toMatchObject({ verificationMethod: 'EMAIL_ROUND_TRIP', verificationRequired: 'REASONABLE' });
    await t.gateway.work(['erasure']);
    await waitFor(async () => (await ds().query('SELECT status FROM subjects WHERE id = 9'))[0].status === 'ERASED', 'the erasure');
    const [change] = await ds().query('SELECT proposed_value, status, reason FROM correction_changes WHERE request_id = ?', [Number(opened.id)]);
    expect(change).toEqual({ proposed_value: null, status: 'REJECTED', reason: 'no proof' });
    expect((await ds().query('SELECT evidence FROM correction_requests WHERE request_id = ?', [Number(opened.id)]))[0].evidence).toBeNull();
  });
});
