import { readdir, readFile } from 'node:fs/promises';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { markOverdue, requestErasure } from '../../src/domain/data-request.service';
import { useCaseRunner } from '../../src/domain/job-intents';
import { runErasure } from '../../src/domain/erasure.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType, Role } from '../../src/entities/enums';
import { deliverOutbox } from '../../src/jobs/outbox-delivery.job';
import { createMailTransport } from '../../src/jobs/mail-transport';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';
import { endOfCaliforniaDay } from '../helpers/california-time';

const REQUEST = `mutation($id: ID!, $channel: String!) { requestErasure(userId: $id, channel: $channel) { created request { id type status receivedAt acknowledgedAt acknowledgeDueAt dueAt } } }`;
const STATUS = `query($id: ID!) { dataRequest(id: $id) { id status reasonCode result completedAt overdue dueAt extendedAt extensionReason } }`;

interface Receipt {
  requestErasure: { created: boolean; request: { id: string; type: string; status: string; receivedAt: string; acknowledgedAt: string; acknowledgeDueAt: string; dueAt: string } };
}

describe('erasure requests run by BullMQ workers', () => {
  let t: TestGateway;
  const ops = () => t.token(Role.PRIVACY_OPS);
  const status = async (id: string) => (await t.gql<{ dataRequest: { status: string; result: Record<string, unknown>; reasonCode: string | null; completedAt: string | null } }>(STATUS, { id }, ops())).data!.dataRequest;
  const until = (id: string, wanted: string) => waitFor(async () => ((await status(id)).status === wanted ? true : undefined), `request ${id} ${wanted}`);

  beforeAll(async () => {
    t = await startTestGateway('erasure');
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 60, recipients: 12, collectionEventsPerSubject: 5, seed: 11 });
  });
  afterAll(() => t.close());

  describe('before any worker runs', () => {
    it('opens a request with its deadlines, and a second request returns the open one', async () => {
      const first = await t.gql<Receipt>(REQUEST, { id: '1', channel: 'web_form' }, ops());
      expect(first.errors).toBeUndefined();
      const r = first.data!.requestErasure.request;
      expect(first.data!.requestErasure.created).toBe(true);
      expect(r).toMatchObject({ type: 'ERASURE', status: 'ACKNOWLEDGED' });
      const received = Date.parse(r.receivedAt);
      // The end of the 45th calendar day in California (docs/legal.md point 12).
      expect(r.dueAt).toBe(endOfCaliforniaDay(r.receivedAt, 45));
      const ackDays = (Date.parse(r.acknowledgeDueAt) - received) / 86400_000;
      expect(ackDays).toBeGreaterThanOrEqual(12);
      expect(ackDays).toBeLessThanOrEqual(16);
      const second = await t.gql<Receipt>(REQUEST, { id: '1', channel: 'EMAIL' }, ops());
      expect(second.data!.requestErasure).toMatchObject({ created: false, request: { id: r.id } });
      const [{ n }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM outbox_messages WHERE kind = 'REQUEST_ACKNOWLEDGEMENT' AND data_request_id = ?`, [Number(r.id)]);
      expect(Number(n)).toBe(1);
    });

    it('opens one request when the same request arrives twice at once', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => t.gql<Receipt>(REQUEST, { id: '2', channel: 'WEB_FORM' }, ops())));
      expect(new Set(results.map((r) => r.data!.requestErasure.request.id)).size).toBe(1);
      expect(results.filter((r) => r.data!.requestErasure.created)).toHaveLength(1);
    });

    it('extends a deadline once, by 45 days, keeping the reason', async () => {
      const id = (await t.gql<Receipt>(REQUEST, { id: '3', channel: 'WEB_FORM' }, ops())).data!.requestErasure.request;
      const ext = await t.gql<{ extendRequestDeadline: { dueAt: string; extensionReason: string } }>(`mutation($id: ID!) { extendRequestDeadline(requestId: $id, reason: "backups need restoring") { dueAt extensionReason } }`, { id: id.id }, ops());
      expect(ext.data!.extendRequestDeadline.dueAt).toBe(endOfCaliforniaDay(id.dueAt, 45));
      expect(ext.data!.extendRequestDeadline.extensionReason).toBe('backups need restoring');
      const before = await tableChecksums(t.gateway);
      const again = await t.gql(`mutation($id: ID!) { extendRequestDeadline(requestId: $id, reason: "more") { dueAt } }`, { id: id.id }, ops());
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0]!.extensions!.reason).toBe('ALREADY_EXTENDED');
      expect(errorCode(await t.gql(`mutation($id: ID!) { extendRequestDeadline(requestId: $id, reason: "  ") { dueAt } }`, { id: id.id }, ops()))).toBe('BAD_USER_INPUT');
      expect(await tableChecksums(t.gateway)).toEqual(before);
    });

    it('refuses bad input and the wrong roles, changing nothing', async () => {
      const before = await tableChecksums(t.gateway);
      expect(errorCode(await t.gql(REQUEST, { id: '999999', channel: 'WEB' }, ops()))).toBe('NOT_FOUND');
      expect(errorCode(await t.gql(REQUEST, { id: '4', channel: 'web form; DROP TABLE' }, ops()))).toBe('BAD_USER_INPUT');
      expect(errorCode(await t.gql(REQUEST, { id: 'abc', channel: 'WEB' }, ops()))).toBe('BAD_USER_INPUT');
      for (const role of [Role.APP, Role.LEGAL, Role.MNA]) expect(errorCode(await t.gql(REQUEST, { id: '4', channel: 'WEB' }, t.token(role)))).toBe('FORBIDDEN');
      expect(errorCode(await t.gql(`mutation { flagChild(userId: "4") { created } }`, undefined, t.token(Role.APP)))).toBe('FORBIDDEN');
      expect(errorCode(await t.gql(`mutation { extendRequestDeadline(requestId: "424242", reason: "x") { id } }`, undefined, ops()))).toBe('NOT_FOUND');
      expect(await tableChecksums(t.gateway)).toEqual(before);
    });

    it('marks requests past their due date as overdue', async () => {
      const r = (await t.gql<Receipt>(REQUEST, { id: '5', channel: 'WEB' }, ops())).data!.requestErasure.request;
      await t.gateway.dataSource.query('UPDATE data_requests SET due_at = ? WHERE id = ?', [new Date(Date.now() - 1000), Number(r.id)]);
      expect(await inTransaction(t.gateway.dataSource, (em) => markOverdue(em))).toBeGreaterThanOrEqual(1);
      const list = await t.gql<{ dataRequests: { edges: { node: { id: string; overdue: boolean } }[] } }>(`{ dataRequests(overdue: true, first: 50) { edges { node { id overdue } } } }`, undefined, ops());
      expect(list.data!.dataRequests.edges.map((e) => e.node.id)).toContain(r.id);
    });
  });

  describe('with a worker on the erasure queue', () => {
    beforeAll(async () => {
      await t.gateway.work(['erasure']);
    });

    it('erases completely: a tombstone, no consents, no linked events or disclosures; recipients told; a summary per table', async () => {
      const ds = t.gateway.dataSource;
      const subjectId = 10;
      const [{ n: consentsBefore }] = await ds.query('SELECT COUNT(*) AS n FROM consents WHERE subject_id = ?', [subjectId]);
      const [{ n: disclosuresBefore }] = await ds.query('SELECT COUNT(*) AS n FROM disclosures WHERE subject_id = ?', [subjectId]);
      const told: { id: number }[] = await ds.query(
        `SELECT DISTINCT r.id FROM disclosures d JOIN recipients r ON r.id = d.recipient_id WHERE d.subject_id = ? AND d.identifiable = 1 AND r.kind <> 'AUTHORITY' ORDER BY r.id`,
        [subjectId],
      );
      const r = (await t.gql<Receipt>(REQUEST, { id: String(subjectId), channel: 'WEB' }, ops())).data!.requestErasure.request;
      await until(r.id, 'COMPLETED');
      const [subject] = await ds.query('SELECT * FROM subjects WHERE id = ?', [subjectId]);
      for (const f of ['name', 'email', 'phone', 'street_address', 'city', 'postal_code', 'region', 'country', 'birth_date', 'age_range']) expect([f, subject[f]]).toEqual([f, null]);
      expect(subject.status).toBe('ERASED');
      for (const table of ['consents', 'consent_events', 'collection_events', 'disclosures']) {
        const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE subject_id = ?`, [subjectId]);
        expect([table, Number(n)]).toEqual([table, 0]);
      }
      const done = await status(r.id);
      expect(done.result).toMatchObject({ erased: { subjects: 1, consents: Number(consentsBefore), disclosures_unlinked: Number(disclosuresBefore) }, notifiedRecipientIds: told.map((x) => x.id) });
      const notices: { recipient_id: number }[] = await ds.query(`SELECT recipient_id FROM outbox_messages WHERE kind = 'ERASURE_NOTICE' AND data_request_id = ? ORDER BY recipient_id`, [Number(r.id)]);
      expect(notices.map((n) => n.recipient_id)).toEqual(told.map((x) => x.id));
      const [{ n: audits }] = await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'erasure.completed' AND entity_id = ?`, [r.id]);
      expect(Number(audits)).toBe(1);
      const user = await t.gql<{ user: { status: string; email: string | null; requests: { id: string; status: string }[] } }>(`{ user(id: "${subjectId}") { status email requests { id status } } }`, undefined, ops());
      expect(user.data!.user).toMatchObject({ status: 'ERASED', email: null, requests: [{ id: r.id, status: 'COMPLETED' }] });
      // Nothing more can be recorded about an erased person, and a new request is refused.
      expect(errorCode(await t.gql(REQUEST, { id: String(subjectId), channel: 'WEB' }, ops()))).toBe('CONFLICT');
    });

    it('does nothing when a completed request runs again', async () => {
      const [req] = await t.gateway.dataSource.query(`SELECT id FROM data_requests WHERE subject_id = 10`);
      const before = await tableChecksums(t.gateway);
      const outcome = await t.gateway.run((uow) => runErasure(uow.em, systemActor, Number(req.id), t.gateway.hooks, uow)).then((o) => o.result);
      expect(outcome.status).toBe('NOOP');
      expect(await tableChecksums(t.gateway)).toEqual(before);
    });

    it('is blocked by a legal hold, names only the active holds (7022(f), docs/legal.md point 9), and runs when the last hold is released', async () => {
      const hold = async (matter: string) =>
        (await t.gql<{ placeLegalHold: { hold: { id: string } } }>(`mutation { placeLegalHold(input: { matter: "${matter}", caseReference: "C", subjectIds: ["20"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL))).data!.placeLegalHold.hold.id;
      const h1 = await hold('First');
      const h2 = await hold('Second');
      const r = (await t.gql<Receipt>(REQUEST, { id: '20', channel: 'WEB' }, ops())).data!.requestErasure.request;
      await until(r.id, 'BLOCKED_BY_HOLD');
      const blocked = await status(r.id);
      expect(blocked.reasonCode).toBe('LEGAL_HOLD_ACTIVE');
      expect(blocked.result.holdIds).toEqual([Number(h1), Number(h2)]);
      const [{ n: consents }] = await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM consents WHERE subject_id = 20');
      expect(Number(consents)).toBeGreaterThan(0);
      const release = (id: string) => t.gql(`mutation($id: ID!) { releaseLegalHold(holdId: $id, reason: "closed") { freedSubjectIds } }`, { id }, t.token(Role.LEGAL));
      await release(h1);
      // Issue 21 point 9 (docs/legal.md): a blocked request names only the holds still active.
      await waitFor(async () => {
        const now = await status(r.id);
        return JSON.stringify(now.result.holdIds) === JSON.stringify([Number(h2)]) ? now : undefined;
      }, 'the request to cite only the hold still active');
      expect((await status(r.id)).status).toBe('BLOCKED_BY_HOLD');
      await release(h2);
      await until(r.id, 'COMPLETED');
      const [subject] = await t.gateway.dataSource.query('SELECT status, email FROM subjects WHERE id = 20');
      expect(subject).toEqual({ status: 'ERASED', email: null });
    });

    it('deletes a child’s data at once', async () => {
      const res = await t.gql<{ flagChild: { created: boolean; request: { id: string; type: string; dueAt: string; receivedAt: string } } }>(`mutation { flagChild(userId: "30") { created request { id type dueAt receivedAt } } }`, undefined, ops());
      const r = res.data!.flagChild.request;
      expect(r.type).toBe('CHILD_DELETION');
      expect(r.dueAt).toBe(r.receivedAt);
      await until(r.id, 'COMPLETED');
    });

    it('queues again, through the job replay, a request whose job never arrived', async () => {
      // As after a crash between the commit and the enqueue: the request and its intent exist, no job does.
      const crashed = useCaseRunner(t.gateway.dataSource, { dispatch: async () => Promise.reject(new Error('process died')) });
      const { result: opened, queued } = await requestErasure(crashed, systemActor, { subjectId: 40, type: DataRequestType.ERASURE, channel: 'WEB' });
      expect(queued).toBe(false);
      expect(await t.gateway.queues.queue('erasure').getJob(`erasure.run@request-${opened.request.id}`)).toBeUndefined();
      await t.gateway.dataSource.query('UPDATE job_intents SET declared_at = ? WHERE job_id = ?', [new Date(Date.now() - 3600_000), `erasure.run@request-${opened.request.id}`]);
      await t.gateway.work(['requests']);
      await t.gateway.queues.enqueue('job-intents.replay', {}, { jobId: 'replay-now' });
      await until(String(opened.request.id), 'COMPLETED');
    });
  });

  describe('the outbox', () => {
    it('delivers each message once, redacting the address, as .eml files by default', async () => {
      const ds = t.gateway.dataSource;
      const transport = createMailTransport(t.config);
      const first = await deliverOutbox(ds, transport);
      expect(first.sent).toBeGreaterThan(0);
      const again = await deliverOutbox(ds, transport);
      expect(again).toEqual({ sent: 0, failed: 0 });
      // Sent, or cancelled by an erasure (the erased person's pending mail): no address either way.
      const [{ n: unsent }] = await ds.query(`SELECT COUNT(*) AS n FROM outbox_messages WHERE status NOT IN ('SENT', 'CANCELLED') OR to_address IS NOT NULL`);
      expect(Number(unsent)).toBe(0);
      const files = await readdir(t.config.outbox.dir);
      expect(files).toHaveLength(first.sent);
      const sample = await readFile(`${t.config.outbox.dir}/${files[0]}`, 'utf8');
      expect(sample).toMatch(/^Message-ID: <outbox-\d+@data-rights-gateway>/m);
    });

    it('retries a failed send with backoff, and gives up after the last attempt', async () => {
      const ds = t.gateway.dataSource;
      await ds.query(`INSERT INTO outbox_messages (kind, to_address, subject, text_body, status, attempts, next_attempt_at) VALUES ('TEST', 'x@example.com', 's', 't', 'PENDING', 0, NOW(3))`);
      const failing = { send: async () => { throw new Error('smtp down'); }, close: () => undefined };
      expect(await deliverOutbox(ds, failing)).toEqual({ sent: 0, failed: 1 });
      const [m] = await ds.query(`SELECT status, attempts, last_error, next_attempt_at FROM outbox_messages WHERE kind = 'TEST'`);
      expect(m).toMatchObject({ status: 'PENDING', attempts: 1, last_error: 'smtp down' });
      expect(new Date(m.next_attempt_at).getTime()).toBeGreaterThan(Date.now());
      await ds.query(`UPDATE outbox_messages SET attempts = 7, next_attempt_at = NOW(3) WHERE kind = 'TEST'`);
      await deliverOutbox(ds, failing);
      const [last] = await ds.query(`SELECT status FROM outbox_messages WHERE kind = 'TEST'`);
      expect(last.status).toBe('FAILED');
    });
  });
});
