import { systemActor } from '../../src/domain/actor';
import { openCaliforniaNotices } from '../../src/domain/california-notice.service';
import { inTransaction } from '../../src/domain/transaction';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * Civ. Code 1798.83(b): a business need answer a customer once per calendar year. Issue 21 point
 * 16 (docs/legal.md): the year is the year the request was received in California, not the year
 * it was answered.
 */
describe('Shine the Light: once per calendar year, by receipt', () => {
  let t: TestGateway;
  let subjectId: number;
  beforeAll(async () => {
    t = await startTestGateway('ca_year');
    const r = await t.gateway.dataSource.query(`INSERT INTO subjects (name, email, region, country, status, source) VALUES ('Dee Cember', 'dee@example.com', 'US-CA', 'US', 'ACTIVE', 'CONTACT_FORM')`);
    subjectId = Number(r.insertId);
    // Received on 30 December 2025 (California), answered on 5 January 2026.
    await t.gateway.dataSource.query(
      `INSERT INTO data_requests (type, status, channel, subject_id, received_at, acknowledged_at, due_at, completed_at, created_by)
       VALUES ('CALIFORNIA_NOTICE', 'COMPLETED', 'OTHER', ?, '2025-12-30 20:00:00', '2025-12-30 20:00:00', '2026-05-30 06:59:59.999', '2026-01-05 18:00:00', 'test')`,
      [subjectId],
    );
  });
  afterAll(() => t.close());

  const open = (receivedAt: string, now: string) =>
    inTransaction(t.gateway.dataSource, (em) => openCaliforniaNotices(em, systemActor, { subjectIds: [subjectId], channel: 'OTHER', receivedAt: new Date(receivedAt) }, new Date(now)));

  it('1798.83(b): an answer given in January to a December request does not use up the new year', async () => {
    const opened = await open('2026-02-01T18:00:00Z', '2026-02-01T18:05:00Z');
    expect(opened.requests[0]).toMatchObject({ status: 'ACKNOWLEDGED', reasonCode: null });
    // That new request is answered; a second 2026 receipt is then the second of the year.
    await t.gateway.dataSource.query(`UPDATE data_requests SET status = 'COMPLETED', completed_at = '2026-02-10 18:00:00' WHERE id = ?`, [opened.requests[0]!.id]);
    const again = await open('2026-03-01T18:00:00Z', '2026-03-01T18:05:00Z');
    expect(again.requests[0]).toMatchObject({ status: 'REJECTED', reasonCode: 'ALREADY_ANSWERED_THIS_YEAR', result: { earlierRequestId: opened.requests[0]!.id } });
  });

  it('1798.83(b): a second request received in the year of the first is refused, even if answered the next year', async () => {
    // Received 31 December 2025 21:00 in California (already 2026 in UTC).
    const late = await open('2026-01-01T05:00:00Z', '2026-03-02T18:00:00Z');
    expect(late.requests[0]).toMatchObject({ status: 'REJECTED', reasonCode: 'ALREADY_ANSWERED_THIS_YEAR' });
    expect((late.requests[0]!.result as { reason: string }).reason).toBe('a request received in 2025 was already answered');
  });
});
