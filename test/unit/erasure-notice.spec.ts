import { deletedLines, erasureBlockedNotice, erasureConfirmation, keptLines, recipientErasureNotice, requestRecordKeptUntil } from '../../src/domain/erasure-notice';

const copy = { plugin: 'business-transfer', what: 'a copy of your record in the export files of a business transfer to Buyer Co, on our systems', exception: 'as an archived copy (7022(d))', until: new Date('2027-01-05T20:00:00Z'), refs: { transferIds: [4] } };

/** Issue 21, points 5 and 8 (docs/legal.md): what a person is told, sentence by sentence. */
describe('the erasure confirmation (11 CCR 7022(f))', () => {
  it('7022(f): lists what was deleted, the profile first, in a fixed order, leaving out steps that deleted nothing', () => {
    expect(deletedLines({ email_opens: 2, consents: 0, subjects: 1, outbox_messages_cancelled: 1, consent_events: 3 })).toEqual([
      'your profile: name, email address, telephone number, postal address, region, country, date of birth and age range',
      'the history of your privacy choices',
      'records of which of our emails you opened',
      'messages that were waiting to be sent to you',
    ]);
    expect(deletedLines({})).toEqual([]);
  });

  it('names a step it has no words for as it is, after the known ones, rather than leaving it out', () => {
    expect(deletedLines({ z_plugin_rows: 1, a_plugin_rows: 2, subjects: 1 })).toEqual([
      'your profile: name, email address, telephone number, postal address, region, country, date of birth and age range',
      'other records (a plugin rows)',
      'other records (z plugin rows)',
    ]);
  });

  it('11 CCR 7101(a): keeps the request record 24 months, to the same instant', () => {
    expect(requestRecordKeptUntil(new Date('2026-12-06T23:00:00Z')).toISOString()).toBe('2028-12-06T23:00:00.000Z');
    // 31 December 21:00 in California is 1 January in UTC: told as 31 December two years later (keptLines).
    expect(requestRecordKeptUntil(new Date('2027-01-01T05:00:00Z')).toISOString()).toBe('2029-01-01T05:00:00.000Z');
    // 29 February has no day 24 months on: 1 March, never a day short.
    expect(requestRecordKeptUntil(new Date('2028-02-29T18:00:00Z')).toISOString()).toBe('2030-03-01T18:00:00.000Z');
  });

  it('7022(f): says what is kept, under which exception and until when, dates in California', () => {
    const completedAt = new Date('2027-01-01T05:00:00Z');
    expect(keptLines({ requestId: 7, kept: [copy, { ...copy, what: 'a preserved copy', exception: 'for a legal matter', until: null }], completedAt })).toEqual([
      'A record of this request (its dates, what was done and this letter), which the law requires us to keep (California Code of Regulations, title 11, section 7101), until December 31, 2028. It holds no other information about you.',
      'A copy of your record in the export files of a business transfer to Buyer Co, on our systems. We keep it as an archived copy (7022(d)), until January 5, 2027.',
      'A preserved copy. We keep it for a legal matter, until that obligation ends; we will not use it for anything else.',
    ]);
  });

  it('says "except what we must keep" in the subject only when a copy is kept, and never claims everything went', () => {
    const base = { requestId: 12, erased: { subjects: 1 }, completedAt: new Date('2026-12-06T23:00:00Z') };
    const plain = erasureConfirmation({ ...base, kept: [] });
    expect(plain.subject).toBe('Your personal information has been deleted');
    expect(plain.text).toBe(
      [
        'Your deletion request (reference 12) has been carried out.',
        '',
        'We have deleted:',
        '  - your profile: name, email address, telephone number, postal address, region, country, date of birth and age range',
        '',
        'We keep:',
        '  - A record of this request (its dates, what was done and this letter), which the law requires us to keep (California Code of Regulations, title 11, section 7101), until December 6, 2028. It holds no other information about you.',
        '',
        'Aggregate statistics that cannot identify you are not personal information and are kept.',
        '',
      ].join('\n'),
    );
    const withCopy = erasureConfirmation({ ...base, kept: [copy] });
    expect(withCopy.subject).toBe('Your personal information has been deleted, except what we must keep');
    expect(withCopy.text).toContain('  - A copy of your record in the export files of a business transfer to Buyer Co, on our systems. We keep it as an archived copy (7022(d)), until January 5, 2027.');
    expect(erasureConfirmation({ ...base, erased: {}, kept: [] }).text).toContain('We held no personal information about you to delete.');
  });

  it('7022(f)(1): a blocked request tells the person why in general terms, naming no matter', () => {
    const notice = erasureBlockedNotice(31);
    expect(notice.subject).toBe('Your deletion request cannot be completed yet');
    expect(notice.text).toContain('(reference 31)');
    expect(notice.text).toContain('a legal obligation requires us to preserve some of your personal information for a legal matter');
    expect(notice.text).toBe(
      'We received your deletion request (reference 31).\n\nWe cannot complete it now: a legal obligation requires us to preserve some of your personal information for a legal matter (California Civil Code section 1798.105(d) and California Code of Regulations, title 11, section 7022(f)).\n\nWe will finish your request when the obligation ends, and write to you again then to tell you what we deleted and what, if anything, we keep.\n',
    );
  });
});

describe('the erasure notice to a recipient (1798.105(c); issue 21, point 4)', () => {
  const person = { name: 'Ana Archive', email: 'ana@example.com', phone: '+1 415 555 0100', postalAddress: '5 Elm St, Fresno, 93701' };
  const day = new Date('2026-03-02T20:00:00Z');

  it('1798.105(c): names the person by the identifiers that recipient received, and only those', () => {
    const notice = recipientErasureNotice(9, person, { name: 'Catalog Co', categories: ['user.contact.email', 'user.name', 'user.behavior.browsing_history'], firstAt: day, lastAt: new Date('2026-05-01T20:00:00Z') });
    expect(notice.subject).toBe('Deletion request 9: delete the personal information we disclosed to you');
    expect(notice.text).toBe(
      [
        'Dear Catalog Co,',
        '',
        'A person whose personal information we disclosed to you between March 2, 2026 and May 1, 2026 has asked us to delete it (our reference 9). Please delete the personal information you received from us about this person, and tell your own service providers and contractors to do the same.',
        '',
        'You can find the person in your records by the information you received from us:',
        '  Name: Ana Archive',
        '  Email address: ana@example.com',
        '',
        'Categories you received: user.behavior.browsing_history, user.contact.email, user.name.',
        '',
        'This message identifies the person only by what you already received; please do not keep it once you have acted on it.',
        '',
      ].join('\n'),
    );
    expect(notice.text).not.toContain('555');
    expect(notice.text).not.toContain('Elm');
  });

  it('gives phone and postal address when those went, a single date when all went on one day, and skips an identifier the record no longer holds', () => {
    const notice = recipientErasureNotice(9, { ...person, name: null }, { name: 'Dial Co', categories: ['user.contact.phone_number', 'user.contact.address', 'user.name'], firstAt: day, lastAt: day });
    expect(notice.text).toContain('disclosed to you on March 2, 2026 has asked');
    expect(notice.text).toContain('  Telephone number: +1 415 555 0100\n  Postal address: 5 Elm St, Fresno, 93701\n');
    expect(notice.text).not.toContain('Name:');
  });

  it('a recipient that received no identifier is told the categories and dates instead', () => {
    const notice = recipientErasureNotice(9, person, { name: 'Stats Co', categories: ['user.behavior.browsing_history'], firstAt: day, lastAt: day });
    expect(notice.text).toContain('We sent you no name or contact details of this person; the categories of information you received are listed below, with the dates above.');
    expect(notice.text).not.toContain('ana@example.com');
  });
});
