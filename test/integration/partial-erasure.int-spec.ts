import { Role } from '../../src/entities/enums';
import { waitFor } from '../helpers/wait';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

interface Req { id: string; status: string; reasonCode: string | null; result: Record<string, unknown> | null }

/**
 * Issue 21, point 6 (docs/legal.md): a hold keeps only what it covers. A hold on the email address
 * alone, or on a period, no longer keeps a person's whole record from their erasure: everything
 * outside every active hold's scope goes now, the rest waits, and the last release finishes it.
 */
describe('a hold restricts erasure to its scope (11 CCR 7022(f), 1798.105(d))', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  let marketer: number;
  let agent: number;
  const legal = () => t.token(Role.LEGAL);

  async function person(name: string): Promise<number> {
    const r = (await ds().query(
      `INSERT INTO subjects (name, email, phone, street_address, city, postal_code, region, country, birth_date, status, source)
       VALUES (?, ?, '+1 415 555 0142', '1 Elm St', 'Oakland', '94601', 'US-CA', 'US', '1990-01-15', 'ACTIVE', 'CONTACT_FORM')`,
      [name, `${name.toLowerCase().replace(/\W/g, '')}@example.com`],
    )) as { insertId: number };
    const id = Number(r.insertId);
    await ds().query(`INSERT INTO consents (subject_id, purpose, status, source, version, updated_at) VALUES (?, 'PRODUCT_EMAIL', 'GRANTED', 'FORM', 1, NOW(3))`, [id]);
    await ds().query(`INSERT INTO consent_events (subject_id, purpose, seq, status, source, occurred_at, recorded_by) VALUES (?, 'PRODUCT_EMAIL', 1, 'GRANTED', 'FORM', '2026-02-01 12:00:00', 'test')`, [id]);
    const disclose = async (recipientId: number, purpose: string, categories: string[], at: string) => {
      const d = (await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (?, ?, ?, 1, ?, 'test')`, [id, recipientId, purpose, at])) as { insertId: number };
      for (const c of categories) await ds().query('INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, ?)', [d.insertId, c]);
    };
    await disclose(marketer, 'DIRECT_MARKETING', ['user.contact.email'], '2026-03-01 12:00:00');
    await disclose(agent, 'SERVICE_PROVISION', ['user.name', 'user.contact.phone_number'], '2026-04-01 12:00:00');
    await ds().query(`INSERT INTO collection_events (subject_id, ip_address, cookie_id, page, occurred_at) VALUES (?, '198.51.100.7', 'ck-1', '/a', '2026-03-15 10:00:00'), (?, '198.51.100.8', NULL, '/b', '2025-06-15 10:00:00')`, [id, id]);
    return id;
  }
  const hold = async (subjectId: number, extra: string) =>
    (await t.gql<{ placeLegalHold: { hold: { id: string } } }>(`mutation { placeLegalHold(input: { matter: "M", caseReference: "P-6", subjectIds: ["${subjectId}"]${extra} }) { hold { id } } }`, undefined, legal())).data!.placeLegalHold.hold.id;
  const erase = async (subjectId: number) =>
    (await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "${subjectId}", channel: "EMAIL") { request { id } } }`, undefined, t.token(Role.PRIVACY_OPS))).data!.requestErasure.request.id;
  const read = async (id: string) => (await t.gql<{ dataRequest: Req }>(`query($id: ID!) { dataRequest(id: $id) { id status reasonCode result } }`, { id }, t.token(Role.PRIVACY_OPS))).data!.dataRequest;
  const settled = (id: string, status: string) => waitFor(async () => {
    const r = await read(id);
    return r.status === status ? r : undefined;
  }, `request ${id} ${status}`);
  const row = async (id: number) => (await ds().query('SELECT status, name, email, phone, street_address, birth_date FROM subjects WHERE id = ?', [id]))[0];
  const countOf = async (sql: string, id: number) => Number((await ds().query(sql, [id]))[0].n);

  beforeAll(async () => {
    t = await startTestGateway('partial_erasure');
    marketer = Number(((await ds().query(`INSERT INTO recipients (kind, name, email, postal_address, allowed_purposes) VALUES ('THIRD_PARTY', 'Mail Offers', 'dpo@offers.example', '1 Main St', 'DIRECT_MARKETING')`)) as { insertId: number }).insertId);
    agent = Number(((await ds().query(`INSERT INTO recipients (kind, name, email, allowed_purposes) VALUES ('AGENT', 'Support Desk', 'dpo@desk.example', 'SERVICE_PROVISION')`)) as { insertId: number }).insertId);
    await t.gateway.work(['erasure']);
  });
  afterAll(() => t.close());

  it('7022(f): a hold on the email address keeps the email and what carried it; the name, phone, address, consents and visits go now', async () => {
    const eva = await person('Eva Email');
    const holdId = await hold(eva, ', categories: ["user.contact.email"]');
    const request = await erase(eva);
    const partial = await settled(request, 'PARTIALLY_COMPLETED');
    expect(partial.reasonCode).toBe('LEGAL_HOLD_ACTIVE');
    expect(partial.result).toMatchObject({ partial: true, holdIds: [Number(holdId)], keptColumns: ['email'], keptCategories: ['user.contact.email'] });
    expect(await row(eva)).toEqual({ status: 'RESTRICTED', name: null, email: 'evaemail@example.com', phone: null, street_address: null, birth_date: null });
    expect(await countOf('SELECT COUNT(*) AS n FROM consents WHERE subject_id = ?', eva)).toBe(0);
    expect(await countOf('SELECT COUNT(*) AS n FROM consent_events WHERE subject_id = ?', eva)).toBe(0);
    // The disclosure that carried the email stays linked; the one of name and phone is unlinked.
    const linked: { recipient_id: number }[] = await ds().query('SELECT recipient_id FROM disclosures WHERE subject_id = ?', [eva]);
    expect(linked.map((d) => Number(d.recipient_id))).toEqual([marketer]);
    // No visit holds an email address: both are de-identified.
    expect(await countOf('SELECT COUNT(*) AS n FROM collection_events WHERE subject_id = ?', eva)).toBe(0);
    // Both recipients are told now; the person is told what went and what is kept, in general terms.
    const sent: { kind: string; to_address: string | null; text_body: string }[] = await ds().query('SELECT kind, to_address, text_body FROM outbox_messages WHERE data_request_id = ? ORDER BY id', [Number(request)]);
    expect(sent.filter((m) => m.kind === 'ERASURE_NOTICE').map((m) => m.to_address).sort()).toEqual(['dpo@desk.example', 'dpo@offers.example']);
    const told = sent.find((m) => m.kind === 'ERASURE_PARTIAL')!;
    expect(told.to_address).toBe('evaemail@example.com');
    expect(told.text_body).toContain('from your profile: name, telephone number, street address, city, postal code, region, country, date of birth, age range');
    expect(told.text_body).toContain('We must keep, for now, your email address');
    expect(told.text_body).not.toContain('P-6');

    // Releasing the hold finishes the erasure; recipients already told are not told twice.
    await t.gql(`mutation { releaseLegalHold(holdId: "${holdId}", reason: "done") { freedSubjectIds } }`, undefined, legal());
    const done = await settled(request, 'COMPLETED');
    expect(done.result).toMatchObject({ notifiedRecipientIds: [marketer, agent].sort((a, b) => a - b) });
    expect(await row(eva)).toMatchObject({ status: 'ERASED', email: null });
    expect(await countOf('SELECT COUNT(*) AS n FROM disclosures WHERE subject_id = ?', eva)).toBe(0);
    const after: { kind: string; to_address: string | null }[] = await ds().query('SELECT kind, to_address FROM outbox_messages WHERE data_request_id = ? ORDER BY id', [Number(request)]);
    expect(after.filter((m) => m.kind === 'ERASURE_NOTICE')).toHaveLength(2);
    // The email the hold kept is where the completion is confirmed (point 8), and then it goes too.
    expect(after.filter((m) => m.kind === 'ERASURE_CONFIRMATION').map((m) => m.to_address)).toEqual(['evaemail@example.com']);
  });

  it('a hold on a period keeps the history of that period (and the record), and erases the rest of the history', async () => {
    const paul = await person('Paul Period');
    await hold(paul, ', from: "2026-01-01T00:00:00Z", until: "2026-03-31T00:00:00Z"');
    const request = await erase(paul);
    await settled(request, 'PARTIALLY_COMPLETED');
    // Every category within the dates: the record and the consents stay, the consent event of February stays.
    expect((await row(paul)).name).toBe('Paul Period');
    expect(await countOf('SELECT COUNT(*) AS n FROM consents WHERE subject_id = ?', paul)).toBe(1);
    expect(await countOf('SELECT COUNT(*) AS n FROM consent_events WHERE subject_id = ?', paul)).toBe(1);
    // March's disclosure and visit stay linked; April's disclosure and the 2025 visit go.
    const linked: { recipient_id: number }[] = await ds().query('SELECT recipient_id FROM disclosures WHERE subject_id = ?', [paul]);
    expect(linked.map((d) => Number(d.recipient_id))).toEqual([marketer]);
    const visits: { page: string }[] = await ds().query('SELECT page FROM collection_events WHERE subject_id = ?', [paul]);
    expect(visits.map((v) => v.page)).toEqual(['/a']);
  });

  it('a hold with no scope still keeps everything: the request is blocked, not partial', async () => {
    const whole = await person('Walt Whole');
    await hold(whole, '');
    await hold(whole, ', categories: ["user.contact.email"]');
    const request = await erase(whole);
    await settled(request, 'BLOCKED_BY_HOLD');
    expect((await row(whole)).name).toBe('Walt Whole');
    expect(await countOf('SELECT COUNT(*) AS n FROM consents WHERE subject_id = ?', whole)).toBe(1);
  });

  it('a partial request a new, unscoped hold then blocks keeps its account: recipients told once, the person told twice', async () => {
    const bea = await person('Bea Blocked');
    const scoped = await hold(bea, ', categories: ["user.contact.email"]');
    const request = await erase(bea);
    await settled(request, 'PARTIALLY_COMPLETED');
    const whole = await hold(bea, '');
    // Asked again (as a release would), the request is blocked whole and remembers who was told.
    await t.gql(`mutation { releaseLegalHold(holdId: "${scoped}", reason: "narrowed") { freedSubjectIds } }`, undefined, legal());
    const blocked = await settled(request, 'BLOCKED_BY_HOLD');
    expect(blocked.result).toMatchObject({ partial: true, holdIds: [Number(whole)], notifiedRecipientIds: [marketer, agent].sort((a, b) => a - b) });
    await t.gql(`mutation { releaseLegalHold(holdId: "${whole}", reason: "done") { freedSubjectIds } }`, undefined, legal());
    await settled(request, 'COMPLETED');
    const sent: { kind: string }[] = await ds().query('SELECT kind FROM outbox_messages WHERE data_request_id = ? ORDER BY id', [Number(request)]);
    expect(sent.filter((m) => m.kind === 'ERASURE_NOTICE')).toHaveLength(2);
    // The partial message and the blocked one were not cancelled by the later runs.
    const [{ n }] = await ds().query(`SELECT COUNT(*) AS n FROM outbox_messages WHERE data_request_id = ? AND kind IN ('ERASURE_PARTIAL', 'ERASURE_BLOCKED') AND status = 'CANCELLED'`, [Number(request)]);
    expect(Number(n)).toBe(0);
  });

  it('1798.105(c)(1): a recipient that had no address when the request was partial is told when it is run again, once it has one', async () => {
    const nia = await person('Nia Noaddress');
    const vendor = async (name: string, category: string) => {
      const id = Number(((await ds().query(`INSERT INTO recipients (kind, name, allowed_purposes) VALUES ('AGENT', ?, 'SERVICE_PROVISION')`, [name])) as { insertId: number }).insertId);
      const d = (await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (?, ?, 'SERVICE_PROVISION', 1, '2026-05-01 12:00:00', 'test')`, [nia, id])) as { insertId: number };
      await ds().query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, ?)`, [d.insertId, category]);
      return id;
    };
    // One received what the hold keeps (its disclosure stays linked to the person until the
    // release); the other what the partial run erases (its disclosure is unlinked then).
    const heldVendor = await vendor('Quiet Vendor', 'user.contact.email');
    const unlinkedVendor = await vendor('Silent Vendor', 'user.contact.phone_number');
    // The first also received the phone number, in a disclosure the partial run unlinks: it is told of both.
    const also = (await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (?, ?, 'SERVICE_PROVISION', 1, '2026-06-01 12:00:00', 'test')`, [nia, heldVendor])) as { insertId: number };
    await ds().query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, 'user.contact.phone_number')`, [also.insertId]);
    const scoped = await hold(nia, ', categories: ["user.contact.email"]');
    const request = await erase(nia);
    const partial = await settled(request, 'PARTIALLY_COMPLETED');
    expect(partial.result).toMatchObject({ recipientsWithoutContact: [heldVendor, unlinkedVendor] });
    expect(await countOf('SELECT COUNT(*) AS n FROM disclosures WHERE recipient_id = ? AND subject_id IS NULL', unlinkedVendor)).toBe(1);
    const noticesTo = async (recipientId: number) => countOf(`SELECT COUNT(*) AS n FROM outbox_messages WHERE kind = 'ERASURE_NOTICE' AND recipient_id = ?`, recipientId);
    expect(await noticesTo(heldVendor)).toBe(0);
    expect(await noticesTo(unlinkedVendor)).toBe(0);

    await ds().query(`UPDATE recipients SET email = CONCAT('privacy@', id, '.example') WHERE id IN (?)`, [[heldVendor, unlinkedVendor]]);
    await t.gql(`mutation { releaseLegalHold(holdId: "${scoped}", reason: "closed") { freedSubjectIds } }`, undefined, legal());
    const done = await settled(request, 'COMPLETED');
    // Both told now, and counted as told; the recipients told by the partial run are not told again.
    expect(await noticesTo(heldVendor)).toBe(1);
    expect(await noticesTo(unlinkedVendor)).toBe(1);
    const [told] = await ds().query(`SELECT text_body FROM outbox_messages WHERE kind = 'ERASURE_NOTICE' AND recipient_id = ?`, [heldVendor]);
    expect(told.text_body).toContain('Categories you received: user.contact.email, user.contact.phone_number.');
    expect(told.text_body).toContain('between May 1, 2026 and June 1, 2026');
    expect(done.result!.notifiedRecipientIds).toEqual(expect.arrayContaining([heldVendor, unlinkedVendor]));
    expect(done.result!.recipientsWithoutContact).toEqual([]);
    const [{ n }] = await ds().query(`SELECT COUNT(*) AS n FROM outbox_messages WHERE kind = 'ERASURE_NOTICE' AND data_request_id = ? AND recipient_id = ?`, [Number(request), marketer]);
    expect(Number(n)).toBe(1);
  });

  it('two scoped holds keep the union of their scopes; releasing one erases what only it kept', async () => {
    const tess = await person('Tess Two');
    const byEmail = await hold(tess, ', categories: ["user.contact.email"]');
    await hold(tess, ', categories: ["user.contact.phone_number"]');
    const request = await erase(tess);
    await settled(request, 'PARTIALLY_COMPLETED');
    expect(await row(tess)).toMatchObject({ status: 'RESTRICTED', name: null, email: 'tesstwo@example.com', phone: '+1 415 555 0142' });
    await t.gql(`mutation { releaseLegalHold(holdId: "${byEmail}", reason: "done") { freedSubjectIds } }`, undefined, legal());
    await waitFor(async () => ((await row(tess)).email === null ? true : undefined), 'the email erased once its hold is released');
    expect(await row(tess)).toMatchObject({ status: 'RESTRICTED', phone: '+1 415 555 0142' });
    expect((await read(request)).status).toBe('PARTIALLY_COMPLETED');
  });
});
