import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Gateway } from '../../src/gateway';
import { Role } from '../../src/entities/enums';
import { freePort } from '../helpers/cli-process';
import { registerUser } from '../helpers/fixtures';
import { dropDatabase, startTestGateway, testConfig, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('operating it: /metrics, /admin/queues, request ids and logs', () => {
  let t: TestGateway;
  let base: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await startTestGateway('ops', { env: { METRICS_TOKEN, LOG_LEVEL: 'info' }, logger: (line) => lines.push(line) });
    base = t.url.replace(/\/graphql$/, '');
    await t.gateway.work(['erasure', 'outbox']);
  });
  afterAll(() => t.close());

  const metrics = async (token?: string) => {
    const res = await fetch(`${base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  };

  it('refuses /metrics without the token or with a wrong one', async () => {
    expect((await metrics()).status).toBe(401);
    expect((await metrics('wrong-token-0123456789abcdef')).status).toBe(401);
  });

  it('counts GraphQL requests by operation and outcome, jobs by queue and name, and reads depths and gauges at scrape', async () => {
    const ok = await t.gql(`query ListUsers { users(first: 2) { edges { node { id } } } }`);
    expect(ok.errors).toBeUndefined();
    const refused = await t.gql(`query ListUsers { users(first: 2) { edges { node { id } } } }`, undefined, null);
    expect(refused.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const userId = await registerUser(t);
    const erase = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation Erase($id: ID!) { requestErasure(userId: $id, channel: "email") { request { id } } }`, { id: userId });
    const requestId = erase.data!.requestErasure.request.id;
    await waitFor(async () => {
      const [row] = await t.gateway.dataSource.query('SELECT status FROM data_requests WHERE id = ?', [requestId]);
      return row.status === 'COMPLETED';
    }, 'erasure completed');

    const { status, text, type } = await metrics(METRICS_TOKEN);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain/);
    expect(text).toMatch(/^drg_graphql_requests_total\{operation="ListUsers",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^drg_graphql_requests_total\{operation="ListUsers",outcome="client_error"\} 1$/m);
    expect(text).toMatch(/^drg_graphql_request_duration_seconds_count\{operation="Erase",outcome="ok"\} 1$/m);
    await waitFor(async () => /^drg_jobs_total\{queue="erasure",job="erasure.run",outcome="completed"\} 1$/m.test((await metrics(METRICS_TOKEN)).text), 'erasure job counted');
    // Every queue the registry knows, plugin queues included, in every state.
    for (const q of ['erasure', 'california-notice', 'outbox', 'business-transfer', 'legal-hold', 'requests', 'policy-notice', 'access'])
      for (const s of ['waiting', 'prioritized', 'active', 'delayed', 'failed']) expect(text).toContain(`drg_queue_jobs{queue="${q}",state="${s}"}`);
    expect(text).toMatch(/^drg_data_requests_overdue 0$/m);
    // Open requests by type, every type listed (the erasure above completed).
    for (const type of ['ERASURE', 'CHILD_DELETION', 'CALIFORNIA_NOTICE', 'ACCESS']) expect(text).toMatch(new RegExp(`^drg_data_requests_open\\{type="${type}",overdue="false"\\} 0$`, 'm'));
    expect(text).toMatch(/^drg_access_packages_stored 0$/m);
    expect(text).toMatch(/^drg_outbox_backlog \d+$/m);
    // From the legal-hold plugin, through the plugin contract.
    expect(text).toMatch(/^drg_legal_holds_active 0$/m);
  });

  it('counts a failing job in the job failures', async () => {
    // A request id that does not exist: the erasure job refuses it (NOT_FOUND, not retried).
    await t.gateway.queues.enqueue('erasure.run', { requestId: 999999 }, { jobId: 'missing-999999' });
    await waitFor(async () => /^drg_job_failures_total\{queue="erasure",job="erasure.run"\} 1$/m.test((await metrics(METRICS_TOKEN)).text), 'failure counted');
    const failed = lines.find((l) => l.msg === 'job failed' && l.jobId === 'missing-999999');
    expect(failed).toMatchObject({ level: 'error', queue: 'erasure', job: 'erasure.run', outcome: 'failed', willRetry: false });
    expect(typeof failed!.requestId).toBe('string');
  });

  it('logs one structured line per request with request id, operation, actor, duration and outcome', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token(Role.APP)}`, 'x-request-id': 'trace-abc-12345', 'x-purpose': 'SERVICE' },
      body: JSON.stringify({ query: 'query OneUser { users(first: 1) { edges { node { id email } } } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-12345');
    const line = await waitFor(async () => lines.find((l) => l.requestId === 'trace-abc-12345'), 'request log line');
    expect(line).toMatchObject({ level: 'info', msg: 'graphql request', operation: 'OneUser', operationType: 'query', fields: ['users'], actor: { sub: 'test-app', roles: ['APP'] }, outcome: 'ok' });
    expect(typeof line.durationMs).toBe('number');

    // Free text is not a request id: the gateway makes its own.
    const odd = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'hello world <script>' }, body: JSON.stringify({ query: '{ users(first: 1) { edges { node { id } } } }' }) });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const anon = lines.find((l) => l.requestId === odd.headers.get('x-request-id'));
    expect(anon).toMatchObject({ operation: 'anonymous', actor: null, outcome: 'client_error', codes: ['UNAUTHENTICATED'] });
  });

  describe('Bull Board at /admin/queues', () => {
    it('answers 401 without a token and 403 to a token without ADMIN', async () => {
      expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
      expect((await fetch(`${base}/admin/queues/api/queues`)).status).toBe(401);
      expect((await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
      for (const role of [Role.APP, Role.PRIVACY_OPS, Role.LEGAL])
        expect((await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${t.token(role)}` } })).status).toBe(403);
      // A token in the URL is no credential any more (it would sit in history and logs).
      expect((await fetch(`${base}/admin/queues?token=${t.token(Role.ADMIN)}`, { redirect: 'manual' })).status).toBe(401);
      // A browser without a session is sent to sign in at the console.
      const browser = await fetch(`${base}/admin/queues`, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect([browser.status, browser.headers.get('location')]).toEqual([303, '/console/']);
    });

    it('shows every queue the registry knows to an ADMIN, plugin queues included', async () => {
      const res = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${t.token(Role.ADMIN)}` } });
      expect(res.status).toBe(200);
      const names = ((await res.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
      expect(names).toEqual(t.gateway.queues.queueNames());
      expect(names).toEqual(expect.arrayContaining(['erasure', 'california-notice', 'outbox', 'business-transfer', 'legal-hold']));
    });

    it('opens to an ADMIN console session; job changes only from our own origin; other roles are refused', async () => {
      const signIn = async (...roles: Role[]) => {
        const code = await t.gateway.consoleSessions.createSignInLink({ id: `console-${roles.join('-')}`, roles });
        const res = await fetch(`${base}/console/sign-in?code=${code}`, { redirect: 'manual' });
        expect(res.status).toBe(200);
        return res.headers.get('set-cookie')!.split(';')[0]!;
      };
      const cookie = await signIn(Role.ADMIN);
      const page = await fetch(`${base}/admin/queues`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      expect((await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie } })).status).toBe(200);
      // Bull Board's pages send no CSRF header: a change must come from our own origin.
      const clean = `${base}/admin/queues/api/queues/erasure/clean/failed`;
      const crossSite = await fetch(clean, { method: 'PUT', headers: { cookie, origin: 'https://evil.example' } });
      expect(crossSite.status).toBe(403);
      const fetchSite = await fetch(clean, { method: 'PUT', headers: { cookie, 'sec-fetch-site': 'cross-site', origin: base } });
      expect(fetchSite.status).toBe(403);
      expect((await fetch(clean, { method: 'PUT', headers: { cookie, origin: base } })).status).toBe(200);
      expect((await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie: await signIn(Role.LEGAL, Role.PRIVACY_OPS) } })).status).toBe(403);
    });
  });
});

describe('/metrics limited to an address list', () => {
  it('refuses loopback when METRICS_ALLOW names other addresses, and keeps its own registry', async () => {
    const t = await startTestGateway('ops_allow', { env: { METRICS_ALLOW: '10.1.2.0/24' } });
    const u = await startTestGateway('ops_loop');
    try {
      expect((await fetch(t.url.replace(/graphql$/, 'metrics'))).status).toBe(403);
      // Default: no token, loopback only, and a separate registry per gateway.
      await u.gql(`query Mine { users(first: 1) { edges { node { id } } } }`);
      const res = await fetch(u.url.replace(/graphql$/, 'metrics'));
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^drg_graphql_requests_total\{operation="Mine",outcome="ok"\} 1$/m);
      expect(text).not.toContain('ListUsers');
    } finally {
      await t.close();
      await u.close();
    }
  });
});

describe('Redis maxmemory-policy check at start', () => {
  let redis: ChildProcess;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    // BullMQ itself also complains on the console about this Redis; that is not under test.
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    port = await freePort();
    dir = mkdtempSync(path.join(os.tmpdir(), 'h11_redis_'));
    redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
    await waitFor(async () => {
      const net = await import('node:net');
      return new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
        s.on('error', () => resolve(false));
      });
    }, 'own redis-server up');
  });
  afterAll(() => {
    jest.restoreAllMocks();
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('warns when the policy is not noeviction', async () => {
    const config = testConfig('ops_redis', { REDIS_PORT: String(port) });
    const lines: Record<string, unknown>[] = [];
    const gateway = await Gateway.open(config, {}, (l) => lines.push(l));
    try {
      await gateway.migrate();
      await gateway.serve(0);
      const warning = lines.find((l) => l.redisMaxmemoryPolicy === 'allkeys-lru');
      expect(warning).toMatchObject({ level: 'warn' });
      expect(String(warning!.msg)).toContain("needs 'noeviction'");
    } finally {
      await gateway.stop();
      await dropDatabase(config);
    }
  });

  it('stays quiet on the shared Redis (noeviction)', async () => {
    const config = testConfig('ops_redis_ok');
    const lines: Record<string, unknown>[] = [];
    const gateway = await Gateway.open(config, {}, (l) => lines.push(l));
    try {
      expect(await gateway.checkRedisSettings()).toBe('noeviction');
      expect(lines.filter((l) => l.redisMaxmemoryPolicy)).toEqual([]);
    } finally {
      await gateway.stop();
      await dropDatabase(config);
    }
  });
});
