import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { Role } from '../../src/entities/enums';
import { ConsoleSessions } from '../../src/http/console-session';
import { createRedisConnection } from '../../src/jobs/redis-connection';
import { startIdentityProvider, type TestIdentityProvider } from '../helpers/identity-provider';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * Signing in to the console (issue 24): through a real OpenID Connect provider with the
 * authorization-code flow and PKCE, driven like a browser (its own login and consent pages,
 * cookies, redirects), and through the one-time link `npm start` prints. Then what the session
 * cookie may do: GraphQL only with the session's CSRF token, and nothing after logout.
 */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Enough of a browser: one cookie jar for the host (cookies ignore ports, as browsers do), manual redirects. */
class Browser {
  readonly jar = new Map<string, string>();
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, eq), pair!.slice(eq + 1)];
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }
  /** Follows redirects; returns the last answer and where it came from. */
  async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; url: string }> {
    let res = await this.request(url, init);
    for (let i = 0; i < 20 && [302, 303, 307].includes(res.status); i++) {
      url = new URL(res.headers.get('location')!, url).href;
      res = await this.request(url);
    }
    return { res, url };
  }
  /** Submits the page's first form with these fields (the provider's login and consent pages). */
  async submit(page: { res: Response; url: string }, fields: Record<string, string>): Promise<{ res: Response; url: string }> {
    const html = await page.res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on ${page.url}: ${html.slice(0, 300)}`);
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    return this.follow(new URL(action.replace(/&amp;/g, '&'), page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, ...fields }).toString(),
    });
  }
}

describe('console sign-in and sessions', () => {
  let idp: TestIdentityProvider;
  let t: TestGateway;
  let base: string;
  let SESSION_COOKIE: string;
  const signedIn = /<meta http-equiv="refresh" content="0;url=\/console\/">/;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdentityProvider([], {
      console: { clientId: 'drg-console', redirectUri: `${base}/console/callback` },
      people: { alice: ['legal-team'], bob: ['marketing'], carol: ['privacy-ops', 'gateway-admins'] },
    });
    t = await startTestGateway('console_session', {
      serve: false,
      env: {
        PUBLIC_BASE_URL: base,
        OIDC_ISSUER: idp.issuer,
        OIDC_AUDIENCE: idp.audience,
        OIDC_ROLE_MAP: JSON.stringify({ 'legal-team': 'LEGAL', 'privacy-ops': 'PRIVACY_OPS', 'gateway-admins': 'ADMIN' }),
        OIDC_CLIENT_ID: 'drg-console',
        OIDC_SCOPES: 'openid api',
        OIDC_AUTHORIZATION_PARAMS: JSON.stringify({ resource: idp.audience }),
      },
    });
    await t.gateway.serve(port);
    SESSION_COOKIE = t.gateway.consoleSessions.cookieName;
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  async function signInAtProvider(person: string): Promise<{ browser: Browser; landing: { res: Response; url: string } }> {
    const browser = new Browser();
    const loginPage = await browser.follow(`${base}/console/login`);
    expect(loginPage.url.startsWith(`${idp.issuer}/interaction/`)).toBe(true);
    const consentPage = await browser.submit(loginPage, { login: person, password: 'any' });
    const landing = consentPage.url.startsWith(idp.issuer) ? await browser.submit(consentPage, {}) : consentPage;
    return { browser, landing };
  }

  const gql = (browser: Browser, query: string, csrf?: string) =>
    browser.request(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(csrf !== undefined ? { 'x-csrf-token': csrf } : {}) },
      body: JSON.stringify({ query }),
    });
  const holds = '{ legalHolds(first: 1) { pageInfo { hasNextPage } } }';

  it('signs a person in through the provider (code + PKCE) into an HttpOnly, SameSite=Strict session', async () => {
    const { browser, landing } = await signInAtProvider('alice');
    expect(landing.url.startsWith(`${base}/console/callback?`)).toBe(true);
    // A page that moves on by itself: after the provider's redirects a redirect would be cross-site and lose the Strict cookie.
    expect(await landing.res.text()).toMatch(signedIn);
    const page = await browser.request(`${base}/console/`, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root"></div>');
    expect(SESSION_COOKIE).toBe('drg_session');
    expect(browser.jar.has(SESSION_COOKIE)).toBe(true);
    expect(browser.jar.has('drg_login')).toBe(false);
    const session = (await (await browser.request(`${base}/console/session`)).json()) as { actor: string; roles: string[]; csrfToken: string; expiresAt: string };
    expect([session.actor, session.roles]).toEqual(['idp:alice', ['LEGAL']]);
    // The session ends with the access token it came from (600 s at this provider), not after the 8-hour default.
    const left = Date.parse(session.expiresAt) - Date.now();
    expect(left).toBeGreaterThan(500_000);
    expect(left).toBeLessThanOrEqual(600_000);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict (Secure and __Host- wherever the gateway is https: see the unit test)', async () => {
    const code = await t.gateway.consoleSessions.createSignInLink({ id: 'dev-admin', roles: [Role.ADMIN] });
    const res = await fetch(`${base}/console/sign-in?code=${code}`, { redirect: 'manual' });
    expect(res.headers.get('set-cookie')).toMatch(/^drg_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('replaces the browser\'s old session at a new sign-in', async () => {
    const { browser } = await signInAtProvider('alice');
    const first = browser.jar.get(SESSION_COOKIE)!;
    const code = await t.gateway.consoleSessions.createSignInLink({ id: 'dev-admin', roles: [Role.ADMIN] });
    await browser.request(`${base}/console/sign-in?code=${code}`);
    expect(browser.jar.get(SESSION_COOKIE)).not.toBe(first);
    expect(await t.gateway.consoleSessions.get(first, Math.floor(Date.now() / 1000))).toBeNull();
  });

  it('lets the consent export use the session for a same-origin or typed download, never from another site', async () => {
    const { browser } = await signInAtProvider('alice');
    const url = `${base}/exports/consents.ndjson`;
    expect((await browser.request(url, { headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
    expect((await browser.request(url, { headers: { 'sec-fetch-site': 'none' } })).status).toBe(200);
    for (const site of ['cross-site', 'same-site']) {
      const res = await browser.request(url, { headers: { 'sec-fetch-site': site } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toBe('a request from another site cannot use the console session');
    }
  });

  it('does not let a stale session cookie block what needs no sign-in (unsubscribe), but names it for what does', async () => {
    const browser = new Browser();
    browser.jar.set(SESSION_COOKIE, 'x'.repeat(43));
    // The mutation runs and judges its own credential (the link's token): not the cookie's UNAUTHENTICATED.
    const unsub = (await (await gql(browser, 'mutation { unsubscribe(token: "not-a-token") { changed } }')).json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(unsub.errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(unsub.errors[0]!.message).not.toMatch(/session/);
    const holdsRes = (await (await gql(browser, holds)).json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(holdsRes.errors.map((e) => [e.extensions.code, e.message])).toEqual([['UNAUTHENTICATED', 'the console session has ended; sign in again']]);
  });

  it('answers SERVICE_UNAVAILABLE at once, never hangs, when Redis does not answer a session lookup', async () => {
    const dead = createRedisConnection({ ...t.config, redis: { ...t.config.redis, port: 1 } }, 'dead');
    dead.on('error', () => undefined);
    const sessions = ConsoleSessions.forConfig(dead, t.config);
    try {
      await expect(sessions.get('x'.repeat(43), 0)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      await expect(sessions.createSignInLink({ id: 'a', roles: [Role.ADMIN] })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    } finally {
      dead.disconnect();
    }
  });

  it('reads no session from a record written to Redis without the gateway\'s MAC', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { id } = await t.gateway.consoleSessions.create({ id: 'real', roles: [Role.LEGAL] }, now);
    const key = `${t.config.redis.prefix}:console:session:${createHash('sha256').update(id).digest('hex')}`;
    const raw = (await t.gateway.redis.get(key))!;
    expect(raw).toContain('"LEGAL"');
    expect(await t.gateway.consoleSessions.get(id, now)).not.toBeNull();
    await t.gateway.redis.set(key, raw.replace('"LEGAL"', '"ADMIN"'), 'EX', 60);
    expect(await t.gateway.consoleSessions.get(id, now)).toBeNull();
  });

  it('lets the session call GraphQL only with its X-CSRF-Token, under the person\'s roles', async () => {
    const { browser } = await signInAtProvider('alice');
    const { csrfToken } = (await (await browser.request(`${base}/console/session`)).json()) as { csrfToken: string };
    const without = (await (await gql(browser, holds)).json()) as { errors: { extensions: { code: string } }[] };
    expect(without.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const wrong = (await (await gql(browser, holds, csrfToken.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).json()) as { errors: { extensions: { code: string } }[] };
    expect(wrong.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const ok = (await (await gql(browser, holds, csrfToken)).json()) as { data: unknown; errors?: unknown };
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ legalHolds: { pageInfo: { hasNextPage: false } } });
    const transfers = (await (await gql(browser, '{ businessTransfers(first: 1) { pageInfo { hasNextPage } } }', csrfToken)).json()) as { errors: { extensions: { code: string } }[] };
    expect(transfers.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });

  it('ends the session at logout (CSRF token required), server-side', async () => {
    const { browser } = await signInAtProvider('carol');
    const { csrfToken, roles } = (await (await browser.request(`${base}/console/session`)).json()) as { csrfToken: string; roles: string[] };
    expect(roles).toEqual(['PRIVACY_OPS', 'ADMIN']);
    const cookie = `${SESSION_COOKIE}=${browser.jar.get(SESSION_COOKIE)}`;
    expect((await browser.request(`${base}/console/logout`, { method: 'POST' })).status).toBe(403);
    expect((await browser.request(`${base}/console/logout`, { method: 'POST', headers: { 'x-csrf-token': csrfToken } })).status).toBe(204);
    expect(browser.jar.has(SESSION_COOKIE)).toBe(false);
    // The old cookie, replayed, is worth nothing: the session is gone from Redis.
    const replay = await fetch(`${base}/console/session`, { headers: { cookie } });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { message: string }).message).toBe('the console session has ended; sign in again');
  });

  it('refuses a person whose groups grant no role, and makes no session', async () => {
    const { browser, landing } = await signInAtProvider('bob');
    expect(landing.res.status).toBe(401);
    expect(((await landing.res.json()) as { message: string }).message).toMatch(/grants no role of this gateway/);
    expect(browser.jar.has(SESSION_COOKIE)).toBe(false);
  });

  it('refuses a callback this browser did not start (login CSRF) and a replayed one', async () => {
    const victim = new Browser();
    const page = await victim.follow(`${base}/console/login`);
    const consent = await victim.submit(page, { login: 'alice', password: 'any' });
    // Stop before the gateway's callback and hand the link to another browser.
    const html = await consent.res.text();
    const action = new URL(/<form[^>]*action="([^"]+)"/.exec(html)![1]!, consent.url).href;
    const toCallback = await victim.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'prompt=consent' });
    let next = new URL(toCallback.headers.get('location')!, action).href;
    let res = await victim.request(next);
    while ([302, 303].includes(res.status) && !next.startsWith(`${base}/console/callback`)) {
      next = new URL(res.headers.get('location')!, next).href;
      if (next.startsWith(`${base}/console/callback`)) break;
      res = await victim.request(next);
    }
    expect(next.startsWith(`${base}/console/callback?`)).toBe(true);
    const attacker = await new Browser().request(next);
    expect(attacker.status).toBe(401);
    expect(((await attacker.json()) as { message: string }).message).toMatch(/not started in this browser/);
    // The victim's own browser still completes once; a second use of the same callback does not.
    const own = await victim.request(next);
    expect(own.status).toBe(200);
    expect(await own.text()).toMatch(signedIn);
    expect((await victim.request(next)).status).toBe(401);
  });

  it('redeems a one-time link once; a session from it is not a bearer token and a bearer token is not a session', async () => {
    const code = await t.gateway.consoleSessions.createSignInLink({ id: 'dev-legal', roles: [Role.LEGAL, Role.PRIVACY_OPS] });
    const [first, second] = await Promise.all([
      fetch(`${base}/console/sign-in?code=${code}`, { redirect: 'manual' }),
      fetch(`${base}/console/sign-in?code=${code}`, { redirect: 'manual' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 401]);
    expect((await fetch(`${base}/console/sign-in?code=nope`, { redirect: 'manual' })).status).toBe(401);
    const bearer = await fetch(`${base}/console/session`, { headers: { authorization: `Bearer ${t.token(Role.ADMIN)}` } });
    expect(bearer.status).toBe(401);
    // The session id is no bearer token either.
    const sessionId = (first.status === 200 ? first : second).headers.get('set-cookie')!.split(';')[0]!.split('=')[1]!;
    const asBearer = (await (await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionId}` }, body: JSON.stringify({ query: holds }) })).json()) as { errors: { extensions: { code: string } }[] };
    expect(asBearer.errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('ends a session when its token ends, and reads no session from a malformed id', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { id } = await t.gateway.consoleSessions.create({ id: 'short', roles: [Role.LEGAL] }, now, now + 5);
    expect(await t.gateway.consoleSessions.get(id, now + 4)).not.toBeNull();
    expect(await t.gateway.consoleSessions.get(id, now + 5)).toBeNull();
    await expect(t.gateway.consoleSessions.create({ id: 'late', roles: [Role.LEGAL] }, now, now)).rejects.toThrow('the token has no time left for a session');
    expect(await t.gateway.consoleSessions.get('../../etc', now)).toBeNull();
    const res = await fetch(`${base}/console/session`, { headers: { cookie: `${SESSION_COOKIE}=${'x'.repeat(43)}` } });
    expect(res.status).toBe(401);
  });
});
