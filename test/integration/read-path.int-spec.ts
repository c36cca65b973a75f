import { STATUTORY_CATEGORIES } from '../../src/domain/shine-the-light';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { Role } from '../../src/entities/enums';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

const PAGE_QUERY = `query Page($first: Int!, $after: String) {
  users(first: $first, after: $after) {
    edges { cursor node {
      id name email region status
      consents { purpose status source version }
      consentHistory { seq purpose status source }
      disclosures(first: 10) { edges { node { id purpose identifiable occurredAt
        categories { key label shineTheLightCategory }
        recipient { id name kind } } } pageInfo { hasNextPage endCursor } }
      recipients { id name kind }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface PageData {
  users: {
    edges: { cursor: string; node: { id: string; consents: { purpose: string }[]; consentHistory: unknown[]; disclosures: { edges: { node: { id: string; categories: { key: string }[]; recipient: { id: string } } }[] }; recipients: { id: string }[] } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

// One clock for both seeded databases, so that the unbatched gateway's data equals the batched one's.
const SEEDED_AT = new Date();

describe('the read path: a page of users with every relation', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('read_path');
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 230, recipients: 40, seed: 7, now: SEEDED_AT });
  });
  afterAll(() => t.close());

  // PRIVACY_OPS is not purpose-bound (the unbound read); APP declares a purpose and the
  // response waits for its access-log batch, one more statement when requests come one by one.
  async function pageStatements(first: number, who: 'unbound' | 'purpose' = 'purpose'): Promise<{ statements: number; data: PageData }> {
    const before = t.statements();
    const res = who === 'unbound' ? await t.gql<PageData>(PAGE_QUERY, { first }, t.token(Role.PRIVACY_OPS)) : await t.gql<PageData>(PAGE_QUERY, { first }, t.token(Role.APP), 'SERVICE');
    expect(res.errors).toBeUndefined();
    return { statements: t.statements() - before, data: res.data! };
  }

  it('costs the same small, fixed number of SQL statements for 10 and for 100 users', async () => {
    const ten = await pageStatements(10, 'unbound');
    const hundred = await pageStatements(100, 'unbound');
    expect(ten.data.users.edges).toHaveLength(10);
    expect(hundred.data.users.edges).toHaveLength(100);
    expect(hundred.statements).toBe(ten.statements);
    // The page, its relations, and the access log's one INSERT (every reader is logged).
    expect(hundred.statements).toBeLessThanOrEqual(7);
  });

  it('costs the same with a declared purpose (the same access-log batch), for 10 and for 100 users', async () => {
    const unbound = await pageStatements(100, 'unbound');
    const ten = await pageStatements(10);
    const hundred = await pageStatements(100);
    expect(ten.data.users.edges).toHaveLength(10);
    expect(hundred.data).toEqual(unbound.data);
    expect(hundred.statements).toBe(ten.statements);
    expect(hundred.statements).toBe(unbound.statements);
  });

  it('returns the same page with DataLoader batching switched off, at one statement per relation per row (the read bench\'s naive variant)', async () => {
    const unbatched = await startTestGateway('read_path_unbatched', { env: { GRAPHQL_BATCH_LOADS: 'false' } });
    try {
      await seedDemoData(unbatched.gateway.dataSource, systemActor, { subjects: 230, recipients: 40, seed: 7, now: SEEDED_AT });
      const batched = await pageStatements(20, 'unbound');
      const before = unbatched.statements();
      const res = await unbatched.gql<PageData>(PAGE_QUERY, { first: 20 }, unbatched.token(Role.PRIVACY_OPS));
      const statements = unbatched.statements() - before;
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual(batched.data);
      // Per user: consents, consent history, disclosures, recipients; per disclosure: its categories;
      // per distinct recipient: one (the per-request cache stays).
      const disclosures = batched.data.users.edges.flatMap((e) => e.node.disclosures.edges);
      const recipients = new Set(disclosures.map((d) => d.node.recipient.id));
      for (const e of batched.data.users.edges) for (const r of e.node.recipients) recipients.add(r.id);
      expect(statements).toBeGreaterThanOrEqual(1 + 20 * 4 + disclosures.length);
      expect(statements).toBeLessThanOrEqual(1 + 20 * 4 + disclosures.length + recipients.size + 2);
      expect(statements).toBeGreaterThan(10 * batched.statements);
    } finally {
      await unbatched.close();
    }
  });

  it('returns exactly what the tables hold', async () => {
    const { data } = await pageStatements(25);
    const ds = t.gateway.dataSource;
    for (const { node } of data.users.edges.slice(0, 5)) {
      const id = Number(node.id);
      const consents: { purpose: string }[] = await ds.query('SELECT purpose FROM consents WHERE subject_id = ? ORDER BY purpose', [id]);
      expect(node.consents.map((c) => c.purpose)).toEqual(consents.map((c) => c.purpose));
      const [{ n: events }] = await ds.query('SELECT COUNT(*) AS n FROM consent_events WHERE subject_id = ?', [id]);
      expect(node.consentHistory).toHaveLength(Number(events));
      const disclosures: { id: number; recipient_id: number }[] = await ds.query(
        'SELECT id, recipient_id FROM disclosures WHERE subject_id = ? ORDER BY occurred_at DESC, id DESC LIMIT 10',
        [id],
      );
      expect(node.disclosures.edges.map((e) => Number(e.node.id))).toEqual(disclosures.map((d) => d.id));
      for (const e of node.disclosures.edges) {
        const cats: { category_key: string }[] = await ds.query('SELECT category_key FROM disclosure_categories WHERE disclosure_id = ? ORDER BY category_key', [Number(e.node.id)]);
        expect(e.node.categories.map((c) => c.key)).toEqual(cats.map((c) => c.category_key));
        expect(Number(e.node.recipient.id)).toBe(disclosures.find((d) => d.id === Number(e.node.id))!.recipient_id);
      }
      const recipients: { recipient_id: number }[] = await ds.query('SELECT DISTINCT recipient_id FROM disclosures WHERE subject_id = ? ORDER BY recipient_id', [id]);
      expect(node.recipients.map((r) => Number(r.id))).toEqual(recipients.map((r) => r.recipient_id));
    }
  });

  it('pages through every user exactly once with cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const res: { data: { users: PageData['users'] } | null } = await t.gql(`query($after: String) { users(first: 100, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`, { after }, t.token(Role.APP), 'SERVICE');
      const page = res.data!.users;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(230);
    expect(new Set(seen).size).toBe(230);
  });

  it('pages through one user’s disclosures with a cursor, newest first, without repeats', async () => {
    const first = await t.gql<{ user: { disclosures: { edges: { node: { id: string; occurredAt: string } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } } }>(
      `{ user(id: "3") { disclosures(first: 4) { edges { node { id occurredAt } } pageInfo { hasNextPage endCursor } } } }`,
    );
    const page1 = first.data!.user.disclosures;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await t.gql<{ user: { disclosures: { edges: { node: { id: string; occurredAt: string } }[] } } }>(
      `query($after: String) { user(id: "3") { disclosures(first: 100, after: $after) { edges { node { id occurredAt } } } } }`,
      { after: page1.pageInfo.endCursor },
    );
    const all = [...page1.edges, ...second.data!.user.disclosures.edges].map((e) => e.node);
    const [{ n }] = await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM disclosures WHERE subject_id = 3');
    expect(Number(n)).toBeGreaterThan(4);
    expect(all).toHaveLength(Number(n));
    expect(new Set(all.map((d) => d.id)).size).toBe(Number(n));
    const times = all.map((d) => Date.parse(d.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('filters users by region, status, email and granted purpose', async () => {
    const ds = t.gateway.dataSource;
    const [{ n: ca }] = await ds.query(`SELECT COUNT(*) AS n FROM subjects WHERE region = 'US-CA'`);
    const byRegion = await t.gql<{ users: { edges: { node: { region: string } }[] } }>(`{ users(first: 100, filter: { region: "US-CA" }) { edges { node { region } } } }`);
    expect(byRegion.data!.users.edges).toHaveLength(Math.min(100, Number(ca)));
    expect(byRegion.data!.users.edges.every((e) => e.node.region === 'US-CA')).toBe(true);

    const [{ n: granted }] = await ds.query(`SELECT COUNT(*) AS n FROM consents WHERE purpose = 'PRODUCT_EMAIL' AND status = 'GRANTED' AND subject_id <= 60`);
    const byPurpose = await t.gql<{ users: { edges: { node: { id: string; consents: { purpose: string; status: string }[] } }[] } }>(
      `{ users(first: 100, filter: { purposeGranted: PRODUCT_EMAIL }) { edges { node { id consents { purpose status } } } } }`,
    );
    const ids = byPurpose.data!.users.edges.filter((e) => Number(e.node.id) <= 60);
    expect(ids).toHaveLength(Number(granted));
    for (const e of byPurpose.data!.users.edges) expect(e.node.consents.find((c) => c.purpose === 'PRODUCT_EMAIL')!.status).toBe('GRANTED');

    const [{ email }] = await ds.query('SELECT email FROM subjects WHERE id = 17');
    const byEmail = await t.gql<{ users: { edges: { node: { id: string } }[] } }>(`query($e: String) { users(first: 5, filter: { email: $e }) { edges { node { id } } } }`, { e: email.toUpperCase() });
    expect(byEmail.data!.users.edges.map((e) => e.node.id)).toEqual(['17']);

    const erased = await t.gql<{ users: { edges: unknown[] } }>(`{ users(first: 5, filter: { status: ERASED }) { edges { node { id } } } }`);
    expect(erased.data!.users.edges).toHaveLength(0);
  });

  it('reads a recipient with its disclosures and the users behind them in a fixed number of statements', async () => {
    const q = `query($first: Int!) { recipients(first: $first, kind: THIRD_PARTY) { edges { node { id name
      disclosures(first: 5, purpose: DIRECT_MARKETING) { edges { node { id purpose user { id email } categories { key } } } } } } } }`;
    const before1 = t.statements();
    const small = await t.gql<{ recipients: { edges: { node: { disclosures: { edges: { node: { purpose: string } }[] } } }[] } }>(q, { first: 2 }, t.token(Role.APP), 'SERVICE');
    const s1 = t.statements() - before1;
    const before2 = t.statements();
    const large = await t.gql<{ recipients: { edges: unknown[] } }>(q, { first: 7 }, t.token(Role.APP), 'SERVICE');
    const s2 = t.statements() - before2;
    expect(small.errors).toBeUndefined();
    expect(large.data!.recipients.edges.length).toBeGreaterThan(2);
    expect(s2).toBe(s1);
    for (const r of small.data!.recipients.edges) for (const d of r.node.disclosures.edges) expect(d.node.purpose).toBe('DIRECT_MARKETING');
  });

  it('lists data categories with their Shine-the-Light mapping', async () => {
    const res = await t.gql<{ dataCategories: { key: string; shineTheLightCategory: string | null }[] }>(`{ dataCategories { key label shineTheLightCategory } }`, undefined, t.token(Role.APP), 'SERVICE');
    const map = Object.fromEntries(res.data!.dataCategories.map((c) => [c.key, c.shineTheLightCategory]));
    expect(map['user.contact.email']).toBe('Electronic mail address');
    expect(map['user.name']).toBe('Name and address');
    expect(map['user.device.ip_address']).toBeNull();
    // 1798.83(e)(6)(A): every label a notice can print is one of the statute's, in its words.
    for (const label of Object.values(map)) if (label !== null) expect(STATUTORY_CATEGORIES).toContain(label);
  });

  it('refuses page sizes outside 0..max and cursors it did not issue, with BAD_USER_INPUT', async () => {
    for (const first of [-1, 101, 1_000_000]) {
      const res = await t.gql(`query($f: Int!) { users(first: $f) { edges { node { id } } } }`, { first: undefined, f: first });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const bad = await t.gql(`{ users(first: 5, after: "not-a-cursor") { edges { node { id } } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badId = await t.gql(`{ user(id: "1 OR 1=1") { id } }`);
    expect(badId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const empty = await t.gql<{ users: { edges: unknown[] } }>(`{ users(first: 0) { edges { node { id } } } }`);
    expect(empty.data!.users.edges).toEqual([]);
  });
});
