import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { systemActor } from '../../src/domain/actor';
import { closeNoticesOfErased, compileCaliforniaNotices, ERASED_BEFORE_ANSWER, RESTRICTED_BEFORE_ANSWER } from '../../src/domain/california-notice.service';
import { californiaYear, californiaYearRange } from '../../src/domain/shine-the-light';
import { inTransaction } from '../../src/domain/transaction';
import { Role } from '../../src/entities/enums';
import { createMailTransport } from '../../src/jobs/mail-transport';
import { deliverOutbox } from '../../src/jobs/outbox-delivery.job';
import { createPrintQueue } from '../../src/jobs/print-queue';
import { waitFor } from '../helpers/wait';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

interface Req { id: string; status: string; reasonCode: string | null; result: { delivery?: string | null } | null }

/**
 * Issue 21, point 14 (docs/legal.md): a Shine-the-Light answer reaches people without email, as a
 * printed letter, and the request is answered only when the letter is handed to the print queue.
 */
describe('Shine-the-Light notices by post (1798.83(a): "in writing or by electronic mail")', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  const ops = () => t.token(Role.PRIVACY_OPS);
  const prior = californiaYear(new Date()) - 1;
  const mid = new Date((californiaYearRange(prior).start.getTime() + californiaYearRange(prior).end.getTime()) / 2);
  let recipientId: number;

  async function person(name: string, address: { street: string | null; city: string | null; postal: string | null }): Promise<number> {
    const r = (await ds().query(
      `INSERT INTO subjects (name, email, phone, street_address, city, postal_code, region, country, status, source) VALUES (?, NULL, '+1 415 555 0199', ?, ?, ?, 'US-CA', 'US', 'ACTIVE', 'CONTACT_FORM')`,
      [name, address.street, address.city, address.postal],
    )) as { insertId: number };
    const d = (await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (?, ?, 'DIRECT_MARKETING', 1, ?, 'test')`, [r.insertId, recipientId, mid])) as { insertId: number };
    await ds().query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, 'user.name'), (?, 'user.contact.address')`, [d.insertId, d.insertId]);
    return Number(r.insertId);
  }
  const ask = async (subjectId: number): Promise<Req> => {
    const res = await t.gql<{ requestCaliforniaNotice: { request: Req } }>(
      `mutation($id: ID!) { requestCaliforniaNotice(userId: $id, channel: DESIGNATED) { request { id status reasonCode result } } }`, { id: String(subjectId) }, ops(),
    );
    expect(res.errors).toBeUndefined();
    return res.data!.requestCaliforniaNotice.request;
  };
  const read = async (id: string): Promise<Req> => (await t.gql<{ dataRequest: Req }>(`query($id: ID!) { dataRequest(id: $id) { id status reasonCode result } }`, { id }, ops())).data!.dataRequest;
  const compiledAs = (id: string, reasonCode: string) => waitFor(async () => {
    const r = await read(id);
    return r.reasonCode === reasonCode ? r : undefined;
  }, `request ${id} compiled as ${reasonCode}`);
  const letters = (requestId: string) => ds().query(`SELECT id, channel, status, to_address FROM outbox_messages WHERE data_request_id = ? ORDER BY id`, [Number(requestId)]) as Promise<{ id: number; channel: string; status: string; to_address: string | null }[]>;
  const deliver = () => deliverOutbox(ds(), createMailTransport(t.config), undefined, t.config.company.name, createPrintQueue(t.config.print.dir, t.config.print.retentionDays));

  beforeAll(async () => {
    t = await startTestGateway('ca_notice_post');
    const r = (await ds().query(`INSERT INTO recipients (kind, name, postal_address, allowed_purposes) VALUES ('THIRD_PARTY', 'Catalog Co', '9 Pier Rd, Oakland, CA 94607', 'DIRECT_MARKETING')`)) as { insertId: number };
    recipientId = Number(r.insertId);
    // The compile and erasure workers; the outbox is delivered by each test, with its own print queue.
    await t.gateway.work(['california-notice', 'erasure']);
  });
  afterAll(() => t.close());

  it('1798.83(a): a customer with a postal address and no email gets a printed letter, and the request is answered when it is handed over', async () => {
    const paula = await person('Paula Post', { street: '5 Elm St', city: 'Fresno', postal: '93701' });
    const request = await ask(paula);
    const queued = await compiledAs(request.id, 'LETTER_QUEUED');
    // Not answered yet: a notice no one can read is not an answer.
    expect(queued).toMatchObject({ status: 'IN_PROGRESS', result: { delivery: 'POSTAL_MAIL' } });
    const [letter] = await letters(request.id);
    expect(letter).toMatchObject({ channel: 'POST', status: 'PENDING', to_address: 'Paula Post\n5 Elm St\nFresno, CA 93701' });

    // A rerun of the compile job (a worker that died after its commit) queues no second letter.
    await inTransaction(ds(), (em) => compileCaliforniaNotices(em, systemActor, [Number(request.id)], 'Example'));
    expect(await letters(request.id)).toHaveLength(1);

    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    const file = path.join(t.config.print.dir, `letter-${String(letter!.id).padStart(10, '0')}.html`);
    const printed = await readFile(file, 'utf8');
    expect(printed).toContain('<div class="envelope">Paula Post\n5 Elm St\nFresno, CA 93701</div>');
    expect(printed).toContain('Dear Paula Post,');
    expect(printed).toContain('Catalog Co');
    expect(printed).toContain('9 Pier Rd, Oakland, CA 94607');
    expect(printed).toContain('Name and address');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(t.config.print.dir)).filter((f) => f.endsWith('.part'))).toEqual([]);
    // Handed over: the envelope is gone from the outbox, and the request is answered.
    expect((await letters(request.id))[0]).toMatchObject({ status: 'SENT', to_address: null });
    expect(await read(request.id)).toMatchObject({ status: 'COMPLETED', reasonCode: null });
    const audit = await ds().query(`SELECT action FROM audit_events WHERE entity_type = 'DataRequest' AND entity_id = ? ORDER BY seq`, [request.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['notice.received', 'notice.letter_queued', 'notice.completed']);
    // Answered once this year.
    const again = await ask(paula);
    expect(again).toMatchObject({ status: 'REJECTED', reasonCode: 'ALREADY_ANSWERED_THIS_YEAR' });
  });

  it('a print queue that cannot take the letter leaves the request open and retries; nothing is half written', async () => {
    const ivan = await person('Ivan Ink', { street: '7 Oak Ave', city: 'Davis', postal: '95616' });
    const request = await ask(ivan);
    await compiledAs(request.id, 'LETTER_QUEUED');
    // The print queue's folder is a file: the write fails.
    const blocked = `${t.config.print.dir}-blocked`;
    await writeFile(blocked, 'not a folder');
    const broken = await deliverOutbox(ds(), createMailTransport(t.config), undefined, t.config.company.name, createPrintQueue(blocked, 14));
    expect(broken).toEqual({ sent: 0, failed: 1 });
    const [letter] = await letters(request.id);
    expect(letter).toMatchObject({ status: 'PENDING', to_address: 'Ivan Ink\n7 Oak Ave\nDavis, CA 95616' });
    expect(await read(request.id)).toMatchObject({ status: 'IN_PROGRESS', reasonCode: 'LETTER_QUEUED' });
    const [{ last_error: lastError }] = await ds().query('SELECT last_error FROM outbox_messages WHERE id = ?', [letter!.id]);
    expect(lastError).toMatch(/ENOTDIR|EEXIST/);
    await rm(blocked);
    await ds().query('UPDATE outbox_messages SET next_attempt_at = NOW(3) WHERE id = ?', [letter!.id]);
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    expect(await read(request.id)).toMatchObject({ status: 'COMPLETED' });
  });

  it('1798.83(a): with no address at all the request stays open and flagged, does not use up the year, and is answered once an address is recorded', async () => {
    const nadia = await person('Nadia Nowhere', { street: null, city: null, postal: null });
    const request = await ask(nadia);
    const flagged = await compiledAs(request.id, 'NO_DELIVERY_ADDRESS');
    expect(flagged).toMatchObject({ status: 'IN_PROGRESS', result: { delivery: null } });
    expect(await letters(request.id)).toEqual([]);
    // Asking again with nothing changed compiles nothing new.
    expect((await ask(nadia)).id).toBe(request.id);

    const update = await t.gql(`mutation { updateUser(id: "${nadia}", input: { streetAddress: "3 Birch Ln", city: "Chico", postalCode: "95926" }) { id } }`, undefined, t.token(Role.ADMIN));
    expect(update.errors).toBeUndefined();
    expect((await ask(nadia)).id).toBe(request.id);
    await compiledAs(request.id, 'LETTER_QUEUED');
    const [letter] = await letters(request.id);
    expect(letter!.to_address).toBe('Nadia Nowhere\n3 Birch Ln\nChico, CA 95926');
    await deliver();
    expect(await read(request.id)).toMatchObject({ status: 'COMPLETED' });
  });

  it('a letter the print queue has already taken is not recalled: its request is not closed by an erasure, and is answered at the hand-over', async () => {
    const sam = await person('Sam Sending', { street: '2 Press Way', city: 'Davis', postal: '95616' });
    const request = await ask(sam);
    await compiledAs(request.id, 'LETTER_QUEUED');
    const [letter] = await letters(request.id);
    await ds().query(`UPDATE outbox_messages SET status = 'SENDING' WHERE id = ?`, [letter!.id]);
    expect(await inTransaction(ds(), (em) => closeNoticesOfErased(em, sam, 'ERASED'))).toEqual([]);
    expect(await read(request.id)).toMatchObject({ status: 'IN_PROGRESS', reasonCode: 'LETTER_QUEUED' });
    // Once the letter is back to waiting (the claim lapsed), the same call closes the request.
    await ds().query(`UPDATE outbox_messages SET status = 'PENDING' WHERE id = ?`, [letter!.id]);
    const closed = await inTransaction(ds(), (em) => closeNoticesOfErased(em, sam, 'RESTRICTED'));
    expect(closed).toEqual([{ action: 'notice.rejected', entityType: 'DataRequest', entityId: Number(request.id), details: { subjectId: sam, reasonCode: 'SUBJECT_RESTRICTED' } }]);
    expect(await read(request.id)).toEqual({ id: request.id, status: 'REJECTED', reasonCode: 'SUBJECT_RESTRICTED', result: { reason: RESTRICTED_BEFORE_ANSWER } });
    // Closed requests are not closed twice.
    expect(await inTransaction(ds(), (em) => closeNoticesOfErased(em, sam, 'ERASED'))).toEqual([]);
  });

  it('11 CCR 7022: an erasure cancels a letter still waiting to be printed and closes its request (SUBJECT_ERASED), and the print queue keeps no letter past its retention', async () => {
    const eve = await person('Eve Erased', { street: '11 Gone Rd', city: 'Napa', postal: '94558' });
    const request = await ask(eve);
    await compiledAs(request.id, 'LETTER_QUEUED');
    const erasure = await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "${eve}", channel: "PHONE") { request { id } } }`, undefined, ops());
    expect(erasure.errors).toBeUndefined();
    await waitFor(async () => ((await read(erasure.data!.requestErasure.request.id)).status === 'COMPLETED' ? true : undefined), 'erasure');
    expect((await letters(request.id))[0]).toMatchObject({ status: 'CANCELLED', to_address: null });
    // Its request closes with the erasure rather than waiting at LETTER_QUEUED for a letter that will never go.
    // Nothing of the unsent notice is shown or kept: the result is the reason alone.
    expect(await read(request.id)).toEqual({ id: request.id, status: 'REJECTED', reasonCode: 'SUBJECT_ERASED', result: { reason: ERASED_BEFORE_ANSWER } });
    expect(await ds().query('SELECT request_id FROM california_notice_answers WHERE request_id = ?', [Number(request.id)])).toEqual([]);
    const audit: { action: string; details: string | { reasonCode: string } }[] = await ds().query(`SELECT action, details FROM audit_events WHERE entity_type = 'DataRequest' AND entity_id = ? ORDER BY seq`, [request.id]);
    expect(audit.map((a) => a.action)).toEqual(['notice.received', 'notice.letter_queued', 'notice.rejected']);

    // A letter printed longer ago than the retention is deleted by the next delivery run.
    const names = (await readdir(t.config.print.dir)).filter((f) => f.startsWith('letter-'));
    expect(names.length).toBeGreaterThan(0);
    const old = new Date(Date.now() - (t.config.print.retentionDays + 1) * 86_400_000);
    await utimes(path.join(t.config.print.dir, names[0]!), old, old);
    await deliver();
    const left = await readdir(t.config.print.dir);
    expect(left).not.toContain(names[0]);
    // The other letters stay, and Eve's erasure confirmation (she has no email) was printed now.
    for (const name of names.slice(1)) expect(left).toContain(name);
    const [confirmation] = await ds().query(`SELECT id, channel, status FROM outbox_messages WHERE kind = 'ERASURE_CONFIRMATION' AND data_request_id = ?`, [Number(erasure.data!.requestErasure.request.id)]);
    expect(confirmation).toMatchObject({ channel: 'POST', status: 'SENT' });
    expect(left).toContain(`letter-${String(confirmation.id).padStart(10, '0')}.html`);
  });
});
