import { appendAudit, appendAuditBatch, verifyAuditChain } from '../../src/domain/audit.service';
import { inTransaction } from '../../src/domain/transaction';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * appendAudit has the database compute each link (SHA2 over the canonical JSON the application
 * builds around the head's seq and hash); verifyAuditChain recomputes every hash in the
 * application. Concurrent writers, awkward text and both append paths must agree.
 */
describe('audit chain links computed by the database', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('audit_link', { serve: false });
  });
  afterAll(() => t.close());

  const AWKWARD = ['plain', 'quote " and \\ backslash', 'ünïcödé – “typographic”', 'emoji 🧾 and 𝔘', 'line\nbreak\ttab', '', '{"looks":"like json"}'];

  it('gives 30 concurrent single appends with awkward text a gap-free chain that verifies', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        inTransaction(t.gateway.dataSource, (em) =>
          appendAudit(em, { id: `actor:${AWKWARD[i % AWKWARD.length]}`, roles: [] }, {
            action: `test.${i % 3}`,
            entityType: AWKWARD[(i + 1) % AWKWARD.length]!,
            entityId: i % 3 === 0 ? null : i % 3 === 1 ? i : `id-${AWKWARD[i % AWKWARD.length]}`,
            details: i % 2 ? { text: AWKWARD[i % AWKWARD.length], n: i, nested: { b: [true, null, 1.5], a: 'z' } } : null,
          }),
        ),
      ),
    );
    const seqs: { seq: number }[] = await t.gateway.dataSource.query('SELECT seq FROM audit_events ORDER BY seq');
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const report = await t.gateway.dataSource.transaction((em) => verifyAuditChain(em));
    expect(report).toMatchObject({ valid: true, eventsChecked: 30 });
  });

  it('links single appends and application-side batches into one chain', async () => {
    const actor = { id: 'system:test', roles: [] };
    await inTransaction(t.gateway.dataSource, (em) => appendAuditBatch(em, actor, [{ action: 'a', entityType: 'T' }, { action: 'b', entityType: 'T', details: { x: 'ü' } }]));
    await inTransaction(t.gateway.dataSource, (em) => appendAudit(em, actor, { action: 'c', entityType: 'T', entityId: 7 }));
    await inTransaction(t.gateway.dataSource, (em) => appendAuditBatch(em, actor, [{ action: 'd', entityType: 'T' }]));
    const report = await t.gateway.dataSource.transaction((em) => verifyAuditChain(em));
    expect(report).toMatchObject({ valid: true, eventsChecked: 34 });
  });

  it('is caught by verification when a stored hash is not what the application computes', async () => {
    await t.gateway.dataSource.query("UPDATE audit_events SET entity_type = 'X' WHERE seq = 31");
    const report = await t.gateway.dataSource.transaction((em) => verifyAuditChain(em));
    expect(report).toMatchObject({ valid: false, brokenAtSeq: 31 });
  });
});
