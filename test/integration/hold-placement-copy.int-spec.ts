import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { inTransaction } from '../../src/domain/transaction';
import { Role } from '../../src/entities/enums';
import { snapshotNextBatch } from '../../src/plugins/legal-hold/legal-hold.service';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * Issue 21, point 11 (docs/legal.md): a hold above the snapshot threshold preserves each person's
 * data as it was when the hold was placed, whatever changes before the snapshot job runs.
 */
describe('a large hold preserves the data as of placement', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;

  beforeAll(async () => {
    // No legal-hold worker: the job runs when the test says, after the changes.
    t = await startTestGateway('hold_placement_copy', { env: { LEGAL_HOLD_SNAPSHOT_JOB_THRESHOLD: '3' } });
    await seedDemoData(ds(), systemActor, { subjects: 10, recipients: 6, consentsPerSubject: 4, disclosuresPerSubject: 3, collectionEventsPerSubject: 2, seed: 11 });
  });
  afterAll(() => t.close());

  it('LEGAL.md ("preserved as it was when the hold was placed"): updates, consent changes and new records between placement and the job do not reach the copy', async () => {
    const before = (await ds().query('SELECT name, city FROM subjects WHERE id = 2'))[0];
    const [consent] = await ds().query(`SELECT id, purpose, status FROM consents WHERE subject_id = 2 ORDER BY id LIMIT 1`);
    const [{ d: disclosuresBefore }] = await ds().query('SELECT COUNT(*) AS d FROM disclosures WHERE subject_id = 2');
    const [{ c: visitsBefore }] = await ds().query('SELECT COUNT(*) AS c FROM collection_events WHERE subject_id = 2');
    const placed = await t.gql<{ placeLegalHold: { hold: { id: string; preservation: { status: string; subjectsDone: number } }; snapshotQueued: boolean } }>(
      `mutation { placeLegalHold(input: { matter: "Big", caseReference: "B-11", subjectIds: ["1", "2", "3", "4", "5"] }) { hold { id preservation { status subjectsDone } } snapshotQueued } }`,
      undefined, t.token(Role.LEGAL),
    );
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.placeLegalHold.snapshotQueued).toBe(true);
    expect(placed.data!.placeLegalHold.hold.preservation).toMatchObject({ status: 'PENDING', subjectsDone: 0 });
    const holdId = Number(placed.data!.placeLegalHold.hold.id);

    // Between placement and the job: the record and a consent change, and new history arrives.
    expect((await t.gql(`mutation { updateUser(id: "2", input: { name: "Changed Later", city: "Elsewhere" }) { id } }`, undefined, t.token(Role.ADMIN))).errors).toBeUndefined();
    const flipped = consent.status === 'GRANTED' ? 'WITHDRAWN' : 'GRANTED';
    expect((await t.gql(`mutation { recordConsent(input: { userId: "2", purpose: ${consent.purpose}, status: ${flipped} }) { changed } }`, undefined, t.token(Role.ADMIN))).errors).toBeUndefined();
    const [recipient] = await ds().query(`SELECT id FROM recipients WHERE kind = 'AGENT' LIMIT 1`);
    expect((await t.gql(`mutation { recordDisclosure(input: { userId: "2", recipientId: "${recipient.id}", purpose: SERVICE_PROVISION, categories: ["user.name"] }) { id } }`, undefined, t.token(Role.ADMIN))).errors).toBeUndefined();
    await ds().query(`INSERT INTO collection_events (subject_id, ip_address, page, occurred_at) VALUES (2, '203.0.113.9', '/later', NOW(3))`);

    for (;;) {
      const { remaining } = await inTransaction(ds(), (em) => snapshotNextBatch(em, holdId, 2, t.config.integrity.key));
      if (!remaining) break;
    }
    const copies: { record_type: string; content: string }[] = await ds().query('SELECT record_type, content FROM legal_hold_preserved_records WHERE hold_id = ? AND subject_id = 2', [holdId]);
    const subject = JSON.parse(copies.find((c) => c.record_type === 'SUBJECT')!.content);
    expect({ name: subject.name, city: subject.city }).toEqual(before);
    const copiedConsent = copies.filter((c) => c.record_type === 'CONSENT').map((c) => JSON.parse(c.content)).find((c) => c.id === consent.id);
    expect(copiedConsent.status).toBe(consent.status);
    expect(copies.filter((c) => c.record_type === 'DISCLOSURE')).toHaveLength(Number(disclosuresBefore));
    expect(copies.filter((c) => c.record_type === 'COLLECTION_EVENT')).toHaveLength(Number(visitsBefore));
    expect(copies.some((c) => c.content.includes('/later'))).toBe(false);
    // Nothing pending, every person done once, and the set verifies under its seal.
    expect(Number((await ds().query('SELECT COUNT(*) AS n FROM legal_hold_pending_copies WHERE hold_id = ?', [holdId]))[0].n)).toBe(0);
    const [{ n: subjects }] = await ds().query(`SELECT COUNT(*) AS n FROM legal_hold_preserved_records WHERE hold_id = ? AND record_type = 'SUBJECT'`, [holdId]);
    expect(Number(subjects)).toBe(5);
    const verify = await t.gql<{ verifyPreservation: { valid: boolean; recordsChecked: number; recordsSealed: number } }>(`query { verifyPreservation(holdId: "${holdId}") { valid recordsChecked recordsSealed } }`, undefined, t.token(Role.LEGAL));
    expect(verify.data!.verifyPreservation).toMatchObject({ valid: true });
    const hold = await t.gql<{ legalHold: { preservation: { status: string; subjectsDone: number; recordsPreserved: number } } }>(`query { legalHold(id: "${holdId}") { preservation { status subjectsDone recordsPreserved } } }`, undefined, t.token(Role.LEGAL));
    expect(hold.data!.legalHold.preservation).toMatchObject({ status: 'COMPLETED', subjectsDone: 5, recordsPreserved: verify.data!.verifyPreservation.recordsChecked });
  });

  it('while a person\'s history copy is pending, their scoped hold keeps everything from an erasure (point 6 waits for point 11)', async () => {
    const placed = await t.gql<{ placeLegalHold: { hold: { id: string } } }>(
      `mutation { placeLegalHold(input: { matter: "Scoped big", caseReference: "SB-11", subjectIds: ["6", "7", "8", "9"], categories: ["user.contact.email"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL),
    );
    const holdId = Number(placed.data!.placeLegalHold.hold.id);
    const ctx = { actor: systemActor, jobs: { declare: async () => undefined } };
    const pending = await inTransaction(ds(), (em) => t.gateway.hooks.vetoErasure(em, 7, ctx));
    expect(pending.flatMap((v) => v.keep ?? [])).toContainEqual({ categories: null, from: null, until: null });
    for (;;) {
      const { remaining } = await inTransaction(ds(), (em) => snapshotNextBatch(em, holdId, 10, t.config.integrity.key));
      if (!remaining) break;
    }
    const copied = await inTransaction(ds(), (em) => t.gateway.hooks.vetoErasure(em, 7, ctx));
    expect(copied.flatMap((v) => v.keep ?? [])).toEqual([{ categories: ['user.contact.email'], from: null, until: null }]);
    await t.gql(`mutation { releaseLegalHold(holdId: "${holdId}", reason: "done") { freedSubjectIds } }`, undefined, t.token(Role.LEGAL));
  });

  it('a hold released before its job ran leaves nothing pending', async () => {
    const placed = await t.gql<{ placeLegalHold: { hold: { id: string } } }>(`mutation { placeLegalHold(input: { matter: "Short", caseReference: "S-11", subjectIds: ["6", "7", "8", "9"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL));
    const holdId = Number(placed.data!.placeLegalHold.hold.id);
    expect(Number((await ds().query('SELECT COUNT(*) AS n FROM legal_hold_pending_copies WHERE hold_id = ?', [holdId]))[0].n)).toBe(4);
    await t.gql(`mutation { releaseLegalHold(holdId: "${holdId}", reason: "withdrawn") { freedSubjectIds } }`, undefined, t.token(Role.LEGAL));
    expect(Number((await ds().query('SELECT COUNT(*) AS n FROM legal_hold_pending_copies WHERE hold_id = ?', [holdId]))[0].n)).toBe(0);
  });
});
