import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { appendAudit, auditHash } from '../../src/domain/audit.service';
import { purgeExpiredRecords } from '../../src/plugins/legal-hold/legal-hold.service';
import { Role } from '../../src/entities/enums';
import { publishCheckpoint } from '../../src/jobs/audit-checkpoint.job';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

interface Report { valid: boolean; recordsChecked: number; mismatchedRecordIds: string[]; recordsSealed: number; sealValid: boolean; setMatchesSeal: boolean }
interface ChainReport { valid: boolean; eventsChecked: number; brokenAtSeq: number | null; reason: string | null; checkpointsChecked: number; lastCheckpointSeq: number | null }

/**
 * Issue 21, point 10 (docs/legal.md): a database writer can edit, delete and insert rows and
 * recompute every unkeyed hash; without INTEGRITY_KEY they cannot make a preserved set or the
 * audit chain verify again.
 */
describe('integrity that survives a database writer', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  let holdId: string;

  const verifyHold = async () => {
    const res = await t.gql<{ verifyPreservation: Report }>(`query($id: ID!) { verifyPreservation(holdId: $id) { valid recordsChecked mismatchedRecordIds recordsSealed sealValid setMatchesSeal } }`, { id: holdId }, t.token(Role.LEGAL));
    expect(res.errors).toBeUndefined();
    return res.data!.verifyPreservation;
  };
  const verifyChain = async () => {
    const res = await t.gql<{ verifyAuditChain: ChainReport }>(`{ verifyAuditChain { valid eventsChecked brokenAtSeq reason checkpointsChecked lastCheckpointSeq } }`, undefined, t.token(Role.LEGAL));
    expect(res.errors).toBeUndefined();
    return res.data!.verifyAuditChain;
  };
  /** Runs a tampering, checks what verification says, and puts the rows back as they were. */
  async function tampered<T>(table: string, where: string, change: () => Promise<void>, check: () => Promise<T>): Promise<T> {
    const before = await ds().query(`SELECT * FROM ${table} WHERE ${where}`);
    await change();
    try {
      return await check();
    } finally {
      await ds().query(`DELETE FROM ${table} WHERE ${where}`);
      for (const row of before) {
        const cols = Object.keys(row);
        // JSON columns come back parsed: written back as JSON text.
        const value = (v: unknown) => (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v) ? JSON.stringify(v) : v);
        await ds().query(`INSERT INTO ${table} (${cols.map((c) => `\`${c}\``).join(',')}) VALUES (${cols.map(() => '?').join(',')})`, cols.map((c) => value(row[c])));
      }
    }
  }

  beforeAll(async () => {
    t = await startTestGateway('integrity');
    await seedDemoData(ds(), systemActor, { subjects: 12, recipients: 6, seed: 10 });
    const res = await t.gql<{ placeLegalHold: { hold: { id: string } } }>(`mutation { placeLegalHold(input: { matter: "Integrity", caseReference: "I-1", subjectIds: ["1", "2", "3"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL));
    holdId = res.data!.placeLegalHold.hold.id;
  });
  afterAll(() => t.close());

  it('a freshly preserved set verifies, and its seal is in the audit log', async () => {
    const report = await verifyHold();
    expect(report).toMatchObject({ valid: true, mismatchedRecordIds: [], sealValid: true, setMatchesSeal: true });
    expect(report.recordsSealed).toBe(report.recordsChecked);
    expect(report.recordsChecked).toBeGreaterThan(3);
    const [audit] = await ds().query(`SELECT details FROM audit_events WHERE action = 'legal-hold.sealed' AND entity_id = ? ORDER BY seq DESC LIMIT 1`, [holdId]);
    const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details;
    expect(details.records).toBe(report.recordsSealed);
  });

  it('an edited record with its SHA-256 recomputed is found by its keyed MAC', async () => {
    const [rec] = await ds().query(`SELECT id, content FROM legal_hold_preserved_records WHERE hold_id = ? AND record_type = 'SUBJECT' ORDER BY id LIMIT 1`, [holdId]);
    const forged = rec.content.replace(/"name":"[^"]*"/, '"name":"Someone Else"');
    expect(forged).not.toBe(rec.content);
    const report = await tampered('legal_hold_preserved_records', `id = ${rec.id}`, () => ds().query('UPDATE legal_hold_preserved_records SET content = ?, sha256 = ? WHERE id = ?', [forged, sha(forged), rec.id]), verifyHold);
    expect(report).toMatchObject({ valid: false, mismatchedRecordIds: [String(rec.id)] });
  });

  it('a deleted record is found: the set no longer matches its seal', async () => {
    const [rec] = await ds().query(`SELECT id FROM legal_hold_preserved_records WHERE hold_id = ? ORDER BY id DESC LIMIT 1`, [holdId]);
    const report = await tampered('legal_hold_preserved_records', `id = ${rec.id}`, () => ds().query('DELETE FROM legal_hold_preserved_records WHERE id = ?', [rec.id]), verifyHold);
    expect(report).toMatchObject({ valid: false, mismatchedRecordIds: [], sealValid: true, setMatchesSeal: false });
    expect(report.recordsChecked).toBe(report.recordsSealed - 1);
  });

  it('an inserted record is found, whether forged or a replayed copy of a real one', async () => {
    const [rec] = await ds().query(`SELECT * FROM legal_hold_preserved_records WHERE hold_id = ? ORDER BY id LIMIT 1`, [holdId]);
    const [{ maxId }] = await ds().query('SELECT MAX(id) AS maxId FROM legal_hold_preserved_records');
    const copyId = Number(maxId) + 1;
    const insert = (mac: string | null) => ds().query(
      'INSERT INTO legal_hold_preserved_records (id, hold_id, subject_id, record_type, record_id, content, sha256, mac, preserved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [copyId, rec.hold_id, rec.subject_id, rec.record_type, Number(rec.record_id) + 100000, rec.content, rec.sha256, mac, rec.preserved_at],
    );
    const replay = await tampered('legal_hold_preserved_records', `id = ${copyId}`, () => insert(rec.mac), verifyHold);
    expect(replay).toMatchObject({ valid: false, mismatchedRecordIds: [String(copyId)], setMatchesSeal: false });
    const forged = await tampered('legal_hold_preserved_records', `id = ${copyId}`, () => insert('e'.repeat(64)), verifyHold);
    expect(forged).toMatchObject({ valid: false, setMatchesSeal: false });
  });

  it('a seal rewritten to match a changed set does not verify without the key', async () => {
    const [rec] = await ds().query(`SELECT id, mac FROM legal_hold_preserved_records WHERE hold_id = ? ORDER BY id DESC LIMIT 1`, [holdId]);
    const [seal] = await ds().query('SELECT seal_count, seal_digest FROM legal_hold_preservations WHERE hold_id = ?', [Number(holdId)]);
    const digest = ((BigInt(`0x${seal.seal_digest}`) - BigInt(`0x${rec.mac}`) + 2n ** 256n) % 2n ** 256n).toString(16).padStart(64, '0');
    const report = await tampered('legal_hold_preservations', `hold_id = ${Number(holdId)}`, async () => {
      await ds().query('UPDATE legal_hold_preservations SET seal_count = seal_count - 1, seal_digest = ? WHERE hold_id = ?', [digest, Number(holdId)]);
    }, () => tampered('legal_hold_preserved_records', `id = ${rec.id}`, () => ds().query('DELETE FROM legal_hold_preserved_records WHERE id = ?', [rec.id]), verifyHold));
    // The count and digest agree with the rows left, but the seal's MAC does not verify.
    expect(report).toMatchObject({ valid: false, setMatchesSeal: true, sealValid: false });
    expect((await verifyHold()).valid).toBe(true);
  });

  it('a record stripped of its MAC stays a mismatch, and a purge date forced on an active hold purges nothing', async () => {
    const [rec] = await ds().query(`SELECT id FROM legal_hold_preserved_records WHERE hold_id = ? ORDER BY id LIMIT 1`, [holdId]);
    const stripped = await tampered('legal_hold_preserved_records', `id = ${rec.id}`, async () => {
      await ds().query('UPDATE legal_hold_preserved_records SET mac = NULL WHERE id = ?', [rec.id]);
      // The maintenance job runs: it seals nothing a writer stripped.
      await t.gateway.dataSource.transaction((em) => purgeExpiredRecords(em, t.config.integrity.key));
    }, verifyHold);
    expect(stripped).toMatchObject({ valid: false, mismatchedRecordIds: [String(rec.id)] });
    const forced = await tampered('legal_hold_preserved_records', `hold_id = ${holdId}`, async () => {
      await ds().query('UPDATE legal_hold_preserved_records SET purge_after = ? WHERE hold_id = ?', [new Date(Date.now() - 86_400_000), holdId]);
      expect(await t.gateway.dataSource.transaction((em) => purgeExpiredRecords(em, t.config.integrity.key))).toBe(0);
    }, verifyHold);
    expect(forced.valid).toBe(true);
  });

  it('a hold whose seal row is gone, or whose seal is not the last one the audit log recorded, does not verify', async () => {
    const gone = await tampered('legal_hold_preservations', `hold_id = ${Number(holdId)}`, () => ds().query('DELETE FROM legal_hold_preservations WHERE hold_id = ?', [Number(holdId)]), verifyHold);
    expect(gone).toMatchObject({ valid: false, sealValid: false });
    // An extra, genuine-looking seal event after the current seal: the seal is no longer the last recorded.
    const [{ maxSeq }] = await ds().query('SELECT MAX(seq) AS maxSeq FROM audit_events');
    await t.gateway.dataSource.transaction((em) => appendAudit(em, systemActor, { action: 'legal-hold.sealed', entityType: 'LegalHold', entityId: holdId, details: { records: 0, digest: '0'.repeat(64) } }));
    const stale = await verifyHold();
    expect(stale).toMatchObject({ valid: false, sealValid: false });
    await ds().query('DELETE FROM audit_events WHERE seq > ?', [maxSeq]);
    const [last] = await ds().query('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    await ds().query('UPDATE audit_chain_head SET last_seq = ?, last_hash = ? WHERE id = 1', [last.seq, last.hash]);
    expect((await verifyHold()).valid).toBe(true);
  });

  it('the audit chain rewritten up to a signed checkpoint, with every hash and the head recomputed, fails against the checkpoint', async () => {
    const cp = await publishCheckpoint(ds(), t.config.integrity.key, t.config.integrity.checkpointFile);
    expect(cp).not.toBeNull();
    const clean = await verifyChain();
    expect(clean).toMatchObject({ valid: true, checkpointsChecked: 1, lastCheckpointSeq: cp!.seq });
    // Nothing new: no second checkpoint.
    expect(await publishCheckpoint(ds(), t.config.integrity.key, t.config.integrity.checkpointFile)).toBeNull();

    // Rewrite event 2 and re-hash it and every event after it, then the head: the chain alone verifies.
    const events = await ds().query('SELECT * FROM audit_events ORDER BY seq');
    const [head] = await ds().query('SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1');
    const rewrite = async () => {
      let prev = events[0].hash as string;
      for (const e of events.slice(1)) {
        const actor = e.seq === 2 ? 'mallory' : e.actor;
        const details = typeof e.details === 'string' ? JSON.parse(e.details) : e.details;
        const hash = auditHash({ seq: e.seq, occurredAt: e.occurred_at, actor, action: e.action, entityType: e.entity_type, entityId: e.entity_id, details, prevHash: prev });
        await ds().query('UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?', [actor, prev, hash, e.id]);
        prev = hash;
      }
      await ds().query('UPDATE audit_chain_head SET last_hash = ? WHERE id = 1', [prev]);
    };
    const report = await tampered('audit_events', '1 = 1', async () => {
      await rewrite();
    }, verifyChain);
    await ds().query('UPDATE audit_chain_head SET last_seq = ?, last_hash = ? WHERE id = 1', [head.last_seq, head.last_hash]);
    expect(report.valid).toBe(false);
    expect(report.brokenAtSeq).toBe(cp!.seq);
    expect(report.reason).toMatch(/differs from the signed checkpoint/);
    expect((await verifyChain()).valid).toBe(true);
  });

  it('a chain cut short below a checkpoint, or a forged checkpoint line, is reported', async () => {
    const [head] = await ds().query('SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1');
    const [last] = await ds().query('SELECT seq, prev_hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    const cut = await tampered('audit_events', `seq = ${last.seq}`, async () => {
      await ds().query('DELETE FROM audit_events WHERE seq = ?', [last.seq]);
      await ds().query('UPDATE audit_chain_head SET last_seq = ?, last_hash = ? WHERE id = 1', [Number(last.seq) - 1, last.prev_hash]);
    }, verifyChain);
    await ds().query('UPDATE audit_chain_head SET last_seq = ?, last_hash = ? WHERE id = 1', [head.last_seq, head.last_hash]);
    expect(cut).toMatchObject({ valid: false });
    expect(cut.reason).toMatch(/signed checkpoint records event/);

    const file = t.config.integrity.checkpointFile;
    const text = await readFile(file, 'utf8');
    const line = JSON.parse(text.trim().split('\n')[0]!);
    await writeFile(file, `${text}${JSON.stringify({ ...line, hash: 'f'.repeat(64) })}\n`);
    const forged = await verifyChain();
    await writeFile(file, text);
    expect(forged).toMatchObject({ valid: false });
    expect(forged.reason).toMatch(/not signed checkpoints: 2/);
    expect((await verifyChain()).valid).toBe(true);
  });
});
