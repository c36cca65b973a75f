import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inTransaction } from '../../src/domain/transaction';
import { Role } from '../../src/entities/enums';
import { purgeExpiredArtifacts } from '../../src/plugins/business-transfer/export-retention.service';
import { cancelBusinessTransfer } from '../../src/plugins/business-transfer/transfer-lifecycle.service';
import { createMailTransport } from '../../src/jobs/mail-transport';
import { deliverOutbox } from '../../src/jobs/outbox-delivery.job';
import { waitFor } from '../helpers/wait';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

interface Kept { plugin: string; what: string; exception: string; until: string | null; refs: Record<string, number[]> }
interface Req { id: string; status: string; reasonCode: string | null; result: { kept?: Kept[]; requestRecordKeptUntil?: string; erased?: Record<string, number> } | null }

/**
 * Issue 21, points 3, 5 and 8 (docs/legal.md): an erasure says what went and what stays, under
 * which exception and until when; export files expire and are purged; the person is told when a
 * hold stops their request and when it completes.
 */
describe('what an erasure tells the person (11 CCR 7022(f))', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  const ops = () => t.token(Role.PRIVACY_OPS);
  let acquirer: number;

  async function person(name: string, email: string | null, address = true): Promise<number> {
    const r = (await ds().query(
      `INSERT INTO subjects (name, email, street_address, city, postal_code, region, country, status, source) VALUES (?, ?, ?, ?, ?, 'US-CA', 'US', 'ACTIVE', 'CONTACT_FORM')`,
      [name, email, address ? '5 Elm St' : null, address ? 'Fresno' : null, address ? '93701' : null],
    )) as { insertId: number };
    return Number(r.insertId);
  }
  /** A closing transfer that exported the person, as the plugin records it: a disclosure per person, referenced to the transfer. */
  async function closingTransfer(subjectIds: number[], expireAt: Date, exportPath: string): Promise<number> {
    const r = (await ds().query(
      `INSERT INTO business_transfers (deal_name, acquirer_id, phase, format, scope, status, generated_at, subject_max_id, disclosure_max_id, consent_event_max_id, chunk_size, k,
         export_path, subjects_total, subjects_done, chunks_done, started_by, started_at, finished_at, artifact_retention_days, artifacts_expire_at)
       VALUES ('Project Elm', ?, 'CLOSING', 'NDJSON', '{}', 'COMPLETED', NOW(3), 1000, 1000, 1000, 100, 11, ?, ?, ?, 1, 'test', NOW(3), NOW(3), 30, ?)`,
      [acquirer, exportPath, subjectIds.length, subjectIds.length, expireAt],
    )) as { insertId: number };
    for (const s of subjectIds)
      await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, transaction_reference, occurred_at, recorded_by) VALUES (?, ?, 'BUSINESS_TRANSFER', 1, ?, NOW(3), 'test')`, [s, acquirer, `business-transfer:${r.insertId}`]);
    return Number(r.insertId);
  }
  const erase = async (subjectId: number): Promise<string> => {
    const res = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "${subjectId}", channel: "EMAIL") { request { id } } }`, undefined, ops());
    expect(res.errors).toBeUndefined();
    return res.data!.requestErasure.request.id;
  };
  const read = async (id: string): Promise<Req> => (await t.gql<{ dataRequest: Req }>(`query($id: ID!) { dataRequest(id: $id) { id status reasonCode result } }`, { id }, ops())).data!.dataRequest;
  const settled = (id: string, status: string) => waitFor(async () => {
    const r = await read(id);
    return r.status === status ? r : undefined;
  }, `request ${id} ${status}`);
  const messages = (requestId: string) =>
    ds().query(`SELECT kind, channel, to_address, subject, text_body FROM outbox_messages WHERE data_request_id = ? ORDER BY id`, [Number(requestId)]) as Promise<{ kind: string; channel: string; to_address: string | null; subject: string; text_body: string }[]>;

  beforeAll(async () => {
    t = await startTestGateway('erasure_account', { env: { LEGAL_HOLD_PURGE_GRACE_DAYS: '30' } });
    const r = (await ds().query(`INSERT INTO recipients (kind, name, email, allowed_purposes) VALUES ('ACQUIRER', 'Buyer Co', 'privacy@buyer.example', 'BUSINESS_TRANSFER')`)) as { insertId: number };
    acquirer = Number(r.insertId);
    await t.gateway.work(['erasure']);
  });
  afterAll(() => t.close());

  it('7022(f): the confirmation names the closing export that still holds the person, until it expires, and the acquirer is told', async () => {
    const ana = await person('Ana Archive', 'ana@example.com');
    const expires = new Date(Date.now() + 20 * 86_400_000);
    const transfer = await closingTransfer([ana], expires, path.join(t.config.plugins.businessTransfer.exportDir, 'transfer-x'));
    const request = await erase(ana);
    const done = await settled(request, 'COMPLETED');
    expect(done.result!.kept).toEqual([
      expect.objectContaining({ plugin: 'business-transfer', refs: { transferIds: [transfer] }, until: expires.toISOString() }),
    ]);
    expect(done.result!.kept![0]!.what).toContain('Buyer Co');
    expect(done.result!.kept![0]!.exception).toContain('7022(d)');
    const sent = await messages(request);
    const confirmation = sent.find((m) => m.kind === 'ERASURE_CONFIRMATION')!;
    expect(confirmation).toMatchObject({ channel: 'EMAIL', to_address: 'ana@example.com', subject: 'Your personal information has been deleted, except what we must keep' });
    expect(confirmation.text_body).toContain('export files of a business transfer to Buyer Co');
    expect(confirmation.text_body).toContain(`until ${new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', dateStyle: 'long' }).format(expires)}`);
    expect(confirmation.text_body).toContain('section 7101');
    expect(confirmation.text_body).not.toMatch(/We have deleted the personal information we held about you/);
    // The acquirer is a recipient of the person's data: told to delete it.
    expect(sent.filter((m) => m.kind === 'ERASURE_NOTICE').map((m) => m.to_address)).toEqual(['privacy@buyer.example']);
  });

  it('export files are purged when their retention ends, and an erasure after that keeps nothing of them', async () => {
    const ben = await person('Ben Bygone', 'ben@example.com');
    const dir = path.join(t.config.plugins.businessTransfer.exportDir, `expired-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'subjects.ndjson.gz'), 'rows');
    const transfer = await closingTransfer([ben], new Date(Date.now() - 1000), dir);
    const fresh = await closingTransfer([], new Date(Date.now() + 86_400_000), path.join(dir, '..', 'fresh'));
    const purged: number[] = [];
    for (;;) {
      const id = await inTransaction(ds(), (em) => purgeExpiredArtifacts(em));
      if (id === null) break;
      purged.push(id);
    }
    expect(purged).toEqual([transfer]);
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    const [row] = await ds().query('SELECT artifacts_purged_at FROM business_transfers WHERE id = ?', [transfer]);
    expect(row.artifacts_purged_at).not.toBeNull();
    const [{ n }] = await ds().query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'business-transfer.artifacts-purged' AND entity_id = ?`, [String(transfer)]);
    expect(Number(n)).toBe(1);
    const [other] = await ds().query('SELECT artifacts_purged_at FROM business_transfers WHERE id = ?', [fresh]);
    expect(other.artifacts_purged_at).toBeNull();
    const request = await erase(ben);
    const done = await settled(request, 'COMPLETED');
    expect(done.result!.kept).toEqual([]);
    const confirmation = (await messages(request)).find((m) => m.kind === 'ERASURE_CONFIRMATION')!;
    expect(confirmation.subject).toBe('Your personal information has been deleted');
  });

  it('a cancelled transfer keeps its files no longer: they expire at the cancel, the sweep takes them, and an erasure lists none of them', async () => {
    const cora = await person('Cora Cancelled', 'cora@example.com');
    const dir = path.join(t.config.plugins.businessTransfer.exportDir, `cancelled-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'subjects.ndjson.gz'), 'rows');
    // Running, with a retention that would last a month had it completed.
    const transfer = await closingTransfer([cora], new Date(Date.now() + 30 * 86_400_000), dir);
    await ds().query(`UPDATE business_transfers SET status = 'RUNNING', finished_at = NULL WHERE id = ?`, [transfer]);
    const before = Date.now();
    await inTransaction(ds(), (em) => cancelBusinessTransfer(em, { id: 'test:mna', roles: [Role.MNA] }, transfer));
    const [row] = await ds().query('SELECT status, artifacts_expire_at FROM business_transfers WHERE id = ?', [transfer]);
    expect(row.status).toBe('CANCELLED');
    expect(new Date(row.artifacts_expire_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(row.artifacts_expire_at).getTime()).toBeLessThanOrEqual(Date.now());
    // Even before the sweep, an erasure does not count a cancelled transfer's files as kept.
    const request = await erase(cora);
    const done = await settled(request, 'COMPLETED');
    expect(done.result!.kept).toEqual([]);
    const purged: number[] = [];
    for (;;) {
      const id = await inTransaction(ds(), (em) => purgeExpiredArtifacts(em));
      if (id === null) break;
      purged.push(id);
    }
    expect(purged).toContain(transfer);
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('7022(f)(1): a hold stops the request and the person is told once; on release the confirmation says the preserved copy stays until its purge', async () => {
    const cleo = await person('Cleo Custody', 'cleo@example.com');
    const place = async (matter: string) =>
      (await t.gql<{ placeLegalHold: { hold: { id: string } } }>(`mutation { placeLegalHold(input: { matter: "${matter}", caseReference: "${matter}-1", subjectIds: ["${cleo}"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL))).data!.placeLegalHold.hold.id;
    const first = await place('Alpha');
    const second = await place('Beta');
    const request = await erase(cleo);
    await settled(request, 'BLOCKED_BY_HOLD');
    const release = (id: string) => t.gql(`mutation { releaseLegalHold(holdId: "${id}", reason: "matter closed") { freedSubjectIds } }`, undefined, t.token(Role.LEGAL));
    // One hold released, the other still active: the request is asked again and stays blocked.
    expect((await release(first)).errors).toBeUndefined();
    await waitFor(async () => {
      const r = await read(request);
      return r.status === 'BLOCKED_BY_HOLD' && JSON.stringify(r.result).includes(`"holdIds":[${second}]`) ? r : undefined;
    }, 'still blocked by the second hold only');
    let sent = await messages(request);
    expect(sent.filter((m) => m.kind === 'ERASURE_BLOCKED')).toHaveLength(1);
    const blocked = sent.find((m) => m.kind === 'ERASURE_BLOCKED')!;
    expect(blocked).toMatchObject({ to_address: 'cleo@example.com', subject: 'Your deletion request cannot be completed yet' });
    // A hold's matter is privileged: the person is told of a legal obligation, not of the matter.
    expect(blocked.text_body).not.toMatch(/Alpha|Beta/);

    expect((await release(second)).errors).toBeUndefined();
    const done = await settled(request, 'COMPLETED');
    const kept = done.result!.kept!;
    expect(kept).toEqual([expect.objectContaining({ plugin: 'legal-hold', refs: { holdIds: [Number(first), Number(second)] } })]);
    const [{ until }] = await ds().query('SELECT MAX(purge_after) AS until FROM legal_hold_preserved_records WHERE subject_id = ?', [cleo]);
    expect(kept[0]!.until).toBe(new Date(until).toISOString());
    sent = await messages(request);
    const confirmation = sent.find((m) => m.kind === 'ERASURE_CONFIRMATION')!;
    expect(confirmation.text_body).toContain('preserved for a legal matter that has now ended');
    // The blocked message was already sent or is cancelled with the rest; the person gets no second one.
    expect(sent.filter((m) => m.kind === 'ERASURE_BLOCKED')).toHaveLength(1);
  });

  it('1798.105(c): each recipient is told who the person is by what it received, and the notice keeps no identifier once sent', async () => {
    const fay = await person('Fay Found', 'fay@example.com');
    await ds().query(`UPDATE subjects SET phone = '+1 559 555 0101' WHERE id = ?`, [fay]);
    const lists = (await ds().query(`INSERT INTO recipients (kind, name, email, postal_address, allowed_purposes) VALUES ('THIRD_PARTY', 'Lists Co', 'dpo@lists.example', '1 List Rd', 'DIRECT_MARKETING')`)) as { insertId: number };
    const stats = (await ds().query(`INSERT INTO recipients (kind, name, email, allowed_purposes) VALUES ('AGENT', 'Stats Co', 'dpo@stats.example', 'SERVICE_PROVISION')`)) as { insertId: number };
    const disclose = async (recipientId: number, categories: string[]) => {
      const d = (await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (?, ?, 'DIRECT_MARKETING', 1, '2026-03-02 20:00:00', 'test')`, [fay, recipientId])) as { insertId: number };
      for (const c of categories) await ds().query('INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, ?)', [d.insertId, c]);
    };
    await disclose(lists.insertId, ['user.name', 'user.contact.email']);
    await disclose(stats.insertId, ['user.behavior.browsing_history']);
    const request = await erase(fay);
    await settled(request, 'COMPLETED');
    const notices = (await messages(request)).filter((m) => m.kind === 'ERASURE_NOTICE');
    const toLists = notices.find((m) => m.to_address === 'dpo@lists.example')!;
    expect(toLists.text_body).toContain('  Name: Fay Found\n  Email address: fay@example.com\n');
    expect(toLists.text_body).not.toContain('555 0101');
    const toStats = notices.find((m) => m.to_address === 'dpo@stats.example')!;
    expect(toStats.text_body).not.toContain('fay@example.com');
    expect(toStats.text_body).toContain('Categories you received: user.behavior.browsing_history.');

    await deliverOutbox(ds(), createMailTransport(t.config));
    const after = await ds().query(`SELECT kind, status, to_address, text_body FROM outbox_messages WHERE data_request_id = ? AND kind = 'ERASURE_NOTICE'`, [Number(request)]);
    expect(after.length).toBe(2);
    for (const m of after) expect(m).toMatchObject({ status: 'SENT', to_address: null, text_body: '' });
  });

  it('a person without email is told by post, and one with neither address is not written to', async () => {
    const dora = await person('Dora Doorstep', null);
    const request = await erase(dora);
    await settled(request, 'COMPLETED');
    const [confirmation] = (await messages(request)).filter((m) => m.kind === 'ERASURE_CONFIRMATION');
    expect(confirmation).toMatchObject({ channel: 'POST', to_address: 'Dora Doorstep\n5 Elm St\nFresno, CA 93701' });
    const ed = await person('Ed Elsewhere', null, false);
    const silent = await erase(ed);
    await settled(silent, 'COMPLETED');
    expect((await messages(silent)).filter((m) => m.kind === 'ERASURE_CONFIRMATION')).toEqual([]);
  });
});
