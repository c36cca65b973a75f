import { Role } from '../../src/entities/enums';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * Query abuse is refused before execution: not one SQL statement runs (the gateway's own
 * statement counter), the answer is HTTP 400 (413 for a body over the limit) with a typed
 * error. Introspection is off when configured, and in production by default.
 */
interface Answer {
  status: number;
  codes: string[];
  reasons: unknown[];
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string; reason?: unknown } }[] };
}

async function postRaw(url: string, token: string, body: string): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SERVICE' }, body });
  const text = await res.text();
  let parsed: Answer['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  const errors = Array.isArray(parsed) ? [] : parsed.errors ?? [];
  return { status: res.status, codes: errors.map((e) => e.extensions?.code ?? 'none'), reasons: errors.map((e) => e.extensions?.reason), body: parsed };
}

const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

describe('query abuse is refused before execution', () => {
  let t: TestGateway;
  let admin: string;
  const post = (query: string, variables: Record<string, unknown> = {}) => postRaw(t.url, admin, JSON.stringify({ query, variables }));

  beforeAll(async () => {
    t = await startTestGateway('security_limits');
    admin = t.token(Role.ADMIN);
    // Some rows, so that a query that did run would have SQL to run.
    for (let i = 0; i < 3; i++) await t.gql(`mutation { registerUser(input: { name: "Limit ${i}", email: "limit${i}@example.com" }) { id } }`);
  });
  afterAll(() => t.close());

  it('runs SQL for an ordinary query (the counter works)', async () => {
    const before = t.statements();
    const res = await post('{ users(first: 2) { edges { node { id consents { purpose } } } } }');
    expect(res.codes).toEqual([]);
    expect(t.statements()).toBeGreaterThan(before);
  });

  const nested = (levels: number) => {
    let inner = 'id';
    for (let i = 0; i < levels; i++) inner = `recipient { disclosures(first: 1) { edges { node { ${inner} } } } }`;
    return `{ users(first: 1) { edges { node { disclosures(first: 1) { edges { node { ${inner} } } } } } } }`;
  };

  const abuse: [string, () => string, RegExp | string][] = [
    ['deep nesting (depth 38)', () => nested(8), 'QUERY_TOO_DEEP'],
    ['page sizes that multiply (100 x 100, within the depth limit)', () => '{ users(first: 100) { edges { node { disclosures(first: 100) { edges { node { id purpose categories { key } } } } } } } }', 'QUERY_TOO_COSTLY'],
    ['a page size given as a variable counts at the maximum', () => 'query($n: Int) { users(first: $n) { edges { node { disclosures(first: $n) { edges { node { id purpose categories { key } } } } } } } }', 'QUERY_TOO_COSTLY'],
    ['1000 aliases', () => `{ ${repeat(1000, (i) => `a${i}: dataCategories { key }`)} }`, 'TOO_MANY_ALIASES'],
    ['1000 aliases of __typename (no resolver, still refused)', () => `{ ${repeat(1000, (i) => `a${i}: __typename`)} }`, 'TOO_MANY_ALIASES'],
    ['aliases hidden in fragments', () => `{ ...F } fragment F on Query { ${repeat(40, (i) => `a${i}: policyVersions { version }`)} }`, 'TOO_MANY_ALIASES'],
    ['a fragment cycle', () => '{ users(first: 1) { ...A } } fragment A on UserConnection { edges { cursor } ...B } fragment B on UserConnection { ...A }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a fragment spreading itself', () => '{ users(first: 1) { ...A } } fragment A on UserConnection { edges { cursor } ...A }', 'GRAPHQL_VALIDATION_FAILED'],
    ['one directive repeated 1000 times', () => `{ users(first: 1) ${repeat(1000, () => '@include(if: true)')} { edges { cursor } } }`, 'GRAPHQL_VALIDATION_FAILED'],
    ['1000 unknown directives', () => `{ users(first: 1) ${repeat(1000, (i) => `@d${i}`)} { edges { cursor } } }`, 'GRAPHQL_VALIDATION_FAILED'],
    ['a document of 20,000 tokens', () => `{ users(first: 1) { edges { cursor ${repeat(10_000, () => 'cursor')} } } }`, /GRAPHQL_PARSE_FAILED|TOO_MANY_TOKENS/],
    ['10,000 operations in one document', () => repeat(10_000, (i) => `query Q${i} { dataCategories { key } }`), /GRAPHQL_PARSE_FAILED/],
  ];

  it.each(abuse)('refuses %s with a typed error and runs no SQL', async (_label, make, reason) => {
    const before = t.statements();
    const res = await post(make(), { n: 100 });
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    expect(res.codes.length).toBeGreaterThan(0);
    expect(new Set(res.codes)).toEqual(new Set(['BAD_USER_INPUT']));
    expect(res.reasons.map(String).join(' ')).toMatch(reason);
    expect(t.statements()).toBe(before);
  });

  it('refuses an array of operations (HTTP batching is off) with 400, running none', async () => {
    const before = t.statements();
    const res = await postRaw(t.url, admin, JSON.stringify([{ query: '{ users(first: 1) { edges { cursor } } }' }, { query: 'mutation { flagChild(userId: "1") { request { id } } }' }]));
    expect(res.status).toBe(400);
    expect(t.statements()).toBe(before);
  });

  it('refuses a body over 1 MB with 413 and a typed JSON error, and bad JSON with 400', async () => {
    const before = t.statements();
    const huge = await postRaw(t.url, admin, JSON.stringify({ query: `{ dataCategories { key } }${' '.repeat(1_100_000)}` }));
    expect(huge.status).toBe(413);
    expect(huge.codes).toEqual(['BAD_USER_INPUT']);
    expect(huge.reasons).toEqual(['PAYLOAD_TOO_LARGE']);
    const broken = await postRaw(t.url, admin, '{"query": "{ dataCategories { key } }"');
    expect(broken.status).toBe(400);
    expect(broken.codes).toEqual(['BAD_USER_INPUT']);
    expect(t.statements()).toBe(before);
  });

  it('refuses an aliased batch of mutations before any runs', async () => {
    const before = t.statements();
    const res = await post(`mutation { ${repeat(31, (i) => `m${i}: registerRecipient(input: { kind: AGENT, name: "R${i}", allowedPurposes: [SERVICE_PROVISION] }) { id }`)} }`);
    expect(res.status).toBe(400);
    expect(res.reasons).toContain('TOO_MANY_ALIASES');
    expect(t.statements()).toBe(before);
  });

  it('answers introspection where it is on (development and test)', async () => {
    const res = await post('{ __schema { queryType { name } } }');
    expect(res.codes).toEqual([]);
  });

  describe.each([
    ['GRAPHQL_INTROSPECTION=false', { GRAPHQL_INTROSPECTION: 'false' }],
    [
      'NODE_ENV=production (off by default)',
      { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), PSEUDONYM_SECRET: 'p'.repeat(40), UNSUBSCRIBE_SECRET: 'u'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com' },
    ],
  ])('introspection with %s', (_label, env) => {
    let prod: TestGateway;
    beforeAll(async () => {
      prod = await startTestGateway('security_introspection', { env });
      expect(prod.config.graphql.introspection).toBe(false);
    });
    afterAll(() => prod.close());

    it.each([
      ['__schema', '{ __schema { types { name } } }'],
      ['__type', '{ __type(name: "User") { fields { name } } }'],
      ['__schema hidden in a fragment', '{ ...F } fragment F on Query { __schema { queryType { name } } }'],
    ])('refuses %s, and still answers ordinary queries', async (_what, query) => {
      const res = await postRaw(prod.url, prod.token(Role.ADMIN), JSON.stringify({ query }));
      expect(res.status).toBe(400);
      expect(res.codes).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0]!.message).toMatch(/introspection/i);
      const ok = await postRaw(prod.url, prod.token(Role.ADMIN), JSON.stringify({ query: '{ dataCategories { key } }' }));
      expect(ok.codes).toEqual([]);
    });
  });
});
