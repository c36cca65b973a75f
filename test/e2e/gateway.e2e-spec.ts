import fs from 'node:fs';
import { dropDatabase, testConfig } from '../helpers/test-gateway';
import { freePort, runCli, type CliRun } from '../helpers/cli-process';

// Response bodies are free-form JSON that the tests read by path, hence any.
type Json = any;

/** The built gateway as a newcomer starts it: migrate, demo data, serve, tokens, over real HTTP. */
describe('npm start: the built gateway over HTTP', () => {
  const config = testConfig('e2e_start');
  const env = { MYSQL_DATABASE: config.mysql.database, QUEUE_PREFIX: config.redis.prefix, AUDIT_CHECKPOINT_FILE: config.integrity.checkpointFile, DEMO_SUBJECTS: '40', NODE_ENV: 'test' };
  let run: CliRun;
  let url: string;
  let appToken: string;
  let adminToken: string;

  beforeAll(async () => {
    const port = await freePort();
    run = runCli(['start'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
    const m = await run.waitFor(/serving GraphQL at (\S+)[\s\S]*ADMIN token: (\S+)\nAPP token:\s+(\S+)/);
    [, url, adminToken, appToken] = m as unknown as [string, string, string, string];
  });
  afterAll(async () => {
    if (run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await dropDatabase(config);
  });

  const post = async (query: string, token?: string, purpose?: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(purpose ? { 'x-purpose': purpose } : {}) },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as { data?: Record<string, Json>; errors?: { extensions: { code: string; reason?: string } }[] } };
  };

  it('prints a one-time console sign-in link that opens a session once', async () => {
    const [, link] = (await run.waitFor(/console sign-in link [^:]*: (\S+)/)) as unknown as [string, string];
    expect(link).toMatch(/^http:\/\/localhost:\d+\/console\/sign-in\?code=[A-Za-z0-9_-]{43}$/);
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('<meta http-equiv="refresh" content="0;url=/console/">');
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const session = (await (await fetch(new URL('/console/session', link), { headers: { cookie } })).json()) as { actor: string; roles: string[] };
    expect(session).toMatchObject({ actor: 'local-console', roles: ['LEGAL', 'MNA', 'PRIVACY_OPS', 'ADMIN'] });
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(401);
  });

  it('prints a ready-made request that declares its purpose', () => {
    expect(run.output()).toMatch(/curl -s \S+ .*-H 'x-purpose: SUPPORT'/);
  });

  it('serves a page of demo users with consents, disclosures and recipients to an APP token with a purpose', async () => {
    const { status, body } = await post(
      `{ users(first: 25) { edges { node { id email consents { purpose status } disclosures(first: 3) { edges { node { purpose categories { key } recipient { name kind } } } } recipients { name } } } } }`,
      appToken,
      'SUPPORT',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const users = body.data!.users.edges;
    expect(users).toHaveLength(25);
    expect(users[0].node.consents.length).toBeGreaterThan(0);
    expect(users.some((u: { node: { disclosures: { edges: unknown[] } } }) => u.node.disclosures.edges.length > 0)).toBe(true);
  });

  it('refuses an APP request without a purpose, or with one its token does not allow; logs the reads', async () => {
    const none = await post(`{ users(first: 1) { edges { node { email } } } }`, appToken);
    expect(none.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_REQUIRED' });
    const mailer = runCli(['token', '--role', 'APP', '--sub', 'mailer', '--purposes', 'PRODUCT_EMAIL'], env);
    expect(await mailer.exited).toBe(0);
    const mailerToken = mailer.output().trim();
    const refused = await post(`{ users(first: 1) { edges { node { email } } } }`, mailerToken, 'SUPPORT');
    expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_NOT_ALLOWED' });
    const allowed = await post(`{ users(first: 5) { edges { node { email phone } } } }`, mailerToken, 'PRODUCT_EMAIL');
    expect(allowed.body.errors).toBeUndefined();
    for (const e of allowed.body.data!.users.edges) expect(e.node.phone).toBeNull();
    const bad = runCli(['token', '--role', 'APP', '--purposes', 'EVERYTHING'], env);
    expect(await bad.exited).toBe(2);
    const log = await post(`{ accessLog(actor: "local-app", first: 100) { edges { node { purpose userId categories } } } }`, adminToken);
    expect(log.body.errors).toBeUndefined();
    expect(log.body.data!.accessLog.edges.length).toBeGreaterThanOrEqual(25);
    expect(log.body.data!.accessLog.edges[0].node.purpose).toBe('SUPPORT');
  });

  it('answers UNAUTHENTICATED without a token and FORBIDDEN for a LEGAL token registering a recipient', async () => {
    const anon = await post(`{ users(first: 1) { edges { node { id } } } }`);
    expect(anon.body.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    const legal = runCli(['token', '--role', 'LEGAL'], env);
    expect(await legal.exited).toBe(0);
    const legalToken = legal.output().trim();
    const res = await post(`mutation { registerRecipient(input: { kind: AGENT, name: "Nope", allowedPurposes: [SERVICE_PROVISION] }) { id } }`, legalToken);
    expect(res.body.errors![0]!.extensions.code).toBe('FORBIDDEN');
    const ok = await post(`mutation { registerRecipient(input: { kind: AGENT, name: "Mail Co", allowedPurposes: [SERVICE_PROVISION] }) { id } }`, adminToken);
    expect(ok.body.errors).toBeUndefined();
  });

  it('reports health and readiness', async () => {
    const base = url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', mysql: true, redis: true });
  });

  it('keeps the audit chain valid', async () => {
    const res = await post(`{ verifyAuditChain { valid eventsChecked } }`, adminToken);
    expect(res.body.data!.verifyAuditChain.valid).toBe(true);
    expect(res.body.data!.verifyAuditChain.eventsChecked).toBeGreaterThan(0);
  });

  it('runs the export queues in a child process with the export worker flags, the others itself (issue 23)', async () => {
    const pid = exportWorkerPid(run.output());
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toEqual(expect.arrayContaining(['--heap-growing-percent=100', 'work', '--queues']));
    expect(cmdline[cmdline.indexOf('--queues') + 1]!.split(',').sort()).toEqual(['access', 'business-transfer']);
    expect(fs.readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(new RegExp(`\\nPPid:\\s+${run.child.pid}\\n`));
    const own = fs.readFileSync(`/proc/${run.child.pid}/cmdline`, 'utf8').split('\0');
    expect(own).not.toContain('--heap-growing-percent=100');
  });

  it('starts its export worker again when it dies', async () => {
    const first = exportWorkerPid(run.output());
    process.kill(first, 'SIGKILL');
    await run.waitFor(/"export worker process exited; starting it again"/, 10_000);
    const deadline = Date.now() + 20_000;
    while (exportWorkerPid(run.output()) === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const second = exportWorkerPid(run.output());
    expect(second).not.toBe(first);
    expect(alive(second)).toBe(true);
  });

  it('stops cleanly on SIGTERM, its export worker with it', async () => {
    const pid = exportWorkerPid(run.output());
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(alive(pid)).toBe(false);
  });
});

/** The pid the supervisor logged for its newest export worker child. */
function exportWorkerPid(output: string): number {
  const line = output.split('\n').reverse().find((l) => l.includes('"export worker process started"'));
  if (!line) throw new Error(`no export worker started: ${output.slice(0, 2000)}`);
  return (JSON.parse(line) as { pid: number }).pid;
}

/** Running, not gone and not a zombie left for an init that does not reap (kill(pid, 0) succeeds on one). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe('npm run work (issue 23)', () => {
  it('sets the heap-growth flag on itself whatever its queues, and names the semi-space flag it was started without', async () => {
    const config = testConfig('e2e_work_flags');
    const env = { MYSQL_DATABASE: config.mysql.database, QUEUE_PREFIX: config.redis.prefix, AUDIT_CHECKPOINT_FILE: config.integrity.checkpointFile, NODE_ENV: 'test' };
    const migrate = runCli(['migrate'], env);
    expect(await migrate.exited).toBe(0);
    const all = runCli(['work'], env);
    const erasure = runCli(['work', '--queues', 'erasure'], env);
    const exports = runCli(['work', '--queues', 'business-transfer,access'], env);
    try {
      await all.waitFor(/"workers started"/);
      await erasure.waitFor(/"workers started"/);
      await exports.waitFor(/"workers started"/);
      // Export-only processes were tuned on the default young generation: not told to change it.
      expect(exports.output()).toMatch(/"worker heap flags set at runtime"/);
      expect(exports.output()).not.toContain('missingNodeFlags');
      for (const r of [all, erasure]) {
        expect(r.output()).toMatch(/"nodeFlags":\["--heap-growing-percent=100"\].*"worker heap flags set at runtime"/);
        expect(r.output()).toMatch(/"missingNodeFlags":\["--max-semi-space-size=4"\].*"working without --max-semi-space-size=4/);
      }
      expect(all.output()).not.toContain('export worker process started');
    } finally {
      for (const r of [all, erasure, exports]) if (r.child.exitCode === null) r.child.kill('SIGTERM');
      await Promise.all([all.exited, erasure.exited, exports.exited]);
      await dropDatabase(config);
    }
  });
});

describe('npm start killed outright (issue 23)', () => {
  it('leaves no orphan: its export worker child stops by itself', async () => {
    const config = testConfig('e2e_orphan');
    const port = await freePort();
    const run = runCli(['start'], { MYSQL_DATABASE: config.mysql.database, QUEUE_PREFIX: config.redis.prefix, AUDIT_CHECKPOINT_FILE: config.integrity.checkpointFile, DEMO_SUBJECTS: '3', NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1' });
    try {
      await run.waitFor(/"export worker process started"/);
      const pid = exportWorkerPid(run.output());
      await run.waitFor(/serving GraphQL at/);
      expect(alive(pid)).toBe(true);
      // Neither the serving parent nor its export child (started with the export flags) touches its heap flags.
      expect(run.output()).not.toContain('worker heap flags set at runtime');
      expect(run.output()).not.toContain('working without');
      run.child.kill('SIGKILL');
      await run.exited;
      const deadline = Date.now() + 20_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid)).toBe(false);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      await dropDatabase(config);
    }
  });
});

describe('with the built-in plugins switched off', () => {
  it('starts, serves, and its schema simply lacks their fields', async () => {
    const config = testConfig('e2e_no_plugins');
    const port = await freePort();
    const run = runCli(['start'], { MYSQL_DATABASE: config.mysql.database, QUEUE_PREFIX: config.redis.prefix, DEMO_SUBJECTS: '5', PLUGINS: '', PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test' });
    try {
      const [, url, token] = (await run.waitFor(/serving GraphQL at (\S+)[\s\S]*ADMIN token: (\S+)/)) as unknown as [string, string, string];
      const ask = async (query: string) =>
        (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) })).json()) as Json;
      const users = await ask('{ users(first: 5) { edges { node { id } } } }');
      expect(users.data.users.edges).toHaveLength(5);
      const fields = await ask('{ __type(name: "User") { fields { name } } mutation: __type(name: "Mutation") { fields { name } } }');
      expect(fields.data.__type.fields.map((f: { name: string }) => f.name)).not.toContain('legalHolds');
      expect(fields.data.mutation.fields.map((f: { name: string }) => f.name)).not.toContain('placeLegalHold');
      const refused = await ask('{ legalHolds { edges { node { id } } } }');
      expect(refused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await dropDatabase(config);
    }
  });
});

describe('npm start in production (issue 18)', () => {
  it('prints no token, only how to mint one, and a token it would have printed is nowhere in its output', async () => {
    const config = testConfig('e2e_prod_start');
    const port = await freePort();
    const run = runCli(['start'], {
      MYSQL_DATABASE: config.mysql.database,
      QUEUE_PREFIX: config.redis.prefix,
      DEMO_SUBJECTS: '3',
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      JWT_SECRET: 'j'.repeat(40),
      PSEUDONYM_SECRET: 'p'.repeat(40),
      UNSUBSCRIBE_SECRET: 'u'.repeat(40),
      INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40),
      PUBLIC_BASE_URL: 'https://privacy.example.com',
    });
    try {
      await run.waitFor(/mint a token for a person or an app with: npm run token -- --role ADMIN/);
      const all = run.output() + run.errors();
      expect(all).not.toMatch(/ADMIN token:|APP token:|console sign-in link/);
      // No JWT of any kind (header.payload.signature, base64url) leaves the process.
      expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await dropDatabase(config);
    }
  });
});

describe('start-up failures', () => {
  it('names an unreachable MySQL in one line, without a stack trace', async () => {
    const run = runCli(['serve'], { MYSQL_PORT: '1', MYSQL_DATABASE: 'drg_never' });
    expect(await run.exited).toBe(1);
    expect(run.errors().trim()).toMatch(/^data-rights-gateway: cannot reach MySQL at 127\.0\.0\.1:1 \(ECONNREFUSED\); start it with 'bash scripts\/ensure-services'/);
    expect(run.errors().trim().split('\n')).toHaveLength(1);
  });

  it('names an unreachable Redis in one line', async () => {
    const config = testConfig('e2e_redis');
    const run = runCli(['serve'], { REDIS_PORT: '1', MYSQL_DATABASE: config.mysql.database });
    expect(await run.exited).toBe(1);
    expect(run.errors().trim()).toMatch(/^data-rights-gateway: cannot reach Redis at 127\.0\.0\.1:1/);
    expect(run.errors().trim().split('\n')).toHaveLength(1);
    await dropDatabase(config);
  });

  it('refuses bad configuration with every problem named', async () => {
    const run = runCli(['serve'], { PORT: 'http', MYSQL_FLAVOR: 'oracle' });
    expect(await run.exited).toBe(2);
    expect(run.errors()).toMatch(/PORT must be an integer.*MYSQL_FLAVOR must be one of mariadb, mysql/);
  });
});
