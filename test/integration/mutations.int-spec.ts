import { Role } from '../../src/entities/enums';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';

const REGISTER = `mutation($input: RegisterUserInput!) { registerUser(input: $input) { id name email phone region country status birthDate } }`;
const CONSENT = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { changed consent { purpose status source version } } }`;
const RECIPIENT = `mutation($input: RegisterRecipientInput!) { registerRecipient(input: $input) { id kind name allowedPurposes } }`;
const DISCLOSE = `mutation($input: RecordDisclosureInput!) { recordDisclosure(input: $input) { id identifiable purpose categories { key } recipient { id } user { id } } }`;

const alice = { name: 'Alice Example', email: 'Alice@Example.com', phone: '+14155550100', region: 'US-CA', country: 'US', birthDate: '1990-04-02', city: 'San Francisco' };

describe('mutations: the policy, typed errors, and no partial writes', () => {
  let t: TestGateway;
  let aliceId: string;
  let thirdParty: string;
  let affiliate: string;
  let partner: string;
  let agent: string;

  beforeAll(async () => {
    t = await startTestGateway('mutations');
    const res = await t.gql<{ registerUser: { id: string } }>(REGISTER, { input: alice }, t.token(Role.APP), 'SERVICE');
    expect(res.errors).toBeUndefined();
    aliceId = res.data!.registerUser.id;
    const reg = async (input: Record<string, unknown>) => (await t.gql<{ registerRecipient: { id: string } }>(RECIPIENT, { input }, t.token(Role.PRIVACY_OPS))).data!.registerRecipient.id;
    thirdParty = await reg({ kind: 'THIRD_PARTY', name: 'Acme Offers', postalAddress: '1 Main St, Reno, NV', allowedPurposes: ['DIRECT_MARKETING'] });
    affiliate = await reg({ kind: 'AFFILIATE', name: 'Sister Co', postalAddress: '2 Side St, Reno, NV', allowedPurposes: ['DIRECT_MARKETING', 'TRANSACTION'] });
    partner = await reg({ kind: 'PARTNER', name: 'Research Partner', allowedPurposes: ['AGGREGATE_ANALYTICS'] });
    agent = await reg({ kind: 'AGENT', name: 'PayCo', allowedPurposes: ['SERVICE_PROVISION'] });
  });
  afterAll(() => t.close());

  /** Runs an operation that must fail, and proves it changed no row. */
  async function refused(query: string, variables: Record<string, unknown>, token: string = t.token(Role.ADMIN)) {
    const before = await tableChecksums(t.gateway);
    const res = await t.gql(query, variables, token);
    expect(res.data === null || Object.values(res.data).every((v) => v === null)).toBe(true);
    expect(await tableChecksums(t.gateway)).toEqual(before);
    return res;
  }

  it('registers a user from the Contact Us form, normalizing the email', async () => {
    const res = await t.gql<{ user: { email: string; status: string; region: string } }>(`query($id: ID!) { user(id: $id) { email status region } }`, { id: aliceId });
    expect(res.data!.user).toEqual({ email: 'alice@example.com', status: 'ACTIVE', region: 'US-CA' });
  });

  it('refuses a child under 13 and stores nothing', async () => {
    const young = new Date();
    young.setUTCFullYear(young.getUTCFullYear() - 12);
    const res = await refused(REGISTER, { input: { name: 'Kid', email: 'kid@example.com', birthDate: young.toISOString().slice(0, 10) } });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.reason).toBe('UNDER_MINIMUM_AGE');
    const range = await refused(REGISTER, { input: { name: 'Kid', email: 'kid2@example.com', ageRange: '8-12' } });
    expect(range.errors![0]!.extensions!.reason).toBe('UNDER_MINIMUM_AGE');
  });

  it.each([
    ['a malformed email', { name: 'X', email: 'not-an-email' }],
    ['a phone not in E.164', { name: 'X', phone: '555-1234' }],
    ['an unknown country', { name: 'X', email: 'x@example.com', country: 'XX' }],
    ['a region outside its country', { name: 'X', email: 'x@example.com', country: 'US', region: 'DE-BE' }],
    ['an impossible birth date', { name: 'X', email: 'x@example.com', birthDate: '1990-02-31' }],
    ['a name that is too long', { name: 'x'.repeat(201), email: 'x@example.com' }],
    ['neither email nor phone', { name: 'X' }],
    ['an unknown field', { name: 'X', email: 'x@example.com', ssn: '123' }],
  ])('refuses %s with BAD_USER_INPUT and changes nothing', async (_label, input) => {
    const res = await refused(REGISTER, { input });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });

  it('refuses a second user with the same email with CONFLICT', async () => {
    const res = await refused(REGISTER, { input: { ...alice, email: 'ALICE@example.com' } });
    expect(errorCode(res)).toBe('CONFLICT');
  });

  it('updates a user and audits the field names only', async () => {
    const res = await t.gql<{ updateUser: { city: string; phone: string } }>(`mutation($id: ID!) { updateUser(id: $id, input: { city: "Oakland", phone: "+14155550199" }) { city phone } }`, { id: aliceId }, t.token(Role.APP), 'SERVICE');
    expect(res.data!.updateUser).toEqual({ city: 'Oakland', phone: '+14155550199' });
    const [event] = await t.gateway.dataSource.query(`SELECT details FROM audit_events WHERE action = 'subject.updated' ORDER BY seq DESC LIMIT 1`);
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details;
    expect(details).toEqual({ fields: ['city', 'phone'] });
    expect(JSON.stringify(details)).not.toContain('Oakland');
    const missing = await refused(`mutation { updateUser(id: "999999", input: { city: "X" }) { id } }`, {});
    expect(errorCode(missing)).toBe('NOT_FOUND');
  });

  it('records consent as an append-only history and derives the current state', async () => {
    const grant = await t.gql<{ recordConsent: { changed: boolean; consent: { status: string; version: number } } }>(CONSENT, { input: { userId: aliceId, purpose: 'PRODUCT_EMAIL', status: 'GRANTED' } }, t.token(Role.APP), 'SERVICE');
    expect(grant.data!.recordConsent).toEqual({ changed: true, consent: { purpose: 'PRODUCT_EMAIL', status: 'GRANTED', source: 'FORM', version: 1 } });
    const again = await t.gql<{ recordConsent: { changed: boolean } }>(CONSENT, { input: { userId: aliceId, purpose: 'PRODUCT_EMAIL', status: 'GRANTED' } });
    expect(again.data!.recordConsent.changed).toBe(false);
    const withdraw = await t.gql<{ recordConsent: { consent: { status: string; version: number; source: string } } }>(CONSENT, { input: { userId: aliceId, purpose: 'PRODUCT_EMAIL', status: 'WITHDRAWN', source: 'UNSUBSCRIBE_LINK' } });
    expect(withdraw.data!.recordConsent.consent).toMatchObject({ status: 'WITHDRAWN', version: 2, source: 'UNSUBSCRIBE_LINK' });
    const history = await t.gql<{ user: { consentHistory: { seq: number; status: string; purpose: string }[] } }>(`query($id: ID!) { user(id: $id) { consentHistory { seq status purpose } } }`, { id: aliceId });
    expect(history.data!.user.consentHistory.filter((e) => e.purpose === 'PRODUCT_EMAIL').map((e) => [e.seq, e.status])).toEqual([[1, 'GRANTED'], [2, 'WITHDRAWN']]);
    const unknownUser = await refused(CONSENT, { input: { userId: '424242', purpose: 'PRODUCT_EMAIL', status: 'GRANTED' } });
    expect(errorCode(unknownUser)).toBe('NOT_FOUND');
    const badPurpose = await refused(CONSENT, { input: { userId: aliceId, purpose: 'SELLING', status: 'GRANTED' } });
    expect(errorCode(badPurpose)).toBe('BAD_USER_INPUT');
  });

  it('keeps the consent history gap-free under concurrent changes for one subject', async () => {
    const statuses = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'GRANTED' : 'WITHDRAWN'));
    await Promise.all(statuses.map((status) => t.gql(CONSENT, { input: { userId: aliceId, purpose: 'ANALYTICS_COOKIES', status } })));
    const events: { seq: number; status: string }[] = await t.gateway.dataSource.query(`SELECT seq, status FROM consent_events WHERE subject_id = ? AND purpose = 'ANALYTICS_COOKIES' ORDER BY seq`, [Number(aliceId)]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (let i = 1; i < events.length; i += 1) expect(events[i]!.status).not.toBe(events[i - 1]!.status);
    const [consent] = await t.gateway.dataSource.query(`SELECT status, version FROM consents WHERE subject_id = ? AND purpose = 'ANALYTICS_COOKIES'`, [Number(aliceId)]);
    expect(consent.version).toBe(events.length);
    expect(consent.status).toBe(events[events.length - 1]!.status);
  });

  describe('recordDisclosure enforces the policy', () => {
    const disclose = (input: Record<string, unknown>) => t.gql<{ recordDisclosure: { id: string; identifiable: boolean } }>(DISCLOSE, { input }, t.token(Role.APP), 'SERVICE');

    it('refuses direct marketing to a third party without consent, then allows it with consent', async () => {
      const input = { userId: aliceId, recipientId: thirdParty, purpose: 'DIRECT_MARKETING', categories: ['user.name', 'user.contact.email'] };
      const res = await refused(DISCLOSE, { input });
      expect(errorCode(res)).toBe('CONFLICT');
      expect(res.errors![0]!.extensions!.reason).toBe('CONSENT_REQUIRED');
      await t.gql(CONSENT, { input: { userId: aliceId, purpose: 'THIRD_PARTY_MARKETING_SHARING', status: 'GRANTED' } });
      const ok = await disclose(input);
      expect(ok.errors).toBeUndefined();
      expect(ok.data!.recordDisclosure.identifiable).toBe(true);
    });

    it('refuses direct marketing after a GPC opt-out', async () => {
      await t.gql(CONSENT, { input: { userId: aliceId, purpose: 'THIRD_PARTY_MARKETING_SHARING', status: 'WITHDRAWN', source: 'GPC_SIGNAL' } });
      const res = await refused(DISCLOSE, { input: { userId: aliceId, recipientId: thirdParty, purpose: 'DIRECT_MARKETING', categories: ['user.contact.email'] } });
      expect(res.errors![0]!.extensions!.reason).toBe('GPC_OPT_OUT');
    });

    it('refuses a purpose the recipient is not allowed', async () => {
      const res = await refused(DISCLOSE, { input: { userId: aliceId, recipientId: agent, purpose: 'DIRECT_MARKETING', categories: ['user.name'] } });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions!.reason).toBe('PURPOSE_NOT_ALLOWED');
    });

    it('needs a transaction reference for an affiliate', async () => {
      const res = await refused(DISCLOSE, { input: { userId: aliceId, recipientId: affiliate, purpose: 'TRANSACTION', categories: ['user.name'] } });
      expect(res.errors![0]!.extensions!.reason).toBe('TRANSACTION_REFERENCE_REQUIRED');
      const ok = await disclose({ userId: aliceId, recipientId: affiliate, purpose: 'TRANSACTION', categories: ['user.name'], transactionReference: 'ORDER-1' });
      expect(ok.errors).toBeUndefined();
    });

    it('gives partners only non-identifiable data', async () => {
      const res = await refused(DISCLOSE, { input: { userId: aliceId, recipientId: partner, purpose: 'AGGREGATE_ANALYTICS', categories: ['user.behavior.browsing_history'] } });
      expect(res.errors![0]!.extensions!.reason).toBe('PARTNER_IDENTIFIABLE');
      const ok = await disclose({ recipientId: partner, purpose: 'AGGREGATE_ANALYTICS', categories: ['user.behavior.browsing_history'], identifiable: false });
      expect(ok.data!.recordDisclosure.identifiable).toBe(false);
    });

    it('refuses unknown categories, recipients and subjects, and erased subjects', async () => {
      expect(errorCode(await refused(DISCLOSE, { input: { userId: aliceId, recipientId: agent, purpose: 'SERVICE_PROVISION', categories: ['user.soul'] } }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await refused(DISCLOSE, { input: { userId: aliceId, recipientId: '999999', purpose: 'SERVICE_PROVISION', categories: ['user.name'] } }))).toBe('NOT_FOUND');
      expect(errorCode(await refused(DISCLOSE, { input: { userId: '999999', recipientId: agent, purpose: 'SERVICE_PROVISION', categories: ['user.name'] } }))).toBe('NOT_FOUND');
      expect(errorCode(await refused(DISCLOSE, { input: { userId: aliceId, recipientId: agent, purpose: 'SERVICE_PROVISION', categories: [] } }))).toBe('BAD_USER_INPUT');
      const bob = await t.gql<{ registerUser: { id: string } }>(REGISTER, { input: { name: 'Bob', email: 'bob@example.com' } });
      const bobId = bob.data!.registerUser.id;
      await t.gateway.dataSource.query(`UPDATE subjects SET status = 'ERASED', name = NULL, email = NULL WHERE id = ?`, [Number(bobId)]);
      const erased = await refused(DISCLOSE, { input: { userId: bobId, recipientId: agent, purpose: 'SERVICE_PROVISION', categories: ['user.name'] } });
      expect(errorCode(erased)).toBe('CONFLICT');
      expect(erased.errors![0]!.extensions!.reason).toBe('SUBJECT_ERASED');
    });
  });

  describe('recipients', () => {
    it('refuses duplicate names, empty purposes and impossible purposes', async () => {
      expect(errorCode(await refused(RECIPIENT, { input: { kind: 'AGENT', name: 'PayCo', allowedPurposes: ['SERVICE_PROVISION'] } }))).toBe('CONFLICT');
      expect(errorCode(await refused(RECIPIENT, { input: { kind: 'AGENT', name: 'Empty', allowedPurposes: [] } }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await refused(RECIPIENT, { input: { kind: 'PARTNER', name: 'Bad Partner', allowedPurposes: ['DIRECT_MARKETING'] } }))).toBe('BAD_USER_INPUT');
    });

    it('1798.83(a)(2): a third party or affiliate allowed DIRECT_MARKETING is refused without a postal address, and nothing is written', async () => {
      for (const input of [
        { kind: 'THIRD_PARTY', name: 'No Address Offers', allowedPurposes: ['DIRECT_MARKETING'] },
        { kind: 'AFFILIATE', name: 'Blank Address Co', postalAddress: '   ', allowedPurposes: ['TRANSACTION', 'DIRECT_MARKETING'] },
      ]) {
        const res = await refused(RECIPIENT, { input });
        expect(errorCode(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0]!.extensions).toMatchObject({ field: 'postalAddress', reason: 'POSTAL_ADDRESS_REQUIRED' });
      }
      // Without DIRECT_MARKETING no notice names them, so no address is needed.
      const plain = await t.gql<{ registerRecipient: { id: string } }>(RECIPIENT, { input: { kind: 'AFFILIATE', name: 'Orders Only Co', allowedPurposes: ['TRANSACTION'] } }, t.token(Role.PRIVACY_OPS));
      expect(plain.errors).toBeUndefined();
      // Adding DIRECT_MARKETING to it, or clearing a direct marketer's address, is refused the same way.
      const UPDATE = `mutation($id: ID!, $input: UpdateRecipientInput!) { updateRecipient(id: $id, input: $input) { id postalAddress allowedPurposes } }`;
      for (const [id, input] of [
        [plain.data!.registerRecipient.id, { allowedPurposes: ['TRANSACTION', 'DIRECT_MARKETING'] }],
        [thirdParty, { postalAddress: null }],
        [thirdParty, { postalAddress: '  ' }],
      ] as const) {
        const res = await refused(UPDATE, { id, input });
        expect(res.errors![0]!.extensions).toMatchObject({ reason: 'POSTAL_ADDRESS_REQUIRED' });
      }
      const both = await t.gql<{ updateRecipient: { postalAddress: string } }>(UPDATE, { id: plain.data!.registerRecipient.id, input: { allowedPurposes: ['DIRECT_MARKETING'], postalAddress: ' 9 Pier Rd, Oakland, CA ' } }, t.token(Role.PRIVACY_OPS));
      expect(both.errors).toBeUndefined();
      expect(both.data!.updateRecipient.postalAddress).toBe('9 Pier Rd, Oakland, CA');
      // A null name (GraphQL allows null for an optional input field) is bad input, not an internal error.
      const nullName = await t.gql(UPDATE, { id: plain.data!.registerRecipient.id, input: { name: null } }, t.token(Role.PRIVACY_OPS));
      expect(nullName.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', 'name must not be empty']]);
    });

    it('1798.83(a)(2): a DIRECT_MARKETING disclosure to a recipient on record without an address is refused', async () => {
      // A recipient registered before addresses were required.
      const legacy = (await t.gateway.dataSource.query(
        `INSERT INTO recipients (kind, name, postal_address, allowed_purposes, created_at, updated_at) VALUES ('THIRD_PARTY', 'Legacy Lists', NULL, 'DIRECT_MARKETING', NOW(3), NOW(3))`,
      )) as { insertId: number };
      await t.gql(CONSENT, { input: { userId: aliceId, purpose: 'THIRD_PARTY_MARKETING_SHARING', status: 'GRANTED' } });
      const res = await refused(DISCLOSE, { input: { userId: aliceId, recipientId: String(legacy.insertId), purpose: 'DIRECT_MARKETING', categories: ['user.contact.email'] } });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions!.reason).toBe('RECIPIENT_ADDRESS_MISSING');
    });

    it('updates a recipient', async () => {
      const res = await t.gql<{ updateRecipient: { businessDescription: string } }>(`mutation($id: ID!) { updateRecipient(id: $id, input: { businessDescription: "Travel offers" }) { businessDescription } }`, { id: thirdParty }, t.token(Role.PRIVACY_OPS));
      expect(res.data!.updateRecipient.businessDescription).toBe('Travel offers');
    });

    it('lets only PRIVACY_OPS and ADMIN register recipients', async () => {
      for (const role of [Role.LEGAL, Role.APP, Role.MNA]) {
        const res = await refused(RECIPIENT, { input: { kind: 'AGENT', name: `By ${role}`, allowedPurposes: ['SERVICE_PROVISION'] } }, t.token(role));
        expect(errorCode(res)).toBe('FORBIDDEN');
      }
    });
  });

  it('records collection events and refuses bad ones', async () => {
    const ok = await t.gql<{ recordCollectionEvent: { id: string; dnt: boolean } }>(`mutation { recordCollectionEvent(input: { userId: "${aliceId}", ipAddress: "198.51.100.7", userAgent: "Mozilla/5.0", page: "/pricing", dnt: true }) { id dnt } }`, undefined, t.token(Role.APP), 'SERVICE');
    expect(ok.data!.recordCollectionEvent.dnt).toBe(true);
    expect(errorCode(await refused(`mutation { recordCollectionEvent(input: { ipAddress: "999.1.1.1" }) { id } }`, {}))).toBe('BAD_USER_INPUT');
    expect(errorCode(await refused(`mutation { recordCollectionEvent(input: { latitude: 91, longitude: 0 }) { id } }`, {}))).toBe('BAD_USER_INPUT');
  });

  it('writes one audit event per mutation, and the chain verifies; tampering is found at the altered event', async () => {
    const ds = t.gateway.dataSource;
    const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM audit_events');
    expect(Number(n)).toBeGreaterThan(10);
    const ok = await t.gql<{ verifyAuditChain: { valid: boolean; eventsChecked: number } }>(`{ verifyAuditChain { valid eventsChecked brokenAtSeq } }`, undefined, t.token(Role.LEGAL));
    expect(ok.data!.verifyAuditChain).toMatchObject({ valid: true, eventsChecked: Number(n) });

    await ds.query(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 3`);
    const altered = await t.gql<{ verifyAuditChain: { valid: boolean; brokenAtSeq: number } }>(`{ verifyAuditChain { valid brokenAtSeq reason } }`, undefined, t.token(Role.LEGAL));
    expect(altered.data!.verifyAuditChain).toMatchObject({ valid: false, brokenAtSeq: 3 });
    // Removing an event is found where the gap is.
    await ds.query(`DELETE FROM audit_events WHERE seq IN (2, 3)`);
    const deleted = await t.gql<{ verifyAuditChain: { valid: boolean; brokenAtSeq: number } }>(`{ verifyAuditChain { valid brokenAtSeq reason } }`, undefined, t.token(Role.ADMIN));
    expect(deleted.data!.verifyAuditChain).toMatchObject({ valid: false, brokenAtSeq: 2 });
  });
});
