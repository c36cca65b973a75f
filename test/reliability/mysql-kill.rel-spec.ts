import mysql from 'mysql2/promise';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { requestErasure } from '../../src/domain/data-request.service';
import { useCaseRunner, type DeclaredIntent } from '../../src/domain/job-intents';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType, Role } from '../../src/entities/enums';
import { halfErasedSubjects } from '../helpers/erasure-checks';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

/**
 * `KILL <connection id>` from another connection while an operation is inside its transaction.
 * The hit is deterministic: a blocker connection holds the audit chain head row, which every
 * change locks last, after its own writes; the operation waits there with its writes done and
 * uncommitted, and the test kills exactly that connection. inTransaction must roll back and
 * retry (a lost connection is transient), the pool must not hand the dead connection out again,
 * and once the retries are spent the client gets a typed error with nothing written.
 */
describe('MySQL connections killed mid-transaction', () => {
  let t: TestGateway;
  let admin: mysql.Connection;
  let blocker: mysql.Connection | null = null;

  beforeAll(async () => {
    // A small pool: a killed connection handed out again would show at once.
    t = await startTestGateway('rel_mysql_kill', { env: { MYSQL_POOL_SIZE: '3' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 30, recipients: 12, consentsPerSubject: 4, disclosuresPerSubject: 4, collectionEventsPerSubject: 4, seed: 13 });
    const c = t.config.mysql;
    admin = await mysql.createConnection({ host: c.host, port: c.port, user: c.user, password: c.password, database: c.database });
  });
  afterAll(async () => {
    await blocker?.end().catch(() => undefined);
    await admin?.end();
    await t?.close();
  });

  const block = async () => {
    const c = t.config.mysql;
    blocker = await mysql.createConnection({ host: c.host, port: c.port, user: c.user, password: c.password, database: c.database });
    await blocker.query('START TRANSACTION');
    await blocker.query('SELECT * FROM audit_chain_head WHERE id = 1 FOR UPDATE');
  };
  const unblock = async () => {
    await blocker!.query('ROLLBACK');
    await blocker!.end();
    blocker = null;
  };
  /** The connection waiting for the chain head, with its transaction's writes done. */
  const waiting = (skip: Set<number>) =>
    waitFor(async () => {
      const rows: { ID: number }[] = (await admin.query(
        `SELECT ID FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE '%audit_chain_head%FOR UPDATE%' AND ID <> ?`,
        [(blocker as unknown as { threadId: number }).threadId],
      ))[0] as { ID: number }[];
      const fresh = rows.map((r) => Number(r.ID)).filter((id) => !skip.has(id));
      return fresh.length === 1 ? fresh[0] : undefined;
    }, 'a transaction waiting on the audit chain head', 60000, 20);

  /**
   * Starts `op` with the chain head blocked, kills its connection `kills` times (each time the
   * committed tables must equal `before`: the killed attempt rolled back, its retry not yet
   * committed), then lets it run. Returns what `op` settled to.
   */
  async function killDuring<T>(op: () => Promise<T>, kills: number, retryExpected: boolean): Promise<{ value?: T; error?: unknown; before: Record<string, string> }> {
    const before = await tableChecksums(t.gateway);
    await block();
    const settled = op().then((value) => ({ value }), (error: unknown) => ({ error }));
    const killed = new Set<number>();
    try {
      for (let k = 0; k < kills; k += 1) {
        const id = await waiting(killed);
        await admin.query(`KILL ${Number(id)}`);
        killed.add(id);
        if (k < kills - 1 || retryExpected) {
          await waiting(killed); // the retry, on another connection, waits again
          expect(await tableChecksums(t.gateway)).toEqual(before);
        }
      }
    } finally {
      // Released even when an expectation failed, so that the operation ends and the file fails fast.
      await unblock();
    }
    return { ...(await settled), before };
  }

  const consentMutation = `mutation($u: ID!, $s: ConsentStatus!) { recordConsent(input: { userId: $u, purpose: THIRD_PARTY_OFFERS, status: $s, source: FORM }) { changed consent { status version } } }`;
  const consentState = async (subjectId: number) => {
    const [c] = await t.gateway.dataSource.query(`SELECT status, version FROM consents WHERE subject_id = ? AND purpose = 'THIRD_PARTY_OFFERS'`, [subjectId]);
    const events: { seq: number; status: string }[] = await t.gateway.dataSource.query(`SELECT seq, status FROM consent_events WHERE subject_id = ? AND purpose = 'THIRD_PARTY_OFFERS' ORDER BY seq`, [subjectId]);
    return { current: c as { status: string; version: number } | undefined, events };
  };

  it('a consent change whose connection is killed retries and is written once', async () => {
    const { current, events } = await consentState(1);
    const next = current?.status === 'GRANTED' ? 'WITHDRAWN' : 'GRANTED';
    const res = await killDuring(() => t.gql<{ recordConsent: { changed: boolean; consent: { status: string; version: number } } }>(consentMutation, { u: '1', s: next }), 2, true);
    expect(res.error).toBeUndefined();
    expect(res.value!.errors).toBeUndefined();
    expect(res.value!.data!.recordConsent).toEqual({ changed: true, consent: { status: next, version: events.length + 1 } });
    const after = await consentState(1);
    expect(after.events.map((e) => Number(e.seq))).toEqual(Array.from({ length: events.length + 1 }, (_, i) => i + 1));
    expect(after.current).toMatchObject({ status: next, version: events.length + 1 });
  });

  it('a legal hold placement whose connection is killed retries and is placed once', async () => {
    const mutation = `mutation { placeLegalHold(input: { matter: "Killed", caseReference: "K-1", subjectIds: ["2", "3"] }) { hold { id } addedSubjectIds } }`;
    const res = await killDuring(() => t.gql<{ placeLegalHold: { hold: { id: string }; addedSubjectIds: string[] } }>(mutation, {}, t.token(Role.LEGAL)), 2, true);
    expect(res.value!.errors).toBeUndefined();
    expect(res.value!.data!.placeLegalHold.addedSubjectIds.sort()).toEqual(['2', '3']);
    const holds: { id: number }[] = await t.gateway.dataSource.query(`SELECT id FROM legal_holds WHERE matter = 'Killed'`);
    expect(holds).toHaveLength(1);
    const [{ n }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM legal_hold_subjects WHERE hold_id = ?`, [holds[0]!.id]);
    expect(Number(n)).toBe(2);
    const [{ m }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS m FROM audit_events WHERE action = 'legal-hold.placed'`);
    expect(Number(m)).toBe(1);
    const report = await t.gql<{ verifyPreservation: { valid: boolean; recordsChecked: number } }>(`{ verifyPreservation(holdId: "${holds[0]!.id}") { valid recordsChecked } }`, {}, t.token(Role.LEGAL));
    expect(report.data?.verifyPreservation.valid).toBe(true);
    expect(report.data?.verifyPreservation.recordsChecked).toBeGreaterThan(0);
  });

  it('an erasure job whose connection is killed three times completes once, never half done', async () => {
    await t.gateway.work(['erasure']);
    // The request and its job intent are committed first (so the tables compared during the kills
    // already hold them); the job is handed to BullMQ once the chain head is blocked.
    const declared: DeclaredIntent[] = [];
    const opening = useCaseRunner(t.gateway.dataSource, { dispatch: async (intents) => void declared.push(...intents) });
    const { result: { request } } = await requestErasure(opening, systemActor, { subjectId: 4, type: DataRequestType.ERASURE, channel: 'WEB' });
    const res = await killDuring(async () => {
      await t.gateway.intents.dispatch(declared);
      return waitFor(async () => {
        const [r] = await t.gateway.dataSource.query('SELECT status FROM data_requests WHERE id = ?', [request.id]);
        return r.status === 'COMPLETED' ? r.status : undefined;
      }, 'the erasure to complete', 120000, 50);
    }, 3, true);
    expect(res.value).toBe('COMPLETED');
    // Its intent is removed once the run finished (in the worker's next batch).
    await waitFor(async () => Number((await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM job_intents'))[0].n) === 0, 'the intent removed', 10000);
    expect(await halfErasedSubjects(t.gateway.dataSource, [4, 5])).toEqual([]);
    const [{ n }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'erasure.completed' AND entity_id = ?`, [String(request.id)]);
    expect(Number(n)).toBe(1);
    const [{ c }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS c FROM outbox_messages WHERE kind = 'ERASURE_CONFIRMATION' AND data_request_id = ?`, [request.id]);
    expect(Number(c)).toBe(1);
  });

  it('once every retry is killed the client gets SERVICE_UNAVAILABLE and nothing is written', async () => {
    const { current } = await consentState(6);
    const next = current?.status === 'GRANTED' ? 'WITHDRAWN' : 'GRANTED';
    // inTransaction makes four attempts: kill all four.
    const res = await killDuring(() => t.gql(consentMutation, { u: '6', s: next }), 4, false);
    expect(res.value!.status).toBe(200);
    expect(errorCode(res.value!)).toBe('SERVICE_UNAVAILABLE');
    expect(await tableChecksums(t.gateway)).toEqual(res.before);
    // And the same request again simply works.
    const again = await t.gql(consentMutation, { u: '6', s: next });
    expect(again.errors).toBeUndefined();
  });

  it('the pool hands out no killed connection afterwards', async () => {
    const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => t.gql<{ user: { id: string } | null }>(`{ user(id: "${(i % 20) + 7}") { id consents { purpose } } }`)));
    expect(reads.filter((r) => r.errors)).toEqual([]);
    const writes = await Promise.all([7, 8, 9, 10, 11, 12].map((u) => t.gql(consentMutation, { u: String(u), s: 'WITHDRAWN' })));
    expect(writes.filter((r) => r.errors)).toEqual([]);
  });
});
