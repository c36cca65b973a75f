import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { purgeNextAccessPackage, sweepAbandonedFiles } from '../../src/domain/access-request.service';
import { PERSONAL_DATA, PERSONAL_TABLES, fieldsOf, type PersonalFieldEntry } from '../../src/domain/personal-data.catalogue';
import { inTransaction } from '../../src/domain/transaction';
import { Role } from '../../src/entities/enums';
import type { GatewayPlugin } from '../../src/plugins/plugin';
import { download, section, sha256, tokenIn, unzip } from '../helpers/access-package';
import { endOfCaliforniaBusinessDay, endOfCaliforniaDay } from '../helpers/california-time';
import { californiaLongDate } from '../../src/domain/deadlines';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

const REQUEST = `mutation($id: ID!, $channel: String!, $verification: VerificationMethod!, $receivedAt: DateTimeISO) {
  requestAccess(userId: $id, channel: $channel, verification: $verification, receivedAt: $receivedAt) {
    created request { id type status receivedAt acknowledgeDueAt dueAt overdue verificationMethod verificationRequired } } }`;
const STATUS = `query($id: ID!) { dataRequest(id: $id) { id type status reasonCode result completedAt dueAt extendedAt
  accessPackage { id status scope bytes sha256 delivery linkExpiresAt downloadedAt purgeAfter purgedAt } } }`;

interface Receipt {
  requestAccess: { created: boolean; request: { id: string; type: string; status: string; receivedAt: string; acknowledgeDueAt: string; dueAt: string; overdue: boolean; verificationMethod: string; verificationRequired: string } };
}
interface Shown {
  id: string;
  status: string;
  reasonCode: string | null;
  result: Record<string, unknown> | null;
  completedAt: string | null;
  dueAt: string;
  accessPackage: { id: string; status: string; scope: string; bytes: string; sha256: string; delivery: string; linkExpiresAt: string; downloadedAt: string | null; purgeAfter: string; purgedAt: string | null } | null;
}

/** Rows as JSON carries them: times as ISO strings. */
const asJson = <T>(rows: T): T => JSON.parse(JSON.stringify(rows)) as T;

/** A plugin that, when armed for a person, deletes the run's staging files while the package is being assembled (once). */
const sabotage = { subjectId: 0, dir: '' };
const saboteur: GatewayPlugin = {
  name: 'test-saboteur',
  async accessContributions(_em, subjectId) {
    if (subjectId !== sabotage.subjectId) return [];
    sabotage.subjectId = 0;
    for (const name of await readdir(sabotage.dir)) if (name.startsWith('.build-request-')) await rm(path.join(sabotage.dir, name, 'subjects.json'), { force: true });
    return [];
  },
};

describe('access requests: the package, its link, its deadlines and its verification', () => {
  let t: TestGateway;
  let exportDir: string;
  let base: string;
  const ops = () => t.token(Role.PRIVACY_OPS);
  const ds = () => t.gateway.dataSource;
  const show = async (id: string) => (await t.gql<{ dataRequest: Shown }>(STATUS, { id }, ops())).data!.dataRequest;
  const finished = (id: string) => waitFor(async () => {
    const s = await show(id);
    return ['COMPLETED', 'REJECTED'].includes(s.status) ? s : undefined;
  }, `access request ${id} answered`, 60000, 100);
  const open = async (subjectId: number, verification = 'SIGNED_IN_SESSION', extra: Record<string, unknown> = {}) => {
    const res = await t.gql<Receipt>(REQUEST, { id: String(subjectId), channel: 'WEB_FORM', verification, ...extra }, ops());
    expect(res.errors).toBeUndefined();
    return res.data!.requestAccess;
  };
  const linkOf = async (requestId: string): Promise<string> => {
    const rows: { text_body: string }[] = await ds().query(`SELECT text_body FROM outbox_messages WHERE kind = 'ACCESS_PACKAGE_READY' AND data_request_id = ? ORDER BY id DESC LIMIT 1`, [Number(requestId)]);
    return tokenIn(rows[0]!.text_body);
  };

  beforeAll(async () => {
    exportDir = await mkdtemp(path.join(tmpdir(), 'drg-access-bt-'));
    t = await startTestGateway('access_request', { env: { EXPORT_DIR: exportDir, ACCESS_PAGE_ROWS: '7' }, parts: { extraPlugins: [saboteur] } });
    base = new URL(t.url).origin;
    await seedDemoData(ds(), systemActor, { subjects: 40, recipients: 12, collectionEventsPerSubject: 25, disclosuresPerSubject: 12, seed: 5 });
    await t.gateway.work(['access', 'legal-hold', 'business-transfer', 'california-notice']);
  });
  afterAll(async () => {
    await t.close();
    await rm(exportDir, { recursive: true, force: true });
    await rm(t.config.access.dir, { recursive: true, force: true });
  });

  it('answers with a package that holds, section by section, what the database holds about the person, and every plugin\'s part', async () => {
    const person = 1;
    // Data in every table: the seed gave records, consents, their history, visits and disclosures.
    await ds().query(`INSERT INTO email_opens (subject_id, campaign, pixel_key, opened_at) VALUES (?, 'spring-sale', ?, NOW(3)), (?, 'newsletter-7', ?, NOW(3))`, [person, 'a'.repeat(43), person, 'b'.repeat(43)]);
    await ds().query(`INSERT INTO policy_versions (version, effective_at, summary, url, published_at, published_by) VALUES ('2026-11', NOW(3), 'New retention periods', 'https://example.com/privacy/2026-11', NOW(3), 'test')`);
    await ds().query(`INSERT INTO policy_notices (policy_version_id, subject_id, channel, notified_at, acknowledged_at) SELECT id, ?, 'EMAIL', NOW(3), NOW(3) FROM policy_versions WHERE version = '2026-11'`, [person]);
    // A Shine-the-Light request of a Californian, answered.
    await ds().query(`UPDATE subjects SET region = 'US-CA', country = 'US' WHERE id = ?`, [person]);
    const notice = await t.gql<{ requestCaliforniaNotice: { request: { id: string } } }>(`mutation { requestCaliforniaNotice(userId: "${person}", channel: DESIGNATED) { request { id } } }`, undefined, ops());
    expect(notice.errors).toBeUndefined();
    expect(await finished(notice.data!.requestCaliforniaNotice.request.id)).toMatchObject({ status: 'COMPLETED' });
    // A correction request, still to be decided.
    const correction = await t.gql<{ requestCorrection: { id: string } }>(`mutation { requestCorrection(userId: "${person}", changes: { city: "Oakland" }, channel: "EMAIL", verification: SIGNED_IN_SESSION) { id } }`, undefined, ops());
    expect(correction.errors).toBeUndefined();
    // A read by an app: the access log.
    expect((await t.gql(`{ user(id: "${person}") { name email } }`, undefined, t.token(Role.APP), 'SUPPORT')).errors).toBeUndefined();
    // Every plugin: a hold that preserved a copy, a closing transfer that included the record.
    const hold = await t.gql<{ placeLegalHold: { hold: { id: string } } }>(`mutation { placeLegalHold(input: { matter: "Privileged v. Matter", caseReference: "SECRET-42", subjectIds: ["${person}"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL));
    expect(hold.errors).toBeUndefined();
    await waitFor(async () => Number((await ds().query('SELECT COUNT(*) AS n FROM legal_hold_preserved_records WHERE subject_id = ?', [person]))[0].n) > 0, 'the hold\'s copy');
    const [acq] = await ds().query(`SELECT id, name FROM recipients WHERE kind = 'ACQUIRER' ORDER BY id LIMIT 1`);
    const transfer = await t.gql<{ startBusinessTransfer: { id: string } }>(`mutation($input: StartBusinessTransferInput!) { startBusinessTransfer(input: $input) { id } }`, { input: { dealName: 'Heron', acquirerId: String(acq.id), phase: 'CLOSING', scope: { statuses: ['ACTIVE'] } } }, t.token(Role.MNA));
    expect(transfer.errors).toBeUndefined();
    await waitFor(async () => (await ds().query('SELECT status FROM business_transfers WHERE id = ?', [Number(transfer.data!.startBusinessTransfer.id)]))[0].status === 'COMPLETED', 'the transfer', 60000);
    // The access log's writer commits in groups: wait for the app's read to be there.
    await waitFor(async () => Number((await ds().query('SELECT COUNT(*) AS n FROM access_log WHERE subject_id = ?', [person]))[0].n) > 0, 'the access log');

    const receipt = await open(person);
    expect(receipt.created).toBe(true);
    expect(receipt.request).toMatchObject({ type: 'ACCESS', status: 'ACKNOWLEDGED', verificationMethod: 'SIGNED_IN_SESSION', verificationRequired: 'REASONABLY_HIGH' });
    const done = await finished(receipt.request.id);
    expect(done).toMatchObject({ status: 'COMPLETED', reasonCode: null, accessPackage: { status: 'READY', scope: 'SPECIFIC_PIECES', delivery: 'EMAIL', downloadedAt: null } });
    const pkg = done.accessPackage!;

    // A GET (a mail scanner, a preview) does not spend the link; the POST does, once.
    const token = await linkOf(receipt.request.id);
    const page = await fetch(`${base}/access-package?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post" action="/access-package">');
    const got = await download(base, token);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/zip');
    expect(sha256(got.body)).toBe(pkg.sha256);
    expect(String(got.body.length)).toBe(pkg.bytes);
    expect((await download(base, token)).status).toBe(410);
    expect((await show(receipt.request.id)).accessPackage).toMatchObject({ status: 'DOWNLOADED' });
    const [audited] = await ds().query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'access-package.downloaded' AND entity_id = ?`, [pkg.id]);
    expect(Number(audited.n)).toBe(1);

    const entries = await unzip(got.body);
    // The manifest names every other file with its rows, size and hash.
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as { requestId: number; scope: string; files: { name: string; rows: number; bytes: number; sha256: string }[]; withheld: unknown[] };
    expect(manifest).toMatchObject({ requestId: Number(receipt.request.id), scope: 'SPECIFIC_PIECES' });
    expect(manifest.files.map((f) => f.name).sort()).toEqual([...entries.keys()].filter((n) => n !== 'manifest.json').sort());
    for (const f of manifest.files) {
      const bytes = entries.get(f.name)!;
      expect({ name: f.name, bytes: bytes.length, sha256: sha256(bytes) }).toEqual({ name: f.name, bytes: f.bytes, sha256: f.sha256 });
    }

    // Each catalogue table: the same rows, with every field the catalogue returns.
    for (const table of PERSONAL_TABLES) {
      const s = section(entries, table.table);
      const returned = fieldsOf(table.table).filter((f) => f.access === 'RETURNED').map((f) => f.column);
      for (const c of returned) expect(s.columns).toContain(c);
      const where = table.table === 'subjects' ? 'id = ?' : 'subject_id = ?';
      const order = table.access.order.map((c) => `\`${c}\``).join(', ');
      const cols = ['id', ...returned].map((c) => `\`${c}\``).join(', ');
      const expected = asJson(await ds().query(`SELECT ${cols} FROM \`${table.table}\` WHERE ${where} ORDER BY ${order}`, [person]));
      expect(expected.length).toBeGreaterThan(0);
      expect(s.rows.map((r) => Object.fromEntries(['id', ...returned].map((c) => [c, r[c]])))).toEqual(expected);
      // The CSV has the same rows, one a line, after its header.
      const csvLines = entries.get(`${table.table}.csv`)!.toString('utf8').split('\r\n').filter(Boolean);
      expect(csvLines[0]).toBe(s.columns.join(','));
      expect(csvLines.length - 1).toBe(expected.length);
    }
    // Visits were read in keyset pages of 7: all 25 came, in order.
    expect(section(entries, 'collection_events').rows).toHaveLength(Number((await ds().query('SELECT COUNT(*) AS n FROM collection_events WHERE subject_id = ?', [person]))[0].n));

    // Every disclosure: to whom (name, kind, address), when, why, which categories.
    const disclosures = section(entries, 'disclosures').rows;
    const expectedDisclosures = asJson(await ds().query(
      `SELECT d.id, d.purpose, d.occurred_at, r.name AS recipient_name, r.kind AS recipient_kind, r.postal_address AS recipient_postal_address,
              (SELECT GROUP_CONCAT(c.category_key ORDER BY c.category_key SEPARATOR ';') FROM disclosure_categories c WHERE c.disclosure_id = d.id) AS categories
         FROM disclosures d JOIN recipients r ON r.id = d.recipient_id WHERE d.subject_id = ? ORDER BY d.occurred_at, d.id`,
      [person],
    )).map((r: Record<string, unknown>) => ({ ...r, categories: r.categories ?? '' }));
    expect(disclosures.map((d) => ({ id: d.id, purpose: d.purpose, occurred_at: d.occurred_at, recipient_name: d.recipient_name, recipient_kind: d.recipient_kind, recipient_postal_address: d.recipient_postal_address, categories: d.categories }))).toEqual(expectedDisclosures);
    expect(disclosures.some((d) => d.recipient_name === acq.name && d.purpose === 'BUSINESS_TRANSFER')).toBe(true);

    // The 1798.110 summary: categories, sources, purposes, recipients by kind.
    const summary = JSON.parse(entries.get('summary.json')!.toString('utf8')) as { categoriesCollected: { key: string }[]; disclosedTo: { recipientKind: string; recipients: number }[]; sources: string[]; sold: string };
    expect(summary.categoriesCollected.map((c) => c.key)).toEqual(expect.arrayContaining(['user.name', 'user.contact.email', 'user.device.ip_address', 'user.behavior', 'user.privacy_preferences']));
    const kinds: { kind: string; n: number }[] = await ds().query('SELECT r.kind, COUNT(DISTINCT r.id) AS n FROM disclosures d JOIN recipients r ON r.id = d.recipient_id WHERE d.subject_id = ? GROUP BY r.kind ORDER BY r.kind', [person]);
    expect(summary.disclosedTo.map((d) => [d.recipientKind, d.recipients])).toEqual(kinds.map((k) => [k.kind, Number(k.n)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    expect(summary.sources).toContain(PERSONAL_TABLES.find((x) => x.table === 'email_opens')!.access.source);

    // Linked records: policy notices, requests with the notice as sent, who read the data (roles, not names).
    expect(section(entries, 'policy-notices').rows).toEqual([expect.objectContaining({ version: '2026-11', channel: 'EMAIL' })]);
    const requests = section(entries, 'data-requests').rows;
    const [answer] = await ds().query('SELECT notice FROM california_notice_answers WHERE request_id = ?', [Number(notice.data!.requestCaliforniaNotice.request.id)]);
    expect(requests.find((r) => String(r.id) === notice.data!.requestCaliforniaNotice.request.id)).toMatchObject({ type: 'CALIFORNIA_NOTICE', status: 'COMPLETED', notice: typeof answer.notice === 'string' ? JSON.parse(answer.notice) : answer.notice });
    expect(requests.find((r) => String(r.id) === receipt.request.id)).toMatchObject({ type: 'ACCESS', verification_method: 'SIGNED_IN_SESSION' });
    expect(requests.find((r) => String(r.id) === correction.data!.requestCorrection.id)).toMatchObject({ type: 'CORRECTION', corrections: [{ field: 'city', proposedValue: 'Oakland', status: 'PENDING', reason: null }] });
    const log = section(entries, 'access-log');
    const logged = asJson(await ds().query(`SELECT id, role, purpose, categories, accessed_at FROM access_log WHERE subject_id = ? AND actor <> 'system:access-worker' ORDER BY id`, [person]));
    expect(log.rows).toEqual(logged);
    expect(log.columns).not.toContain('actor');

    // Plugins: the hold's copy without the matter, the transfer with its acquirer.
    const kept = section(entries, 'plugins/legal-hold-kept-under-legal-obligation');
    const [preserved] = await ds().query('SELECT COUNT(*) AS n FROM legal_hold_preserved_records WHERE subject_id = ?', [person]);
    expect(kept.rows).toEqual([expect.objectContaining({ records_kept: Number(preserved.n), obligation_in_force: true, categories: 'all categories' })]);
    expect(JSON.stringify(kept)).not.toMatch(/Privileged|SECRET-42/);
    expect(section(entries, 'plugins/business-transfer-transfers').rows).toEqual([expect.objectContaining({ transfer_id: Number(transfer.data!.startBusinessTransfer.id), acquirer: acq.name })]);

    // The letter says what was found, and the package's own read is logged.
    const letter = entries.get('letter.html')!.toString('utf8');
    expect(letter).toContain('Who received it');
    expect(letter).toContain(`reference ${receipt.request.id}`);
    const [own] = await ds().query(`SELECT COUNT(*) AS n FROM access_log WHERE subject_id = ? AND actor = 'system:access-worker'`, [person]);
    expect(Number(own.n)).toBe(1);
  });

  it('puts a field added to the catalogue into the package with no other change', async () => {
    const person = 2;
    await ds().query('ALTER TABLE subjects ADD COLUMN nickname varchar(50) NULL');
    await ds().query(`UPDATE subjects SET nickname = 'Bee' WHERE id = ?`, [person]);
    const entry: PersonalFieldEntry = {
      table: 'subjects', column: 'nickname', property: 'nickname', categories: ['user.name'], erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
      transfer: { CLOSING: null, DUE_DILIGENCE: null }, read: null, access: 'RETURNED',
    };
    (PERSONAL_DATA as unknown as PersonalFieldEntry[]).push(entry);
    try {
      const receipt = await open(person);
      await finished(receipt.request.id);
      const got = await download(base, await linkOf(receipt.request.id));
      const subjects = section(await unzip(got.body), 'subjects');
      expect(subjects.columns).toContain('nickname');
      expect(subjects.rows[0]).toMatchObject({ id: person, nickname: 'Bee' });
    } finally {
      (PERSONAL_DATA as unknown as PersonalFieldEntry[]).pop();
      await ds().query('ALTER TABLE subjects DROP COLUMN nickname');
    }
  });

  it('the new edges follow the type policy: packages and corrections reach only the rights roles, by every path', async () => {
    const paths = `requests { id accessPackage { sha256 } correctionChanges { proposedValue } correctionEvidence }`;
    const byUser = `{ user(id: "1") { ${paths} } }`;
    const byList = `{ dataRequests(first: 50) { edges { node { id accessPackage { sha256 } correctionChanges { proposedValue } correctionEvidence user { ${paths} } } } } }`;
    const leaked = (res: { data: unknown }) => /"sha256":"[0-9a-f]{64}"|"proposedValue":"|"correctionEvidence":"/.test(JSON.stringify(res.data));
    // Person 1 has an answered access request and an open correction (the first test).
    for (const token of [t.token(Role.LEGAL), t.token(Role.PRIVACY_OPS), t.token(Role.ADMIN)]) {
      const res = await t.gql(byList, undefined, token);
      expect(res.errors).toBeUndefined();
      expect(leaked(res)).toBe(true);
    }
    for (const purpose of ['SERVICE', 'SUPPORT', 'PRODUCT_EMAIL', 'THIRD_PARTY_OFFERS', 'ANALYTICS', 'SECURITY']) {
      const res = await t.gql(byUser, undefined, t.token(Role.APP), purpose);
      expect([purpose, leaked(res)]).toEqual([purpose, false]);
      expect([purpose, leaked(await t.gql(byList, undefined, t.token(Role.APP), purpose))]).toEqual([purpose, false]);
    }
    // A privileged role that declares a purpose gets what an app would: no more.
    expect(leaked(await t.gql(byUser, undefined, t.token(Role.PRIVACY_OPS), 'SERVICE'))).toBe(false);
    for (const role of [Role.MNA]) {
      const res = await t.gql(byList, undefined, t.token(role));
      expect(errorCode(res)).toBe('FORBIDDEN');
      expect(leaked(res)).toBe(false);
    }
  });

  describe('verification levels', () => {
    it('a reasonable degree (an email round trip) answers the categories only, and says why', async () => {
      const receipt = await open(3, 'EMAIL_ROUND_TRIP');
      expect(receipt.request.verificationRequired).toBe('REASONABLY_HIGH');
      const done = await finished(receipt.request.id);
      expect(done).toMatchObject({ status: 'COMPLETED', reasonCode: 'CATEGORIES_ONLY', accessPackage: { scope: 'CATEGORIES' } });
      const entries = await unzip((await download(base, await linkOf(receipt.request.id))).body);
      expect([...entries.keys()].sort()).toEqual(['letter.html', 'manifest.json', 'summary.json']);
      expect(JSON.parse(entries.get('manifest.json')!.toString()).verification).toMatchObject({ method: 'EMAIL_ROUND_TRIP', achieved: 'REASONABLE', required: 'REASONABLY_HIGH', limitedBecause: { code: 'CATEGORIES_ONLY' } });
      const summary = JSON.parse(entries.get('summary.json')!.toString()) as { categoriesCollected: { key: string }[] };
      expect(summary.categoriesCollected.map((c) => c.key)).toContain('user.contact.email');
      const letter = entries.get('letter.html')!.toString();
      expect(letter).toContain('reasonably high degree');
      const [subject] = await ds().query('SELECT email, phone FROM subjects WHERE id = 3');
      expect(letter).not.toContain(subject.email);
    });

    it('two data points answer the same as an email round trip; three with a declaration answer everything', async () => {
      expect((await finished((await open(4, 'TWO_DATA_POINTS')).request.id)).accessPackage!.scope).toBe('CATEGORIES');
      expect((await finished((await open(5, 'THREE_DATA_POINTS_DECLARATION')).request.id)).accessPackage!.scope).toBe('SPECIFIC_PIECES');
    });

    it('no verification: no package, the request is rejected and the person told why', async () => {
      const receipt = await open(6, 'NONE');
      const done = await finished(receipt.request.id);
      expect(done).toMatchObject({ status: 'REJECTED', reasonCode: 'NOT_VERIFIED', accessPackage: null });
      const [msg] = await ds().query(`SELECT kind, text_body FROM outbox_messages WHERE data_request_id = ? AND kind = 'ACCESS_ANSWER'`, [Number(receipt.request.id)]);
      expect(msg.text_body).toContain('could not verify');
      expect(existsSync(path.join(t.config.access.dir, `.build-request-${receipt.request.id}`))).toBe(false);
    });
  });

  describe('deadlines', () => {
    it('runs the deadlines of a deletion from when the request arrived, and allows one extension of 45 days', async () => {
      const receivedAt = new Date(Date.now() - 3 * 86400_000).toISOString();
      const r = (await open(7, 'SIGNED_IN_SESSION', { receivedAt })).request;
      expect(r.receivedAt).toBe(receivedAt);
      expect(r.dueAt).toBe(endOfCaliforniaDay(receivedAt, 45));
      expect(r.acknowledgeDueAt).toBe(endOfCaliforniaBusinessDay(receivedAt, 10));
      // The acknowledgement gives the due date as a Californian reads it.
      const [ack] = await ds().query(`SELECT text_body FROM outbox_messages WHERE data_request_id = ? AND kind = 'REQUEST_ACKNOWLEDGEMENT'`, [Number(r.id)]);
      expect(ack.text_body).toContain(`We will answer by ${californiaLongDate(new Date(r.dueAt))}.`);
      const ext = await t.gql<{ extendRequestDeadline: { dueAt: string } }>(`mutation($id: ID!) { extendRequestDeadline(requestId: $id, reason: "a large history") { dueAt } }`, { id: r.id }, ops());
      expect(ext.errors).toBeUndefined();
      expect(ext.data!.extendRequestDeadline.dueAt).toBe(endOfCaliforniaDay(r.dueAt, 45));
      const again = await t.gql(`mutation($id: ID!) { extendRequestDeadline(requestId: $id, reason: "more") { dueAt } }`, { id: r.id }, ops());
      expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_EXTENDED' });
      await finished(r.id);
    });

    // 47, not 46: the 45th day ends at the end of that California day, up to a day after 45 × 24 h.
    it('a request that arrived 47 days ago is overdue from the moment it is recorded', async () => {
      const r = (await open(8, 'SIGNED_IN_SESSION', { receivedAt: new Date(Date.now() - 47 * 86400_000).toISOString() })).request;
      expect(r.overdue).toBe(true);
      await finished(r.id);
    });

    it('refuses bad input, the wrong roles and an erased person, changing nothing', async () => {
      await ds().query(`UPDATE subjects SET status = 'ERASED', name = NULL, email = NULL, erased_at = NOW(3) WHERE id = 39`);
      // Finished jobs' intents are removed in batches: let them settle first.
      await waitFor(async () => Number((await ds().query('SELECT COUNT(*) AS n FROM job_intents'))[0].n) === 0, 'job intents satisfied');
      const before = await tableChecksums(t.gateway);
      const ask = (vars: Record<string, unknown>, token = ops()) => t.gql(REQUEST, { id: '9', channel: 'WEB_FORM', verification: 'SIGNED_IN_SESSION', ...vars }, token);
      expect(errorCode(await ask({ receivedAt: new Date(Date.now() + 86400_000).toISOString() }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await ask({ receivedAt: new Date(Date.now() - 400 * 86400_000).toISOString() }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await ask({ verification: 'NOT_APPLICABLE' }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await ask({ verification: 'TRUST_ME' }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await ask({ channel: 'web form; DROP TABLE' }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await ask({ id: '999999' }))).toBe('NOT_FOUND');
      expect((await ask({ id: '39' })).errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SUBJECT_ERASED' });
      for (const role of [Role.APP, Role.LEGAL, Role.MNA]) expect(errorCode(await ask({}, t.token(role)))).toBe('FORBIDDEN');
      expect(errorCode(await t.gql(`mutation { reissueAccessLink(requestId: "1") { id } }`, undefined, t.token(Role.LEGAL)))).toBe('FORBIDDEN');
      expect(await tableChecksums(t.gateway)).toEqual(before);
    });

    it('opens one request when the same request arrives several times at once', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => t.gql<Receipt>(REQUEST, { id: '10', channel: 'EMAIL', verification: 'SIGNED_IN_SESSION' }, ops())));
      expect(new Set(results.map((r) => r.data!.requestAccess.request.id)).size).toBe(1);
      expect(results.filter((r) => r.data!.requestAccess.created)).toHaveLength(1);
    });
  });

  describe('the link and the stored package', () => {
    it('an expired link is refused; a reissued link works once and the old one no more', async () => {
      const receipt = await open(11);
      await finished(receipt.request.id);
      const first = await linkOf(receipt.request.id);
      await ds().query('UPDATE access_packages SET link_expires_at = NOW(3) - INTERVAL 1 SECOND WHERE request_id = ?', [Number(receipt.request.id)]);
      const expired = await download(base, first);
      expect(expired.status).toBe(410);
      expect(expired.body.toString()).toContain('expired');
      const re = await t.gql<{ reissueAccessLink: { status: string; linkExpiresAt: string } }>(`mutation($id: ID!) { reissueAccessLink(requestId: $id) { status linkExpiresAt } }`, { id: receipt.request.id }, ops());
      expect(re.errors).toBeUndefined();
      expect(Date.parse(re.data!.reissueAccessLink.linkExpiresAt)).toBeGreaterThan(Date.now());
      const second = await linkOf(receipt.request.id);
      expect(second).not.toBe(first);
      expect((await download(base, first)).status).toBe(410);
      expect((await download(base, second)).status).toBe(200);
      expect((await download(base, second)).status).toBe(410);
      // Past its purge date (the purge job not yet run) a link is as good as expired, and no new one is issued.
      await t.gql(`mutation($id: ID!) { reissueAccessLink(requestId: $id) { id } }`, { id: receipt.request.id }, ops());
      const third = await linkOf(receipt.request.id);
      await ds().query('UPDATE access_packages SET purge_after = NOW(3) - INTERVAL 1 SECOND WHERE request_id = ?', [Number(receipt.request.id)]);
      expect((await download(base, third)).status).toBe(410);
      expect((await t.gql(`mutation($id: ID!) { reissueAccessLink(requestId: $id) { id } }`, { id: receipt.request.id }, ops())).errors![0]!.extensions).toMatchObject({ reason: 'PACKAGE_PURGED' });
      // A made-up token, a truncated one: refused the same way, without a hint.
      expect((await download(base, 'x'.repeat(43))).status).toBe(410);
      expect((await download(base, second.slice(0, 20))).status).toBe(400);
    });

    it('stores the package sealed: no section is readable on disk, and the token is kept only as its hash', async () => {
      const receipt = await open(12);
      const done = await finished(receipt.request.id);
      const [row] = await ds().query('SELECT file_path, token_hash, wrapped_key FROM access_packages WHERE request_id = ?', [Number(receipt.request.id)]);
      const token = await linkOf(receipt.request.id);
      expect(row.token_hash).toBe(sha256(token));
      const { readFile } = await import('node:fs/promises');
      const sealed = await readFile(row.file_path);
      const [subject] = await ds().query('SELECT email FROM subjects WHERE id = 12');
      expect(sealed.includes(Buffer.from(subject.email))).toBe(false);
      expect(sealed.subarray(0, 2).toString()).not.toBe('PK');
      expect(done.accessPackage!.sha256).not.toBe(sha256(sealed));
      // Only this request's sealed file is in the folder, and no build folder is left.
      const files = (await readdir(t.config.access.dir)).filter((n) => n.startsWith(`request-${receipt.request.id}-`) || n.startsWith(`.build-request-${receipt.request.id}`));
      expect(files).toEqual([path.basename(row.file_path)]);
    });

    it('purges a package after its retention, and at once when its person is erased', async () => {
      const a = await open(13);
      const b = await open(14);
      await finished(a.request.id);
      await finished(b.request.id);
      const fileOf = async (id: string) => (await ds().query('SELECT file_path FROM access_packages WHERE request_id = ?', [Number(id)]))[0].file_path as string | null;
      const fileA = (await fileOf(a.request.id))!;
      const fileB = (await fileOf(b.request.id))!;
      const tokenB = await linkOf(b.request.id);
      await ds().query('UPDATE access_packages SET purge_after = NOW(3) - INTERVAL 1 SECOND WHERE request_id = ?', [Number(a.request.id)]);
      // Erasure of 14: its link stops at once, its file goes at the next purge.
      const erase = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "14", channel: "WEB_FORM") { request { id } } }`, undefined, ops());
      await t.gateway.work(['erasure']);
      await finished(erase.data!.requestErasure.request.id);
      expect((await download(base, tokenB)).status).toBe(410);
      while ((await inTransaction(ds(), (em) => purgeNextAccessPackage(em))) !== null);
      expect(existsSync(fileA)).toBe(false);
      expect(existsSync(fileB)).toBe(false);
      expect(await show(a.request.id)).toMatchObject({ accessPackage: { status: 'PURGED', purgedAt: expect.any(String) } });
      expect(await fileOf(a.request.id)).toBeNull();
      const re = await t.gql(`mutation($id: ID!) { reissueAccessLink(requestId: $id) { id } }`, { id: a.request.id }, ops());
      expect(re.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'PACKAGE_PURGED' });
      const [purged] = await ds().query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'access-package.purged'`);
      expect(Number(purged.n)).toBeGreaterThanOrEqual(2);
    });

    it('a person without email gets the answer by post: the summary, each section\'s first rows and the link printed', async () => {
      await ds().query(`UPDATE subjects SET email = NULL, phone = '+14155550142', street_address = '12 Elm St', city = 'Fresno', postal_code = '93650', region = 'US-CA', country = 'US' WHERE id = 16`);
      const receipt = await open(16);
      const done = await finished(receipt.request.id);
      expect(done.accessPackage).toMatchObject({ delivery: 'POSTAL_MAIL' });
      const [letter] = await ds().query(`SELECT channel, to_address, html_body, text_body FROM outbox_messages WHERE data_request_id = ? AND kind = 'ACCESS_PACKAGE_READY'`, [Number(receipt.request.id)]);
      expect(letter.channel).toBe('POST');
      expect(letter.to_address).toContain('12 Elm St');
      expect(letter.html_body).toContain('Your visits to our website');
      expect(letter.html_body).toContain('/access-package?token=');
      expect((await download(base, tokenIn(letter.text_body))).status).toBe(200);
    });

    it('a person with no address at all: the package waits, and a link is issued once there is one', async () => {
      await ds().query(`UPDATE subjects SET email = NULL, phone = '+14155550143', street_address = NULL WHERE id = 17`);
      const receipt = await open(17);
      const done = await finished(receipt.request.id);
      expect(done.accessPackage).toMatchObject({ delivery: 'NONE', status: 'READY' });
      expect(await ds().query(`SELECT id FROM outbox_messages WHERE data_request_id = ? AND kind = 'ACCESS_PACKAGE_READY'`, [Number(receipt.request.id)])).toEqual([]);
      const refused = await t.gql(`mutation($id: ID!) { reissueAccessLink(requestId: $id) { id } }`, { id: receipt.request.id }, ops());
      expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NO_ADDRESS' });
      await ds().query(`UPDATE subjects SET email = 'found.later@example.com' WHERE id = 17`);
      const re = await t.gql<{ reissueAccessLink: { delivery: string } }>(`mutation($id: ID!) { reissueAccessLink(requestId: $id) { delivery } }`, { id: receipt.request.id }, ops());
      expect(re.data!.reissueAccessLink.delivery).toBe('EMAIL');
      expect((await download(base, await linkOf(receipt.request.id))).status).toBe(200);
    });

    it('an erasure that comes first closes the access request, which then makes no package', async () => {
      // The access workers are busy elsewhere: the request waits while the person is erased.
      const queue = t.gateway.queues.queue('access');
      await queue.pause();
      try {
        const receipt = await t.gql<Receipt>(REQUEST, { id: '15', channel: 'WEB_FORM', verification: 'SIGNED_IN_SESSION' }, ops());
        const erase = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "15", channel: "WEB_FORM") { request { id } } }`, undefined, ops());
        await t.gateway.work(['erasure']);
        await finished(erase.data!.requestErasure.request.id);
        // Closed by the erasure itself, in its own change.
        expect(await show(receipt.data!.requestAccess.request.id)).toMatchObject({ status: 'REJECTED', reasonCode: 'SUBJECT_ERASED', accessPackage: null });
        const [audit] = await ds().query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'request.rejected' AND entity_id = ?`, [receipt.data!.requestAccess.request.id]);
        expect(Number(audit.n)).toBe(1);
        await queue.resume();
        // Its job, when it comes, finds it closed and leaves nothing behind.
        await waitFor(async () => (await queue.getJobCounts('completed')).completed > 0 && (await queue.getJobCounts('waiting', 'active')).waiting === 0, 'the access job ran');
        await waitFor(async () => (await readdir(t.config.access.dir)).every((n) => !n.includes(`request-${receipt.data!.requestAccess.request.id}-`)), 'no file of it');
      } finally {
        await queue.resume();
      }
    });

    it('a staging file gone mid-run (another run\'s cleanup) fails that run, not the process; the retry answers', async () => {
      sabotage.dir = t.config.access.dir;
      sabotage.subjectId = 20;
      const receipt = await open(20);
      const done = await finished(receipt.request.id);
      expect(sabotage.subjectId).toBe(0);
      expect(done).toMatchObject({ status: 'COMPLETED', accessPackage: { status: 'READY' } });
      const entries = await unzip((await download(base, await linkOf(receipt.request.id))).body);
      expect(section(entries, 'subjects').rows).toEqual([expect.objectContaining({ id: 20 })]);
    });

    it('a partial erasure during a build takes the run\'s lease and asks the request again, to answer from what is left', async () => {
      const queue = t.gateway.queues.queue('access');
      await queue.pause();
      try {
        const id = (await open(21)).request.id;
        // A run is under way (its lease written), and a hold scoped to the email keeps part of the person.
        await ds().query(`UPDATE data_requests SET status = 'IN_PROGRESS', result = '{"run":"a-live-run"}' WHERE id = ?`, [Number(id)]);
        const hold = await t.gql(`mutation { placeLegalHold(input: { matter: "M", caseReference: "C", subjectIds: ["21"], categories: ["user.contact.email"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL));
        expect(hold.errors).toBeUndefined();
        const erase = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "21", channel: "WEB_FORM") { request { id } } }`, undefined, ops());
        await t.gateway.work(['erasure']);
        await waitFor(async () => (await show(erase.data!.requestErasure.request.id)).status === 'PARTIALLY_COMPLETED', 'the partial erasure');
        const [row] = await ds().query('SELECT status, result FROM data_requests WHERE id = ?', [Number(id)]);
        expect(row).toEqual({ status: 'ACKNOWLEDGED', result: null });
        const intents = await ds().query('SELECT job_id FROM job_intents WHERE job_id = ?', [`access.package@request-${id}`]);
        expect(intents).toHaveLength(1);
        // The lease never shows as a result.
        expect((await show(id)).result).toBeNull();
        await queue.resume();
        const done = await finished(id);
        expect(done.status).toBe('COMPLETED');
        const entries = await unzip((await download(base, await linkOf(id))).body);
        // Consents and their history went with the erasure: the package has none.
        expect(section(entries, 'consents').rows).toEqual([]);
        expect(section(entries, 'subjects').rows[0]).toMatchObject({ id: 21, name: null });
      } finally {
        await queue.resume();
      }
    });

    it('the purge runs on the requests queue; a schedule of it left on the access queue by an earlier version is removed', async () => {
      const access = t.gateway.queues.queue('access');
      await access.upsertJobScheduler('access.purge', { every: 3_600_000 }, { name: 'access.purge', data: {} });
      await t.gateway.queues.scheduleRepeatable();
      expect(await access.getJobScheduler('access.purge')).toBeFalsy();
      expect(await t.gateway.queues.queue('requests').getJobScheduler('access.purge')).toBeTruthy();
    });

    it('a better-verified request while one waits raises its verification rather than answering less', async () => {
      const queue = t.gateway.queues.queue('access');
      await queue.pause();
      let id: string;
      try {
        id = (await open(18, 'EMAIL_ROUND_TRIP')).request.id;
        const again = await t.gql<Receipt>(REQUEST, { id: '18', channel: 'WEB_FORM', verification: 'SIGNED_IN_SESSION' }, ops());
        expect(again.data!.requestAccess).toMatchObject({ created: false, request: { id, verificationMethod: 'SIGNED_IN_SESSION' } });
        // A weaker one never lowers it.
        const weaker = await t.gql<Receipt>(REQUEST, { id: '18', channel: 'WEB_FORM', verification: 'NONE' }, ops());
        expect(weaker.data!.requestAccess.request.verificationMethod).toBe('SIGNED_IN_SESSION');
      } finally {
        await queue.resume();
      }
      expect((await finished(id)).accessPackage!.scope).toBe('SPECIFIC_PIECES');
    });

    it('sweeps what abandoned runs left: files of closed requests, but not of a run in progress', async () => {
      const { mkdir, writeFile, utimes } = await import('node:fs/promises');
      const [closed] = await ds().query(`SELECT id FROM data_requests WHERE type = 'ACCESS' AND status = 'REJECTED' ORDER BY id LIMIT 1`);
      await ds().query(`INSERT INTO data_requests (type, status, channel, subject_id, received_at, due_at, created_by) VALUES ('ACCESS', 'IN_PROGRESS', 'WEB', 19, NOW(3), NOW(3) + INTERVAL 45 DAY, 'test')`);
      const [running] = await ds().query(`SELECT MAX(id) AS id FROM data_requests`);
      const dir = t.config.access.dir;
      await mkdir(path.join(dir, `.build-request-${closed.id}-aa`), { recursive: true });
      await writeFile(path.join(dir, `request-${closed.id}-aa.sealed.partial`), 'x');
      await mkdir(path.join(dir, `.build-request-${running.id}-bb`), { recursive: true });
      await writeFile(path.join(dir, `request-${running.id}-cc.sealed`), 'x');
      await writeFile(path.join(dir, `request-${running.id}-dd.sealed`), 'x');
      const old = new Date(Date.now() - 2 * 86400_000);
      await utimes(path.join(dir, `request-${running.id}-dd.sealed`), old, old);
      expect(await sweepAbandonedFiles(ds(), dir)).toBe(3);
      const left = (await readdir(dir)).filter((n) => n.includes(`request-${closed.id}-`) || n.includes(`request-${running.id}-`));
      expect(left.sort()).toEqual([`.build-request-${running.id}-bb`, `request-${running.id}-cc.sealed`]);
      await ds().query(`UPDATE data_requests SET status = 'REJECTED' WHERE id = ?`, [running.id]);
    });
  });
});
