import jwt from 'jsonwebtoken';
import { PERSONAL_FIELDS, READ_PURPOSE_RULES, READ_PURPOSES, ReadPurpose, type PersonalField, type RelationField } from '../../src/domain/read-purpose.rules';
import { PROBING_FIELDS, assertMayUseFields, declaredPurpose, eligibilitySql, isPurposeBound, presentField } from '../../src/domain/read-purpose.service';
import { PurposeKey, Role } from '../../src/entities/enums';
import { createAnonymizer } from '../../src/plugins/anonymization/anonymizer';
import type { Anonymizer } from '../../src/domain/plugin-services.port';
import { signToken, verifyToken } from '../../src/schema/auth';

const anonymizer = createAnonymizer({ k: 11, pseudonymSecret: 'unit-test-pseudonym-secret', pseudonymKeyId: 'k1' });
const NOW = new Date('2025-11-01T00:00:00Z');
const PERSON: Record<PersonalField, string> = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+14155550100',
  streetAddress: '1 Main St',
  city: 'San Francisco',
  postalCode: '94105',
  region: 'US-CA',
  country: 'US',
  birthDate: '1990-03-04',
  ageRange: '35-44',
};
/** Every list about the person but the rights records (requests, their notices), which no purpose reads (type-access table). */
const PERSON_LISTS: RelationField[] = ['consents', 'consentHistory', 'disclosures', 'recipients', 'policyNotices'];

/** What one purpose sees of PERSON, field by field. */
const seen = (purpose: ReadPurpose, anon: Anonymizer | null = anonymizer) =>
  Object.fromEntries(PERSONAL_FIELDS.map((f) => [f, presentField(READ_PURPOSE_RULES[purpose], f, PERSON, anon ?? undefined, NOW).value]));
const shown = (purpose: ReadPurpose) => Object.entries(seen(purpose)).filter(([, v]) => v !== null).map(([k]) => k).sort();

/** One test per row of src/domain/read-purpose.rules.ts: a changed row must change its test. */
describe('the read-purpose rules table', () => {
  it('has exactly these rows', () => {
    expect(Object.keys(READ_PURPOSE_RULES).sort()).toEqual(['ANALYTICS', 'PRODUCT_EMAIL', 'SECURITY', 'SERVICE', 'SUPPORT', 'THIRD_PARTY_OFFERS']);
  });

  it('SERVICE: everyone, every field as stored, every list but the rights records', () => {
    const rule = READ_PURPOSE_RULES.SERVICE;
    expect(rule.requiresConsent).toBeNull();
    expect(rule.honoursGpcOptOut).toBe(false);
    expect(eligibilitySql(rule, 's.id')).toBeNull();
    expect(seen(ReadPurpose.SERVICE)).toEqual(PERSON);
    expect([...rule.relations].sort()).toEqual([...PERSON_LISTS].sort());
  });

  it('SUPPORT: everyone, everything but the date of birth (the age range stays)', () => {
    const rule = READ_PURPOSE_RULES.SUPPORT;
    expect(rule.requiresConsent).toBeNull();
    expect(rule.honoursGpcOptOut).toBe(false);
    expect(seen(ReadPurpose.SUPPORT)).toEqual({ ...PERSON, birthDate: null });
    expect([...rule.relations].sort()).toEqual([...PERSON_LISTS].sort());
  });

  it('PRODUCT_EMAIL: only people who granted PRODUCT_EMAIL (GPC does not apply to our own email); name, email, region, country; consents', () => {
    const rule = READ_PURPOSE_RULES.PRODUCT_EMAIL;
    expect(rule.requiresConsent).toBe(PurposeKey.PRODUCT_EMAIL);
    expect(rule.honoursGpcOptOut).toBe(false);
    const sql = eligibilitySql(rule, 's.id')!;
    // Restricted people first (11 CCR 7022(f)(3)), then the consent.
    expect(sql.sql).toMatch(/^NOT EXISTS \(SELECT 1 FROM subjects rp_s WHERE rp_s.id = s.id AND rp_s.status = :rpRestricted\) AND EXISTS .*consents/);
    expect(sql.sql).not.toMatch(/NOT EXISTS \(SELECT 1 FROM consents/);
    expect(sql.params).toMatchObject({ rpRestricted: 'RESTRICTED' });
    expect(sql.params).toMatchObject({ rpConsent: 'PRODUCT_EMAIL', rpGranted: 'GRANTED' });
    expect(shown(ReadPurpose.PRODUCT_EMAIL)).toEqual(['country', 'email', 'name', 'region']);
    expect(rule.relations).toEqual(['consents']);
  });

  it('THIRD_PARTY_OFFERS: only people who granted THIRD_PARTY_OFFERS and sent no GPC opt-out; name, email, region, country; consents', () => {
    const rule = READ_PURPOSE_RULES.THIRD_PARTY_OFFERS;
    expect(rule.requiresConsent).toBe(PurposeKey.THIRD_PARTY_OFFERS);
    expect(rule.honoursGpcOptOut).toBe(true);
    const sql = eligibilitySql(rule, 's.id')!;
    expect(sql.sql).toMatch(/^NOT EXISTS \(SELECT 1 FROM subjects rp_s .*\) AND EXISTS .* AND NOT EXISTS .*consents/);
    expect(sql.params).toMatchObject({ rpConsent: 'THIRD_PARTY_OFFERS', rpSharing: 'THIRD_PARTY_MARKETING_SHARING', rpWithdrawn: 'WITHDRAWN', rpGpc: 'GPC_SIGNAL' });
    expect(shown(ReadPurpose.THIRD_PARTY_OFFERS)).toEqual(['country', 'email', 'name', 'region']);
    expect(rule.relations).toEqual(['consents']);
  });

  it('ANALYTICS: everyone, no name, contact or precise location; the age as a band from the anonymizer, null without it', () => {
    const rule = READ_PURPOSE_RULES.ANALYTICS;
    expect(rule.requiresConsent).toBeNull();
    expect(rule.honoursGpcOptOut).toBe(false);
    // Born 1990-03-04, on 2025-11-01: 35 years old, so the band says 35-44 whatever the stored range.
    expect(seen(ReadPurpose.ANALYTICS)).toEqual({
      name: null, email: null, phone: null, streetAddress: null, city: null, postalCode: null, region: 'US-CA', country: 'US', birthDate: null, ageRange: '35-44',
    });
    expect(presentField(rule, 'ageRange', { ...PERSON, birthDate: '2010-01-01' }, anonymizer, NOW).value).toBe('13-17');
    expect(presentField(rule, 'ageRange', { ...PERSON, birthDate: null }, anonymizer, NOW).value).toBe('35-44');
    // The anonymization plugin switched off: generalized fields are masked too.
    expect(seen(ReadPurpose.ANALYTICS, null)).toMatchObject({ ageRange: null, region: 'US-CA' });
    expect(rule.relations).toEqual(['consents']);
  });

  it('SECURITY: everyone; who it is and how to reach them, no address or birth date; consent history, disclosures, recipients', () => {
    const rule = READ_PURPOSE_RULES.SECURITY;
    expect(rule.requiresConsent).toBeNull();
    expect(rule.honoursGpcOptOut).toBe(false);
    expect(shown(ReadPurpose.SECURITY)).toEqual(['country', 'email', 'name', 'phone', 'region']);
    expect([...rule.relations].sort()).toEqual(['consentHistory', 'disclosures', 'recipients']);
  });

  it('records the category of each value returned, and none for a masked one', () => {
    expect(presentField(READ_PURPOSE_RULES.SUPPORT, 'email', PERSON, anonymizer, NOW)).toEqual({ value: PERSON.email, category: 'user.contact.email' });
    expect(presentField(READ_PURPOSE_RULES.SUPPORT, 'birthDate', PERSON, anonymizer, NOW)).toEqual({ value: null, category: null });
    expect(presentField(READ_PURPOSE_RULES.SERVICE, 'phone', { ...PERSON, phone: null }, anonymizer, NOW)).toEqual({ value: null, category: null });
  });
});

describe('declaring a purpose', () => {
  const app = { id: 'app', roles: [Role.APP] };
  it('is required of APP tokens only', () => {
    expect(isPurposeBound(app)).toBe(true);
    expect(isPurposeBound({ id: 'x', roles: [Role.APP, Role.PRIVACY_OPS] })).toBe(false);
    expect(isPurposeBound({ id: 'x', roles: [Role.LEGAL] })).toBe(false);
    expect(declaredPurpose(app, undefined).error?.details).toMatchObject({ reason: 'PURPOSE_REQUIRED' });
    expect(declaredPurpose(app, '  ').error?.details).toMatchObject({ reason: 'PURPOSE_REQUIRED' });
    expect(declaredPurpose({ id: 'l', roles: [Role.LEGAL] }, undefined)).toEqual({ purpose: null, error: null });
    expect(declaredPurpose(null, 'SERVICE')).toEqual({ purpose: null, error: null });
  });
  it('must be a known purpose, and one the token allows', () => {
    for (const p of READ_PURPOSES) expect(declaredPurpose(app, p)).toEqual({ purpose: p, error: null });
    expect(declaredPurpose(app, 'service').error).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'PURPOSE_UNKNOWN' } });
    expect(declaredPurpose(app, ['SERVICE', 'SUPPORT']).error?.details).toMatchObject({ reason: 'PURPOSE_UNKNOWN' });
    const limited = { ...app, purposes: [ReadPurpose.SUPPORT] };
    expect(declaredPurpose(limited, 'SUPPORT').purpose).toBe('SUPPORT');
    expect(declaredPurpose(limited, 'ANALYTICS').error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'PURPOSE_NOT_ALLOWED' } });
    // A LEGAL token that declares a purpose gets it checked the same way.
    expect(declaredPurpose({ id: 'l', roles: [Role.LEGAL], purposes: [] }, 'SERVICE').error?.details).toMatchObject({ reason: 'PURPOSE_NOT_ALLOWED' });
  });
  it('reads the purposes claim from the token, and refuses an unknown one', () => {
    const secret = 's'.repeat(40);
    const { actor } = verifyToken(secret, `Bearer ${signToken(secret, 'app-1', [Role.APP], 60, { purposes: [ReadPurpose.SERVICE] })}`);
    expect(actor).toEqual({ id: 'app-1', roles: [Role.APP], purposes: ['SERVICE'] });
    const bad = jwt.sign({ roles: ['APP'], purposes: ['EVERYTHING'] }, secret, { subject: 'x' });
    expect(verifyToken(secret, `Bearer ${bad}`).error?.code).toBe('UNAUTHENTICATED');
    const notList = jwt.sign({ roles: ['APP'], purposes: 'SERVICE' }, secret, { subject: 'x' });
    expect(verifyToken(secret, `Bearer ${notList}`).error?.code).toBe('UNAUTHENTICATED');
  });
});

describe('fields a purpose may not use in a lookup or a write (assertMayUseFields)', () => {
  const refused = (purpose: ReadPurpose | null, fields: string[]) => {
    try {
      assertMayUseFields(purpose, fields, 'input', 'register people');
      return null;
    } catch (err) {
      const e = err as { code: string; message: string };
      return { code: e.code, message: e.message };
    }
  };

  it('refuses an email to a purpose that may not see emails, naming the field', () => {
    expect(refused(ReadPurpose.ANALYTICS, ['name', 'email'])).toEqual({ code: 'FORBIDDEN', message: 'ANALYTICS may not see email values, so it may not register people with one' });
    let caught: unknown = null;
    try {
      assertMayUseFields(ReadPurpose.ANALYTICS, ['email'], 'filter', 'filter');
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'FIELD_NOT_ALLOWED_FOR_PURPOSE', field: 'filter.email' } });
  });

  it('lets a purpose that sees emails use one, and any purpose use the other fields', () => {
    for (const p of [ReadPurpose.SERVICE, ReadPurpose.SUPPORT, ReadPurpose.PRODUCT_EMAIL, ReadPurpose.THIRD_PARTY_OFFERS, ReadPurpose.SECURITY]) expect([p, refused(p, ['email'])]).toEqual([p, null]);
    expect(refused(ReadPurpose.ANALYTICS, ['name', 'city', 'region'])).toBeNull();
    expect(refused(ReadPurpose.ANALYTICS, [])).toBeNull();
  });

  it('does not bind a request without a purpose', () => {
    expect(refused(null, ['email'])).toBeNull();
  });

  it('names only the email as a probing field: the one whose uniqueness answers for it', () => {
    expect(PROBING_FIELDS).toEqual(['email']);
  });
});
