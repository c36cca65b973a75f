import jwt from 'jsonwebtoken';
import { ConfigError, isLoopbackHost, loadConfig } from '../../src/config';
import { CLOCK_SKEW_SECONDS, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, verifyToken } from '../../src/schema/auth';
import { findForbidden, jsonDepthExceeds, MAX_JSON_DEPTH } from '../../src/schema/input-hygiene';

/** Issue 18's rules with exact values at their edges. */
const PROD = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), PSEUDONYM_SECRET: 'p'.repeat(40), UNSUBSCRIBE_SECRET: 'u'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com' };
const SECRETS = { JWT_SECRET: 'j'.repeat(40), PSEUDONYM_SECRET: 'p'.repeat(40), UNSUBSCRIBE_SECRET: 'u'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40) };

describe('where the gateway listens, and with which secrets', () => {
  it('listens on loopback outside production, on every interface in production, unless HOST says otherwise', () => {
    expect(loadConfig({}).http.host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).http.host).toBe('127.0.0.1');
    expect(loadConfig(PROD).http.host).toBe('0.0.0.0');
    expect(loadConfig({ ...PROD, HOST: '10.0.0.5' }).http.host).toBe('10.0.0.5');
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'gateway.internal'])('refuses HOST=%s with the public development secrets, naming each', (host) => {
    expect(() => loadConfig({ HOST: host })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: host })).toThrow(`HOST=${host} listens beyond loopback, so JWT_SECRET, PSEUDONYM_SECRET, UNSUBSCRIBE_SECRET, INTEGRITY_KEY, ACCESS_PACKAGE_KEY, EXPORT_KEY must be set`);
    expect(() => loadConfig({ HOST: host, JWT_SECRET: 'j'.repeat(40) })).toThrow(/so PSEUDONYM_SECRET, UNSUBSCRIBE_SECRET, INTEGRITY_KEY, ACCESS_PACKAGE_KEY, EXPORT_KEY must be set/);
    expect(loadConfig({ HOST: host, ...SECRETS }).http.host).toBe(host);
  });

  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', 'LOCALHOST'])('lets HOST=%s keep the development secrets (only this machine reaches it)', (host) => {
    expect(loadConfig({ HOST: host }).http.host).toBe(host);
  });

  it('tells loopback from the rest', () => {
    expect(['127.0.0.1', '127.255.255.255', '::1', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['128.0.0.1', '0.0.0.0', '::', '::ffff:127.0.0.1', 'localhost.example.com', '127.0.0.1.nip.io', ''].map(isLoopbackHost)).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('field suggestions', () => {
  it('are on in development and test, off in production, and cannot be switched on there', () => {
    expect(loadConfig({}).graphql.suggestions).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).graphql.suggestions).toBe(true);
    expect(loadConfig({ GRAPHQL_SUGGESTIONS: 'false' }).graphql.suggestions).toBe(false);
    expect(loadConfig(PROD).graphql.suggestions).toBe(false);
    expect(() => loadConfig({ ...PROD, GRAPHQL_SUGGESTIONS: 'true' })).toThrow(/GRAPHQL_SUGGESTIONS cannot be on in production/);
  });
});

describe('token lifetime', () => {
  const secret = 's'.repeat(40);
  const NOW = 1_800_000_000;
  const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    `Bearer ${jwt.sign({ sub: 'someone', roles: ['ADMIN'], ...payload }, secret, { algorithm: 'HS256', noTimestamp: !('iat' in payload), header: { alg: 'HS256', ...header } as jwt.JwtHeader })}`;
  const verdict = (token: string, max = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS) => {
    const { actor, error } = verifyToken(secret, token, max, NOW);
    return actor ? 'ok' : error!.message;
  };

  it('defaults to a day, and refuses a TOKEN_TTL_SECONDS the gateway would then refuse itself', () => {
    expect(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS).toBe(86400);
    expect(loadConfig({}).auth).toMatchObject({ tokenTtlSeconds: 8 * 3600, maxTokenLifetimeSeconds: 86400 });
    expect(loadConfig({ TOKEN_TTL_SECONDS: '86400' }).auth.tokenTtlSeconds).toBe(86400);
    expect(() => loadConfig({ TOKEN_TTL_SECONDS: '86401' })).toThrow(/TOKEN_TTL_SECONDS \(86401\) must not exceed TOKEN_MAX_LIFETIME_SECONDS \(86400\)/);
    expect(loadConfig({ TOKEN_TTL_SECONDS: '172800', TOKEN_MAX_LIFETIME_SECONDS: '172800' }).auth.maxTokenLifetimeSeconds).toBe(172800);
    expect(() => loadConfig({ TOKEN_MAX_LIFETIME_SECONDS: '59' })).toThrow(/TOKEN_MAX_LIFETIME_SECONDS must be an integer from 60/);
  });

  it('measures exp - iat: the maximum passes, one second more is refused', () => {
    expect(verdict(sign({ iat: NOW - 100, exp: NOW - 100 + 86400 }))).toBe('ok');
    expect(verdict(sign({ iat: NOW - 100, exp: NOW - 100 + 86401 }))).toBe('invalid token: token lives longer than the maximum of 86400 s');
    expect(verdict(sign({ iat: NOW - 100, exp: NOW - 100 + 3600 }), 3600)).toBe('ok');
    expect(verdict(sign({ iat: NOW - 100, exp: NOW - 100 + 3601 }), 3600)).toMatch(/maximum of 3600 s/);
  });

  it('measures exp - now without iat, allowing the clock skew: the edge passes, one second more is refused', () => {
    expect(CLOCK_SKEW_SECONDS).toBe(60);
    expect(verdict(sign({ exp: NOW + 86400 + 60 }))).toBe('ok');
    expect(verdict(sign({ exp: NOW + 86400 + 61 }))).toMatch(/lives longer than the maximum/);
  });

  it('accepts an iat up to the clock skew ahead, and refuses one beyond it', () => {
    expect(verdict(sign({ iat: NOW + 60, exp: NOW + 60 + 86400 }))).toBe('ok');
    expect(verdict(sign({ iat: NOW + 61, exp: NOW + 61 + 86400 }))).toBe('invalid token: token was issued in the future');
  });

  it('refuses any crit header (this gateway understands no JWS extension), and accepts none', () => {
    expect(verdict(sign({ exp: NOW + 60 }))).toBe('ok');
    expect(verdict(sign({ exp: NOW + 60 }, { crit: ['exp'] }))).toMatch(/critical header extension/);
    expect(verdict(sign({ exp: NOW + 60 }, { crit: [] }))).toMatch(/critical header extension/);
    expect(verdict(sign({ exp: NOW + 60 }, { crit: 'b64', b64: false }))).toMatch(/critical header extension/);
  });
});

describe('token checks, each with its own reason', () => {
  const secret = 's'.repeat(40);
  const NOW = 1_800_000_000;
  const token = (payload: Record<string, unknown>) => jwt.sign({ exp: NOW + 60, ...payload }, secret, { algorithm: 'HS256', noTimestamp: true });
  const reason = (header: string | undefined) => verifyToken(secret, header, 86400, NOW).error?.message ?? 'ok';

  it.each([
    ['a good token', `Bearer ${token({ sub: 'a', roles: ['APP'], purposes: ['SERVICE'] })}`, 'ok'],
    ['no header', undefined, 'ok'],
    ['two spaces after Bearer', `Bearer  ${token({ sub: 'a', roles: ['APP'] })}`, 'ok'],
    ['two tokens', `Bearer ${token({ sub: 'a', roles: ['APP'] })} ${token({ sub: 'b', roles: ['ADMIN'] })}`, 'the Authorization header must be "Bearer <token>"'],
    ['another scheme before Bearer', `NotBearer ${token({ sub: 'a', roles: ['APP'] })}`, 'the Authorization header must be "Bearer <token>"'],
    ['no claims object', `Bearer ${jwt.sign('just a string', secret, { algorithm: 'HS256' })}`, 'invalid token: token has no claims'],
    ['no subject', `Bearer ${token({ roles: ['APP'] })}`, 'invalid token: token has no subject, or a malformed one'],
    ['no expiry', `Bearer ${jwt.sign({ sub: 'a', roles: ['APP'] }, secret, { algorithm: 'HS256', noTimestamp: true })}`, 'invalid token: token has no expiry'],
    ['roles as a string', `Bearer ${token({ sub: 'a', roles: 'ADMIN' })}`, 'invalid token: token has no roles, or an unknown role'],
    ['no roles', `Bearer ${token({ sub: 'a', roles: [] })}`, 'invalid token: token has no roles, or an unknown role'],
    ['one known and one unknown role', `Bearer ${token({ sub: 'a', roles: ['APP', 'ROOT'] })}`, 'invalid token: token has no roles, or an unknown role'],
    ['purposes as a string', `Bearer ${token({ sub: 'a', roles: ['APP'], purposes: 'SERVICE' })}`, 'invalid token: token has an unknown purpose'],
    ['one known and one unknown purpose', `Bearer ${token({ sub: 'a', roles: ['APP'], purposes: ['SERVICE', 'SPYING'] })}`, 'invalid token: token has an unknown purpose'],
  ])('%s: %s', (_what, header, expected) => {
    expect(reason(header)).toBe(expected);
  });
});

describe('JSON depth and the text walk', () => {
  const nest = (n: number): unknown => {
    let v: unknown = 'x';
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  };

  it('allows a body nested exactly MAX_JSON_DEPTH deep and refuses one level more', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(jsonDepthExceeds(nest(64))).toBe(false);
    expect(jsonDepthExceeds(nest(65))).toBe(true);
    expect(jsonDepthExceeds([[[1]]], 3)).toBe(false);
    expect(jsonDepthExceeds([[[[1]]]], 3)).toBe(true);
    expect(jsonDepthExceeds('text', 0)).toBe(false);
    expect(jsonDepthExceeds({}, 0)).toBe(true);
  });

  it('walks 100,000 levels without recursion', () => {
    expect(jsonDepthExceeds(nest(100_000))).toBe(true);
    expect(findForbidden(nest(100_000))).toBeNull();
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findForbidden(deep)).toBe(`${'[0]'.repeat(100_000)}`);
  });

  it('reports the path of the first forbidden string, keys included', () => {
    expect(findForbidden({ a: 'ok', b: ['fine', 'no\u0007pe'] })).toBe('b[1]');
    expect(findForbidden({ a: { 'k\u0000': 1 } })).toBe('a.(key)');
    expect(findForbidden({ outer: { inner: ['ok', { leaf: 'x\u0000' }] } })).toBe('outer.inner[1].leaf');
    expect(findForbidden('\ud800')).toBe('(value)');
    expect(findForbidden({ a: 'tab\tnewline\ncr\r', b: '😀' })).toBeNull();
  });
});
