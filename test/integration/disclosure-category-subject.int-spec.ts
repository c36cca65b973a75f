import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { openErasureRequest } from '../../src/domain/data-request.service';
import { disclose } from '../../src/domain/disclosure.service';
import { runErasure } from '../../src/domain/erasure.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType, DisclosurePurpose } from '../../src/entities/enums';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * disclosure_categories.subject_id is a copy of its disclosure's subject_id that only the
 * database writes (migration 1766000400000): the notice compile finds a person's categories by
 * it, so a stale or missing copy would drop categories from a Shine-the-Light notice, and a copy
 * that outlived an erasure would keep the person linked.
 */
describe('the subject copy on disclosure_categories', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  const copies = async (disclosureId: number): Promise<(number | null)[]> =>
    ((await ds().query('SELECT subject_id FROM disclosure_categories WHERE disclosure_id = ? ORDER BY category_key', [disclosureId])) as { subject_id: number | null }[]).map((r) =>
      r.subject_id === null ? null : Number(r.subject_id),
    );

  beforeAll(async () => {
    t = await startTestGateway('dc_subject');
    await seedDemoData(ds(), systemActor, { subjects: 20, recipients: 8, disclosuresPerSubject: 3, seed: 41 });
  });
  afterAll(() => t.close());

  it('is filled from the disclosure on insert, whatever the insert says', async () => {
    const [agent] = await ds().query(`SELECT id FROM recipients WHERE kind = 'AGENT' ORDER BY id LIMIT 1`);
    const r = await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (4, ?, 'SERVICE_PROVISION', 1, NOW(3), 'test')`, [agent.id]);
    // One row names no subject, one names the wrong one: both get the disclosure's.
    await ds().query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, 'user.contact.email')`, [r.insertId]);
    await ds().query(`INSERT INTO disclosure_categories (disclosure_id, category_key, subject_id) VALUES (?, 'user.name', 7)`, [r.insertId]);
    expect(await copies(Number(r.insertId))).toEqual([4, 4]);
  });

  it('keeps what a bulk load with foreign key checks off gives, when the disclosure is not written yet', async () => {
    const qr = ds().createQueryRunner();
    await qr.connect();
    try {
      await qr.query('SET FOREIGN_KEY_CHECKS = 0');
      const [{ next }] = await qr.query('SELECT MAX(id) + 1000 AS next FROM disclosures');
      await qr.query(`INSERT INTO disclosure_categories (disclosure_id, category_key, subject_id) VALUES (?, 'user.name', 3)`, [next]);
      expect(await copies(Number(next))).toEqual([3]);
      await qr.query('DELETE FROM disclosure_categories WHERE disclosure_id = ?', [next]);
    } finally {
      await qr.query('SET FOREIGN_KEY_CHECKS = 1');
      await qr.release();
    }
  });

  it('is filled for disclosures the use case records, and stays NULL for aggregates', async () => {
    const [agent] = await ds().query(`SELECT id FROM recipients WHERE kind = 'AGENT' AND FIND_IN_SET('SERVICE_PROVISION', allowed_purposes) ORDER BY id LIMIT 1`);
    const { result: named } = await disclose(t.gateway.run, t.gateway.hooks, systemActor, { subjectId: 9, recipientId: Number(agent.id), purpose: DisclosurePurpose.SERVICE_PROVISION, categories: ['user.name', 'user.contact.email'] });
    expect(await copies(named.id)).toEqual([9, 9]);
    const { result: aggregate } = await disclose(t.gateway.run, t.gateway.hooks, systemActor, { subjectId: null, recipientId: Number(agent.id), purpose: DisclosurePurpose.SERVICE_PROVISION, categories: ['user.name'] });
    expect(await copies(aggregate.id)).toEqual([null]);
  });

  it('follows the disclosure when erasure unlinks it: nothing on the table still names the person', async () => {
    const subjectId = 12;
    const ids: { id: number }[] = await ds().query('SELECT id FROM disclosures WHERE subject_id = ? ORDER BY id', [subjectId]);
    expect(ids.length).toBeGreaterThan(0);
    const [{ n: before }] = await ds().query('SELECT COUNT(*) AS n FROM disclosure_categories WHERE subject_id = ?', [subjectId]);
    expect(Number(before)).toBeGreaterThan(0);
    const opened = await inTransaction(ds(), (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
    const { result } = await t.gateway.run((uow) => runErasure(uow.em, systemActor, opened.request.id, t.gateway.hooks, uow));
    expect(result.status).toBe('COMPLETED');
    expect(await ds().query('SELECT disclosure_id FROM disclosure_categories WHERE subject_id = ?', [subjectId])).toEqual([]);
    for (const { id } of ids) for (const copy of await copies(Number(id))) expect([id, copy]).toEqual([id, null]);
    // Other people's copies are untouched.
    const [{ n: stale }] = await ds().query('SELECT COUNT(*) AS n FROM disclosure_categories dc JOIN disclosures d ON d.id = dc.disclosure_id WHERE NOT (dc.subject_id <=> d.subject_id)');
    expect(Number(stale)).toBe(0);
  });

  it('is cleared if a subject row is deleted outright (the disclosure\'s own key fires no trigger)', async () => {
    const r = await ds().query(`INSERT INTO subjects (name, email, status, source) VALUES ('Gone Soon', 'gone.soon@example.com', 'ACTIVE', 'ADMIN')`);
    const subjectId = Number(r.insertId);
    const [agent] = await ds().query(`SELECT id FROM recipients WHERE kind = 'AGENT' ORDER BY id LIMIT 1`);
    const d = await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (?, ?, 'SERVICE_PROVISION', 1, NOW(3), 'test')`, [subjectId, agent.id]);
    await ds().query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, 'user.name')`, [d.insertId]);
    expect(await copies(Number(d.insertId))).toEqual([subjectId]);
    await ds().query('DELETE FROM subjects WHERE id = ?', [subjectId]);
    expect(await copies(Number(d.insertId))).toEqual([null]);
  });
});
