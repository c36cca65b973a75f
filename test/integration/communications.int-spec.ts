import { queueMarketingEmail } from '../../src/domain/communications.service';
import { inTransaction } from '../../src/domain/transaction';
import { createOpenToken, createUnsubscribeToken } from '../../src/domain/unsubscribe-token.service';
import { PurposeKey, Role } from '../../src/entities/enums';
import { PIXEL_GIF } from '../../src/http/open-tracking.routes';
import { registerUser } from '../helpers/fixtures';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';

const CONSENT = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { changed } }`;
const UNSUBSCRIBE = `mutation($token: String!) { unsubscribe(token: $token) { purpose changed } }`;
const DISCLOSE = `mutation($input: RecordDisclosureInput!) { recordDisclosure(input: $input) { id } }`;
const PUBLIC_BASE = 'https://privacy.example.com';

describe('communications: unsubscribe links, open tracking, /collect and privacy signals', () => {
  let t: TestGateway;
  let base: string;

  beforeAll(async () => {
    t = await startTestGateway('comms', { env: { PUBLIC_BASE_URL: PUBLIC_BASE } });
    base = t.url.replace(/\/graphql$/, '');
  });
  afterAll(() => t.close());

  const grant = async (userId: string, purpose: PurposeKey) => {
    const res = await t.gql(CONSENT, { input: { userId, purpose, status: 'GRANTED' } }, t.token(Role.APP), 'SERVICE');
    expect(res.errors).toBeUndefined();
  };
  const consentOf = async (userId: string, purpose: PurposeKey): Promise<{ status: string; source: string; version: number } | undefined> =>
    (await t.gateway.dataSource.query(`SELECT status, source, version FROM consents WHERE subject_id = ? AND purpose = ?`, [Number(userId), purpose]))[0];
  const eventCount = async (userId: string, purpose: PurposeKey): Promise<number> =>
    Number((await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM consent_events WHERE subject_id = ? AND purpose = ?`, [Number(userId), purpose]))[0].n);
  /** Follows a link from an email against the test server (the link names PUBLIC_BASE_URL). */
  const follow = (link: string, init?: RequestInit) => {
    const u = new URL(link);
    return fetch(`${base}${u.pathname}${u.search}`, { redirect: 'manual', ...init });
  };
  const oneClick = (link: string) =>
    follow(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });

  describe('one-click unsubscribe (RFC 8058)', () => {
    let alice: string;
    let link: string;

    beforeAll(async () => {
      alice = await registerUser(t);
      await grant(alice, PurposeKey.PRODUCT_EMAIL);
      const draft = await inTransaction(t.gateway.dataSource, (em) =>
        queueMarketingEmail(em, t.config.communications, { subjectId: Number(alice), purpose: PurposeKey.PRODUCT_EMAIL, subject: 'Spring offers', text: 'Our spring offers.' }),
      );
      expect(draft).not.toBeNull();
      // The message as the outbox holds it: marketing kind, both headers, the https link.
      const [row] = await t.gateway.dataSource.query(`SELECT kind, headers, text_body FROM outbox_messages WHERE kind = 'PRODUCT_EMAIL' ORDER BY id DESC LIMIT 1`);
      const headers = typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers;
      expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      const m = /^<(https:\/\/privacy\.example\.com\/unsubscribe\?token=[^>]+)>$/.exec(headers['List-Unsubscribe']);
      expect(m).not.toBeNull();
      link = m![1]!;
      expect(row.text_body).toContain(link);
    });

    it('shows a confirmation page on GET and changes nothing', async () => {
      const before = await tableChecksums(t.gateway);
      const res = await follow(link);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toMatch(/<form method="post" action="\/unsubscribe\?token=[^"]+">/);
      expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
      expect(await tableChecksums(t.gateway)).toEqual(before);
      expect((await consentOf(alice, PurposeKey.PRODUCT_EMAIL))!.status).toBe('GRANTED');
    });

    it('withdraws the consent on the one-click POST, once', async () => {
      const events = await eventCount(alice, PurposeKey.PRODUCT_EMAIL);
      const res = await oneClick(link);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('You are unsubscribed');
      expect(await consentOf(alice, PurposeKey.PRODUCT_EMAIL)).toEqual({ status: 'WITHDRAWN', source: 'UNSUBSCRIBE_LINK', version: 2 });
      expect(await eventCount(alice, PurposeKey.PRODUCT_EMAIL)).toBe(events + 1);
      const [audit] = await t.gateway.dataSource.query(`SELECT actor FROM audit_events WHERE action = 'consent.recorded' ORDER BY seq DESC LIMIT 1`);
      expect(audit.actor).toBe('unsubscribe-link');

      // A second click (or the mail client's retry, or the GraphQL mutation) changes nothing.
      const before = await tableChecksums(t.gateway);
      expect((await oneClick(link)).status).toBe(200);
      const token = new URL(link).searchParams.get('token')!;
      const again = await t.gql<{ unsubscribe: { purpose: string; changed: boolean } }>(UNSUBSCRIBE, { token }, null);
      expect(again.data!.unsubscribe).toEqual({ purpose: 'PRODUCT_EMAIL', changed: false });
      expect(await tableChecksums(t.gateway)).toEqual(before);
    });

    it('unsubscribes over GraphQL without a bearer token: the signed token is the credential', async () => {
      await grant(alice, PurposeKey.THIRD_PARTY_OFFERS);
      const token = createUnsubscribeToken(t.config.communications, Number(alice), PurposeKey.THIRD_PARTY_OFFERS);
      const res = await t.gql<{ unsubscribe: { purpose: string; changed: boolean } }>(UNSUBSCRIBE, { token }, null);
      expect(res.errors).toBeUndefined();
      expect(res.data!.unsubscribe).toEqual({ purpose: 'THIRD_PARTY_OFFERS', changed: true });
      expect(await consentOf(alice, PurposeKey.THIRD_PARTY_OFFERS)).toMatchObject({ status: 'WITHDRAWN', source: 'UNSUBSCRIBE_LINK' });
      // An invalid bearer token is still refused, even on a public operation.
      const bad = await t.gql(UNSUBSCRIBE, { token }, 'not-a-jwt');
      expect(errorCode(bad)).toBe('UNAUTHENTICATED');
    });

    it('refuses forged, tampered and expired tokens with a typed error, and changes nothing', async () => {
      const bob = await registerUser(t);
      await grant(bob, PurposeKey.PRODUCT_EMAIL);
      const settings = t.config.communications;
      const real = createUnsubscribeToken(settings, Number(bob), PurposeKey.PRODUCT_EMAIL);
      const [body, sig] = real.split('.') as [string, string];
      // Alice's id under Bob's signature; a flipped signature; a token made with another key.
      const otherBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), s: Number(alice) })).toString('base64url');
      const forged = [
        `${otherBody}.${sig}`,
        `${body}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`,
        createUnsubscribeToken({ ...settings, unsubscribeSecret: 'x'.repeat(48) }, Number(bob), PurposeKey.PRODUCT_EMAIL),
        'garbage',
      ];
      const expired = createUnsubscribeToken(settings, Number(bob), PurposeKey.PRODUCT_EMAIL, new Date(Date.now() - (settings.unsubscribeTokenTtlSeconds + 60) * 1000));
      const before = await tableChecksums(t.gateway);
      for (const [token, reason] of [...forged.map((f) => [f, 'TOKEN_INVALID'] as const), [expired, 'TOKEN_EXPIRED'] as const]) {
        const link = `${PUBLIC_BASE}/unsubscribe?token=${encodeURIComponent(token)}`;
        const page = await follow(link);
        expect(page.status).toBe(400);
        expect(await page.text()).not.toContain('<form');
        const post = await oneClick(link);
        expect(post.status).toBe(400);
        const json = await follow(link, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
        expect(json.status).toBe(400);
        expect(await json.json()).toMatchObject({ code: 'BAD_USER_INPUT', reason });
        const gql = await t.gql(UNSUBSCRIBE, { token }, null);
        expect(errorCode(gql)).toBe('BAD_USER_INPUT');
        expect(gql.errors![0]!.extensions!.reason).toBe(reason);
      }
      expect(await tableChecksums(t.gateway)).toEqual(before);
      expect((await consentOf(bob, PurposeKey.PRODUCT_EMAIL))!.status).toBe('GRANTED');
    });

    it('queues no marketing email to someone who withdrew the purpose', async () => {
      const draft = await inTransaction(t.gateway.dataSource, (em) =>
        queueMarketingEmail(em, t.config.communications, { subjectId: Number(alice), purpose: PurposeKey.PRODUCT_EMAIL, subject: 'More offers', text: 'x' }),
      );
      expect(draft).toBeNull();
    });
  });

  describe('open tracking', () => {
    const opens = async (userId: string): Promise<number> => Number((await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM email_opens WHERE subject_id = ?`, [Number(userId)]))[0].n);
    const pixel = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toMatch(/no-store/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(PIXEL_GIF)).toBe(true);
      expect(bytes.length).toBe(43);
      expect(bytes.subarray(0, 6).toString('ascii')).toBe('GIF89a');
    };

    it('always returns the pixel, and records an open only with EMAIL_OPEN_TRACKING granted', async () => {
      const carol = await registerUser(t);
      const dave = await registerUser(t);
      await grant(carol, PurposeKey.EMAIL_OPEN_TRACKING);
      await grant(carol, PurposeKey.PRODUCT_EMAIL);
      await grant(dave, PurposeKey.PRODUCT_EMAIL);

      // The marketing helper adds the pixel only for the subject who consented to it.
      const html = async (id: string) =>
        (await inTransaction(t.gateway.dataSource, (em) =>
          queueMarketingEmail(em, t.config.communications, { subjectId: Number(id), purpose: PurposeKey.PRODUCT_EMAIL, subject: 'Hi', text: 'Hi', html: '<p>Hi</p>', campaign: 'june' }),
        ))!.html!;
      const carolHtml = await html(carol);
      expect(await html(dave)).not.toContain('/o/');
      const src = /<img src="([^"]+)"/.exec(carolHtml)![1]!.replace(/&amp;/g, '&');
      expect(src.startsWith(`${PUBLIC_BASE}/o/`)).toBe(true);

      await pixel(new URL(src).pathname);
      expect(await opens(carol)).toBe(1);
      const [row] = await t.gateway.dataSource.query(`SELECT campaign FROM email_opens WHERE subject_id = ?`, [Number(carol)]);
      expect(row.campaign).toBe('june');

      const daveToken = createOpenToken(t.config.communications, Number(dave), 'june');
      const before = await tableChecksums(t.gateway);
      await pixel(`/o/${daveToken}.gif`);
      await pixel('/o/forged.token.gif');
      await pixel('/o/nothing-here');
      expect(await tableChecksums(t.gateway)).toEqual(before);
      expect(await opens(dave)).toBe(0);

      // Withdrawing open tracking stops the recording at once.
      await t.gql(CONSENT, { input: { userId: carol, purpose: 'EMAIL_OPEN_TRACKING', status: 'WITHDRAWN' } }, t.token(Role.APP), 'SERVICE');
      await pixel(new URL(src).pathname);
      expect(await opens(carol)).toBe(1);
    });
  });

  describe('POST /collect', () => {
    let eve: string;
    let thirdParty: string;

    const collect = (body: unknown, headers: Record<string, string> = {}, token: string | null = t.token(Role.APP)) =>
      fetch(`${base}/collect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const disclose = () =>
      t.gql(DISCLOSE, { input: { userId: eve, recipientId: thirdParty, purpose: 'DIRECT_MARKETING', categories: ['user.name', 'user.contact.email'] } }, t.token(Role.APP), 'SERVICE');

    beforeAll(async () => {
      eve = await registerUser(t);
      const rec = await t.gql<{ registerRecipient: { id: string } }>(
        `mutation($input: RegisterRecipientInput!) { registerRecipient(input: $input) { id } }`,
        { input: { kind: 'THIRD_PARTY', name: 'Acme Offers', postalAddress: '1 Main St, Reno, NV', allowedPurposes: ['DIRECT_MARKETING'] } },
        t.token(Role.PRIVACY_OPS),
      );
      thirdParty = rec.data!.registerRecipient.id;
      await grant(eve, PurposeKey.THIRD_PARTY_MARKETING_SHARING);
      expect((await disclose()).errors).toBeUndefined();
    });

    it('records a visit with the request IP and user agent', async () => {
      const res = await collect({ userId: eve, page: '/pricing', cookieId: 'ck-1', deviceId: 'dev-1', latitude: 37.77, longitude: -122.42 });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { id: string; gpc: boolean; dnt: boolean; gpcOptOutRecorded: boolean };
      expect(body).toMatchObject({ userId: eve, gpc: false, dnt: false, gpcOptOutRecorded: false });
      const [row] = await t.gateway.dataSource.query(`SELECT subject_id, ip_address, user_agent, page, cookie_id, device_id, latitude, longitude, gpc, dnt FROM collection_events WHERE id = ?`, [Number(body.id)]);
      expect(row).toMatchObject({ subject_id: Number(eve), page: '/pricing', cookie_id: 'ck-1', device_id: 'dev-1', latitude: 37.77, longitude: -122.42, gpc: 0, dnt: 0 });
      expect(['127.0.0.1', '::1']).toContain(row.ip_address);
      expect(row.user_agent).toContain('Firefox/131.0');
    });

    it('takes Sec-GPC: 1 as an opt-out of sharing that a later request without it does not undo', async () => {
      const res = await collect({ userId: eve, page: '/' }, { 'sec-gpc': '1' });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ gpc: true, gpcOptOutRecorded: true });
      expect(await consentOf(eve, PurposeKey.THIRD_PARTY_MARKETING_SHARING)).toMatchObject({ status: 'WITHDRAWN', source: 'GPC_SIGNAL' });

      const later = await collect({ userId: eve, page: '/account' });
      expect(later.status).toBe(201);
      expect(await later.json()).toMatchObject({ gpc: false, gpcOptOutRecorded: false });
      expect(await consentOf(eve, PurposeKey.THIRD_PARTY_MARKETING_SHARING)).toMatchObject({ status: 'WITHDRAWN', source: 'GPC_SIGNAL' });

      const before = await tableChecksums(t.gateway);
      const refused = await disclose();
      expect(errorCode(refused)).toBe('CONFLICT');
      expect(refused.errors![0]!.extensions!.reason).toBe('GPC_OPT_OUT');
      expect(await tableChecksums(t.gateway)).toEqual(before);

      // A second signal is recorded on the event but writes no second consent event.
      const events = await eventCount(eve, PurposeKey.THIRD_PARTY_MARKETING_SHARING);
      expect(await (await collect({ userId: eve, page: '/' }, { 'sec-gpc': '1' })).json()).toMatchObject({ gpc: true, gpcOptOutRecorded: false });
      expect(await eventCount(eve, PurposeKey.THIRD_PARTY_MARKETING_SHARING)).toBe(events);
    });

    it('records DNT: 1 on the event and changes no consent', async () => {
      const frank = await registerUser(t);
      await grant(frank, PurposeKey.ANALYTICS_COOKIES);
      const res = await collect({ userId: Number(frank), page: '/blog' }, { dnt: '1' });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { id: string };
      const [row] = await t.gateway.dataSource.query(`SELECT dnt, gpc FROM collection_events WHERE id = ?`, [Number(body.id)]);
      expect(row).toEqual({ dnt: 1, gpc: 0 });
      expect((await consentOf(frank, PurposeKey.ANALYTICS_COOKIES))!.status).toBe('GRANTED');
    });

    it('records an anonymous visit (no userId), with GPC on the event only', async () => {
      const res = await collect({ page: '/', cookieId: 'ck-anon' }, { 'sec-gpc': '1' });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ userId: null, gpc: true, gpcOptOutRecorded: false });
    });

    it.each([
      ['bad JSON', '{"page": "/",'],
      ['a JSON array', '[1,2]'],
      ['no page', { userId: '1' }],
      ['an unknown field', { page: '/', ssn: '123' }],
      ['a latitude out of range', { page: '/', latitude: 91, longitude: 0 }],
      ['a latitude without longitude', { page: '/', latitude: 10 }],
      ['a latitude as a string', { page: '/', latitude: '37.7', longitude: '-122' }],
      ['a malformed userId', { page: '/', userId: 'abc' }],
      ['a cookie id that is too long', { page: '/', cookieId: 'x'.repeat(129) }],
    ])('refuses %s with 400 BAD_USER_INPUT and stores nothing', async (_label, body) => {
      const before = await tableChecksums(t.gateway);
      const res = await collect(body, { 'sec-gpc': '1' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(await tableChecksums(t.gateway)).toEqual(before);
    });

    it('needs a bearer token with APP or ADMIN, and a known user', async () => {
      const before = await tableChecksums(t.gateway);
      const none = await collect({ page: '/' }, {}, null);
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      const legal = await collect({ page: '/' }, {}, t.token(Role.LEGAL));
      expect(legal.status).toBe(403);
      expect(await legal.json()).toMatchObject({ code: 'FORBIDDEN' });
      const unknown = await collect({ page: '/', userId: '999999' }, { 'sec-gpc': '1' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
      expect(await tableChecksums(t.gateway)).toEqual(before);
      expect((await collect({ page: '/' }, {}, t.token(Role.ADMIN))).status).toBe(201);
    });
  });
});
