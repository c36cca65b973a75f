import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config';
import { Role } from '../../src/entities/enums';
import { ConsoleSessions, cookieValue, derivedKey, fromOwnPages, openFromCookie, sealForCookie } from '../../src/http/console-session';
import { authenticate, signToken } from '../../src/schema/auth';

const req = (method: string, headers: Record<string, string> = {}, protocol = 'http') => ({ method, headers, protocol });
const ORIGIN = 'https://privacy.example.com';

describe('console sessions: which requests are our own, cookies, sealed login state', () => {
  describe('fromOwnPages', () => {
    it('trusts fetch metadata: same-origin always, none (typed, bookmark) for reads only, other sites never', () => {
      expect(fromOwnPages(req('GET', { 'sec-fetch-site': 'same-origin' }), ORIGIN)).toBe(true);
      expect(fromOwnPages(req('PUT', { 'sec-fetch-site': 'same-origin' }), ORIGIN)).toBe(true);
      expect(fromOwnPages(req('GET', { 'sec-fetch-site': 'none' }), ORIGIN)).toBe(true);
      expect(fromOwnPages(req('HEAD', { 'sec-fetch-site': 'none' }), ORIGIN)).toBe(true);
      expect(fromOwnPages(req('POST', { 'sec-fetch-site': 'none' }), ORIGIN)).toBe(false);
      for (const site of ['same-site', 'cross-site', 'bogus']) {
        expect(fromOwnPages(req('GET', { 'sec-fetch-site': site }), ORIGIN)).toBe(false);
        // A matching Origin does not outvote what the browser says.
        expect(fromOwnPages(req('PUT', { 'sec-fetch-site': site, origin: ORIGIN }), ORIGIN)).toBe(false);
      }
    });
    it('without fetch metadata: reads pass (SameSite=Strict guards them), changes need our Origin', () => {
      expect(fromOwnPages(req('GET'), ORIGIN)).toBe(true);
      expect(fromOwnPages(req('HEAD'), ORIGIN)).toBe(true);
      expect(fromOwnPages(req('PUT'), ORIGIN)).toBe(false);
      expect(fromOwnPages(req('PUT', { origin: ORIGIN }), ORIGIN)).toBe(true);
      expect(fromOwnPages(req('DELETE', { origin: 'https://evil.example' }), ORIGIN)).toBe(false);
      expect(fromOwnPages(req('POST', { origin: 'null' }), ORIGIN)).toBe(false);
      // Behind no proxy, the origin the request was addressed to counts as well.
      expect(fromOwnPages(req('PUT', { origin: 'http://127.0.0.1:4000', host: '127.0.0.1:4000' }), ORIGIN)).toBe(true);
      expect(fromOwnPages(req('PUT', { origin: 'https://127.0.0.1:4000', host: '127.0.0.1:4000' }), ORIGIN)).toBe(false);
    });
  });

  describe('session cookies', () => {
    const sessions = (secure: boolean) => new ConsoleSessions({} as Redis, 'p', 3600, 'j'.repeat(32), secure, ORIGIN);
    it('is __Host-, Secure, HttpOnly, SameSite=Strict, path / over https; without __Host- and Secure on a plain-http host', () => {
      expect(sessions(true).cookie('abc', 60)).toBe('__Host-drg_session=abc; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Strict');
      expect(sessions(false).cookie('abc', 60)).toBe('drg_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict');
      expect(sessions(true).clearedCookie()).toBe('__Host-drg_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict');
    });
    it('is Secure in production and wherever PUBLIC_BASE_URL is https, and knows our origin', () => {
      const of = (env: NodeJS.ProcessEnv) => ConsoleSessions.forConfig({} as Redis, loadConfig(env));
      expect([of({}).secure, of({}).cookieName, of({}).publicOrigin]).toEqual([false, 'drg_session', 'http://localhost:4000']);
      expect(of({ PUBLIC_BASE_URL: 'https://privacy.example.com/base/' }).secure).toBe(true);
      expect(of({ PUBLIC_BASE_URL: 'https://privacy.example.com/base/' }).publicOrigin).toBe(ORIGIN);
    });
    it('reads a cookie by exact name, decoded, and nothing from a malformed escape', () => {
      expect(cookieValue('a=1; drg_session=x%2Fy; b=2', 'drg_session')).toBe('x/y');
      expect(cookieValue('xdrg_session=1; drg_sessionx=2', 'drg_session')).toBeUndefined();
      expect(cookieValue('drg_session=a=b', 'drg_session')).toBe('a=b');
      expect(cookieValue('drg_session=%E0%A4%A', 'drg_session')).toBeUndefined();
      expect(cookieValue(undefined, 'drg_session')).toBeUndefined();
    });
  });

  describe('sealed login state', () => {
    const key = derivedKey('j'.repeat(32), 'login');
    it('derives a different key per label and secret', () => {
      expect(key).toHaveLength(32);
      expect(derivedKey('j'.repeat(32), 'session mac').equals(key)).toBe(false);
      expect(derivedKey('k'.repeat(32), 'login').equals(key)).toBe(false);
      expect(derivedKey('j'.repeat(32), 'login').equals(key)).toBe(true);
    });
    it('opens what it sealed, and nothing tampered, truncated, under another label or key', () => {
      const secret = 'j'.repeat(32);
      const sealed = sealForCookie(secret, 'login', { state: 's', n: 1 });
      expect(openFromCookie(secret, 'login', sealed)).toEqual({ state: 's', n: 1 });
      expect(sealForCookie(secret, 'login', { state: 's' })).not.toBe(sealForCookie(secret, 'login', { state: 's' }));
      // Flip one bit in the decoded bytes of each part: the last base64url character carries
      // unused padding bits, so changing a character is not always a change.
      const parts = sealed.split('.');
      expect(parts).toHaveLength(3);
      for (let i = 0; i < parts.length; i += 1) {
        const bytes = Buffer.from(parts[i]!, 'base64url');
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
        const tampered = parts.map((p, j) => (j === i ? bytes.toString('base64url') : p)).join('.');
        expect(openFromCookie(secret, 'login', tampered)).toBeNull();
      }
      // A tag cut short is refused, not checked on its first bytes.
      const tag = Buffer.from(parts[2]!, 'base64url');
      expect(openFromCookie(secret, 'login', [parts[0], parts[1], tag.subarray(0, 12).toString('base64url')].join('.'))).toBeNull();
      expect(openFromCookie(secret, 'login', sealed.slice(0, 30))).toBeNull();
      expect(openFromCookie(secret, 'other', sealed)).toBeNull();
      expect(openFromCookie('k'.repeat(32), 'login', sealed)).toBeNull();
      expect(openFromCookie(secret, 'login', undefined)).toBeNull();
      expect(openFromCookie(secret, 'login', '')).toBeNull();
    });
  });

  describe('authenticate: the verifier is picked by the token\'s algorithm', () => {
    const auth = loadConfig({}).auth;
    const withIdp = loadConfig({ OIDC_ISSUER: 'http://127.0.0.1:9/', OIDC_AUDIENCE: 'api' }).auth;
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    it('has no actor and no error without a header, and refuses a header that is not Bearer <token>', async () => {
      expect(await authenticate(auth, undefined)).toEqual({ actor: null, error: null });
      expect(await authenticate(auth, '')).toEqual({ actor: null, error: null });
      for (const h of ['Basic abc', 'Bearer', 'Bearer a b', 'Bearera.b.c', 'xBearer abc']) {
        const { error } = await authenticate(auth, h);
        expect([error?.code, error?.message]).toEqual(['UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"']);
      }
    });
    it('refuses what is not a signed JWT', async () => {
      for (const t of ['abc', 'a.b.c', `${b64('x')}.e30.x`]) {
        const { error } = await authenticate(auth, `Bearer ${t}`);
        expect([error?.code, error?.message]).toEqual(['UNAUTHENTICATED', 'invalid token: it is not a signed JWT']);
      }
    });
    it('sends HS256 to the local secret (case-insensitive Bearer) and keeps its rules', async () => {
      const token = signToken(auth.jwtSecret, 'alice', [Role.LEGAL], 600);
      expect((await authenticate(auth, `bearer ${token}`)).actor).toEqual({ id: 'alice', roles: [Role.LEGAL] });
      expect((await authenticate(auth, `Bearer \t ${token}`)).actor).toEqual({ id: 'alice', roles: [Role.LEGAL] });
      expect((await authenticate(withIdp, `Bearer ${token}`)).actor).toEqual({ id: 'alice', roles: [Role.LEGAL] });
      const later = new Date(Date.now() + 601_000);
      expect((await authenticate(auth, `Bearer ${token}`, later)).error?.message).toBe('invalid token: jwt expired');
    });
    it('refuses every other algorithm without a provider, and those the provider list lacks with one', async () => {
      const token = (alg: string) => `${b64({ alg, typ: 'JWT' })}.${b64({ sub: 'a' })}.c2ln`;
      const refused = (await authenticate(auth, `Bearer ${token('RS256')}`)).error;
      expect([refused?.code, refused?.message]).toEqual(['UNAUTHENTICATED', 'invalid token: tokens signed with RS256 are not accepted (no identity provider is configured: OIDC_ISSUER)']);
      expect((await authenticate(withIdp, `Bearer ${token('PS256')}`)).error?.message).toBe('invalid token: tokens signed with PS256 are not accepted');
      expect((await authenticate(withIdp, `Bearer ${token('none')}`)).error?.message).toBe('invalid token: tokens signed with none are not accepted');
      expect((await authenticate(withIdp, `Bearer ${token('HS384')}`)).error?.message).toBe('invalid token: tokens signed with HS384 are not accepted');
      // An allowed algorithm goes to the provider, whose discovery here (port 9) cannot answer: unavailable, not a pass.
      const es = await authenticate(withIdp, `Bearer ${token('ES256')}`);
      expect([es.actor, es.error?.code]).toEqual([null, 'SERVICE_UNAVAILABLE']);
      const noAlg = `${b64({ typ: 'JWT' })}.${b64({ sub: 'a' })}.c2ln`;
      expect((await authenticate(auth, `Bearer ${noAlg}`)).error?.message).toBe('invalid token: tokens signed with undefined are not accepted (no identity provider is configured: OIDC_ISSUER)');
    });
  });
});
