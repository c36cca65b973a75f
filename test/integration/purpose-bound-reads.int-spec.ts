import { randomUUID } from 'node:crypto';
import { seedDemoData } from '../../src/demo-data';
import { AccessLogWriter, type AccessLogRow } from '../../src/domain/access-log.service';
import { systemActor } from '../../src/domain/actor';
import { ReadPurpose } from '../../src/domain/read-purpose.rules';
import { Role } from '../../src/entities/enums';
import { signToken } from '../../src/schema/auth';
import { errorCode, startTestGateway, tableChecksums, type GqlResult, type TestGateway } from '../helpers/test-gateway';

const SUBJECTS = 60;
const FIELDS = 'id name email phone streetAddress city postalCode region country birthDate ageRange status';
const LIST = `query($first: Int, $after: String) { users(first: $first, after: $after) { edges { node { ${FIELDS} consents { purpose status } consentHistory { seq } disclosures(first: 2) { edges { node { id } } } recipients { id } } } pageInfo { hasNextPage endCursor } } }`;
const ONE = `query($id: ID!) { user(id: $id) { ${FIELDS} consents { purpose status } } }`;

interface Person {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  streetAddress: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
  birthDate: string | null;
  ageRange: string | null;
  status: string;
  consents: { purpose: string; status: string }[];
  consentHistory: { seq: number }[];
  disclosures: { edges: unknown[] };
  recipients: unknown[];
}
type ListData = { users: { edges: { node: Person }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

/** Purpose-bound reads over real HTTP: refusals, one block per purpose, the access log. */
describe('purpose-bound reads', () => {
  let t: TestGateway;
  const app = (purposes?: ReadPurpose[]) => signToken(t.config.auth.jwtSecret, 'orders-app', [Role.APP], 600, purposes ? { purposes } : {});
  const list = (purpose: string | null, vars: Record<string, unknown> = { first: 100 }, token = app()) => t.gql<ListData>(LIST, vars, token, purpose);
  const one = (id: number, purpose: string | null, token = app()) => t.gql<{ user: Person | null }>(ONE, { id: String(id) }, token, purpose);
  const ids = async (sql: string, params: unknown[] = []) => ((await t.gateway.dataSource.query(sql, params)) as { id: number }[]).map((r) => Number(r.id));
  const logRows = async () => Number((await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM access_log'))[0].n);
  let full: Map<string, Person>;
  let erasedId: number;

  beforeAll(async () => {
    t = await startTestGateway('purpose_reads');
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: SUBJECTS, recipients: 20, consentsPerSubject: 6, disclosuresPerSubject: 3, seed: 12 });
    // A tombstone, as erasure leaves it.
    erasedId = SUBJECTS;
    await t.gateway.dataSource.query(
      `UPDATE subjects SET name = NULL, email = NULL, phone = NULL, street_address = NULL, city = NULL, postal_code = NULL, region = NULL, country = NULL, birth_date = NULL, age_range = NULL, status = 'ERASED', erased_at = NOW(3) WHERE id = ?`,
      [erasedId],
    );
    await t.gateway.dataSource.query('DELETE FROM consents WHERE subject_id = ?', [erasedId]);
    await t.gateway.dataSource.query('DELETE FROM consent_events WHERE subject_id = ?', [erasedId]);
    await refresh();
  });
  /** The unbound view (PRIVACY_OPS), to compare each purpose with; read again after a test changes consents. */
  async function refresh(): Promise<void> {
    const res = await list(null, { first: 100 }, t.token(Role.PRIVACY_OPS));
    expect(res.errors).toBeUndefined();
    full = new Map(res.data!.users.edges.map((e) => [e.node.id, e.node]));
    expect(full.size).toBe(SUBJECTS);
  }
  afterAll(() => t.close());

  describe('declaring a purpose', () => {
    it('refuses an APP request without one, and runs nothing (a mutation changes no row)', async () => {
      const res = await list(null);
      expect(res.data).toBeNull();
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_REQUIRED' });
      const before = await tableChecksums(t.gateway);
      const reg = await t.gql(`mutation { registerUser(input: { name: "No Purpose", email: "nopurpose@example.com" }) { id } }`, undefined, app(), null);
      expect(reg.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_REQUIRED' });
      expect(await tableChecksums(t.gateway)).toEqual(before);
    });

    it('refuses an unknown purpose and one the token does not allow', async () => {
      const unknown = await list('MARKETING');
      expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PURPOSE_UNKNOWN' });
      const notAllowed = await list('ANALYTICS', { first: 5 }, app([ReadPurpose.SUPPORT]));
      expect(notAllowed.data).toBeNull();
      expect(notAllowed.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_NOT_ALLOWED' });
      const allowed = await list('SUPPORT', { first: 5 }, app([ReadPurpose.SUPPORT]));
      expect(allowed.errors).toBeUndefined();
    });

    it('still answers FORBIDDEN first when the role may not run the operation at all', async () => {
      expect(errorCode(await t.gql(`{ accessLog { edges { node { id } } } }`, undefined, app()))).toBe('FORBIDDEN');
    });

    it('does not bind LEGAL, PRIVACY_OPS or ADMIN, and logs their reads too: role, no purpose, one row per person', async () => {
      const before = await logRows();
      for (const role of [Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN]) {
        const res = await list(null, { first: 100 }, t.token(role));
        expect(res.errors).toBeUndefined();
        expect(res.data!.users.edges.map((e) => e.node)).toEqual([...full.values()]);
      }
      // Every person but the tombstone, once per role.
      expect(await logRows()).toBe(before + 3 * (SUBJECTS - 1));
      const byRole: { role: string; purpose: string | null; n: number }[] = await t.gateway.dataSource.query(
        'SELECT role, purpose, COUNT(*) AS n FROM access_log WHERE id > (SELECT MAX(id) FROM access_log) - ? GROUP BY role, purpose ORDER BY role',
        [3 * (SUBJECTS - 1)],
      );
      expect(byRole.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
        { role: 'ADMIN', purpose: null, n: SUBJECTS - 1 },
        { role: 'LEGAL', purpose: null, n: SUBJECTS - 1 },
        { role: 'PRIVACY_OPS', purpose: null, n: SUBJECTS - 1 },
      ]);
    });
  });

  describe('one block per purpose', () => {
    it('SERVICE: everyone, everything, as the unbound read', async () => {
      const res = await list('SERVICE');
      expect(res.errors).toBeUndefined();
      expect(res.data!.users.edges.map((e) => e.node)).toEqual([...full.values()]);
    });

    it('SUPPORT: everything but the date of birth', async () => {
      const res = await list('SUPPORT');
      expect(res.data!.users.edges.map((e) => e.node)).toEqual([...full.values()].map((p) => ({ ...p, birthDate: null })));
    });

    it('PRODUCT_EMAIL: only people who granted it, filtered in SQL (pages stay full), with name, email, region, country and consents', async () => {
      const granted = await ids(`SELECT subject_id AS id FROM consents WHERE purpose = 'PRODUCT_EMAIL' AND status = 'GRANTED' ORDER BY subject_id`);
      expect(granted.length).toBeGreaterThan(5);
      expect(granted.length).toBeLessThan(SUBJECTS - 5);
      const res = await list('PRODUCT_EMAIL');
      const nodes = res.data!.users.edges.map((e) => e.node);
      expect(nodes.map((n) => Number(n.id))).toEqual(granted);
      for (const n of nodes) {
        const p = full.get(n.id)!;
        expect(n).toEqual({
          ...p, phone: null, streetAddress: null, city: null, postalCode: null, birthDate: null, ageRange: null, consentHistory: [], disclosures: { edges: [] }, recipients: [],
        });
      }
      // A page of 5 holds 5 consenting people, and the cursor goes on from there.
      const page = await list('PRODUCT_EMAIL', { first: 5 });
      expect(page.data!.users.edges.map((e) => Number(e.node.id))).toEqual(granted.slice(0, 5));
      expect(page.data!.users.pageInfo.hasNextPage).toBe(true);
      const next = await list('PRODUCT_EMAIL', { first: 5, after: page.data!.users.pageInfo.endCursor });
      expect(next.data!.users.edges.map((e) => Number(e.node.id))).toEqual(granted.slice(5, 10));
      // The filter is part of the list's statement: as many statements as SERVICE, for 5 or 30 people.
      const statements = async (purpose: string, first: number) => {
        const before = t.statements();
        const res = await t.gql<ListData>(`query($first: Int) { users(first: $first) { edges { node { id email consents { purpose } } } } }`, { first }, app(), purpose);
        expect(res.data!.users.edges).toHaveLength(first);
        return t.statements() - before;
      };
      const service = await statements('SERVICE', 30);
      expect(await statements('PRODUCT_EMAIL', 5)).toBe(service);
      expect(await statements('PRODUCT_EMAIL', 30)).toBe(service);
    });

    it('PRODUCT_EMAIL by id: a person without the consent is null with a typed reason on the field', async () => {
      const [missing] = await ids(
        `SELECT s.id FROM subjects s WHERE s.status = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.subject_id = s.id AND c.purpose = 'PRODUCT_EMAIL' AND c.status = 'GRANTED') ORDER BY s.id LIMIT 1`,
      );
      const res = await one(missing!, 'PRODUCT_EMAIL');
      expect(res.data).toEqual({ user: null });
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.path).toEqual(['user']);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_CONSENT_MISSING', purpose: 'PRODUCT_EMAIL' });
      const [ok] = await ids(`SELECT subject_id AS id FROM consents WHERE purpose = 'PRODUCT_EMAIL' AND status = 'GRANTED' ORDER BY subject_id LIMIT 1`);
      const shown = await one(ok!, 'PRODUCT_EMAIL');
      expect(shown.errors).toBeUndefined();
      expect(shown.data!.user).toMatchObject({ id: String(ok), email: full.get(String(ok))!.email, phone: null });
    });

    it('PRODUCT_EMAIL through a recipient: no disclosure, so no person behind one (the type table hides disclosures from it)', async () => {
      const q = `{ recipients(first: 20) { edges { node { id disclosures(first: 30) { edges { node { id user { id email } } } } } } } }`;
      const res = await t.gql<{ recipients: { edges: { node: { id: string; disclosures: { edges: unknown[] } } }[] } }>(q, undefined, app(), 'PRODUCT_EMAIL');
      expect(res.errors).toBeUndefined();
      expect(res.data!.recipients.edges.length).toBeGreaterThan(5);
      expect(res.data!.recipients.edges.flatMap((r) => r.node.disclosures.edges)).toEqual([]);
      // SERVICE, which may see what was shared, gets them through the same edge.
      const service = await t.gql<{ recipients: { edges: { node: { disclosures: { edges: unknown[] } } }[] } }>(q, undefined, app(), 'SERVICE');
      expect(service.data!.recipients.edges.flatMap((r) => r.node.disclosures.edges).length).toBeGreaterThan(0);
    });

    it('THIRD_PARTY_OFFERS: only people who granted it, and not after a GPC opt-out (by list and by id)', async () => {
      const candidates = await ids(
        `SELECT c.subject_id AS id FROM consents c WHERE c.purpose = 'THIRD_PARTY_OFFERS' AND c.status = 'GRANTED'
           AND NOT EXISTS (SELECT 1 FROM consents g WHERE g.subject_id = c.subject_id AND g.purpose = 'THIRD_PARTY_MARKETING_SHARING' AND g.status = 'WITHDRAWN') ORDER BY c.subject_id`,
      );
      expect(candidates.length).toBeGreaterThan(2);
      const before = await list('THIRD_PARTY_OFFERS');
      expect(before.data!.users.edges.map((e) => Number(e.node.id))).toEqual(
        await ids(`SELECT subject_id AS id FROM consents WHERE purpose = 'THIRD_PARTY_OFFERS' AND status = 'GRANTED' ORDER BY subject_id`),
      );
      const optedOut = candidates[1]!;
      // The web server forwards the browser's Sec-GPC header.
      const base = t.url.replace(/\/graphql$/, '');
      const collect = await fetch(`${base}/collect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token(Role.APP)}`, 'sec-gpc': '1' },
        body: JSON.stringify({ userId: String(optedOut), page: '/' }),
      });
      expect(collect.status).toBe(201);
      const after = await list('THIRD_PARTY_OFFERS');
      const afterIds = after.data!.users.edges.map((e) => Number(e.node.id));
      expect(afterIds).toEqual(before.data!.users.edges.map((e) => Number(e.node.id)).filter((id) => id !== optedOut));
      const byId = await one(optedOut, 'THIRD_PARTY_OFFERS');
      expect(byId.data).toEqual({ user: null });
      expect(byId.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'GPC_OPT_OUT' });
      // Our own product email is not sale or sharing: the GPC signal does not remove them there.
      const granted = await ids(`SELECT subject_id AS id FROM consents WHERE subject_id = ? AND purpose = 'PRODUCT_EMAIL' AND status = 'GRANTED'`, [optedOut]);
      if (granted.length) expect((await one(optedOut, 'PRODUCT_EMAIL')).data!.user).not.toBeNull();
    });

    it('ANALYTICS: no name, contact or precise location; the age as a band; no email lookups', async () => {
      await refresh();
      const res = await list('ANALYTICS');
      const nodes = res.data!.users.edges.map((e) => e.node);
      expect(nodes).toHaveLength(SUBJECTS);
      for (const n of nodes) {
        const p = full.get(n.id)!;
        expect(n).toMatchObject({ name: null, email: null, phone: null, streetAddress: null, city: null, postalCode: null, birthDate: null, region: p.region, country: p.country });
        expect(n.consents).toEqual(p.consents);
        expect(n.disclosures).toEqual({ edges: [] });
        if (p.birthDate) expect(n.ageRange).toMatch(/^(under-13|13-17|18-24|25-34|35-44|45-54|55-64|65\+)$/);
        else expect(n.ageRange).toBe(p.ageRange);
      }
      expect(nodes.some((n) => n.ageRange !== null)).toBe(true);
      const byEmail = await t.gql(`{ users(first: 1, filter: { email: "someone@example.com" }) { edges { node { id } } } }`, undefined, app(), 'ANALYTICS');
      expect(byEmail.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'FIELD_NOT_ALLOWED_FOR_PURPOSE' });
    });

    it('SECURITY: name, email, phone, region, country; consent history, disclosures and recipients, not current consents', async () => {
      await refresh();
      const res = await list('SECURITY');
      for (const n of res.data!.users.edges.map((e) => e.node)) {
        const p = full.get(n.id)!;
        expect(n).toEqual({ ...p, streetAddress: null, city: null, postalCode: null, birthDate: null, ageRange: null, consents: [] });
      }
    });

    it('leaves an erased user as it is today: a tombstone, and no access-log entry', async () => {
      const res = await one(erasedId, 'SERVICE');
      expect(res.data!.user).toMatchObject({ id: String(erasedId), status: 'ERASED', name: null, email: null, consents: [] });
      const [{ n }] = await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM access_log WHERE subject_id = ?', [erasedId]);
      expect(Number(n)).toBe(0);
      // Marketing reads never reach a tombstone: it holds no consent.
      expect((await one(erasedId, 'PRODUCT_EMAIL')).errors![0]!.extensions!.reason).toBe('PURPOSE_CONSENT_MISSING');
    });
  });

  describe('without the anonymization plugin', () => {
    let bare: TestGateway;
    beforeAll(async () => {
      bare = await startTestGateway('purpose_reads_bare', { env: { PLUGINS: 'legal-hold' } });
      await seedDemoData(bare.gateway.dataSource, systemActor, { subjects: 10, recipients: 10, seed: 3 });
    });
    afterAll(() => bare.close());

    it('ANALYTICS gets null where it would get generalized values', async () => {
      const res = await bare.gql<ListData>(`{ users(first: 10) { edges { node { id name ageRange region } } } }`, undefined, bare.token(Role.APP), 'ANALYTICS');
      expect(res.errors).toBeUndefined();
      for (const { node } of res.data!.users.edges) expect(node).toMatchObject({ name: null, ageRange: null });
      expect(res.data!.users.edges.some((e) => e.node.region !== null)).toBe(true);
    });
  });

  describe('the access log', () => {
    type LogPage = { accessLog: { edges: { node: { id: string; requestId: string; actor: string; purpose: string; userId: string; categories: string[]; accessedAt: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const LOG = `query($subjectId: ID, $actor: String, $purpose: ReadPurpose, $since: DateTimeISO, $until: DateTimeISO, $first: Int, $after: String) {
      accessLog(subjectId: $subjectId, actor: $actor, purpose: $purpose, since: $since, until: $until, first: $first, after: $after) {
        edges { node { id requestId actor purpose userId categories accessedAt } } pageInfo { hasNextPage endCursor } } }`;
    const log = (vars: Record<string, unknown>, role = Role.LEGAL): Promise<GqlResult<LogPage>> => t.gql<LogPage>(LOG, vars, t.token(role));

    it('records who, why, whom and which categories of the fields returned, once the response is sent', async () => {
      const token = signToken(t.config.auth.jwtSecret, 'helpdesk-7', [Role.APP], 600);
      const res = await t.gql<{ user: Person }>(`{ user(id: "3") { id name email birthDate consents { purpose } } }`, undefined, token, 'SUPPORT');
      expect(res.errors).toBeUndefined();
      // The response was only sent after the entry was committed: it is there now.
      const page = await log({ actor: 'helpdesk-7' });
      expect(page.data!.accessLog.edges).toHaveLength(1);
      const entry = page.data!.accessLog.edges[0]!.node;
      expect(entry).toMatchObject({ actor: 'helpdesk-7', purpose: 'SUPPORT', userId: '3' });
      // birthDate was asked for but masked: not in the categories.
      const u = res.data!.user;
      const expected = [...(u.name ? ['user.name'] : []), ...(u.email ? ['user.contact.email'] : []), ...(u.consents.length ? ['user.privacy_preferences'] : [])].sort();
      expect(expected.length).toBeGreaterThan(1);
      expect(entry.categories).toEqual(expected);
    });

    it('records every person of a list in one request, and only what was returned', async () => {
      const token = signToken(t.config.auth.jwtSecret, 'mailer-1', [Role.APP], 600);
      const res = await t.gql<ListData>(`{ users(first: 100) { edges { node { id email phone } } } }`, undefined, token, 'PRODUCT_EMAIL');
      const returned = res.data!.users.edges.map((e) => e.node.id).sort();
      const page = await log({ actor: 'mailer-1', first: 100 });
      const entries = page.data!.accessLog.edges.map((e) => e.node);
      expect(entries.map((e) => e.userId).sort()).toEqual(returned);
      expect(new Set(entries.map((e) => e.requestId)).size).toBe(1);
      // phone is masked for PRODUCT_EMAIL.
      for (const e of entries) expect(e.categories).toEqual(['user.contact.email']);
    });

    it('writes nothing for a purpose-bound request that returned no personal field', async () => {
      const token = signToken(t.config.auth.jwtSecret, 'counter-1', [Role.APP], 600);
      const res = await t.gql(`{ users(first: 10) { edges { node { id status } } } }`, undefined, token, 'ANALYTICS');
      expect(res.errors).toBeUndefined();
      expect((await log({ actor: 'counter-1' })).data!.accessLog.edges).toHaveLength(0);
    });

    it('pages newest first with a cursor and filters by person, purpose and time', async () => {
      const token = signToken(t.config.auth.jwtSecret, 'pager-1', [Role.APP], 600);
      for (const purpose of ['SERVICE', 'SUPPORT', 'SECURITY', 'SERVICE', 'SUPPORT']) await t.gql(`{ user(id: "5") { email } }`, undefined, token, purpose);
      const all = (await log({ actor: 'pager-1', first: 10 })).data!.accessLog.edges.map((e) => e.node);
      expect(all.map((e) => e.purpose)).toEqual(['SUPPORT', 'SERVICE', 'SECURITY', 'SUPPORT', 'SERVICE']);
      const first = (await log({ actor: 'pager-1', first: 2 })).data!.accessLog;
      expect(first.pageInfo.hasNextPage).toBe(true);
      const rest = (await log({ actor: 'pager-1', first: 10, after: first.pageInfo.endCursor })).data!.accessLog;
      expect([...first.edges, ...rest.edges].map((e) => e.node.id)).toEqual(all.map((e) => e.id));
      expect(rest.pageInfo.hasNextPage).toBe(false);
      expect((await log({ actor: 'pager-1', purpose: 'SECURITY' })).data!.accessLog.edges).toHaveLength(1);
      expect((await log({ subjectId: '5', actor: 'pager-1' })).data!.accessLog.edges).toHaveLength(5);
      const oldest = all[all.length - 1]!.accessedAt;
      expect((await log({ actor: 'pager-1', until: oldest })).data!.accessLog.edges).toHaveLength(0);
      expect((await log({ actor: 'pager-1', since: oldest })).data!.accessLog.edges).toHaveLength(5);
      expect(errorCode(await log({ since: oldest, until: oldest }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await log({ after: 'nonsense' }))).toBe('BAD_USER_INPUT');
    });

    it('is read by LEGAL, PRIVACY_OPS and ADMIN only', async () => {
      for (const role of [Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN]) expect((await log({ first: 1 }, role)).errors).toBeUndefined();
      for (const role of [Role.APP, Role.MNA]) expect(errorCode(await t.gql(LOG, { first: 1 }, t.token(role), 'SERVICE'))).toBe('FORBIDDEN');
    });

    it('User.accessLog: batched (statements equal for 10 and 50 users), hidden from every purpose', async () => {
      const q = `query($n: Int) { users(first: $n) { edges { node { id accessLog(first: 3) { edges { node { actor purpose } } pageInfo { hasNextPage } } } } } }`;
      const count = async (n: number) => {
        const before = t.statements();
        const res = await t.gql<{ users: { edges: { node: { id: string; accessLog: LogPage['accessLog'] } }[] } }>(q, { n }, t.token(Role.LEGAL));
        expect(res.errors).toBeUndefined();
        return { statements: t.statements() - before, data: res.data! };
      };
      const ten = await count(10);
      const fifty = await count(50);
      expect(fifty.statements).toBe(ten.statements);
      const five = fifty.data.users.edges.find((e) => e.node.id === '5')!.node.accessLog;
      expect(five.edges).toHaveLength(3);
      expect(five.pageInfo.hasNextPage).toBe(true);
      const asApp = await t.gql<{ user: { accessLog: unknown } }>(`{ user(id: "5") { id accessLog { edges { node { id } } } } }`, undefined, app(), 'SERVICE');
      expect(asApp.data!.user.accessLog).toBeNull();
    });

    it('withholds the data when its access log cannot be written', async () => {
      const ds = t.gateway.dataSource;
      await ds.query('RENAME TABLE access_log TO h12_access_log_away');
      try {
        const res = await fetch(t.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${app()}`, 'x-purpose': 'SERVICE' },
          body: JSON.stringify({ query: '{ user(id: "4") { email } }' }),
        });
        const text = await res.text();
        expect(res.status).toBe(503);
        const body = JSON.parse(text) as { data?: unknown; errors: { extensions: { code: string; reason: string } }[] };
        expect(body.data).toBeUndefined();
        expect(body.errors[0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'ACCESS_LOG_UNAVAILABLE' });
        expect(text).not.toContain(full.get('4')!.email!);
      } finally {
        await ds.query('RENAME TABLE h12_access_log_away TO access_log');
      }
      // An unbound read needs no log and is not affected; the next purpose-bound read works again.
      expect((await one(4, 'SERVICE')).data!.user!.email).toBe(full.get('4')!.email);
    });
  });

  describe('the group-commit writer', () => {
    const row = (actor: string, subjectId: number): AccessLogRow => ({ requestId: randomUUID(), actor, role: 'APP', purpose: 'SERVICE', subjectId, categories: ['user.name'], accessedAt: new Date() });
    const logged = async (actorPrefix: string) => Number((await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM access_log WHERE actor LIKE ?', [`${actorPrefix}%`]))[0].n);

    it('writes concurrent requests in one INSERT, and resolves each only once its rows are committed', async () => {
      const writer = new AccessLogWriter(t.gateway.dataSource, { flushMs: 50, batchRows: 5000 });
      const visibleAtResolve: number[] = [];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => writer.write([row(`gc-a-${i}:`, 1), row(`gc-a-${i}:`, 2)]).then(async () => visibleAtResolve.push(await logged(`gc-a-${i}:`)))),
      );
      expect(writer.batches).toBe(1);
      expect(visibleAtResolve).toEqual(Array(30).fill(2));
      await writer.close();
    });

    it('writes a batch at once when it reaches batchRows, one INSERT at a time', async () => {
      const writer = new AccessLogWriter(t.gateway.dataSource, { flushMs: 1000, batchRows: 10 });
      // 10 rows: written without waiting for the (long) timer.
      await writer.write(Array.from({ length: 10 }, (_, i) => row('gc-b', i + 1)));
      expect(writer.batches).toBe(1);
      expect(await logged('gc-b')).toBe(10);
      await writer.close();
      await expect(writer.write([row('gc-b', 1)])).rejects.toThrow(/closed/);
    });

    it('rejects every request of a batch that fails, and writes the next batch', async () => {
      const writer = new AccessLogWriter(t.gateway.dataSource, { flushMs: 20, batchRows: 5000 });
      const bad = { ...row('gc-c-bad', 1), categories: ['x'.repeat(600)] };
      const results = await Promise.allSettled([writer.write([row('gc-c-ok', 1)]), writer.write([bad])]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(await logged('gc-c')).toBe(0);
      await writer.write([row('gc-c-ok', 2)]);
      expect(await logged('gc-c')).toBe(1);
      await writer.close();
    });
  });
});
