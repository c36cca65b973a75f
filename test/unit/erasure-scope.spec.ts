import { consentEventKept, disclosureKept, keepsConsents, keepsEverything, keptCategoryKeys, keptSubjectColumns, visitKept, type ErasureScope } from '../../src/domain/erasure-scope';
import { erasurePartialNotice, heldDescription } from '../../src/domain/erasure-notice';

const d = (s: string) => new Date(s);
const emailOnly: ErasureScope = { categories: ['user.contact.email'], from: null, until: null };
const q1: ErasureScope = { categories: null, from: d('2026-01-01T00:00:00Z'), until: d('2026-04-01T00:00:00Z') };
const everything: ErasureScope = { categories: null, from: null, until: null };

/** Issue 21, point 6 (docs/legal.md): what a hold's scope keeps when its person is erased. */
describe('erasure scopes (a hold keeps only what it covers)', () => {
  it('only a scope of every category at every date keeps the whole record', () => {
    expect(keepsEverything(everything)).toBe(true);
    for (const s of [emailOnly, q1, { ...everything, from: d('2026-01-01T00:00:00Z') }, { ...everything, until: d('2026-01-01T00:00:00Z') }, { ...everything, categories: [] }]) expect(keepsEverything(s)).toBe(false);
  });

  it('7022(f): keeps the subject columns of the categories a scope names, every column for a dated scope of every category', () => {
    expect(keptSubjectColumns([emailOnly])).toEqual(['email']);
    expect(keptSubjectColumns([{ ...emailOnly, categories: ['user.contact.address'] }])).toEqual(['street_address', 'city', 'postal_code']);
    expect(keptSubjectColumns([emailOnly, { ...emailOnly, categories: ['user.name'] }])).toEqual(['name', 'email']);
    expect(keptSubjectColumns([q1])).toEqual(['name', 'email', 'phone', 'street_address', 'city', 'postal_code', 'region', 'country', 'birth_date', 'age_range']);
    expect(keptSubjectColumns([{ ...emailOnly, categories: ['user.device.ip_address'] }])).toEqual([]);
  });

  it('keeps privacy choices only for a scope of every category, and their history only within its dates, [from, until)', () => {
    expect(keepsConsents([emailOnly])).toBe(false);
    expect(keepsConsents([emailOnly, q1])).toBe(true);
    expect(consentEventKept([q1], d('2026-01-01T00:00:00Z'))).toBe(true);
    expect(consentEventKept([q1], d('2025-12-31T23:59:59.999Z'))).toBe(false);
    expect(consentEventKept([q1], d('2026-03-31T23:59:59.999Z'))).toBe(true);
    expect(consentEventKept([q1], d('2026-04-01T00:00:00Z'))).toBe(false);
    expect(consentEventKept([emailOnly], d('2026-02-01T00:00:00Z'))).toBe(false);
  });

  it('keeps a disclosure that carried a covered category within the dates', () => {
    expect(disclosureKept([emailOnly], d('2020-01-01T00:00:00Z'), ['user.contact.email', 'user.name'])).toBe(true);
    expect(disclosureKept([emailOnly], d('2020-01-01T00:00:00Z'), ['user.name'])).toBe(false);
    expect(disclosureKept([q1], d('2026-02-01T00:00:00Z'), ['user.name'])).toBe(true);
    expect(disclosureKept([q1], d('2026-04-01T00:00:00Z'), ['user.name'])).toBe(false);
    expect(disclosureKept([q1], d('2026-02-01T00:00:00Z'), [])).toBe(true);
  });

  it('keeps what any one of several scopes covers (the union of the holds), not only what all cover', () => {
    const name: ErasureScope = { categories: ['user.name'], from: d('2030-01-01T00:00:00Z'), until: null };
    expect(consentEventKept([emailOnly, q1], d('2026-02-01T00:00:00Z'))).toBe(true);
    expect(disclosureKept([name, emailOnly], d('2020-01-01T00:00:00Z'), ['user.contact.email'])).toBe(true);
    const visit = { occurred_at: d('2026-02-01T00:00:00Z'), ip_address: '198.51.100.7', cookie_id: 'ck' };
    expect(visitKept([name, { ...emailOnly, categories: ['user.device.cookie_id'] }], visit)).toBe(true);
    // One covered value is enough, the others need not be covered.
    expect(visitKept([{ ...emailOnly, categories: ['user.device.cookie_id'] }], visit)).toBe(true);
    // A column the row does not carry at all is not held.
    expect(visitKept([{ ...emailOnly, categories: ['user.device.device_id'] }], { occurred_at: d('2026-02-01T00:00:00Z') })).toBe(false);
  });

  it('keeps a visit holding a value of a covered category within the dates; an empty value is not held', () => {
    const visit = { occurred_at: d('2026-02-01T00:00:00Z'), ip_address: '198.51.100.7', cookie_id: null };
    expect(visitKept([{ ...emailOnly, categories: ['user.device.ip_address'] }], visit)).toBe(true);
    expect(visitKept([{ ...emailOnly, categories: ['user.device.cookie_id'] }], visit)).toBe(false);
    expect(visitKept([emailOnly], visit)).toBe(false);
    expect(visitKept([q1], visit)).toBe(true);
    expect(visitKept([q1], { ...visit, occurred_at: '2025-06-01T00:00:00Z' })).toBe(false);
  });

  it('names the kept categories once, sorted, or none when a scope keeps every category', () => {
    expect(keptCategoryKeys([emailOnly, { ...emailOnly, categories: ['user.name', 'user.contact.email'] }])).toEqual(['user.contact.email', 'user.name']);
    expect(keptCategoryKeys([emailOnly, q1])).toBeNull();
  });

  it('tells the person what is kept in general terms, with dates in California', () => {
    expect(heldDescription([{ labels: ['Email address'], from: null, until: null }])).toBe('your email address');
    expect(heldDescription([{ labels: null, from: d('2026-01-01T08:00:00Z'), until: d('2026-04-01T07:00:00Z') }])).toBe('your information from January 1, 2026 to April 1, 2026');
    expect(heldDescription([{ labels: null, from: d('2026-01-01T08:00:00Z'), until: null }, { labels: ['Name', 'Telephone number'], from: null, until: d('2026-01-01T08:00:00Z') }]))
      .toBe('your information from January 1, 2026 on; your name, telephone number before January 1, 2026');
    const notice = erasurePartialNotice({ requestId: 5, erased: { subjects: 1, consents: 2 }, deletedColumns: ['name', 'phone'], held: 'your email address', kept: [], completedAt: d('2026-12-06T23:00:00Z') });
    expect(notice.subject).toBe('Your deletion request has been partly carried out');
    expect(notice.text).toContain('We have deleted:\n  - from your profile: name, telephone number\n  - your privacy choices\n');
    expect(notice.text).not.toContain('your profile: name, email address');
    expect(notice.text).toBe(
      [
        'We have carried out part of your deletion request (reference 5).',
        '',
        'We have deleted:',
        '  - from your profile: name, telephone number',
        '  - your privacy choices',
        '',
        'We must keep, for now, your email address: a legal obligation requires us to preserve it for a legal matter (California Civil Code section 1798.105(d) and California Code of Regulations, title 11, section 7022(f)). We use it for that purpose only. We will delete it when the obligation ends, and write to you then.',
        '',
        'We also keep:',
        '  - A record of this request (its dates, what was done and this letter), which the law requires us to keep (California Code of Regulations, title 11, section 7101), until December 6, 2028. It holds no other information about you.',
        '',
      ].join('\n'),
    );
    expect(erasurePartialNotice({ requestId: 5, erased: { subjects: 1 }, deletedColumns: [], held: 'x', kept: [], completedAt: d('2026-12-06T23:00:00Z') }).text).toContain('We could not delete anything yet.');
  });
});
