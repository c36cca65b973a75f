import http from 'node:http';
import jwt from 'jsonwebtoken';
import { createHash } from 'node:crypto';
import { createOpenToken, createUnsubscribeToken } from '../../src/domain/unsubscribe-token.service';
import { PurposeKey, Role } from '../../src/entities/enums';
import { deepVariablesBody, fanOutDocument as fanOut } from '../../scripts/hostile-documents';
import { registerUser } from '../helpers/fixtures';
import { startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';

/**
 * Issue 18: no single request, token or log line may take the gateway down or leak from it.
 * Each block names the point of the issue it holds the gateway to.
 */
interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string; reason?: string; retryAfter?: number } }[] };
}

async function postBody(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  try {
    return { status: res.status, headers: res.headers, body: JSON.parse(text) };
  } catch {
    throw new Error(`HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
  }
}

/** A raw HTTP GET whose path is sent as written (fetch would resolve `..` and re-escape it). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hardening (issue 18)', () => {
  let t: TestGateway;
  let base: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await startTestGateway('hardening', { logger: (l) => lines.push(l), env: { LOG_LEVEL: 'info' } });
    base = t.url.replace(/\/graphql$/, '');
  });
  afterAll(() => t.close());

  describe('1. fragment fan-out is refused at once, without a token, before anything runs', () => {
    it.each([
      ['a query, 2^40 copies', fanOut(40)],
      ['a query, 2^40 copies of a paginated field', fanOut(40, 'Query', 'users(first: 1) { edges { cursor } }')],
      ['a mutation, 2^40 copies', fanOut(40, 'Mutation', '__typename')],
      ['a query, 2^200 copies (the cost overflows any integer)', fanOut(200)],
    ])('%s: HTTP 400 QUERY_TOO_COSTLY, no SQL, and /healthz answers after', async (_what, query) => {
      const before = t.statements();
      const res = await postBody(t.url, JSON.stringify({ query }));
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['BAD_USER_INPUT', 'QUERY_TOO_COSTLY']]);
      expect(t.statements()).toBe(before);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });
  });

  describe('6. client mistakes are 4xx with a typed error, never 500', () => {
    it('refuses variables nested 5,000 deep with 400 VARIABLES_TOO_DEEP (it overflowed the stack: 500)', async () => {
      const res = await postBody(t.url, deepVariablesBody(5000), {
        authorization: `Bearer ${t.token(Role.ADMIN)}`,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['BAD_USER_INPUT', 'VARIABLES_TOO_DEEP']]);
    });

    it('refuses the same nesting in a GET query string, where Apollo would parse it', async () => {
      // 300 levels: Node refuses a request line past 16 KB on its own (431).
      const deep = '{"a":'.repeat(300) + '1' + '}'.repeat(300);
      const res = await fetch(`${t.url}?query=${encodeURIComponent('query($i: UserFilter) { users(first: 1, filter: $i) { edges { cursor } } }')}&variables=${encodeURIComponent(deep)}`, {
        headers: { authorization: `Bearer ${t.token(Role.ADMIN)}`, 'apollo-require-preflight': 'true' },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Answer['body']).errors?.map((e) => e.extensions?.reason)).toEqual(['VARIABLES_TOO_DEEP']);
    });

    it('accepts variables as deep as a real input needs', async () => {
      const res = await t.gql(`mutation($i: RegisterUserInput!) { registerUser(input: $i) { id } }`, { i: { name: 'Deep Enough', email: 'deep.enough@example.com' } });
      expect(res.errors).toBeUndefined();
    });

    it('refuses a subscription (there are none) with 400 UNSUPPORTED_OPERATION_TYPE, not INTERNAL_SERVER_ERROR', async () => {
      const at = lines.length;
      const res = await postBody(t.url, JSON.stringify({ query: 'subscription { __typename }' }));
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['BAD_USER_INPUT', 'UNSUPPORTED_OPERATION_TYPE']]);
      expect(lines.slice(at).filter((l) => l.level === 'error' || l.level === 50)).toEqual([]);
    });

    it('refuses an APQ hash that does not match its query with 400, and logs no error', async () => {
      const at = lines.length;
      const res = await postBody(t.url, JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }));
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['BAD_USER_INPUT', 'PERSISTED_QUERY_HASH_MISMATCH']]);
      expect(JSON.stringify(lines.slice(at))).not.toMatch(/"level":(50|"error")/);
      // A matching hash still works (APQ stays available to clients).
      const sha = createHash('sha256').update('{ __typename }').digest('hex');
      const ok = await postBody(t.url, JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: sha } } }));
      expect(ok.status).toBe(200);
    });
  });

  describe('7. every line goes through the scrubbing logger: JSON error handlers on every route', () => {
    it('answers a malformed percent-escape in the pixel URL with a JSON 400, writing nothing raw to stdout or stderr', async () => {
      const written: string[] = [];
      const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
      const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
      const at = lines.length;
      let res: Awaited<ReturnType<typeof rawGet>>;
      try {
        res = await rawGet(Number(new URL(base).port), '/o/carol%40example.com%E0%A4%A.gif');
      } finally {
        out.mockRestore();
        err.mockRestore();
      }
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(JSON.parse(res.body)).toEqual({ code: 'BAD_USER_INPUT', message: 'the URL holds a malformed percent-escape' });
      expect(written.join('')).toBe('');
      expect(JSON.stringify(lines.slice(at))).not.toContain('carol');
    });

    it('answers an unknown path with a JSON 404 that does not echo the path', async () => {
      const res = await rawGet(Number(new URL(base).port), '/nothing/<script>x</script>');
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ code: 'NOT_FOUND', message: 'no such endpoint' });
    });
  });

  describe('8. token lifetime is bounded, and unknown critical headers are refused', () => {
    const secret = () => t.config.auth.jwtSecret;
    const now = () => Math.floor(Date.now() / 1000);
    const ask = (token: string) => t.gql('{ dataCategories { key } }', {}, token);

    it.each([
      ['exp ten years ahead', () => jwt.sign({ roles: ['ADMIN'], sub: 'x', iat: now(), exp: now() + 10 * 366 * 86400 }, secret(), { algorithm: 'HS256' })],
      // (exp − now is within the maximum here: only exp − iat is over it)
      ['exp a day and a second after iat', () => jwt.sign({ roles: ['ADMIN'], sub: 'x', iat: now() - 10, exp: now() - 10 + 86401 }, secret(), { algorithm: 'HS256' })],
      ['no iat, exp two days ahead', () => jwt.sign({ roles: ['ADMIN'], sub: 'x', exp: now() + 2 * 86400 }, secret(), { algorithm: 'HS256', noTimestamp: true })],
      ['a crit header naming an extension', () => jwt.sign({ roles: ['ADMIN'], sub: 'x' }, secret(), { algorithm: 'HS256', expiresIn: 60, header: { alg: 'HS256', crit: ['b64'], b64: true } as jwt.JwtHeader })],
      ['an empty crit header', () => jwt.sign({ roles: ['ADMIN'], sub: 'x' }, secret(), { algorithm: 'HS256', expiresIn: 60, header: { alg: 'HS256', crit: [] } as unknown as jwt.JwtHeader })],
    ])('refuses %s with UNAUTHENTICATED', async (_what, make) => {
      const res = await ask(make());
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    });

    it('accepts a token that lives exactly the maximum (a day)', async () => {
      const token = jwt.sign({ roles: ['ADMIN'], sub: 'x', iat: now(), exp: now() + 86400 }, secret(), { algorithm: 'HS256' });
      expect((await ask(token)).errors).toBeUndefined();
    });
  });

  describe('9. small ones', () => {
    it('sends X-Content-Type-Options: nosniff on every response, errors included', async () => {
      const port = Number(new URL(base).port);
      const answers = [
        await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
        await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad json' }),
        await fetch(`${base}/healthz`),
        await fetch(`${base}/readyz`),
        await fetch(`${base}/metrics`),
        await fetch(`${base}/collect`, { method: 'POST' }),
        await fetch(`${base}/o/whatever.gif`),
        await fetch(`${base}/unsubscribe?token=x`),
        await fetch(`${base}/admin/queues`),
        await fetch(`${base}/exports/consents.ndjson`),
        await fetch(`${base}/no-such-path`),
      ];
      for (const res of answers) expect([res.url, res.headers.get('x-content-type-options')]).toEqual([res.url, 'nosniff']);
      const raw = await rawGet(port, '/o/%E0%A4%A.gif');
      expect(raw.headers['x-content-type-options']).toBe('nosniff');
    });

    it('takes no credential from the dashboard URL: ?token= neither signs in nor sets a cookie', async () => {
      const port = Number(new URL(base).port);
      for (const path of [`/admin/queues?token=${t.token(Role.ADMIN)}`, `/admin/queues/..//evil.example/x?token=${t.token(Role.ADMIN)}`]) {
        const raw = await rawGet(port, path);
        expect(raw.status).toBe(401);
        expect(raw.headers['set-cookie']).toBeUndefined();
        expect(raw.headers.location).toBeUndefined();
      }
    });

    it('records one open per message however often its pixel is fetched, also concurrently', async () => {
      const carol = Number(await registerUser(t));
      const grant = await t.gql(`mutation($input: RecordConsentInput!) { recordConsent(input: $input) { changed } }`, { input: { userId: String(carol), purpose: 'EMAIL_OPEN_TRACKING', status: 'GRANTED' } }, t.token(Role.APP), 'SERVICE');
      expect(grant.errors).toBeUndefined();
      const opens = async () => (await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM email_opens WHERE subject_id = ?', [carol]))[0].n as string;
      const audits = async () => (await t.gateway.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'email.opened'"))[0].n as string;
      const first = createOpenToken(t.config.communications, carol, 'june');
      const second = createOpenToken(t.config.communications, carol, 'june');
      expect(second).not.toBe(first);
      const auditsBefore = Number(await audits());
      for (let i = 0; i < 3; i++) expect((await fetch(`${base}/o/${first}.gif`)).status).toBe(200);
      expect(Number(await opens())).toBe(1);
      const burst = await Promise.all(Array.from({ length: 10 }, () => fetch(`${base}/o/${second}.gif`)));
      expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(Number(await opens())).toBe(2);
      expect(Number(await audits()) - auditsBefore).toBe(2);
    });

    it('never lets a caller without a token, or with an invalid document, fill the operation labels of /metrics', async () => {
      const otherRefused = async () => Number(/drg_graphql_requests_total\{operation="other",outcome="client_error"\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
      const before = await otherRefused();
      for (let i = 0; i < 30; i++) await postBody(t.url, JSON.stringify({ query: `query Junk${i} { dataCategories { key } }`, operationName: `Junk${i}` }));
      const admin = { authorization: `Bearer ${t.token(Role.ADMIN)}` };
      for (let i = 0; i < 5; i++) await postBody(t.url, JSON.stringify({ query: `query Broken${i} { nope }`, operationName: `Broken${i}` }), admin);
      await postBody(t.url, JSON.stringify({ query: 'query Legit { dataCategories { key } }', operationName: 'Legit' }), admin);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).not.toMatch(/operation="(Junk|Broken)\d+"/);
      // The 30 token-less ones count as 'other'; the 5 invalid ones never resolve a name at all ('anonymous').
      expect((await otherRefused()) - before).toBe(30);
      expect(metrics).toMatch(/drg_graphql_requests_total\{operation="Legit",outcome="ok"\} 1/);
    });
  });
});

describe('hardening (issue 18): rate limits on /collect and the token-less unsubscribe', () => {
  let t: TestGateway;
  let base: string;

  beforeAll(async () => {
    t = await startTestGateway('hardening_rates', {
      env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: '1', RATE_LIMIT_BURST: '3', RATE_LIMIT_COLLECT_PER_MINUTE: '1', RATE_LIMIT_COLLECT_BURST: '3' },
    });
    base = t.url.replace(/\/graphql$/, '');
  });
  afterAll(() => t.close());

  const collect = (token: string, body: string) => fetch(`${base}/collect`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });

  it('5. /collect refuses a NUL byte and a lone surrogate as GraphQL does, writing nothing', async () => {
    const app = t.token(Role.APP);
    const before = await tableChecksums(t.gateway);
    for (const body of ['{"page":"/a\\u0000b"}', '{"page":"/x","cookieId":"\\ud800"}', '{"page":"/x","deviceId":"a\\udc00"}']) {
      const res = await collect(app, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CHARACTERS' });
    }
    expect(await tableChecksums(t.gateway)).toEqual(before);
  });

  it('5. /collect is rate-limited per token subject: over the burst, 429 with Retry-After; another subject is not', async () => {
    const web = jwt.sign({ roles: ['APP'] }, t.config.auth.jwtSecret, { algorithm: 'HS256', subject: 'web-1', expiresIn: 600 });
    const other = jwt.sign({ roles: ['APP'] }, t.config.auth.jwtSecret, { algorithm: 'HS256', subject: 'web-2', expiresIn: 600 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await collect(web, `{"page":"/p${i}"}`)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await collect(web, '{"page":"/again"}');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await collect(other, '{"page":"/p"}')).status).toBe(201);
  });

  it('9. the token-less unsubscribe is rate-limited per client address, in GraphQL and over plain HTTP alike', async () => {
    const alice = Number(await registerUser(t));
    // registerUser ran as ADMIN (its own bucket); the address bucket is untouched so far.
    const token = createUnsubscribeToken(t.config.communications, alice, PurposeKey.PRODUCT_EMAIL);
    const gql = () => t.gql(`mutation($token: String!) { unsubscribe(token: $token) { changed } }`, { token }, null);
    const answers = [await gql(), await gql(), await gql(), await gql()];
    expect(answers.map((a) => a.errors?.[0]?.extensions?.code ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
    expect(answers[3]!.status).toBe(429);
    const form = await fetch(`${base}/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(form.status).toBe(429);
    // A token holder's mutations have their own bucket, untouched by the address's.
    expect((await t.gql(`mutation { registerUser(input: { name: "Still Fine", email: "still.fine@example.com" }) { id } }`)).errors).toBeUndefined();
  });
});

describe('hardening (issue 18): what production reveals, and where development listens', () => {
  const PRODUCTION = {
    NODE_ENV: 'production',
    JWT_SECRET: 'j'.repeat(40),
    PSEUDONYM_SECRET: 'p'.repeat(40),
    UNSUBSCRIBE_SECRET: 'u'.repeat(40),
    INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40),
    PUBLIC_BASE_URL: 'https://privacy.example.com',
    HOST: '127.0.0.1',
  };
  const guess = async (t: TestGateway) => (await t.gql('{ userz { id } }', {}, null)).errors?.map((e) => e.message) ?? [];

  it('2. production answers a guessed field name without "Did you mean"; development suggests', async () => {
    const prod = await startTestGateway('hardening_prod', { env: PRODUCTION });
    const dev = await startTestGateway('hardening_dev');
    try {
      expect(await guess(prod)).toEqual(['Cannot query field "userz" on type "Query".']);
      expect((await guess(dev)).join()).toMatch(/Did you mean "user" or "users"\?/);
      // Nor through an argument, an enum value or an input field.
      const refused = await prod.gql('{ users(firts: 1) { edges { cursor } } recipients(kind: AGENTT) { edges { cursor } } }', {}, null);
      expect(JSON.stringify(refused.errors)).not.toMatch(/Did you mean/);
    } finally {
      await prod.close();
      await dev.close();
    }
  });

  it('4. outside production the gateway listens on loopback unless HOST says otherwise', async () => {
    const t = await startTestGateway('hardening_host', { serve: false, env: { HOST: '' } });
    try {
      expect(t.config.http.host).toBe('127.0.0.1');
      const running = await t.gateway.serve(0);
      expect(running.host).toBe('127.0.0.1');
    } finally {
      await t.close();
    }
  });
});
