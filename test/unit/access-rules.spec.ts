import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { renderAccessLetter } from '../../src/domain/access-letter';
import { correctionAnswer, fieldWords, recipientCorrectionNotice } from '../../src/domain/correction-notice';
import { keysetAfter } from '../../src/domain/access-package.assembly';
import { FileSink, SectionWriter, columnsOf, csvField, jsonValue } from '../../src/domain/access-package.files';
import { newDataKey, openSealed, sealStream, unwrapDataKey, wrapDataKey } from '../../src/domain/sealed-file';
import {
  AccessScope, LEVEL_OF_METHOD, REQUIRED_LEVEL, VerificationLevel, VerificationMethod, accessDecision, levelOf, meets,
} from '../../src/domain/verification.rules';

describe('verification levels (11 CCR 7060-7062)', () => {
  it('gives each method its level', () => {
    expect(LEVEL_OF_METHOD).toEqual({
      NONE: 'NONE', EMAIL_ROUND_TRIP: 'REASONABLE', TWO_DATA_POINTS: 'REASONABLE', THREE_DATA_POINTS_DECLARATION: 'REASONABLY_HIGH',
      SIGNED_IN_SESSION: 'REASONABLY_HIGH', NOT_APPLICABLE: 'NONE',
    });
    for (const m of Object.values(VerificationMethod)) expect(levelOf(m)).toBe(LEVEL_OF_METHOD[m]);
  });

  it('orders the levels: each meets itself and those below, none above', () => {
    const order = [VerificationLevel.NONE, VerificationLevel.REASONABLE, VerificationLevel.REASONABLY_HIGH];
    for (const [i, a] of order.entries()) for (const [j, b] of order.entries()) expect([a, b, meets(a, b)]).toEqual([a, b, i >= j]);
  });

  it('answers access in full, by categories, or not at all, and says why', () => {
    expect(accessDecision(VerificationMethod.SIGNED_IN_SESSION)).toEqual({ scope: AccessScope.SPECIFIC_PIECES, required: 'REASONABLY_HIGH', achieved: 'REASONABLY_HIGH', limitedBecause: null });
    expect(accessDecision(VerificationMethod.THREE_DATA_POINTS_DECLARATION).scope).toBe(AccessScope.SPECIFIC_PIECES);
    const categories = accessDecision(VerificationMethod.EMAIL_ROUND_TRIP);
    expect(categories).toMatchObject({ scope: AccessScope.CATEGORIES, required: 'REASONABLY_HIGH', achieved: 'REASONABLE', limitedBecause: { code: 'CATEGORIES_ONLY' } });
    expect(categories.limitedBecause!.reason).toMatch(/^We could verify your identity to a reasonable degree/);
    expect(categories.limitedBecause!.reason).toContain('signed-in account');
    expect(accessDecision(VerificationMethod.TWO_DATA_POINTS).scope).toBe(AccessScope.CATEGORIES);
    for (const m of [VerificationMethod.NONE, VerificationMethod.NOT_APPLICABLE]) {
      const d = accessDecision(m);
      expect(d).toMatchObject({ scope: AccessScope.NONE, achieved: 'NONE', limitedBecause: { code: 'NOT_VERIFIED' } });
      expect(d.limitedBecause!.reason).toMatch(/^We could not verify that the request came from you/);
    }
  });

  it('asks each request type for its level', () => {
    expect(REQUIRED_LEVEL).toEqual({ ACCESS: 'REASONABLY_HIGH', ERASURE: 'REASONABLE', CHILD_DELETION: 'NONE', CALIFORNIA_NOTICE: 'NONE' });
  });
});

describe('sealed files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drg-sealed-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const seal = async (plain: Buffer, key: Buffer, label: string, name: string): Promise<string> => {
    const file = path.join(dir, name);
    // Fed in odd-sized pieces: the frames must not depend on how the input was split.
    const pieces = (function* () {
      for (let i = 0; i < plain.length; i += 77_777) yield plain.subarray(i, i + 77_777);
    })();
    await pipeline(Readable.from(pieces), sealStream(key, label), createWriteStream(file));
    return file;
  };
  const open = async (file: string, key: Buffer, label: string): Promise<Buffer> => {
    const out: Buffer[] = [];
    for await (const c of openSealed(file, key, label)) out.push(c);
    return Buffer.concat(out);
  };
  const MiB = 1 << 20;

  it.each([0, 1, MiB - 1, MiB, MiB + 1, 3 * MiB + 5])('opens to the same %d bytes it sealed', async (n) => {
    const plain = Buffer.alloc(n);
    for (let i = 0; i < n; i += 1) plain[i] = (i * 31) % 251;
    const key = newDataKey();
    const file = await seal(plain, key, 'l', `rt-${n}`);
    const opened = await open(file, key, 'l');
    expect(opened.length).toBe(n);
    expect(createHash('sha256').update(opened).digest('hex')).toBe(createHash('sha256').update(plain).digest('hex'));
    // Frames: a 1 MiB frame per full MiB before the last, and the last holds the rest (one frame when n <= 1 MiB).
    const sealed = await readFile(file);
    const frames = n <= MiB ? 1 : Math.ceil(n / MiB);
    expect(sealed.length).toBe(n + frames * (4 + 1 + 12 + 16));
  });

  it('refuses a changed byte, a cut-off end, frames swapped, a flipped last flag, the wrong label or key', async () => {
    const plain = Buffer.alloc(2 * MiB + 10, 7);
    const key = newDataKey();
    const file = await seal(plain, key, 'req-1', 'tamper');
    const sealed = await readFile(file);
    const frame = 4 + 1 + 12 + MiB + 16;
    const variants: Record<string, Buffer> = {
      changed: Buffer.from(sealed).fill(1, 100, 101),
      cutLastFrame: sealed.subarray(0, 2 * frame),
      cutMidFrame: sealed.subarray(0, sealed.length - 5),
      swapped: Buffer.concat([sealed.subarray(frame, 2 * frame), sealed.subarray(0, frame), sealed.subarray(2 * frame)]),
      flagFlipped: (() => {
        const b = Buffer.from(sealed);
        b[4] = 1;
        return b;
      })(),
      trailing: Buffer.concat([sealed, sealed.subarray(2 * frame)]),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      const f = path.join(dir, `bad-${name}`);
      await writeFile(f, bytes);
      await expect(open(f, key, 'req-1')).rejects.toThrow(/sealed file/);
    }
    await expect(open(file, key, 'req-2')).rejects.toThrow(/does not open/);
    await expect(open(file, newDataKey(), 'req-1')).rejects.toThrow(/does not open/);
    expect((await open(file, key, 'req-1')).equals(plain)).toBe(true);
  });

  it('wraps a data key under a secret, bound to its label', () => {
    const key = newDataKey();
    const wrapped = wrapDataKey(key, 's'.repeat(40), 'access-package:request-1');
    expect(wrapped.split('.')).toHaveLength(3);
    expect(unwrapDataKey(wrapped, 's'.repeat(40), 'access-package:request-1').equals(key)).toBe(true);
    expect(() => unwrapDataKey(wrapped, 't'.repeat(40), 'access-package:request-1')).toThrow();
    expect(() => unwrapDataKey(wrapped, 's'.repeat(40), 'access-package:request-2')).toThrow();
    expect(() => unwrapDataKey('abc', 's'.repeat(40), 'x')).toThrow(/iv.ciphertext.tag/);
    // A fresh IV each time: the same key wraps differently.
    expect(wrapDataKey(key, 's'.repeat(40), 'l')).not.toBe(wrapDataKey(key, 's'.repeat(40), 'l'));
  });
});

describe('package files', () => {
  it('writes CSV fields as RFC 4180 and defuses formulas in text', () => {
    expect([null, undefined, '', 'plain', 'a,b', 'say "hi"', 'line\nbreak', 'cr\r'].map(csvField)).toEqual(['', '', '', 'plain', '"a,b"', '"say ""hi"""', '"line\nbreak"', '"cr\r"']);
    expect(['=SUM(A1)', '+1', '-1', '@cmd', '\tx', '\rx'].map(csvField)).toEqual(["'=SUM(A1)", "'+1", "'-1", "'@cmd", "'\tx", "\"'\rx\""]);
    // Numbers are numbers, not formulas; times are ISO 8601; booleans are words; objects are JSON.
    expect([-1, 0, 2.5, true, false, new Date('2026-01-02T03:04:05.006Z'), { a: 1 }, 12n].map(csvField)).toEqual(['-1', '0', '2.5', 'true', 'false', '2026-01-02T03:04:05.006Z', '"{""a"":1}"', '12']);
    expect(jsonValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(jsonValue(Buffer.from('hi'))).toBe('aGk=');
    expect(jsonValue(5n)).toBe('5');
    expect(columnsOf([{ a: 1 }, { b: 2, a: 3 }, {}])).toEqual(['a', 'b']);
  });

  it('writes a section as valid JSON and CSV, with sizes and hashes of what is on disk', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'drg-section-'));
    try {
      for (const rows of [[], [{ id: 1, v: 'x,y', extra: 'ignored' }, { id: 2, v: null }]]) {
        const w = new SectionWriter(dir, `s${rows.length}`, { section: 's', title: 'T', about: { what: 'w' }, columns: ['id', 'v'], withheld: [{ column: 'z', reason: 'r' }] }, true);
        await w.open();
        for (const r of rows) await w.row(r);
        const files = await w.close();
        const json = await readFile(path.join(dir, `s${rows.length}.json`));
        const csv = await readFile(path.join(dir, `s${rows.length}.csv`));
        expect(JSON.parse(json.toString())).toEqual({ section: 's', title: 'T', about: { what: 'w' }, columns: ['id', 'v'], withheld: [{ column: 'z', reason: 'r' }], rows: rows.map((r) => ({ id: r.id, v: r.v })) });
        expect(csv.toString()).toBe(['id,v', ...rows.map((r) => `${r.id},${csvField(r.v)}`)].map((l) => `${l}\r\n`).join(''));
        const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
        expect(files).toEqual([
          { name: `s${rows.length}.json`, rows: rows.length, bytes: json.length, sha256: hash(json) },
          { name: `s${rows.length}.csv`, rows: rows.length, bytes: csv.length, sha256: hash(csv) },
        ]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('keyset pages', () => {
  it('reads after the last row: a range on the first column, ties broken by the next', () => {
    expect(keysetAfter(['id'], { id: 5 })).toEqual({ sql: '`id` >= ? AND ((`id` > ?))', params: [5, 5] });
    expect(keysetAfter(['occurred_at', 'id'], { occurred_at: 'T', id: 9 })).toEqual({
      sql: '`occurred_at` >= ? AND ((`occurred_at` > ?) OR (`occurred_at` = ? AND `id` > ?))',
      params: ['T', 'T', 'T', 9],
    });
    expect(keysetAfter(['a', 'b', 'c'], { a: 1, b: 2, c: 3 }).params).toEqual([1, 1, 1, 2, 1, 2, 3]);
  });
});

describe('the access letter', () => {
  const base = {
    company: 'Acme <Co>', requestId: 7, name: 'Ann <b>', receivedAt: new Date('2026-03-01T20:00:00Z'), answeredAt: new Date('2026-03-05T20:00:00Z'), sections: [], link: null,
  };
  const summary = { categoriesCollected: [{ key: 'user.name', label: 'Name' }], sources: ['you'], purposes: ['to answer you'], disclosedTo: [], sold: 'We do not sell.' };

  it('limited by verification: says why, lists the categories, and no section', () => {
    const letter = renderAccessLetter({ ...base, decision: accessDecision(VerificationMethod.EMAIL_ROUND_TRIP), summary, sections: [{ name: 'subjects', title: 'Your record', rows: 1, preview: [{ a: 1 }], columns: ['a'] }] });
    expect(letter.text).toContain('reasonable degree');
    expect(letter.text).toContain('  - Name');
    expect(letter.text).toContain('We have not disclosed personal information about you to anyone.');
    expect(letter.text).not.toContain('Your record');
    expect(letter.html).toContain('Dear Ann &lt;b&gt;,');
    expect(letter.html).not.toContain('<b>,');
    expect(letter.text).toContain('On March 1, 2026 you asked Acme <Co> what personal information we hold about you');
  });

  it('in full: every section with its first rows, and the link block with expiry and hash', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ id: i }));
    const letter = renderAccessLetter({
      ...base, decision: accessDecision(VerificationMethod.SIGNED_IN_SESSION), summary: { ...summary, disclosedTo: [{ recipientKind: 'AGENT', recipients: 2, categories: ['user.name'], purposes: ['SERVICE_PROVISION'] }] },
      sections: [{ name: 'collection_events', title: 'Visits', rows: 12, preview: rows.slice(0, 10), columns: ['id'] }],
      link: { url: 'https://x.example/access-package?token=abc', expiresAt: new Date('2026-03-12T20:00:00Z'), sha256: 'f'.repeat(64) },
    });
    expect(letter.text).toContain('Service providers acting for us (for example, payment processing) (2): user.name; for SERVICE_PROVISION'.replace('user.name', 'Name'));
    expect(letter.text).toContain('  - Visits: 12 entries (collection_events.json)');
    expect(letter.html).toContain('… and 2 more in collection_events.json.');
    expect(letter.text).toContain('The link works once and until March 12, 2026 (2026-03-12T20:00:00.000Z).');
    expect(letter.text).toContain(`SHA-256 of the archive: ${'f'.repeat(64)}`);
    expect(letter.text.endsWith('Acme <Co>')).toBe(true);
  });
});

describe('correction notices and answers (1798.106, 11 CCR 7023)', () => {
  const person = { name: 'Ann Old', email: 'ann@example.com', phone: null, postalAddress: '1 Main St, Oakland, 94601' };
  const recipient = { name: 'Mail Co', categories: ['user.name', 'user.contact.address'], firstAt: new Date('2026-02-01T20:00:00Z'), lastAt: new Date('2026-02-01T20:00:00Z') };

  it('tells a recipient only the corrections of categories it received, naming the person by what it received', () => {
    const notice = recipientCorrectionNotice(7, person, recipient, [
      { column: 'name', category: 'user.name', value: 'Ann New' },
      { column: 'email', category: 'user.contact.email', value: 'new@example.com' },
      { column: 'street_address', category: 'user.contact.address', value: null },
    ])!;
    expect(notice.subject).toBe('Correction request 7: correct the personal information we disclosed to you');
    expect(notice.text).toBe([
      'Dear Mail Co,', '',
      'A person whose personal information we disclosed to you on February 1, 2026 has asked us to correct it, and we have (our reference 7). Please correct the information you hold about this person, and tell your own service providers and contractors to do the same.', '',
      'You can find the person in your records by the information you received from us (as it was before the correction):', '  Name: Ann Old', '  Postal address: 1 Main St, Oakland, 94601', '',
      'The corrected information:', '  Name: Ann New', '  Street address: (removed: it was wrong and we hold no correct value)', '',
      'This message identifies the person only by what you already received and the corrections; please do not keep it once you have acted on it.', '',
    ].join('\n'));
    expect(notice.text).toContain('A person whose personal information we disclosed to you on February 1, 2026 has asked us to correct it');
    expect(notice.text).toContain('  Name: Ann Old\n  Postal address: 1 Main St, Oakland, 94601');
    expect(notice.text).toContain('The corrected information:\n  Name: Ann New\n  Street address: (removed: it was wrong and we hold no correct value)\n');
    // Its email it never received: neither the old one nor the new one is in the notice.
    expect(notice.text).not.toContain('ann@example.com');
    expect(notice.text).not.toContain('new@example.com');
    expect(recipientCorrectionNotice(7, person, recipient, [{ column: 'email', category: 'user.contact.email', value: 'x@example.com' }])).toBeNull();
    const noIds = recipientCorrectionNotice(7, person, { ...recipient, categories: ['user.device.ip_address'], lastAt: new Date('2026-03-01T20:00:00Z') }, [{ column: 'x', category: 'user.device.ip_address', value: '1.2.3.4' }])!;
    expect(noIds.text).toContain('between February 1, 2026 and March 1, 2026');
    expect(noIds.text).toContain('We sent you no name or contact details of this person');
    expect(noIds.text).toContain('  X: 1.2.3.4');
  });

  it('answers the person: corrected, told, and each rejection with its reason', () => {
    const all = correctionAnswer({ requestId: 9, company: 'Acme', accepted: [{ column: 'city', category: 'user.contact.address', value: 'Fresno' }], rejected: [], recipientsTold: 1, recipientsUnreachable: 0 });
    expect(all.subject).toBe('We corrected your personal information');
    expect(all.text).toBe('We have decided on your request to correct your personal information (reference 9).\n\nWe corrected:\n  - your city: Fresno\n\nWe have asked one business to which we disclosed this information to correct it too.\n\nAcme\n');
    const none = correctionAnswer({ requestId: 9, company: 'Acme', accepted: [], rejected: [{ column: 'phone', reason: 'no proof' }], recipientsTold: 0, recipientsUnreachable: 0 });
    expect(none.subject).toBe('Your request to correct your personal information');
    expect(none.text).toBe('We have decided on your request to correct your personal information (reference 9).\n\nWe did not correct:\n  - your telephone number: no proof\n\nIf you disagree, you may send us more documentation and ask again.\n\nAcme\n');
    expect(none.text).not.toContain('We corrected:');
    const some = correctionAnswer({ requestId: 9, company: 'Acme', accepted: [{ column: 'birth_date', category: 'user.demographic.date_of_birth', value: null }], rejected: [{ column: 'zzz_col', reason: 'r' }], recipientsTold: 0, recipientsUnreachable: 0 });
    expect(some.subject).toBe('We corrected some of your personal information');
    expect(some.text).toContain('  - your date of birth: removed');
    expect(some.text).toContain('We have not disclosed this information to other businesses that would need to correct it.');
    expect(some.text).toContain('  - your zzz col: r');
    const mixed = correctionAnswer({ requestId: 9, company: 'Acme', accepted: [{ column: 'city', category: 'c', value: 'A' }], rejected: [], recipientsTold: 3, recipientsUnreachable: 1 }).text;
    expect(mixed).toContain('We have asked 3 businesses to which we disclosed this information to correct it too.\nWe hold no address for one business to which we disclosed this information, so we could not ask it to correct it.\n');
    expect(mixed).not.toContain('We have not disclosed');
    expect(correctionAnswer({ requestId: 9, company: 'Acme', accepted: [{ column: 'city', category: 'c', value: 'A' }], rejected: [], recipientsTold: 0, recipientsUnreachable: 2 }).text).toContain('We hold no address for 2 businesses to which we disclosed this information, so we could not ask them to correct it.');
    expect(fieldWords('postal_code')).toBe('postal code');
  });
});

describe('file sinks of the package', () => {
  it('a write or close that fails is an error of that call, not of the process; a sealed sink leaves nothing readable', async () => {
    const broken = new FileSink('/nonexistent-folder-drg/x.json');
    await expect((async () => {
      await broken.write('x'.repeat(70 * 1024));
      await broken.close();
    })()).rejects.toThrow(/ENOENT/);
    const dir = await mkdtemp(path.join(tmpdir(), 'drg-sink-'));
    try {
      const key = newDataKey();
      const sink = new FileSink(path.join(dir, 'a.json'), { key, label: 'a.json' });
      const text = `{"email":"someone@example.com"}${'y'.repeat(100_000)}`;
      await sink.write(text);
      const { bytes, sha256: digest } = await sink.close();
      expect(bytes).toBe(Buffer.byteLength(text));
      expect(digest).toBe(createHash('sha256').update(text).digest('hex'));
      const onDisk = await readFile(path.join(dir, 'a.json'));
      expect(onDisk.includes(Buffer.from('someone@example.com'))).toBe(false);
      const out: Buffer[] = [];
      for await (const c of openSealed(path.join(dir, 'a.json'), key, 'a.json')) out.push(c);
      expect(Buffer.concat(out).toString()).toBe(text);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the access letter, whole', () => {
  it('reads exactly so, in text and in HTML (every part the person sees)', () => {
    const letter = renderAccessLetter({
      company: 'Acme', requestId: 7, name: 'Ann', receivedAt: new Date('2026-03-01T20:00:00Z'), answeredAt: new Date('2026-03-05T20:00:00Z'),
      decision: accessDecision(VerificationMethod.SIGNED_IN_SESSION),
      summary: {
        categoriesCollected: [{ key: 'user.name', label: 'Name' }], sources: ['you'], purposes: ['to answer you'],
        disclosedTo: [{ recipientKind: 'AGENT', recipients: 2, categories: ['user.name', 'user.other'], purposes: ['SERVICE_PROVISION'] }, { recipientKind: 'NEW_KIND', recipients: 1, categories: [], purposes: ['X'] }],
        sold: 'We do not sell.',
      },
      sections: [{ name: 'subjects', title: 'Your record', rows: 1, preview: [{ id: 1, name: 'Ann <b>', at: new Date('2026-01-01T00:00:00Z'), o: { a: 1 }, n: null }], columns: ['id', 'name', 'at', 'o', 'n'] }, { name: 'email_opens', title: 'Opens', rows: 0, preview: [], columns: ['id'] }],
      link: { url: 'https://x.example/access-package?token=abc', expiresAt: new Date('2026-03-12T20:00:00Z'), sha256: 'f'.repeat(64) },
    });
    expect(letter.text).toBe([
      'Dear Ann,', '',
      'On March 1, 2026 you asked Acme what personal information we hold about you and with whom we shared it (reference 7). This is our answer, as of March 5, 2026.', '',
      'What we hold:', '  - Name', 'Where it came from:', '  - you', 'Why we collect it:', '  - to answer you', '',
      'Who received it:',
      '  - Service providers acting for us (for example, payment processing) (2): Name, user.other; for SERVICE_PROVISION',
      '  - NEW_KIND (1): no personal categories; for X', '',
      'We do not sell.', '',
      'The information itself is in the archive, one file per section:', '  - Your record: 1 entry (subjects.json)', '  - Opens: 0 entries (email_opens.json)', '',
      'Download your archive at https://x.example/access-package?token=abc',
      'The link works once and until March 12, 2026 (2026-03-12T20:00:00.000Z).',
      `SHA-256 of the archive: ${'f'.repeat(64)}`,
      'If the link has expired or the download failed, contact us and we will send a new one.', '',
      'Acme',
    ].join('\n'));
    expect(letter.html).toBe(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your personal information at Acme</title></head><body>' + [
        '<p>Dear Ann,</p>',
        '<p>On March 1, 2026 you asked Acme what personal information we hold about you and with whom we shared it (reference 7). This is our answer, as of March 5, 2026.</p>',
        '<h2>What we hold, from where, and why</h2>',
        '<p>Categories of personal information:</p><ul><li>Name</li></ul>',
        '<p>Where it came from:</p><ul><li>you</li></ul>',
        '<p>Why we collect it:</p><ul><li>to answer you</li></ul>',
        '<h2>Who received it</h2>',
        '<ul><li>Service providers acting for us (for example, payment processing) (2): Name, user.other; for SERVICE_PROVISION</li><li>NEW_KIND (1): no personal categories; for X</li></ul>',
        '<p>We do not sell.</p>',
        '<h2>The information itself</h2><p>Every section is in the attached archive as a JSON file, and every table also as a CSV file that a spreadsheet opens. Each section begins here:</p>',
        '<h3>Your record (1 entry, file subjects.json)</h3>',
        '<table border="1" cellpadding="3" style="border-collapse:collapse;font-size:9pt"><tr><th>id</th><th>name</th><th>at</th><th>o</th><th>n</th></tr><tr><td>1</td><td>Ann &lt;b&gt;</td><td>2026-01-01T00:00:00.000Z</td><td>{&quot;a&quot;:1}</td><td></td></tr></table>',
        '<h3>Opens (0 entries, file email_opens.json)</h3>',
        `<h2>Your archive</h2><p>Download it at <a href="https://x.example/access-package?token=abc">https://x.example/access-package?token=abc</a>. The link works once and until March 12, 2026 (2026-03-12T20:00:00.000Z). The archive's SHA-256 is <code>${'f'.repeat(64)}</code>. If the link has expired or the download failed, contact us and we will send a new one.</p>`,
        '<p>Acme</p>',
      ].join('\n') + '</body></html>\n',
    );
  });

  it('without a name, a summary or sections: a greeting, the refusal and nothing about the person', () => {
    const letter = renderAccessLetter({ company: 'Acme', requestId: 8, name: null, receivedAt: new Date('2026-03-01T20:00:00Z'), answeredAt: new Date('2026-03-02T20:00:00Z'), decision: accessDecision(VerificationMethod.NONE), summary: null, sections: [], link: null });
    expect(letter.text).toBe(`Hello,\n\nOn March 1, 2026 you asked Acme what personal information we hold about you and with whom we shared it (reference 8). This is our answer, as of March 2, 2026.\n\n${accessDecision(VerificationMethod.NONE).limitedBecause!.reason}\n\nAcme`);
    expect(letter.html).toContain(`<p><strong>${accessDecision(VerificationMethod.NONE).limitedBecause!.reason}</strong></p>`);
    expect(letter.html).not.toMatch(/<h2>/);
    // A summary with no recipient says so.
    const none = renderAccessLetter({ company: 'Acme', requestId: 8, name: 'A', receivedAt: new Date('2026-03-01T20:00:00Z'), answeredAt: new Date('2026-03-02T20:00:00Z'), decision: accessDecision(VerificationMethod.EMAIL_ROUND_TRIP), summary: { categoriesCollected: [], sources: [], purposes: [], disclosedTo: [], sold: 'S.' }, sections: [{ name: 's', title: 'T', rows: 1, preview: [], columns: [] }], link: null });
    expect(none.html).toContain('<h2>Who received it</h2>\n<p>We have not disclosed personal information about you to anyone.</p>');
    expect(none.html).not.toContain('The information itself');
  });
});

describe('sealed-file keys, pinned', () => {
  it('a key wrapped by an earlier version still unwraps: the derivation of the wrapping key never changes under stored packages', () => {
    expect(unwrapDataKey('oVqHPQYRLex0JfQo.vLJvoxRxvJZQ4NrUktHXQp9W4Qnkfei7sGMAKVDkT-g.GlDal1R3sg4SND2kUuPkPg', 's'.repeat(40), 'access-package:request-1').equals(Buffer.alloc(32, 7))).toBe(true);
  });
});

describe('section files, byte for byte', () => {
  it('writes the exact JSON and CSV, and no CSV when the section has none', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'drg-section-bytes-'));
    try {
      const w = new SectionWriter(dir, 't', { section: 't', title: 'T', about: {}, columns: ['a'] }, true);
      await w.open();
      await w.row({ a: 1 });
      await w.row({ a: 'x' });
      const files = await w.close();
      expect(await readFile(path.join(dir, 't.json'), 'utf8')).toBe('{"section":"t","title":"T","about":{},"columns":["a"],"withheld":[],"rows":[\n{"a":1},\n{"a":"x"}\n]}\n');
      expect(await readFile(path.join(dir, 't.csv'), 'utf8')).toBe('a\r\n1\r\nx\r\n');
      expect(files.map((f) => f.name)).toEqual(['t.json', 't.csv']);
      const only = new SectionWriter(dir, 'j', { section: 'j', title: 'J', about: {}, columns: [] }, false);
      await only.open();
      expect((await only.close()).map((f) => f.name)).toEqual(['j.json']);
      expect(await readFile(path.join(dir, 'j.json'), 'utf8')).toBe('{"section":"j","title":"J","about":{},"columns":[],"withheld":[],"rows":[]}\n');
      await expect(readFile(path.join(dir, 'j.csv'))).rejects.toThrow(/ENOENT/);
      // Sealed under a staging key, each file under its own name: opened with another, it fails.
      const key = newDataKey();
      const sealed = new SectionWriter(dir, 's', { section: 's', title: 'S', about: {}, columns: ['a'] }, true, key);
      await sealed.open();
      await sealed.row({ a: 'secret' });
      await sealed.close();
      const read = async (file: string, label: string) => {
        const out: Buffer[] = [];
        for await (const c of openSealed(path.join(dir, file), key, label)) out.push(c);
        return Buffer.concat(out).toString();
      };
      expect(await read('s.csv', 's.csv')).toBe('a\r\nsecret\r\n');
      await expect(read('s.json', 's.csv')).rejects.toThrow(/does not open/);
      // Many small rows (more than one 64 KB write): all there, in order.
      const big = new SectionWriter(dir, 'b', { section: 'b', title: 'B', about: {}, columns: ['i'] }, true);
      await big.open();
      for (let i = 0; i < 20_000; i += 1) await big.row({ i });
      await big.close();
      const rows = (JSON.parse(await readFile(path.join(dir, 'b.json'), 'utf8')) as { rows: { i: number }[] }).rows;
      expect(rows.length).toBe(20_000);
      expect(rows[19_999]).toEqual({ i: 19_999 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
