import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { openErasureRequest } from '../../src/domain/data-request.service';
import { runErasure } from '../../src/domain/erasure.service';
import { enqueueMessages, scrubbedError } from '../../src/domain/outbox.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType } from '../../src/entities/enums';
import { deliverOutbox } from '../../src/jobs/outbox-delivery.job';
import type { MailTransport, OutgoingMail } from '../../src/jobs/mail-transport';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/** A transport that records what it sends, and refuses (quoting the address) what it is told to. */
function capture(refuse: (to: string) => boolean = () => false): MailTransport & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(mail) {
      if (refuse(mail.to)) throw new Error(`550 5.1.1 <${mail.to}>: recipient address rejected`);
      sent.push(mail);
    },
    close() {},
  };
}

/**
 * Issue 21, erasure points 1 and 2 (docs/legal.md): after an erasure nothing more reaches the
 * person but its confirmation, and no outbox row can be matched to their address afterwards.
 */
describe('the outbox around an erasure', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  let subjectId: number;
  let address: string;
  let other: string;

  beforeAll(async () => {
    t = await startTestGateway('erasure_outbox');
    await seedDemoData(ds(), systemActor, { subjects: 12, recipients: 6, disclosuresPerSubject: 2, seed: 21 });
    // Whatever the seed queued (acknowledgements and such) is delivered first: the test starts from an empty queue.
    await deliverOutbox(ds(), capture());
    const rows: { id: number; email: string }[] = await ds().query(`SELECT id, email FROM subjects WHERE email IS NOT NULL AND status = 'ACTIVE' ORDER BY id LIMIT 2`);
    subjectId = Number(rows[0]!.id);
    address = rows[0]!.email;
    other = rows[1]!.email;
  });
  afterAll(() => t.close());

  it('11 CCR 7022: erasure cancels the person\'s pending mail, sends only its confirmation, and leaves other people\'s mail alone', async () => {
    await inTransaction(ds(), (em) =>
      enqueueMessages(em, [
        { kind: 'POLICY_NOTICE', to: address, subject: 'Our privacy policy changed', text: `Dear ${address}, our policy changed.` },
        { kind: 'PRODUCT_EMAIL', to: address, subject: 'New arrivals', text: 'Hello again' },
        { kind: 'PRODUCT_EMAIL', to: other, subject: 'New arrivals', text: 'Hello' },
      ]),
    );
    const opened = await inTransaction(ds(), (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
    // Its acknowledgement was queued to the person before the erasure ran: it is pending mail too.
    const { result } = await t.gateway.run((uow) => runErasure(uow.em, systemActor, opened.request.id, t.gateway.hooks, uow));
    expect(result).toMatchObject({ status: 'COMPLETED', erased: { outbox_messages_cancelled: 3 } });
    const cancelled: { kind: string; to_address: string | null; text_body: string }[] = await ds().query(`SELECT kind, to_address, text_body FROM outbox_messages WHERE status = 'CANCELLED' ORDER BY id`);
    expect(cancelled.map((c) => c.kind).sort()).toEqual(['POLICY_NOTICE', 'PRODUCT_EMAIL', 'REQUEST_ACKNOWLEDGEMENT'].sort());
    expect(cancelled.every((c) => c.to_address === null && c.text_body === '')).toBe(true);

    const transport = capture();
    await deliverOutbox(ds(), transport);
    const toPerson = transport.sent.filter((m) => m.to === address);
    expect(toPerson.map((m) => m.subject)).toEqual(['Your personal information has been deleted']);
    expect(transport.sent.filter((m) => m.to === other).map((m) => m.subject)).toEqual(['New arrivals']);
  });

  it('no pseudonymous link survives: no hash column, and no row holds the address once sent, failed or cancelled', async () => {
    const columns: { name: string }[] = await ds().query(`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'outbox_messages'`);
    expect(columns.map((c) => c.name)).not.toContain('to_hash');
    const [{ n }] = await ds().query(
      `SELECT COUNT(*) AS n FROM outbox_messages WHERE to_address = ? OR subject LIKE ? OR text_body LIKE ? OR COALESCE(html_body, '') LIKE ? OR COALESCE(last_error, '') LIKE ?`,
      [address, `%${address}%`, `%${address}%`, `%${address}%`, `%${address}%`],
    );
    expect(Number(n)).toBe(0);
  });

  it('a message that fails for good keeps neither its address nor an error quoting it', async () => {
    const bounced = 'bounce.me@example.com';
    await inTransaction(ds(), (em) => enqueueMessages(em, [{ kind: 'PRODUCT_EMAIL', to: bounced, subject: 'Hi', text: 'Hi' }]));
    const transport = capture((to) => to === bounced);
    // Each run retries once the backoff has passed: move the clock past it.
    let clock = Date.now();
    for (let i = 0; i < 8; i += 1) {
      await deliverOutbox(ds(), transport, () => new Date(clock));
      clock += 3 * 3600_000 * 24;
    }
    const [row] = await ds().query(`SELECT status, to_address, last_error FROM outbox_messages WHERE kind = 'PRODUCT_EMAIL' AND subject = 'Hi'`);
    expect(row).toEqual({ status: 'FAILED', to_address: null, last_error: '550 5.1.1 <<address>>: recipient address rejected' });
    // While it was still retrying, the error it kept did not quote the address either.
    expect(scrubbedError('mailbox full for x.y@example.org and bounce.me@example.com', 'bounce.me@example.com')).toBe('mailbox full for <address> and <address>');
  });
});
