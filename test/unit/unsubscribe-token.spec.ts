import { GraphQLObjectType } from 'graphql';
import { loadConfig } from '../../src/config';
import { buildMarketingDraft } from '../../src/domain/communications.service';
import { DomainError } from '../../src/domain/errors';
import {
  createOpenToken, createUnsubscribeToken, verifyOpenToken, verifyUnsubscribeToken, type LinkSettings,
} from '../../src/domain/unsubscribe-token.service';
import { PurposeKey, Role } from '../../src/entities/enums';
import type { ResolverData } from 'type-graphql';
import { authChecker as checker, PUBLIC, type AuthRule } from '../../src/schema/auth';
import { buildGatewaySchema } from '../../src/schema/build-schema';
import type { GatewayContext } from '../../src/schema/context';

const settings: LinkSettings = { unsubscribeSecret: 's'.repeat(40), unsubscribeTokenTtlSeconds: 3600, publicBaseUrl: 'https://privacy.example.com' };

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('BAD_USER_INPUT');
    return (err as DomainError).details?.reason as string;
  }
  return undefined;
}

describe('unsubscribe tokens', () => {
  const now = new Date('2025-06-01T12:00:00Z');

  it('round-trips subject and purpose until they expire', () => {
    const token = createUnsubscribeToken(settings, 42, PurposeKey.PRODUCT_EMAIL, now);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(settings, token, now)).toEqual({ subjectId: 42, purpose: PurposeKey.PRODUCT_EMAIL, expiresAt: new Date(now.getTime() + 3600_000) });
    expect(reasonOf(() => verifyUnsubscribeToken(settings, token, new Date(now.getTime() + 3600_000)))).toBe('TOKEN_EXPIRED');
  });

  it('refuses a changed payload, a changed signature, another key and garbage', () => {
    const token = createUnsubscribeToken(settings, 42, PurposeKey.PRODUCT_EMAIL, now);
    const [body, sig] = token.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), s: 43 })).toString('base64url');
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    for (const bad of [`${other}.${sig}`, `${body}.${flipped}`, createUnsubscribeToken({ ...settings, unsubscribeSecret: 't'.repeat(40) }, 42, PurposeKey.PRODUCT_EMAIL, now), '', 'abc', `${body}.`, `${body}.${sig}x`, 'x'.repeat(5000)])
      expect(reasonOf(() => verifyUnsubscribeToken(settings, bad, now))).toBe('TOKEN_INVALID');
  });

  it('keeps the kinds apart: an open-pixel token never unsubscribes, and the other way round', () => {
    const open = createOpenToken(settings, 7, 'PRODUCT_EMAIL:2025-06', now);
    expect(verifyOpenToken(settings, open, now)).toMatchObject({ subjectId: 7, campaign: 'PRODUCT_EMAIL:2025-06' });
    expect(reasonOf(() => verifyUnsubscribeToken(settings, open, now))).toBe('TOKEN_INVALID');
    expect(reasonOf(() => verifyOpenToken(settings, createUnsubscribeToken(settings, 7, PurposeKey.PRODUCT_EMAIL, now), now))).toBe('TOKEN_INVALID');
  });

  it('issues links only for consents about email', () => {
    expect(() => createUnsubscribeToken(settings, 1, PurposeKey.THIRD_PARTY_MARKETING_SHARING, now)).toThrow();
  });
});

describe('marketing drafts', () => {
  it('carry List-Unsubscribe (https) and List-Unsubscribe-Post, and the link in the body', () => {
    const draft = buildMarketingDraft(settings, { subjectId: 9, to: 'a@example.com', purpose: PurposeKey.THIRD_PARTY_OFFERS, subject: 'Offers', text: 'Hello', html: '<p>Hello</p>', trackOpens: true });
    expect(draft.kind).toBe('THIRD_PARTY_OFFERS');
    expect(draft.headers!['List-Unsubscribe']).toMatch(/^<https:\/\/privacy\.example\.com\/unsubscribe\?token=[A-Za-z0-9_.-]+>$/);
    expect(draft.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = draft.headers!['List-Unsubscribe']!.slice(1, -1);
    expect(draft.text).toContain(link);
    expect(draft.html).toContain('/o/');
    const token = new URL(link).searchParams.get('token')!;
    expect(verifyUnsubscribeToken(settings, token)).toMatchObject({ subjectId: 9, purpose: PurposeKey.THIRD_PARTY_OFFERS });
    expect(buildMarketingDraft(settings, { subjectId: 9, to: 'a@example.com', purpose: PurposeKey.PRODUCT_EMAIL, subject: 'S', text: 'T', html: '<p>x</p>' }).html).not.toContain('/o/');
  });
});

describe('the PUBLIC rule', () => {
  // Ours is the function form of type-graphql's AuthChecker union.
  const authChecker = checker as (data: ResolverData<GatewayContext>, roles: AuthRule[]) => boolean;
  const ctx = (actor: GatewayContext['actor'], authError: GatewayContext['authError'] = null) => ({ context: { actor, authError } as GatewayContext }) as ResolverData<GatewayContext>;

  it('lets a PUBLIC operation run without a token, but not with an invalid one', () => {
    expect(authChecker(ctx(null), [PUBLIC, Role.ADMIN])).toBe(true);
    expect(() => authChecker(ctx(null, new DomainError('UNAUTHENTICATED', 'bad')), [PUBLIC])).toThrow('bad');
    expect(() => authChecker(ctx(null), [Role.ADMIN])).toThrow(/bearer token/);
    expect(authChecker(ctx({ id: 'm', roles: [Role.MNA] }), [PUBLIC, Role.ADMIN])).toBe(true);
    expect(() => authChecker(ctx({ id: 'm', roles: [Role.MNA] }), [Role.ADMIN])).toThrow(/roles/);
  });

  it('marks only unsubscribe as public in the built schema', async () => {
    const schema = await buildGatewaySchema();
    const roots = [schema.getQueryType(), schema.getMutationType()].filter((t): t is GraphQLObjectType => !!t);
    const publicOps = roots.flatMap((r) => Object.values(r.getFields()).filter((f) => f.extensions?.public === true).map((f) => f.name));
    expect(publicOps).toEqual(['unsubscribe']);
  });
});

describe('configuration', () => {
  it('requires a real UNSUBSCRIBE_SECRET and an https PUBLIC_BASE_URL in production', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), PSEUDONYM_SECRET: 'p'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40) };
    expect(() => loadConfig(prod)).toThrow(/UNSUBSCRIBE_SECRET must be set/);
    expect(() => loadConfig({ ...prod, UNSUBSCRIBE_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => loadConfig({ ...prod, UNSUBSCRIBE_SECRET: 'u'.repeat(40) })).toThrow(/PUBLIC_BASE_URL must use https/);
    const ok = loadConfig({ ...prod, UNSUBSCRIBE_SECRET: 'u'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com/' });
    expect(ok.communications).toEqual({ unsubscribeSecret: 'u'.repeat(40), unsubscribeTokenTtlSeconds: 90 * 86400, publicBaseUrl: 'https://privacy.example.com' });
    expect(loadConfig({}).communications.publicBaseUrl).toBe('http://localhost:4000');
  });
});
