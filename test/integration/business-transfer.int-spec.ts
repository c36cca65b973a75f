import { constants as cryptoConstants, createHash, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { inTransaction } from '../../src/domain/transaction';
import { Role } from '../../src/entities/enums';
import { TransferPhase } from '../../src/plugins/business-transfer/business-transfer.entity';
import { startBusinessTransfer } from '../../src/plugins/business-transfer/transfer-lifecycle.service';
import { decryptExport, verifyExport, type Manifest } from '../../src/plugins/business-transfer/export-files';
import { dataKeyEncryptionKey, openDataKey } from '../../src/plugins/business-transfer/data-key';
import { checkManifestSignature, manifestSigningKey } from '../../src/plugins/business-transfer/manifest-signature';
import { runCli } from '../helpers/cli-process';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

const START = `mutation($input: StartBusinessTransferInput!) { startBusinessTransfer(input: $input) { id status phase progress { total } } }`;
const CANCEL = `mutation($id: ID!) { cancelBusinessTransfer(id: $id) { id status cancelledBy } }`;
const SHOW = `query($id: ID!) { businessTransfer(id: $id) {
  id status exportPath encrypted error acquirer { id kind } scope { regions }
  progress { processed total percent rate estimatedFinish } artifacts { name rows bytes sha256 } manifest } }`;

interface Shown {
  id: string;
  status: string;
  exportPath: string;
  encrypted: boolean;
  error: string | null;
  progress: { processed: number; total: number; percent: number };
  artifacts: { name: string; rows: number; bytes: number; sha256: string }[];
  manifest: string | null;
}

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
const lines = (gz: Buffer) => gunzipSync(gz).toString('utf8').split('\n').filter(Boolean);

describe('the business-transfer plugin', () => {
  let t: TestGateway;
  let exportDir: string;
  let acquirerId: number;
  const mna = () => t.token(Role.MNA);

  beforeAll(async () => {
    exportDir = await mkdtemp(path.join(tmpdir(), 'drg-bt-'));
    t = await startTestGateway('business_transfer', { env: { EXPORT_DIR: exportDir, BUSINESS_TRANSFER_CHUNK_SIZE: '40' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 400, recipients: 12, seed: 7 });
    const [acq] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' ORDER BY id LIMIT 1`);
    acquirerId = Number(acq.id);
    await t.gateway.work(['business-transfer']);
  });
  afterAll(async () => {
    await t.close();
    await rm(exportDir, { recursive: true, force: true });
  });

  const start = (input: Record<string, unknown>, token = mna()) =>
    t.gql<{ startBusinessTransfer: { id: string; status: string; progress: { total: number } } }>(START, { input: { dealName: 'Project Heron', acquirerId: String(acquirerId), ...input } }, token);
  const show = async (id: string) => (await t.gql<{ businessTransfer: Shown }>(SHOW, { id }, mna())).data!.businessTransfer;
  const finished = (id: string) => waitFor(async () => {
    const s = await show(id);
    return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(s.status) ? s : undefined;
  }, `transfer ${id} to finish`, 60000, 100);

  it('counts the people a scope would export before anything starts, as the start then fixes them, and refuses what start refuses', async () => {
    const SIZE = `query($s: BusinessTransferScopeInput!) { businessTransferScopeSize(scope: $s) }`;
    const before = await tableChecksums(t.gateway);
    const scope = { regions: ['us-ca', 'US-NY'], createdBefore: new Date(Date.now() + 86400_000).toISOString() };
    const size = await t.gql<{ businessTransferScopeSize: number }>(SIZE, { s: scope }, mna());
    expect(size.errors).toBeUndefined();
    const [{ n }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM subjects WHERE status = 'ACTIVE' AND region IN ('US-CA', 'US-NY')`);
    expect(size.data!.businessTransferScopeSize).toBe(Number(n));
    expect(Number(n)).toBeGreaterThan(0);
    // Nothing was started or recorded by counting.
    expect(await tableChecksums(t.gateway)).toEqual(before);
    expect((await t.gql<{ businessTransferScopeSize: number }>(SIZE, { s: { regions: ['ZZ-QQ'] } }, mna())).data!.businessTransferScopeSize).toBe(0);
    for (const [bad, field] of [[{}, 'scope'], [{ regions: [] }, 'scope.regions'], [{ regions: ['US_CA'] }, 'scope.regions'], [{ statuses: ['ERASED'] }, 'scope.statuses']] as const) {
      const r = await t.gql(SIZE, { s: bad }, mna());
      expect([bad, errorCode(r), r.errors?.[0]?.extensions?.field]).toEqual([bad, 'BAD_USER_INPUT', field]);
    }
    expect(errorCode(await t.gql(SIZE, { s: scope }, t.token(Role.LEGAL)))).toBe('FORBIDDEN');
    const started = await start({ phase: 'DUE_DILIGENCE', scope });
    expect(started.data!.startBusinessTransfer.progress.total).toBe(size.data!.businessTransferScopeSize);
    await finished(started.data!.startBusinessTransfer.id);
  });

  it('exports the full records at closing, without erased subjects, with a manifest that matches its files', async () => {
    const ds = t.gateway.dataSource;
    await ds.query(`UPDATE subjects SET status = 'ERASED', name = NULL, email = NULL, phone = NULL, erased_at = NOW(3) WHERE id IN (3, 4, 5)`);
    const res = await start({ phase: 'CLOSING', scope: { statuses: ['ACTIVE'] } });
    expect(res.errors).toBeUndefined();
    const id = res.data!.startBusinessTransfer.id;
    expect(res.data!.startBusinessTransfer.progress.total).toBe(397);
    const done = await finished(id);
    expect(done.status).toBe('COMPLETED');
    expect(done.progress).toMatchObject({ processed: 397, total: 397, percent: 100 });

    const manifest = JSON.parse(await readFile(path.join(done.exportPath, 'manifest.json'), 'utf8')) as Manifest;
    expect(JSON.parse(done.manifest!)).toEqual(manifest);
    expect(manifest).toMatchObject({ schemaVersion: 1, transferId: Number(id), deal: 'Project Heron', phase: 'CLOSING', format: 'NDJSON', subjects: 397, encryption: null });
    expect(manifest.files.map((f) => f.name)).toEqual(['subjects.ndjson.gz', 'consents.ndjson.gz', 'disclosures.ndjson.gz']);
    expect(done.artifacts).toEqual(manifest.files);
    for (const f of manifest.files) {
      const buf = await readFile(path.join(done.exportPath, f.name));
      expect({ name: f.name, rows: lines(buf).length, bytes: buf.length, sha256: sha256(buf) }).toEqual(f);
    }
    expect((await readdir(done.exportPath)).sort()).toEqual(['consents.ndjson.gz', 'disclosures.ndjson.gz', 'manifest.json', 'manifest.json.sig', 'subjects.ndjson.gz']);
    expect(await verifyExport(done.exportPath)).toMatchObject({ valid: true });

    const subjects = lines(await readFile(path.join(done.exportPath, 'subjects.ndjson.gz'))).map((l) => JSON.parse(l) as { id: number; email: string });
    const ids = subjects.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).not.toEqual(expect.arrayContaining([3]));
    expect(ids.filter((i) => [3, 4, 5].includes(i))).toEqual([]);
    expect(subjects[0]!.email).toMatch(/@example\.com$/);
    const consents = lines(await readFile(path.join(done.exportPath, 'consents.ndjson.gz'))).map((l) => JSON.parse(l) as { subjectId: number; version: number; history: unknown[] });
    expect(consents.every((c) => c.history.length === c.version)).toBe(true);
    const [{ n: consentRows }] = await ds.query(`SELECT COUNT(*) AS n FROM consents WHERE subject_id NOT IN (3, 4, 5)`);
    expect(consents).toHaveLength(Number(consentRows));
    // Timestamps (formatted by the database) are the ISO strings of the driver's UTC Dates, to the millisecond.
    const first = JSON.parse(lines(await readFile(path.join(done.exportPath, 'subjects.ndjson.gz')))[0]!) as { id: number; createdAt: string; updatedAt: string };
    const [row] = await ds.query('SELECT created_at, updated_at FROM subjects WHERE id = ?', [first.id]);
    expect([first.createdAt, first.updatedAt]).toEqual([(row.created_at as Date).toISOString(), (row.updated_at as Date).toISOString()]);
    const withHistory = (consents as unknown as { subjectId: number; purpose: string; updatedAt: string; history: { occurredAt: string }[] }[]).find((c) => c.history.length > 1)!;
    const events: { occurred_at: Date }[] = await ds.query('SELECT occurred_at FROM consent_events WHERE subject_id = ? AND purpose = ? ORDER BY seq', [withHistory.subjectId, withHistory.purpose]);
    expect(withHistory.history.map((e) => e.occurredAt)).toEqual(events.map((e) => e.occurred_at.toISOString()));
    expect(withHistory.history.map((e) => e.occurredAt).some((iso) => !iso.endsWith('.000Z'))).toBe(true);
    const [consentRow] = await ds.query('SELECT updated_at FROM consents WHERE subject_id = ? AND purpose = ?', [withHistory.subjectId, withHistory.purpose]);
    expect(withHistory.updatedAt).toBe((consentRow.updated_at as Date).toISOString());
    const disclosure = JSON.parse(lines(await readFile(path.join(done.exportPath, 'disclosures.ndjson.gz')))[0]!) as { id: number; occurredAt: string };
    const [disclosureRow] = await ds.query('SELECT occurred_at FROM disclosures WHERE id = ?', [disclosure.id]);
    expect(disclosure.occurredAt).toBe((disclosureRow.occurred_at as Date).toISOString());

    // Exactly one BUSINESS_TRANSFER disclosure per exported subject, with the categories exported.
    const per: { subject_id: number; n: number }[] = await ds.query(
      `SELECT subject_id, COUNT(*) AS n FROM disclosures WHERE purpose = 'BUSINESS_TRANSFER' AND recipient_id = ? AND transaction_reference = ? GROUP BY subject_id ORDER BY subject_id`,
      [acquirerId, `business-transfer:${id}`],
    );
    expect(per.map((p) => Number(p.subject_id))).toEqual(ids);
    expect(per.every((p) => Number(p.n) === 1)).toBe(true);
    const [cats] = await ds.query(
      `SELECT GROUP_CONCAT(dc.category_key ORDER BY dc.category_key) AS c FROM disclosures d JOIN disclosure_categories dc ON dc.disclosure_id = d.id WHERE d.transaction_reference = ? AND d.subject_id = ?`,
      [`business-transfer:${id}`, ids[0]],
    );
    // The categories of the fields the person has (demo subjects have all but an age range); region and
    // country are imprecise location, not the postal address (the personal-data catalogue). And every
    // other category that went (issue 26, point 4): consents with their history, the record of disclosures.
    const [{ nc, nd }] = await ds.query('SELECT (SELECT COUNT(*) FROM consents WHERE subject_id = ?) AS nc, (SELECT COUNT(*) FROM disclosures WHERE subject_id = ? AND purpose <> ?) AS nd', [ids[0], ids[0], 'BUSINESS_TRANSFER']);
    expect([Number(nc) > 0, Number(nd) > 0]).toEqual([true, true]);
    expect(cats.c.split(',')).toEqual(['user.contact.address', 'user.contact.email', 'user.contact.phone_number', 'user.demographic.date_of_birth', 'user.disclosure_history', 'user.location.imprecise', 'user.name', 'user.privacy_preferences']);
    const audits: { action: string }[] = await ds.query(`SELECT action FROM audit_events WHERE entity_type = 'BusinessTransfer' AND entity_id = ? ORDER BY seq`, [id]);
    expect(audits.map((a) => a.action)).toEqual(['business-transfer.started', 'business-transfer.finished']);
  });

  it('exports due diligence as classes of at least k over every released column, which no row of another export of the same scope links to, and gives one acquirer no two exports over the same people (issue 26, point 4)', async () => {
    const ds = t.gateway.dataSource;
    const scope = { regions: ['US-CA', 'US-NY', 'US-TX', 'US-WA', 'US-IL'] };
    // Two acquirers (say, two bidders who compare notes) get the same scope.
    const acquirers: string[] = [];
    for (const name of ['Bidder One', 'Bidder Two']) {
      const inserted = await ds.query(`INSERT INTO recipients (kind, name, allowed_purposes) VALUES ('ACQUIRER', ?, 'BUSINESS_TRANSFER')`, [name]);
      acquirers.push(String(inserted.insertId));
    }
    const exports: { manifest: Manifest; files: Record<string, { header: string[]; rows: string[][] }>; id: string }[] = [];
    for (const acquirer of acquirers) {
      const res = await start({ phase: 'DUE_DILIGENCE', format: 'CSV', scope, acquirerId: acquirer });
      expect(res.errors).toBeUndefined();
      const id = res.data!.startBusinessTransfer.id;
      const done = await finished(id);
      expect(done.status).toBe('COMPLETED');
      expect(await verifyExport(done.exportPath)).toMatchObject({ valid: true });
      const files: Record<string, { header: string[]; rows: string[][] }> = {};
      for (const f of ['subjects', 'consents', 'disclosures']) {
        const [header, ...rows] = gunzipSync(await readFile(path.join(done.exportPath, `${f}.csv.gz`))).toString('utf8').split('\n').filter(Boolean);
        files[f] = { header: header!.split(','), rows: rows.map((r) => r.split(',')) };
      }
      exports.push({ manifest: JSON.parse(done.manifest!) as Manifest, files, id });
    }

    for (const { manifest, files } of exports) {
      expect(manifest.anonymization).toMatchObject({ k: 11 });
      // Every column of the subjects file is released, the class size included: group the rows by
      // all of them and count the people in each group.
      expect(files.subjects!.header).toEqual(['region', 'ageBand', 'signupMonth', 'subjects']);
      expect(files.subjects!.rows.length).toBeGreaterThan(1);
      const classes = new Map<string, number>();
      for (const r of files.subjects!.rows) classes.set(r.join('|'), (classes.get(r.join('|')) ?? 0) + Number(r[3]));
      expect(classes.size).toBe(files.subjects!.rows.length);
      expect(Math.min(...classes.values())).toBeGreaterThanOrEqual(11);
      expect([...classes.values()].reduce((a, b) => a + b, 0)).toBe(manifest.subjects);
      // The other files are counts of people over the whole release: each is suppressed (empty) or at least k.
      expect(files.consents!.header).toEqual(['purpose', 'status', 'subjects']);
      expect(files.disclosures!.header).toEqual(['purpose', 'subjects', 'disclosures']);
      for (const r of files.consents!.rows) expect(r[2] === '' || Number(r[2]) >= 11).toBe(true);
      for (const r of files.disclosures!.rows) expect(r[1] === '' || Number(r[1]) >= 11).toBe(true);
      expect(files.consents!.rows.some((r) => r[2] !== '')).toBe(true);
    }

    // The linkage attack on the subjects files: join the two exports row by row on every column whose
    // values the two share (a per-transfer pseudonym shares none, so it does not stop the join). A
    // row links when it matches exactly one row of the other and stands for fewer than k people
    // (its class size, or one person for a row without one). On per-person rows this links most rows.
    const [a, b] = exports as [(typeof exports)[0], (typeof exports)[0]];
    const header = a.files.subjects!.header;
    const valuesOf = (rows: string[][], c: number) => new Set(rows.map((r) => r[c]));
    const joined = header.map((_, c) => c).filter((c) => [...valuesOf(a.files.subjects!.rows, c)].some((v) => valuesOf(b.files.subjects!.rows, c).has(v)));
    expect(joined.length).toBeGreaterThan(0);
    const size = header.indexOf('subjects');
    const links = a.files.subjects!.rows.filter((row) => {
      const matches = b.files.subjects!.rows.filter((other) => joined.every((c) => other[c] === row[c]));
      return matches.length === 1 && (size < 0 ? 1 : Number(row[size])) < 11;
    });
    expect(links).toEqual([]);
    // Nothing names a person: no direct identifier of anyone in scope appears in any file.
    const people: { name: string; email: string; phone: string; street_address: string }[] = await ds.query(`SELECT name, email, phone, street_address FROM subjects WHERE status = 'ACTIVE'`);
    const all = exports.flatMap((e) => Object.values(e.files).flatMap((f) => f.rows.map((r) => r.join(',')))).join('\n');
    for (const p of people) for (const v of [p.name, p.email, p.phone, p.street_address]) expect(all.includes(v)).toBe(false);

    // Aggregates of classes of at least k are not personal data (docs/legal.md, point 23): one non-identifiable disclosure each.
    for (const { id } of exports) {
      const recorded: { subject_id: number | null; identifiable: number }[] = await ds.query(`SELECT subject_id, identifiable FROM disclosures WHERE transaction_reference = ?`, [`business-transfer:${id}`]);
      expect(recorded).toEqual([{ subject_id: null, identifiable: 0 }]);
      // The chunks' class tallies are cleared once the files are written.
      const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM business_transfer_chunks WHERE transfer_id = ? AND tallies IS NOT NULL', [Number(id)]);
      expect(Number(n)).toBe(0);
    }

    // One acquirer, a second export over some of the same people: refused, naming the first, nothing written.
    const before = await tableChecksums(t.gateway);
    for (const overlapping of [{ regions: ['US-TX'] }, { statuses: ['ACTIVE'] }, { regions: ['US-IL', 'US-OR'], createdBefore: new Date().toISOString() }]) {
      const again = await start({ phase: 'DUE_DILIGENCE', format: 'CSV', scope: overlapping, acquirerId: acquirers[0] });
      expect(errorCode(again)).toBe('BAD_USER_INPUT');
      expect(again.errors![0]!.extensions).toMatchObject({ reason: 'DUE_DILIGENCE_OVERLAPS', transferIds: [Number(exports[0]!.id)] });
    }
    expect(await tableChecksums(t.gateway)).toEqual(before);
    // Regions none of its exports named go; a CLOSING transfer is not held to the rule.
    const disjoint = await start({ phase: 'DUE_DILIGENCE', format: 'CSV', scope: { regions: ['CA-ON', 'GB-ENG', 'DE-BE'] }, acquirerId: acquirers[0] });
    expect(disjoint.errors).toBeUndefined();
    expect((await finished(disjoint.data!.startBusinessTransfer.id)).status).toBe('COMPLETED');
    const closing = await start({ phase: 'CLOSING', scope: { regions: ['US-TX'] }, acquirerId: acquirers[0] });
    expect(closing.errors).toBeUndefined();
    await finished(closing.data!.startBusinessTransfer.id);
  });

  it('keeps a running export\'s data key sealed under a key that is not in the database (issue 23)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const ds = t.gateway.dataSource;
    // Started without its plan job: the row as it stands while chunks run.
    const running = await inTransaction(ds, (em) =>
      startBusinessTransfer(em, { id: 'test-mna', roles: [Role.MNA] }, { dealName: 'Sealed key', acquirerId, phase: TransferPhase.CLOSING, scope: { statuses: ['ACTIVE' as never] }, encryptFor: publicKey }, t.config.plugins.businessTransfer),
    );
    const [{ k, w }] = await ds.query('SELECT data_key AS k, wrapped_key AS w FROM business_transfers WHERE id = ?', [running.id]);
    expect(k).toMatch(/^v1:[A-Za-z0-9+/]{80}$/);
    // The acquirer's wrapped copy and the sealed one hold the same key; the database alone opens neither.
    const acquirers = privateDecrypt({ key: privateKey, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(w, 'base64'));
    expect(openDataKey(k, dataKeyEncryptionKey(t.config.plugins.businessTransfer.dataKeySecret), running.id).equals(acquirers)).toBe(true);
    expect(k).not.toContain(acquirers.toString('hex'));
    expect(k).not.toContain(acquirers.toString('base64').slice(0, 20));
    expect(() => openDataKey(k, dataKeyEncryptionKey('another-gateway-secret-0123456789abcdef'), running.id)).toThrow(/cannot be opened/);
    // Moved to another transfer's row, it does not open there.
    expect(() => openDataKey(k, dataKeyEncryptionKey(t.config.plugins.businessTransfer.dataKeySecret), running.id + 1)).toThrow(/cannot be opened/);
    const res = await t.gql(CANCEL, { id: String(running.id) }, mna());
    expect(res.errors).toBeUndefined();
    const [{ k: after }] = await ds.query('SELECT data_key AS k FROM business_transfers WHERE id = ?', [running.id]);
    expect(after).toBeNull();
  });

  it('encrypts with a data key wrapped for the acquirer, and decrypts and verifies', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const res = await start({ phase: 'CLOSING', format: 'CSV', scope: { regions: ['US-CA'] }, encryptFor: publicKey });
    expect(res.errors).toBeUndefined();
    const done = await finished(res.data!.startBusinessTransfer.id);
    expect(done).toMatchObject({ status: 'COMPLETED', encrypted: true });
    const manifest = JSON.parse(done.manifest!) as Manifest;
    expect(manifest.encryption).toMatchObject({ algorithm: 'AES-256-GCM', keyWrap: 'RSA-OAEP-SHA256' });
    expect(manifest.files.map((f) => f.name)).toEqual(['subjects.csv.gz.enc', 'consents.csv.gz.enc', 'disclosures.csv.gz.enc']);
    const [{ k }] = await t.gateway.dataSource.query('SELECT data_key AS k FROM business_transfers WHERE id = ?', [Number(done.id)]);
    expect(k).toBeNull(); // the data key does not outlive the transfer
    expect(await verifyExport(done.exportPath)).toMatchObject({ valid: true });
    expect(await verifyExport(done.exportPath, privateKey)).toMatchObject({ valid: true });
    // Without the key the ciphertext reveals nothing readable.
    const enc = await readFile(path.join(done.exportPath, 'subjects.csv.gz.enc'));
    expect(() => gunzipSync(enc)).toThrow();

    const out = path.join(exportDir, `plain-${done.id}`);
    const written = await decryptExport(done.exportPath, privateKey, out);
    expect(written.map((w) => path.basename(w))).toEqual(['subjects.csv.gz', 'consents.csv.gz', 'disclosures.csv.gz']);
    const plain = lines(await readFile(written[0]!));
    expect(plain[0]).toBe('id,name,email,phone,streetAddress,city,postalCode,region,country,birthDate,ageRange,source,createdAt,updatedAt');
    expect(plain.length - 1).toBe(manifest.files[0]!.rows);
    const [{ n }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM subjects WHERE region = 'US-CA' AND status = 'ACTIVE'`);
    expect(manifest.files[0]!.rows).toBe(Number(n));

    // The same through the built CLI (the acquirer's side: no database needed).
    const keyFile = path.join(exportDir, `key-${done.id}.pem`);
    await writeFile(keyFile, privateKey);
    // The gateway's signing key, as the acquirer is given it (EXPORT_KEY is the test's own, as the gateway's).
    const signingKey = runCli(['transfer', 'signing-key'], { EXPORT_KEY: t.config.plugins.businessTransfer.dataKeySecret });
    expect(await signingKey.exited).toBe(0);
    expect(signingKey.output()).toBe(manifestSigningKey(dataKeyEncryptionKey(t.config.plugins.businessTransfer.dataKeySecret)).publicKeyPem);
    const signerFile = path.join(exportDir, `gateway-${done.id}.pem`);
    await writeFile(signerFile, signingKey.output());
    const verified = runCli(['transfer', 'verify', done.exportPath, '--key', keyFile, '--signed-by', signerFile], {});
    expect(await verified.exited).toBe(0);
    expect(JSON.parse(verified.output())).toMatchObject({ valid: true, signature: 'valid' });
    const cliOut = path.join(exportDir, `cli-plain-${done.id}`);
    const decrypted = runCli(['transfer', 'decrypt', done.exportPath, '--key', keyFile, '--out', cliOut], {});
    expect(await decrypted.exited).toBe(0);
    expect(sha256(await readFile(path.join(cliOut, 'subjects.csv.gz')))).toBe(sha256(await readFile(written[0]!)));

    // A tampered byte fails verification (with or without the key).
    enc[enc.length - 20] ^= 0xff;
    const tampered = path.join(exportDir, `tampered-${done.id}`);
    await rm(tampered, { recursive: true, force: true });
    await cp(done.exportPath, tampered, { recursive: true });
    await writeFile(path.join(tampered, 'subjects.csv.gz.enc'), enc);
    expect((await verifyExport(tampered)).valid).toBe(false);
    const refused = runCli(['transfer', 'verify', tampered], {});
    expect(await refused.exited).toBe(1);
    // A manifest rewritten by one byte fails the signature through the CLI, with no decryption key.
    const rewritten = await readFile(path.join(tampered, 'manifest.json'), 'utf8');
    await writeFile(path.join(tampered, 'manifest.json'), rewritten.replace('"schemaVersion"', '"schemaVersion" '));
    const unsigned = runCli(['transfer', 'verify', tampered, '--signed-by', signerFile], {});
    expect(await unsigned.exited).toBe(1);
    expect(JSON.parse(unsigned.output())).toMatchObject({ valid: false, signature: 'invalid' });

    // `transfer status` opens the gateway the CLI hands the plugin command (the plugin never imports it).
    const status = runCli(['transfer', 'status', String(done.id)], { MYSQL_DATABASE: t.config.mysql.database, QUEUE_PREFIX: t.config.redis.prefix, NODE_ENV: 'test' });
    expect(await status.exited).toBe(0);
    expect(JSON.parse(status.output())).toMatchObject({ id: Number(done.id), status: 'COMPLETED' });
    const missing = runCli(['transfer', 'status', '999999'], { MYSQL_DATABASE: t.config.mysql.database, QUEUE_PREFIX: t.config.redis.prefix, NODE_ENV: 'test' });
    expect(await missing.exited).toBe(1);
    expect(missing.errors()).toContain('business transfer 999999 does not exist');
  });

  it('refuses bad input with a typed error and changes no row', async () => {
    const ds = t.gateway.dataSource;
    await ds.query(`INSERT INTO recipients (kind, name, allowed_purposes) VALUES ('ACQUIRER', 'Acquirer Without Purpose', 'LEGAL_COMPLIANCE')`);
    const [{ id: noPurpose }] = await ds.query(`SELECT id FROM recipients WHERE name = 'Acquirer Without Purpose'`);
    const [{ id: agent }] = await ds.query(`SELECT id FROM recipients WHERE kind = 'AGENT' ORDER BY id LIMIT 1`);
    const before = await tableChecksums(t.gateway);
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ acquirerId: '99999', phase: 'CLOSING', scope: { statuses: ['ACTIVE'] } }, 'NOT_FOUND'],
      [{ acquirerId: String(agent), phase: 'CLOSING', scope: { statuses: ['ACTIVE'] } }, 'BAD_USER_INPUT', 'NOT_AN_ACQUIRER'],
      [{ acquirerId: String(noPurpose), phase: 'CLOSING', scope: { statuses: ['ACTIVE'] } }, 'BAD_USER_INPUT', 'PURPOSE_NOT_ALLOWED'],
      [{ phase: 'CLOSING', scope: {} }, 'BAD_USER_INPUT', 'EMPTY_SCOPE'],
      [{ phase: 'CLOSING', scope: { regions: [] } }, 'BAD_USER_INPUT', 'EMPTY_SCOPE'],
      [{ phase: 'CLOSING', scope: { regions: ['ZZ-ZZ'] } }, 'BAD_USER_INPUT', 'EMPTY_SCOPE'],
      [{ phase: 'CLOSING', scope: { statuses: ['ERASED'] } }, 'BAD_USER_INPUT', 'EMPTY_SCOPE'],
      [{ phase: 'CLOSING', scope: { statuses: ['ACTIVE'] }, encryptFor: 'not a key' }, 'BAD_USER_INPUT'],
    ];
    for (const [input, code, reason] of cases) {
      const res = await start(input);
      expect({ input, code: errorCode(res) }).toEqual({ input, code });
      if (reason) expect(res.errors![0]!.extensions!.reason).toBe(reason);
    }
    expect(errorCode(await start({ phase: 'CLOSING', scope: { statuses: ['ACTIVE'] } }, t.token(Role.APP)))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(CANCEL, { id: '99999' }, mna()))).toBe('NOT_FOUND');
    expect(await tableChecksums(t.gateway)).toEqual(before);
  });

  it('cancels a running transfer once; a finished or cancelled one cannot be cancelled', async () => {
    const ds = t.gateway.dataSource;
    // Started without its plan job, so it stays RUNNING-to-be until cancelled.
    const pending = await inTransaction(ds, (em) =>
      startBusinessTransfer(em, { id: 'test-mna', roles: [Role.MNA] }, { dealName: 'Cancelled deal', acquirerId, phase: TransferPhase.CLOSING, scope: { statuses: ['ACTIVE' as never] } }, t.config.plugins.businessTransfer),
    );
    const res = await t.gql<{ cancelBusinessTransfer: { status: string; cancelledBy: string } }>(CANCEL, { id: String(pending.id) }, mna());
    expect(res.data!.cancelBusinessTransfer).toEqual({ id: String(pending.id), status: 'CANCELLED', cancelledBy: 'test-mna' });
    const again = await t.gql(CANCEL, { id: String(pending.id) }, mna());
    expect(errorCode(again)).toBe('CONFLICT');
    const [completed] = await ds.query(`SELECT id FROM business_transfers WHERE status = 'COMPLETED' ORDER BY id LIMIT 1`);
    expect(errorCode(await t.gql(CANCEL, { id: String(completed.id) }, mna()))).toBe('CONFLICT');
    const audits: { action: string }[] = await ds.query(`SELECT action FROM audit_events WHERE entity_type = 'BusinessTransfer' AND entity_id = ? ORDER BY seq`, [pending.id]);
    expect(audits.map((a) => a.action)).toEqual(['business-transfer.started', 'business-transfer.cancelled']);
    const list = await t.gql<{ businessTransfers: { edges: { node: { id: string; status: string } }[] } }>(`{ businessTransfers(first: 50) { edges { node { id status } } } }`, undefined, mna());
    expect(list.data!.businessTransfers.edges.map((e) => e.node.status)).toContain('CANCELLED');
  });

  it('downloads a completed transfer\'s files for M&A only, each download audited, and no name reaches another file', async () => {
    const started = await start({ phase: 'CLOSING', scope: { regions: ['US-NY'] } });
    const id = started.data!.startBusinessTransfer.id;
    const done = await finished(id);
    expect(done.status).toBe('COMPLETED');
    const base = t.url.replace(/\/graphql$/, '');
    const get = (file: string, token: string | null = mna()) => fetch(`${base}/exports/transfers/${id}/${file}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const audits = async () => (await t.gateway.dataSource.query(`SELECT details FROM audit_events WHERE action = 'business-transfer.artifact-downloaded' AND entity_id = ? ORDER BY seq`, [id])).map((r: { details: string | object }) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details));

    // Every listed file, byte for byte as the manifest describes it.
    for (const a of done.artifacts) {
      const res = await get(a.name);
      expect([a.name, res.status]).toEqual([a.name, 200]);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="transfer-${id}-${a.name}"`);
      expect(res.headers.get('x-content-sha256')).toBe(a.sha256);
      const body = Buffer.from(await res.arrayBuffer());
      expect(sha256(body)).toBe(a.sha256);
      expect(body.length).toBe(a.bytes);
    }
    const manifest = await get('manifest.json');
    expect(manifest.status).toBe(200);
    expect(((await manifest.json()) as Manifest).transferId).toBe(Number(id));
    const recorded = await audits();
    expect(recorded.map((d: { file: string }) => d.file)).toEqual([...done.artifacts.map((a) => a.name), 'manifest.json']);
    expect(recorded[0]).toMatchObject({ sha256: done.artifacts[0]!.sha256, bytes: done.artifacts[0]!.bytes });
    // The manifest's signature is there to download too, and signs the manifest that was downloaded.
    const manifestBytes = Buffer.from(await (await get('manifest.json')).arrayBuffer());
    const sigRes = await get('manifest.json.sig');
    expect(sigRes.status).toBe(200);
    expect(checkManifestSignature(manifestBytes, await sigRes.text(), manifestSigningKey(dataKeyEncryptionKey(t.config.plugins.businessTransfer.dataKeySecret)).publicKeyPem)).toBe('valid');
    const downloads = recorded.length + 2;

    // Refused, with the gateway's error codes, and none of it audited.
    const refused = async (res: Response, status: number, code: string) => {
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([status, code]);
    };
    await refused(await get(done.artifacts[0]!.name, t.token(Role.LEGAL)), 403, 'FORBIDDEN');
    await refused(await get(done.artifacts[0]!.name, null), 401, 'UNAUTHENTICATED');
    for (const name of ['subjects.ndjson', '..%2F..%2Fpackage.json', '%2Fetc%2Fpasswd', '.%2Fmanifest.json', 'manifest.json%00'])
      expect([name, (await get(name)).status]).toEqual([name, 404]);
    await refused(await fetch(`${base}/exports/transfers/x1/manifest.json`, { headers: { authorization: `Bearer ${mna()}` } }), 400, 'BAD_USER_INPUT');
    await refused(await fetch(`${base}/exports/transfers/999999/manifest.json`, { headers: { authorization: `Bearer ${mna()}` } }), 404, 'NOT_FOUND');
    // HEAD sends nothing, so it records nothing; a listed file gone from disk is not found, and not recorded either.
    expect((await fetch(`${base}/exports/transfers/${id}/manifest.json`, { method: 'HEAD', headers: { authorization: `Bearer ${mna()}` } })).status).toBe(405);
    const gone = path.join(done.exportPath, done.artifacts[1]!.name);
    const kept = await readFile(gone);
    await rm(gone);
    await refused(await get(done.artifacts[1]!.name), 404, 'NOT_FOUND');
    await writeFile(gone, kept);
    // The files on disk, checked against the manifest the gateway recorded: all fine, then a changed file and a rewritten manifest.json are found.
    const VERIFY = `query($id: ID!) { verifyBusinessTransfer(id: $id) { valid files { name ok problems } } }`;
    const verify = async () => (await t.gql<{ verifyBusinessTransfer: { valid: boolean; files: { name: string; ok: boolean; problems: string[] }[] } }>(VERIFY, { id }, mna())).data!.verifyBusinessTransfer;
    const fine = await verify();
    expect(fine.valid).toBe(true);
    expect(fine.files.map((f) => f.name)).toEqual([...done.artifacts.map((a) => a.name), 'manifest.json', 'manifest.json.sig']);
    // The acquirer's side, without any decryption key: the signature is checked against the gateway's public key.
    const gatewayKey = manifestSigningKey(dataKeyEncryptionKey(t.config.plugins.businessTransfer.dataKeySecret)).publicKeyPem;
    expect(await verifyExport(done.exportPath, undefined, gatewayKey)).toMatchObject({ valid: true, signature: 'valid' });
    const first = path.join(done.exportPath, done.artifacts[0]!.name);
    const original = await readFile(first);
    await writeFile(first, Buffer.concat([original, Buffer.from([0])]));
    const manifestPath = path.join(done.exportPath, 'manifest.json');
    const onDisk = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    await writeFile(manifestPath, JSON.stringify({ ...onDisk, files: onDisk.files.map((f, i) => (i === 0 ? { ...f, bytes: f.bytes + 1 } : f)) }));
    const broken = await verify();
    expect(broken.valid).toBe(false);
    expect(broken.files[0]).toEqual({ name: done.artifacts[0]!.name, ok: false, problems: [`${original.length + 1} bytes, the manifest says ${original.length}`, expect.stringMatching(/^SHA-256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}$/)] });
    expect(broken.files.slice(-2)).toEqual([
      { name: 'manifest.json', ok: false, problems: ['differs from the manifest the gateway recorded'] },
      { name: 'manifest.json.sig', ok: false, problems: ['does not sign manifest.json with the gateway\'s key'] },
    ]);
    expect(broken.files.slice(1, -2).every((f) => f.ok)).toBe(true);
    // A changed file with a manifest rewritten to match it passes a check of sizes and hashes alone,
    // and fails the signature, with no decryption key needed.
    const rewritten = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    const changed = await readFile(first);
    rewritten.files[0] = { ...rewritten.files[0]!, bytes: changed.length, sha256: sha256(changed) };
    await writeFile(manifestPath, `${JSON.stringify(rewritten, null, 2)}\n`);
    expect((await verifyExport(done.exportPath)).signature).toBe('not checked');
    expect(await verifyExport(done.exportPath, undefined, gatewayKey)).toMatchObject({ valid: false, signature: 'invalid' });
    await rm(path.join(done.exportPath, 'manifest.json.sig'));
    expect(await verifyExport(done.exportPath, undefined, gatewayKey)).toMatchObject({ valid: false, signature: 'missing' });
    expect(errorCode(await t.gql(VERIFY, { id }, t.token(Role.LEGAL)))).toBe('FORBIDDEN');
    // A transfer that is not completed, or whose files were purged, has nothing to download.
    await t.gateway.dataSource.query(`UPDATE business_transfers SET artifacts_purged_at = NOW(3) WHERE id = ?`, [id]);
    await refused(await get('manifest.json'), 409, 'CONFLICT');
    expect(errorCode(await t.gql(VERIFY, { id }, mna()))).toBe('CONFLICT');
    expect(await audits()).toHaveLength(downloads);
  });
});
