import { systemActor } from '../../src/domain/actor';
import { POLICY_NOTICE_JOB, POLICY_NOTICE_KIND } from '../../src/domain/policy.service';
import { jobIdOf } from '../../src/domain/job-intents';
import { seedDemoData } from '../../src/demo-data';
import { Role } from '../../src/entities/enums';
import { EXPORT_PAGE } from '../../src/http/consent-export.routes';
import { POLICY_NOTICE_QUEUE } from '../../src/jobs/policy-notice.job';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

const PUBLISH = `mutation($input: PublishPolicyVersionInput!) { publishPolicyVersion(input: $input) { id version effectiveAt publishedBy } }`;
const SUBJECTS = 10_000;

interface ExportLine {
  userId: string;
  status: string;
  region: string | null;
  consents: { purpose: string; status: string; source: string; policyVersion: string | null; version: number; updatedAt: string }[];
  history: { purpose: string; seq: number; status: string; source: string; policyVersion: string | null; occurredAt: string; recordedBy: string }[];
}

describe('policy notices and the consent export, over 10,000 subjects', () => {
  let t: TestGateway;
  let base: string;
  const q = async <T = Record<string, unknown>>(sql: string, args: unknown[] = []): Promise<T[]> => t.gateway.dataSource.query(sql, args);
  const n = async (sql: string, args: unknown[] = []): Promise<number> => Number((await q<{ n: number }>(sql, args))[0]!.n);
  const input = { version: '2025-07', effectiveAt: '2025-08-01T00:00:00.000Z', summary: 'We now describe email-open tracking and the Global Privacy Control signal.', url: 'https://www.example.com/privacy/2025-07' };

  beforeAll(async () => {
    t = await startTestGateway('comms_policy');
    base = t.url.replace(/\/graphql$/, '');
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: SUBJECTS, consentsPerSubject: 6, disclosuresPerSubject: 0, collectionEventsPerSubject: 0, seed: 7 });
    // Some tombstones (no notice) and some people reachable only by phone (posted notice).
    await q(`UPDATE subjects SET status = 'ERASED', email = NULL, name = NULL WHERE id % 97 = 0`);
    await q(`DELETE c FROM consents c JOIN subjects s ON s.id = c.subject_id WHERE s.status = 'ERASED'`);
    await q(`DELETE e FROM consent_events e JOIN subjects s ON s.id = e.subject_id WHERE s.status = 'ERASED'`);
    await q(`UPDATE subjects SET email = NULL WHERE id % 101 = 0 AND status = 'ACTIVE'`);
    await t.gateway.work([POLICY_NOTICE_QUEUE]);
  }, 120_000);
  afterAll(() => t.close());

  async function fanOutDone(policyId: string): Promise<void> {
    await waitFor(async () => {
      const jobId = jobIdOf(POLICY_NOTICE_JOB, `policy-${policyId}`);
      const job = await t.gateway.queues.queue(POLICY_NOTICE_QUEUE).getJob(jobId);
      const state = job ? await job.getState() : null;
      if (state === 'failed') throw new Error(`fan-out failed: ${job!.failedReason}`);
      // Done once the job completed and its intent was removed as satisfied.
      return state === 'completed' && (await n(`SELECT COUNT(*) AS n FROM job_intents WHERE job_id = ?`, [jobId])) === 0;
    }, 'the policy-notice fan-out', 90_000, 100);
  }

  async function expectOneNoticeEach(policyId: number): Promise<{ emailed: number; posted: number }> {
    const active = await n(`SELECT COUNT(*) AS n FROM subjects WHERE status = 'ACTIVE'`);
    const byEmail = await n(
      `SELECT COUNT(*) AS n FROM subjects s LEFT JOIN consents c ON c.subject_id = s.id AND c.purpose = 'LEGAL_NOTICE_EMAIL'
        WHERE s.status = 'ACTIVE' AND s.email IS NOT NULL AND (c.status IS NULL OR c.status <> 'WITHDRAWN')`,
    );
    expect(await n(`SELECT COUNT(*) AS n FROM policy_notices WHERE policy_version_id = ?`, [policyId])).toBe(active);
    expect(await n(`SELECT COUNT(DISTINCT subject_id) AS n FROM policy_notices WHERE policy_version_id = ?`, [policyId])).toBe(active);
    expect(await n(`SELECT COUNT(*) AS n FROM policy_notices p JOIN subjects s ON s.id = p.subject_id WHERE p.policy_version_id = ? AND s.status <> 'ACTIVE'`, [policyId])).toBe(0);
    // Email exactly for those who receive legal-notice emails; posted for everyone else.
    const wrongChannel = await n(
      `SELECT COUNT(*) AS n FROM policy_notices p JOIN subjects s ON s.id = p.subject_id
         LEFT JOIN consents c ON c.subject_id = s.id AND c.purpose = 'LEGAL_NOTICE_EMAIL'
        WHERE p.policy_version_id = ? AND (p.channel = 'EMAIL') <> (s.email IS NOT NULL AND (c.status IS NULL OR c.status <> 'WITHDRAWN'))`,
      [policyId],
    );
    expect(wrongChannel).toBe(0);
    const emailed = await n(`SELECT COUNT(*) AS n FROM policy_notices WHERE policy_version_id = ? AND channel = 'EMAIL'`, [policyId]);
    expect(emailed).toBe(byEmail);
    expect(await n(`SELECT COUNT(*) AS n FROM outbox_messages WHERE kind = ?`, [POLICY_NOTICE_KIND])).toBe(emailed);
    expect(await n(`SELECT COUNT(DISTINCT to_address) AS n FROM outbox_messages WHERE kind = ?`, [POLICY_NOTICE_KIND])).toBe(emailed);
    return { emailed, posted: active - emailed };
  }

  it('fans out exactly one notice per active subject: email, or posted for those who opted out', async () => {
    const res = await t.gql<{ publishPolicyVersion: { id: string; version: string; publishedBy: string } }>(PUBLISH, { input }, t.token(Role.PRIVACY_OPS));
    expect(res.errors).toBeUndefined();
    const policyId = res.data!.publishPolicyVersion.id;
    expect(res.data!.publishPolicyVersion).toMatchObject({ version: '2025-07', publishedBy: 'test-privacy_ops' });
    await fanOutDone(policyId);
    const { emailed, posted } = await expectOneNoticeEach(Number(policyId));
    // The seed varies LEGAL_NOTICE_EMAIL, so both channels are well represented.
    expect(emailed).toBeGreaterThan(1000);
    expect(posted).toBeGreaterThan(1000);

    const [mail] = await q<{ subject: string; text_body: string; headers: string | Record<string, string> }>(`SELECT subject, text_body, headers FROM outbox_messages WHERE kind = ? LIMIT 1`, [POLICY_NOTICE_KIND]);
    expect(mail!.subject).toContain('version 2025-07');
    expect(mail!.text_body).toContain(input.url);
    expect(mail!.text_body).toContain(input.summary);
    const headers = typeof mail!.headers === 'string' ? (JSON.parse(mail!.headers) as Record<string, string>) : mail!.headers;
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    const list = await t.gql<{ policyVersions: { version: string; notices: { emailed: number; posted: number; acknowledged: number } }[] }>(
      `{ policyVersions { version notices { emailed posted acknowledged } } }`, {}, t.token(Role.APP), 'SERVICE',
    );
    expect(list.data!.policyVersions).toEqual([{ version: '2025-07', notices: { emailed, posted, acknowledged: 0 } }]);
  });

  it('never doubles a notice when the fan-out runs again (a retried publish resumes it)', async () => {
    const before = await tableChecksums(t.gateway);
    const again = await t.gql<{ publishPolicyVersion: { id: string } }>(PUBLISH, { input }, t.token(Role.ADMIN));
    expect(again.errors).toBeUndefined();
    await fanOutDone(again.data!.publishPolicyVersion.id);
    const after = await tableChecksums(t.gateway);
    // Only the audit chain moves (nothing was recorded: a page with no new notice writes nothing).
    expect({ ...after, audit_events: null, audit_chain_head: null }).toEqual({ ...before, audit_events: null, audit_chain_head: null });
    await expectOneNoticeEach(Number(again.data!.publishPolicyVersion.id));
  });

  it('refuses other content under a published version, bad input and the wrong role, changing nothing', async () => {
    const before = await tableChecksums(t.gateway);
    const changed = await t.gql(PUBLISH, { input: { ...input, summary: 'Something else' } }, t.token(Role.PRIVACY_OPS));
    expect(errorCode(changed)).toBe('CONFLICT');
    expect(errorCode(await t.gql(PUBLISH, { input: { ...input, version: '2025-08', url: 'not a url' } }, t.token(Role.PRIVACY_OPS)))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(PUBLISH, { input: { ...input, version: 'bad version!' } }, t.token(Role.PRIVACY_OPS)))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(PUBLISH, { input: { ...input, version: '2025-09' } }, t.token(Role.APP)))).toBe('FORBIDDEN');
    expect(await tableChecksums(t.gateway)).toEqual(before);
  });

  it('records acknowledgements, and shows User.policyNotices batched', async () => {
    const [{ id }] = await q<{ id: number }>(`SELECT id FROM subjects WHERE status = 'ACTIVE' ORDER BY id LIMIT 1`);
    const ack = `mutation($id: ID!, $v: String!) { acknowledgePolicy(userId: $id, version: $v) { version channel acknowledgedAt } }`;
    const first = await t.gql<{ acknowledgePolicy: { version: string; acknowledgedAt: string } }>(ack, { id: String(id), v: '2025-07' }, t.token(Role.APP), 'SERVICE');
    expect(first.errors).toBeUndefined();
    expect(first.data!.acknowledgePolicy.acknowledgedAt).not.toBeNull();
    const second = await t.gql<{ acknowledgePolicy: { acknowledgedAt: string } }>(ack, { id: String(id), v: '2025-07' }, t.token(Role.APP), 'SERVICE');
    expect(second.data!.acknowledgePolicy.acknowledgedAt).toBe(first.data!.acknowledgePolicy.acknowledgedAt);
    expect(errorCode(await t.gql(ack, { id: String(id), v: 'nope' }, t.token(Role.APP), 'SERVICE'))).toBe('NOT_FOUND');

    const statements = t.statements();
    const page = await t.gql<{ users: { edges: { node: { id: string; policyNotices: { version: string; channel: string; acknowledgedAt: string | null }[] } }[] } }>(
      `{ users(first: 50, filter: { status: ACTIVE }) { edges { node { id policyNotices { version channel acknowledgedAt } } } } }`, {}, t.token(Role.APP), 'SERVICE',
    );
    expect(page.errors).toBeUndefined();
    // The users page, one batched statement for every user's notices, and the access log's one
    // INSERT for the page (reading a person's notices is a read of the person).
    expect(t.statements() - statements).toBe(3);
    const nodes = page.data!.users.edges.map((e) => e.node);
    expect(nodes).toHaveLength(50);
    for (const node of nodes) expect(node.policyNotices.map((p) => p.version)).toEqual(['2025-07']);
    expect(nodes[0]!.policyNotices[0]!.acknowledgedAt).not.toBeNull();
  });

  describe('GET /exports/consents.ndjson', () => {
    const exportLines = async (query = '', token = t.token(Role.LEGAL)) => {
      const res = await fetch(`${base}/exports/consents.ndjson${query}`, { headers: { authorization: `Bearer ${token}` } });
      return res;
    };

    it('streams every subject with current consents and full history, in id order', async () => {
      const res = await exportLines();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const text = await res.text();
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as ExportLine);
      expect(lines).toHaveLength(SUBJECTS);
      expect(lines.length).toBeGreaterThan(EXPORT_PAGE * 2);
      const ids = lines.map((l) => Number(l.userId));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(SUBJECTS);
      // Totals match the tables.
      expect(lines.reduce((s, l) => s + l.consents.length, 0)).toBe(await n(`SELECT COUNT(*) AS n FROM consents`));
      expect(lines.reduce((s, l) => s + l.history.length, 0)).toBe(await n(`SELECT COUNT(*) AS n FROM consent_events`));

      // One line, field by field, against the database.
      const sample = lines.find((l) => l.status === 'ACTIVE' && l.history.length > l.consents.length)!;
      expect(Object.keys(sample).sort()).toEqual(['consents', 'history', 'region', 'status', 'userId']);
      const consents = await q<{ purpose: string; status: string; version: number }>(`SELECT purpose, status, version FROM consents WHERE subject_id = ? ORDER BY purpose`, [Number(sample.userId)]);
      expect(sample.consents.map((c) => [c.purpose, c.status, c.version])).toEqual(consents.map((c) => [c.purpose, c.status, c.version]));
      expect(sample.consents[0]).toEqual({
        purpose: expect.any(String), status: expect.any(String), source: expect.any(String), policyVersion: '2025-01', version: expect.any(Number), updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(sample.history[0]).toEqual({
        purpose: expect.any(String), seq: 1, status: expect.any(String), source: expect.any(String), policyVersion: '2025-01', occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), recordedBy: 'seed',
      });
      const erased = lines.find((l) => l.status === 'ERASED')!;
      expect(erased).toMatchObject({ consents: [], history: [] });
    });

    it('filters by purpose, status and region, and resumes after an id', async () => {
      const res = await exportLines('?purpose=LEGAL_NOTICE_EMAIL&status=ACTIVE&region=US-CA');
      const lines = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as ExportLine);
      expect(lines).toHaveLength(await n(`SELECT COUNT(*) AS n FROM subjects s WHERE status = 'ACTIVE' AND region = 'US-CA' AND EXISTS (SELECT 1 FROM consents c WHERE c.subject_id = s.id AND c.purpose = 'LEGAL_NOTICE_EMAIL')`));
      for (const l of lines) {
        expect(l).toMatchObject({ status: 'ACTIVE', region: 'US-CA' });
        expect(new Set([...l.consents, ...l.history].map((c) => c.purpose))).toEqual(new Set(['LEGAL_NOTICE_EMAIL']));
      }
      const rest = await exportLines(`?afterId=${SUBJECTS - 10}`);
      expect((await rest.text()).trimEnd().split('\n')).toHaveLength(10);
    });

    it('needs PRIVACY_OPS, LEGAL or ADMIN, and refuses bad filters with BAD_USER_INPUT', async () => {
      expect((await fetch(`${base}/exports/consents.ndjson`)).status).toBe(401);
      expect((await exportLines('', t.token(Role.APP))).status).toBe(403);
      for (const bad of ['?purpose=SELLING', '?status=GONE', '?changedSince=yesterday', '?afterId=-1', '?limit=5']) {
        const res = await exportLines(bad, t.token(Role.PRIVACY_OPS));
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ code: 'BAD_USER_INPUT' });
      }
    });
  });
});
