import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { listenToStatements } from '../../src/database';
import { Role } from '../../src/entities/enums';
import { errorCode, startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

interface Message { kind: string; channel: string; status: string; recipientId: string | null; subject: string; text: string; withheld: boolean; cleared: boolean; sentAt: string | null }
const MESSAGES = `query($id: ID!) { dataRequest(id: $id) { id status messages { kind channel status recipientId subject text withheld cleared sentAt } } }`;

/** A request's letters and notices, as its addressees got them: the console previews them from here. */
describe('DataRequest.messages and history', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway('request_messages', { env: { OUTBOX_POLL_MS: '200' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 30, recipients: 8, consentsPerSubject: 2, disclosuresPerSubject: 3, collectionEventsPerSubject: 1, seed: 17 });
    await t.gateway.work();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists what an erasure sent to the person and to recipients, as sent, without addresses, and logs the read', async () => {
    const ds = t.gateway.dataSource;
    // Someone who received identifiable disclosures, so that recipients are told as well.
    const [{ id: subjectId, name }] = await ds.query(`SELECT s.id, s.name FROM subjects s JOIN disclosures d ON d.subject_id = s.id AND d.identifiable = 1 WHERE s.email IS NOT NULL ORDER BY s.id LIMIT 1`);
    const opened = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation($u: ID!) { requestErasure(userId: $u, channel: "WEB") { request { id } } }`, { u: String(subjectId) }, t.token(Role.PRIVACY_OPS));
    expect(opened.errors).toBeUndefined();
    const id = opened.data!.requestErasure.request.id;
    await waitFor(async () => Number((await ds.query(`SELECT COUNT(*) AS n FROM outbox_messages WHERE data_request_id = ? AND status IN ('PENDING', 'SENDING')`, [id]))[0].n) === 0 &&
      (await ds.query(`SELECT status FROM data_requests WHERE id = ?`, [id]))[0].status === 'COMPLETED', 'the erasure and its mail', 60000, 100);

    const logged = async () => Number((await ds.query(`SELECT COUNT(*) AS n FROM access_log WHERE subject_id = ?`, [subjectId]))[0].n);
    const before = await logged();
    const res = await t.gql<{ dataRequest: { messages: Message[] } }>(MESSAGES, { id }, t.token(Role.LEGAL));
    expect(res.errors).toBeUndefined();
    const messages = res.data!.dataRequest.messages;
    const rows: { kind: string; subject: string; text_body: string; recipient_id: number | null }[] = await ds.query(`SELECT kind, subject, text_body, recipient_id FROM outbox_messages WHERE data_request_id = ? ORDER BY id`, [id]);
    // Exactly the outbox's messages, in order, as written, a recipient's notice (it names the person) withheld.
    expect(messages.map((m) => [m.kind, m.subject, m.text, m.recipientId])).toEqual(
      rows.map((r) => [r.kind, r.subject, r.kind === 'ERASURE_NOTICE' ? '' : r.text_body, r.recipient_id === null ? null : String(r.recipient_id)]),
    );
    const confirmation = messages.find((m) => m.kind === 'ERASURE_CONFIRMATION')!;
    expect(confirmation).toMatchObject({ recipientId: null, status: 'SENT', channel: 'EMAIL', cleared: false });
    expect(confirmation.sentAt).not.toBeNull();
    expect(confirmation.text.length).toBeGreaterThan(20);
    // An empty body is withheld (a recipient's notice names the person) or cleared (a cancelled message), and says which.
    for (const m of messages) expect([m.kind, m.withheld || m.cleared, m.withheld && m.cleared]).toEqual([m.kind, m.text === '', false]);
    expect(messages.filter((m) => m.cleared).every((m) => m.status === 'CANCELLED')).toBe(true);
    const notices = messages.filter((m) => m.kind === 'ERASURE_NOTICE');
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.every((m) => m.recipientId !== null && m.text === '' && m.withheld)).toBe(true);
    // No address anywhere in the answer.
    expect(JSON.stringify(res.data)).not.toMatch(/@example\.|to_address|toAddress/);
    // Its history, from the audit log in chain order.
    const history = await t.gql<{ dataRequest: { history: { seq: number; action: string; entityId: string }[] } }>(`query($id: ID!) { dataRequest(id: $id) { history { seq action entityId } } }`, { id }, t.token(Role.PRIVACY_OPS));
    const events = history.data!.dataRequest.history;
    const logged2: { action: string }[] = await ds.query(`SELECT action FROM audit_events WHERE entity_type = 'DataRequest' AND entity_id = ? ORDER BY seq`, [id]);
    expect(events.map((e) => e.action)).toEqual(logged2.map((e) => e.action));
    expect(events.map((e) => e.action)).toContain('erasure.completed');
    expect(events.every((e) => e.entityId === id)).toBe(true);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(name).toBeTruthy();
    expect(await logged()).toBe(before + 1);
  });

  it('never shows a body meant for its addressee alone, even before it is delivered (a one-time link, a notice naming the person)', async () => {
    const ds = t.gateway.dataSource;
    const opened = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "9", channel: "WEB") { request { id } } }`, {}, t.token(Role.PRIVACY_OPS));
    const id = opened.data!.requestErasure.request.id;
    // Pending mail of the kinds whose bodies carry a credential or name a person to someone else.
    for (const kind of ['ACCESS_PACKAGE_READY', 'CORRECTION_ANSWER', 'ERASURE_NOTICE', 'CORRECTION_NOTICE'])
      await ds.query(`INSERT INTO outbox_messages (kind, channel, to_address, subject, text_body, status, attempts, next_attempt_at, data_request_id) VALUES (?, 'EMAIL', NULL, ?, ?, 'PENDING', 0, NOW(3) + INTERVAL 1 DAY, ?)`, [kind, `about ${kind}`, `secret body of ${kind}: https://example.test/one-time/abc`, id]);
    const res = await t.gql<{ dataRequest: { messages: Message[] } }>(MESSAGES, { id }, t.token(Role.ADMIN));
    expect(res.errors).toBeUndefined();
    const shown = res.data!.dataRequest.messages.filter((m) => m.subject.startsWith('about '));
    expect(shown.map((m) => [m.kind, m.status, m.text, m.withheld, m.cleared])).toEqual(
      ['ACCESS_PACKAGE_READY', 'CORRECTION_ANSWER', 'ERASURE_NOTICE', 'CORRECTION_NOTICE'].map((k) => [k, 'PENDING', '', true, false]),
    );
    expect(JSON.stringify(res.data)).not.toContain('one-time');
  });

  it('is one statement for a page of requests, whatever its size, and refused to roles that do not handle rights', async () => {
    const page = (n: number) => t.gql<{ dataRequests: { edges: { node: { messages: Message[] } }[] } }>(`{ dataRequests(first: ${n}) { edges { node { id messages { kind } history { action } } } } }`, {}, t.token(Role.PRIVACY_OPS));
    // The page's messages come from one statement whatever the page size (the outbox worker's own statements aside).
    const loads = async (n: number) => {
      const seen: string[] = [];
      const stop = listenToStatements(t.gateway.dataSource, (sql) => void ((sql.includes('FROM outbox_messages WHERE data_request_id IN') || (sql.includes('FROM `audit_events`') && sql.includes('`entity_id` IN'))) && seen.push(sql)));
      const r = await page(n);
      stop();
      expect(r.errors).toBeUndefined();
      expect(r.data!.dataRequests.edges).toHaveLength(n);
      return seen.length;
    };
    for (let u = 2; u <= 6; u += 1) await t.gql(`mutation { requestErasure(userId: "${u}", channel: "WEB") { created } }`, {}, t.token(Role.PRIVACY_OPS));
    // One for the messages, one for the histories.
    expect(await loads(1)).toBe(2);
    expect(await loads(6)).toBe(2);
    expect(errorCode(await t.gql(MESSAGES, { id: '1' }, t.token(Role.MNA)))).toBe('FORBIDDEN');
  });
});
