import { createHmac, createPublicKey, generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { Role } from '../../src/entities/enums';
import { authenticate, signToken } from '../../src/schema/auth';
import { IdentityProviderVerifier } from '../../src/schema/identity-provider.verifier';
import { startIdentityProvider, type TestIdentityProvider } from '../helpers/identity-provider';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * Access tokens of the company's OpenID Connect provider (issue 24), against a real provider
 * (oidc-provider) on a loopback port: discovery, JWKS and the token endpoint as deployed. Every
 * refusal is an UNAUTHENTICATED GraphQL error that changes nothing; an unreachable provider is
 * SERVICE_UNAVAILABLE, never a pass.
 */
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

const ROLE_MAP = {
  'legal-team': 'LEGAL',
  'privacy-ops': ['PRIVACY_OPS'],
  'cn=dpo,ou=groups,dc=example': ['PRIVACY_OPS', 'LEGAL'],
  'gateway-admins': 'ADMIN',
  'm-and-a': 'MNA',
  apps: 'APP',
};

describe('identity provider tokens (OIDC, jose)', () => {
  let idp: TestIdentityProvider;
  let t: TestGateway;

  beforeAll(async () => {
    idp = await startIdentityProvider([
      { id: 'legal-app', groups: ['legal-team', 'all-staff'] },
      { id: 'ops-app', groups: 'privacy-ops all-staff', alg: 'ES256' },
      { id: 'dpo-app', groups: ['cn=dpo,ou=groups,dc=example'] },
      { id: 'admin-app', groups: ['gateway-admins'] },
      { id: 'mna-app', groups: ['m-and-a'] },
      { id: 'marketing-app', groups: ['marketing', 'LEGAL'] },
      { id: 'no-groups-app' },
      { id: 'long-lived-app', groups: ['legal-team'], ttl: 2 * 24 * 3600 },
      { id: 'other-audience-app', groups: ['legal-team'], audience: 'https://another-app.test/api' },
      { id: 'pss-app', groups: ['legal-team'], alg: 'PS256' },
      { id: 'control-char-app', groups: ['legal-team'], claims: { email: 'a\u0007b@example.com' } },
      { id: 'support-app', groups: ['apps'], claims: { purposes: ['SUPPORT'] } },
      { id: 'bad-purpose-app', groups: ['apps'], claims: { purposes: ['SPYING'] } },
    ]);
    t = await startTestGateway('identity_provider', {
      env: { OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: idp.audience, OIDC_ROLE_MAP: JSON.stringify(ROLE_MAP) },
    });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  const holds = '{ legalHolds(first: 1) { pageInfo { hasNextPage } } }';
  const transfers = '{ businessTransfers(first: 1) { pageInfo { hasNextPage } } }';
  const codes = (r: { errors?: { extensions?: { code?: string } }[] }) => (r.errors ?? []).map((e) => e.extensions?.code);

  it('accepts an RS256 token from the provider and maps its groups to roles (LEGAL reads holds, is refused transfers)', async () => {
    const token = await idp.token('legal-app');
    const ok = await t.gql(holds, {}, token);
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ legalHolds: { pageInfo: { hasNextPage: false } } });
    const refused = await t.gql(transfers, {}, token);
    expect(codes(refused)).toEqual(['FORBIDDEN']);
  });

  it('accepts ES256 and a space-separated group claim; a DN group grants two roles', async () => {
    const es = await idp.token('ops-app');
    expect(JSON.parse(Buffer.from(es.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'ES256', kid: 'ec-1' });
    expect((await t.gql(holds, {}, es)).errors).toBeUndefined();
    const dpo = await authenticate(t.config.auth, `Bearer ${await idp.token('dpo-app')}`);
    expect(dpo.error).toBeNull();
    expect(dpo.actor).toEqual({ id: 'idp:dpo-app', roles: [Role.LEGAL, Role.PRIVACY_OPS] });
    const mna = await t.gql(transfers, {}, await idp.token('mna-app'));
    expect(mna.errors).toBeUndefined();
  });

  it('writes the provider identity to the audit log as idp:<sub>', async () => {
    const token = await idp.token('admin-app');
    const res = await t.gql<{ registerRecipient: { id: string } }>(
      'mutation { registerRecipient(input: { kind: THIRD_PARTY, name: "Idp Recipient Co", postalAddress: "1 Main St, Reno, NV", allowedPurposes: [DIRECT_MARKETING] }) { id } }',
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    const [row] = await t.gateway.dataSource.query(`SELECT actor FROM audit_events WHERE entity_id = ? AND action LIKE '%RECIPIENT%'`, [res.data!.registerRecipient.id]);
    expect(row.actor).toBe('idp:admin-app');
  });

  it('refuses a person whose groups the role map does not name, even a group spelled like a role', async () => {
    for (const client of ['marketing-app', 'no-groups-app']) {
      const res = await t.gql(holds, {}, await idp.token(client));
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
      expect(res.errors![0]!.message).toMatch(/groups grants no role/);
    }
  });

  it('refuses a token for another audience, one that lives longer than the maximum, and an algorithm not allowed', async () => {
    const other = await t.gql(holds, {}, await idp.token('other-audience-app'));
    expect(codes(other)).toEqual(['UNAUTHENTICATED']);
    expect(other.errors![0]!.message).toMatch(/claim aud/);
    const long = await t.gql(holds, {}, await idp.token('long-lived-app'));
    expect(codes(long)).toEqual(['UNAUTHENTICATED']);
    expect(long.errors![0]!.message).toMatch(/longer than the maximum of 86400 s/);
    const pss = await t.gql(holds, {}, await idp.token('pss-app'));
    expect(codes(pss)).toEqual(['UNAUTHENTICATED']);
    expect(pss.errors![0]!.message).toMatch(/PS256 are not accepted/);
  });

  it('accepts a token until a minute after its expiry (exp exclusive) and from a minute before its issue time (clock skew)', async () => {
    const token = await idp.token('legal-app');
    const { exp, iat } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    const at = (s: number) => new Date(s * 1000);
    expect((await authenticate(t.config.auth, `Bearer ${token}`, at(exp + 59))).actor).not.toBeNull();
    const expired = await authenticate(t.config.auth, `Bearer ${token}`, at(exp + 60));
    expect(expired.error?.message).toBe('invalid token: it has expired');
    expect((await authenticate(t.config.auth, `Bearer ${token}`, at(iat - 60))).actor).not.toBeNull();
    expect((await authenticate(t.config.auth, `Bearer ${token}`, at(iat - 61))).error?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses forgeries: a changed payload, a key the provider never published, alg none, and HS256 keyed with the public key', async () => {
    const token = await idp.token('legal-app');
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const elevated = `${h}.${b64({ ...payload, groups: ['gateway-admins'] })}.${s}`;
    expect(codes(await t.gql(holds, {}, elevated))).toEqual(['UNAUTHENTICATED']);

    // The same header (kid rsa-1) signed by a key of our own.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signingInput = `${h}.${b64({ ...payload, groups: ['gateway-admins'] })}`;
    const foreign = `${signingInput}.${rsaSign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
    const foreignRes = await t.gql(holds, {}, foreign);
    expect(codes(foreignRes)).toEqual(['UNAUTHENTICATED']);
    expect(foreignRes.errors![0]!.message).toMatch(/signature does not verify/);

    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    expect(codes(await t.gql(holds, {}, none))).toEqual(['UNAUTHENTICATED']);

    // RFC 8725 3.1: the provider's public key used as an HMAC secret goes to the local verifier, which knows only JWT_SECRET.
    const jwks = await idp.publicJwks();
    const pem = createPublicKey({ key: jwks.keys.find((k) => (k as { kid?: string }).kid === 'rsa-1')!, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...payload, roles: ['ADMIN'] })}`;
    const confused = `${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`;
    const confusedRes = await t.gql(holds, {}, confused);
    expect(codes(confusedRes)).toEqual(['UNAUTHENTICATED']);
    expect(confusedRes.errors![0]!.message).toMatch(/invalid signature/);
  });

  it('refuses an actor claim that cannot be an audit id, and a local token that claims an idp: subject', async () => {
    const byEmail = { ...t.config.auth, oidc: { ...t.config.auth.oidc!, actorClaim: 'email' } };
    const bell = await authenticate(byEmail, `Bearer ${await idp.token('control-char-app')}`);
    expect(bell.error?.message).toBe('invalid token: the claim email is missing or not a usable id');
    const missing = await authenticate(byEmail, `Bearer ${await idp.token('legal-app')}`);
    expect(missing.error?.message).toBe('invalid token: the claim email is missing or not a usable id');
    const forged = signToken(t.config.auth.jwtSecret, 'idp:legal-app', [Role.ADMIN], 600);
    const res = await t.gql(holds, {}, forged);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors![0]!.message).toMatch(/cannot start with "idp:"/);
  });

  it('opens the plain-HTTP endpoints and the queue dashboard to provider tokens under the same roles', async () => {
    const base = t.url.replace(/\/graphql$/, '');
    const get = async (path: string, token: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
    expect((await get('/exports/consents.ndjson', await idp.token('legal-app'))).status).toBe(200);
    const mna = await get('/exports/consents.ndjson', await idp.token('mna-app'));
    expect(mna.status).toBe(403);
    expect(((await mna.json()) as { code: string }).code).toBe('FORBIDDEN');
    expect((await get('/exports/consents.ndjson', await idp.token('marketing-app'))).status).toBe(401);
    expect((await get('/admin/queues', await idp.token('admin-app'))).status).toBe(200);
    expect((await get('/admin/queues', await idp.token('legal-app'))).status).toBe(403);
  });

  it('limits an APP to the purposes its provider token names, and refuses an unknown purpose', async () => {
    const users = '{ users(first: 1) { edges { node { id } } } }';
    const support = await idp.token('support-app');
    expect((await t.gql(users, {}, support, 'SUPPORT')).errors).toBeUndefined();
    const other = await t.gql(users, {}, support, 'ANALYTICS');
    expect(other.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_NOT_ALLOWED' });
    const bad = await t.gql(users, {}, await idp.token('bad-purpose-app'), 'SUPPORT');
    expect(codes(bad)).toEqual(['UNAUTHENTICATED']);
    expect(bad.errors![0]!.message).toBe('invalid token: it has an unknown purpose');
  });

  it('keeps serving with the last keys while the provider is down after they went stale, and asks again later', async () => {
    const stale: string[] = [];
    // Keys are stale at once, so every token would make jose refetch them.
    const verifier = new IdentityProviderVerifier(t.config.auth.oidc!, t.config.auth.maxTokenLifetimeSeconds, { keysFreshForMs: 0, onStaleKeys: (why) => stale.push(why) });
    const token = await idp.token('legal-app');
    expect((await verifier.verify(token)).id).toBe('idp:legal-app');
    await idp.stop();
    try {
      expect((await verifier.verify(token)).id).toBe('idp:legal-app');
      expect((await verifier.verify(token)).id).toBe('idp:legal-app');
      expect(stale).toHaveLength(1);
      // A token signed by a key the last set lacks is still refused.
      const [h, p, sig] = token.split('.') as [string, string, string];
      const otherKid = `${b64({ ...JSON.parse(Buffer.from(h, 'base64url').toString()), kid: 'unknown-kid' })}.${p}.${sig}`;
      await expect(verifier.verify(otherKid)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      await idp.start();
    }
  });

  it('keeps local HS256 tokens working beside the provider', async () => {
    expect((await t.gql(holds, {}, t.token(Role.LEGAL))).errors).toBeUndefined();
  });

  it('answers SERVICE_UNAVAILABLE while the provider cannot be reached on first use, and recovers when it is back', async () => {
    // A second gateway config, so the verifier has not fetched the keys yet.
    const fresh = { ...t.config.auth };
    const token = await idp.token('legal-app');
    await idp.stop();
    try {
      const down = await authenticate(fresh, `Bearer ${token}`);
      expect(down.actor).toBeNull();
      expect(down.error?.code).toBe('SERVICE_UNAVAILABLE');
      // Keys already fetched keep working while the provider is down.
      expect((await authenticate(t.config.auth, `Bearer ${token}`)).actor?.id).toBe('idp:legal-app');
    } finally {
      await idp.start();
    }
    // Over HTTP: a gateway that has not fetched the keys answers 503 with SERVICE_UNAVAILABLE, never a pass.
    const second = await startTestGateway('identity_provider_down', { env: { OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: idp.audience, OIDC_ROLE_MAP: JSON.stringify(ROLE_MAP) } });
    try {
      await idp.stop();
      const res = await second.gql(holds, {}, token);
      expect(res.data).toBeNull();
      expect(codes(res)).toEqual(['SERVICE_UNAVAILABLE']);
      const plain = await fetch(`${second.url.replace(/\/graphql$/, '')}/exports/consents.ndjson`, { headers: { authorization: `Bearer ${token}` } });
      expect(plain.status).toBe(503);
    } finally {
      await idp.start();
      await second.close();
    }
    // The failed discovery is retried after five seconds, not remembered for good.
    await new Promise((r) => setTimeout(r, 5_100));
    expect((await authenticate(fresh, `Bearer ${token}`)).actor?.id).toBe('idp:legal-app');
  });
});
