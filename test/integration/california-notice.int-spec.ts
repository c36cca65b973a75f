import { readdir, readFile } from 'node:fs/promises';
import { QueueEvents } from 'bullmq';
import { systemActor } from '../../src/domain/actor';
import { compileCaliforniaNotices, openCaliforniaNotices } from '../../src/domain/california-notice.service';
import { californiaYear, californiaYearRange, STATUTORY_CATEGORIES } from '../../src/domain/shine-the-light';
import { inTransaction } from '../../src/domain/transaction';
import { Role } from '../../src/entities/enums';
import { createMailTransport } from '../../src/jobs/mail-transport';
import { deliverOutbox } from '../../src/jobs/outbox-delivery.job';
import { createDataSource, statementCount } from '../../src/database';
import { waitFor } from '../helpers/wait';
import { endOfCaliforniaDay } from '../helpers/california-time';
import { errorCode, startTestGateway, type TestGateway } from '../helpers/test-gateway';

const NOTICE = `query($id: ID!) { dataRequest(id: $id) { id status reasonCode completedAt result notice { year categories noDisclosures recipients { name postalAddress businessDescription } text html } } }`;

interface NoticeResult {
  dataRequest: {
    id: string;
    status: string;
    reasonCode: string | null;
    result: Record<string, unknown>;
    notice: { year: number; categories: string[]; noDisclosures: boolean; recipients: { name: string; postalAddress: string | null; businessDescription: string | null }[]; text: string; html: string } | null;
  };
}

/**
 * Read as a regulator would: a controlled disclosure log with every trap the statute sets
 * (wrong year, agents, acquirers, non-marketing purposes, non-identifiable data, other people).
 */
describe('California Shine-the-Light notices', () => {
  let t: TestGateway;
  let events: QueueEvents;
  const ops = () => t.token(Role.PRIVACY_OPS);
  const now = new Date();
  const year = californiaYear(now) - 1;
  const { start, end } = californiaYearRange(year);
  const mid = new Date((start.getTime() + end.getTime()) / 2);
  const ids: Record<string, number> = {};

  async function subject(name: string, region: string): Promise<number> {
    const r = await t.gateway.dataSource.query(`INSERT INTO subjects (name, email, region, country, status, source) VALUES (?, ?, ?, 'US', 'ACTIVE', 'CONTACT_FORM')`, [name, `${name.toLowerCase().replace(/\W/g, '')}@example.com`, region]);
    return Number(r.insertId);
  }
  async function recipient(name: string, kind: string, purposes: string, description: string | null = null): Promise<number> {
    const r = await t.gateway.dataSource.query(`INSERT INTO recipients (kind, name, postal_address, business_description, allowed_purposes) VALUES (?, ?, ?, ?, ?)`, [kind, name, `${name} HQ, 1 Main St, Springfield`, description, purposes]);
    return Number(r.insertId);
  }
  async function disclose(subjectId: number, recipientId: number, purpose: string, categories: string[], at: Date, identifiable = true): Promise<void> {
    const r = await t.gateway.dataSource.query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (?, ?, ?, ?, ?, 'test')`, [identifiable ? subjectId : null, recipientId, purpose, identifiable ? 1 : 0, at]);
    for (const c of categories) await t.gateway.dataSource.query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES (?, ?)`, [r.insertId, c]);
  }

  beforeAll(async () => {
    t = await startTestGateway('ca_notice');
    ids.alice = await subject('Alice Ames', 'US-CA');
    ids.bob = await subject('Bob Burns', 'US-CA');
    ids.nora = await subject('Nora Newyork', 'US-NY');
    ids.quiet = await subject('Quinn Quiet', 'US-CA');
    const acme = await recipient('Acme Corp', 'THIRD_PARTY', 'DIRECT_MARKETING', 'Camping gear and outdoor travel offers');
    const sister = await recipient('Sister Insurance Co', 'AFFILIATE', 'DIRECT_MARKETING,TRANSACTION');
    const agent = await recipient('MailHouse Processing', 'AGENT', 'DIRECT_MARKETING,SERVICE_PROVISION');
    const buyer = await recipient('BigBuyer Holdings', 'ACQUIRER', 'BUSINESS_TRANSFER');
    const hidden = await recipient('Anonymous Stats Co', 'THIRD_PARTY', 'DIRECT_MARKETING');
    const oldCo = await recipient('Old Year Marketing', 'THIRD_PARTY', 'DIRECT_MARKETING');
    const thisYearCo = await recipient('This Year Marketing', 'THIRD_PARTY', 'DIRECT_MARKETING');
    const boundary = await recipient('Boundary Marketing', 'THIRD_PARTY', 'DIRECT_MARKETING');
    const after = await recipient('After Boundary Marketing', 'THIRD_PARTY', 'DIRECT_MARKETING');
    const device = await recipient('Device Graph Co', 'THIRD_PARTY', 'DIRECT_MARKETING');
    const police = await recipient('City Police', 'AUTHORITY', 'LEGAL_COMPLIANCE');
    const bobsCo = await recipient('Bobs Only Co', 'THIRD_PARTY', 'DIRECT_MARKETING');

    await disclose(ids.alice, acme, 'DIRECT_MARKETING', ['user.contact.email', 'user.name'], mid);
    await disclose(ids.alice, acme, 'DIRECT_MARKETING', ['user.contact.email'], new Date(mid.getTime() + 86400_000));
    await disclose(ids.alice, sister, 'DIRECT_MARKETING', ['user.contact.phone_number'], mid);
    await disclose(ids.alice, sister, 'TRANSACTION', ['user.financial.credit_card'], mid);
    await disclose(ids.alice, agent, 'DIRECT_MARKETING', ['user.demographic.date_of_birth'], mid);
    await disclose(ids.alice, buyer, 'BUSINESS_TRANSFER', ['user.contact.address'], mid);
    await disclose(ids.alice, hidden, 'DIRECT_MARKETING', ['user.contact.address'], mid, false);
    await disclose(ids.alice, oldCo, 'DIRECT_MARKETING', ['user.contact.address'], new Date(start.getTime() - 86400_000 * 30));
    await disclose(ids.alice, thisYearCo, 'DIRECT_MARKETING', ['user.contact.address'], new Date(end.getTime() + 3600_000));
    // 23:30 on 31 December in California, and 00:30 on 1 January: either side of the line.
    await disclose(ids.alice, boundary, 'DIRECT_MARKETING', ['user.demographic.age_range'], new Date(end.getTime() - 30 * 60_000));
    await disclose(ids.alice, after, 'DIRECT_MARKETING', ['user.contact.address'], new Date(end.getTime() + 30 * 60_000));
    await disclose(ids.alice, device, 'DIRECT_MARKETING', ['user.device.device_id'], mid);
    await disclose(ids.alice, police, 'LEGAL_COMPLIANCE', ['user.name'], mid);
    await disclose(ids.bob, bobsCo, 'DIRECT_MARKETING', ['user.contact.email', 'user.financial.credit_card'], mid);

    events = new QueueEvents('california-notice', { connection: { host: t.config.redis.host, port: t.config.redis.port }, prefix: t.config.redis.prefix });
    await events.waitUntilReady();
    await t.gateway.work(['california-notice']);
  });
  afterAll(async () => {
    await events.close();
    await t.close();
  });

  const request = (userId: number, channel = 'DESIGNATED', receivedAt?: string) =>
    t.gql<{ requestCaliforniaNotice: { created: boolean; request: { id: string; status: string; reasonCode: string | null; dueAt: string; receivedAt: string; result: Record<string, unknown> | null } } }>(
      `mutation($id: ID!, $ch: NoticeChannel!, $at: DateTimeISO) { requestCaliforniaNotice(userId: $id, channel: $ch, receivedAt: $at) { created request { id status reasonCode dueAt receivedAt result } } }`,
      { id: String(userId), ch: channel, at: receivedAt },
      ops(),
    );
  const completed = (id: string) => waitFor(async () => {
    const res = await t.gql<NoticeResult>(NOTICE, { id }, ops());
    return res.data!.dataRequest.status === 'COMPLETED' ? res.data!.dataRequest : undefined;
  }, `notice ${id}`);

  it('lists exactly the qualifying categories, in the statute’s order, and every qualifying recipient', async () => {
    const res = await request(ids.alice);
    expect(res.errors).toBeUndefined();
    const r = res.data!.requestCaliforniaNotice.request;
    // Due at the end of the 30th calendar day in California (docs/legal.md point 12; exact edges in test/unit/deadlines.spec.ts).
    expect(r.dueAt).toBe(endOfCaliforniaDay(r.receivedAt, 30));
    const done = await completed(r.id);
    const notice = done.notice!;
    expect(notice.year).toBe(year);
    expect(notice.noDisclosures).toBe(false);
    expect(notice.categories).toEqual(['Name and address', 'Electronic mail address', 'Age or date of birth', 'Telephone number']);
    const order = notice.categories.map((c) => STATUTORY_CATEGORIES.indexOf(c as (typeof STATUTORY_CATEGORIES)[number]));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(notice.recipients.map((x) => x.name)).toEqual(['Acme Corp', 'Boundary Marketing', 'Sister Insurance Co']);
    expect(notice.recipients[0]).toEqual({ name: 'Acme Corp', postalAddress: 'Acme Corp HQ, 1 Main St, Springfield', businessDescription: 'Camping gear and outdoor travel offers' });
    for (const forbidden of ['MailHouse', 'BigBuyer', 'Anonymous Stats', 'Old Year', 'This Year', 'After Boundary', 'Device Graph', 'City Police', 'Bobs Only', 'Credit card']) {
      expect(notice.text).not.toContain(forbidden);
      expect(notice.html).not.toContain(forbidden);
    }
    expect(notice.text).toContain(`during ${year}`);
    expect(notice.text).toContain('Camping gear and outdoor travel offers');
    expect(notice.html).toMatch(/^<!doctype html>/);
    const [mail] = await t.gateway.dataSource.query(`SELECT kind, to_address, subject FROM outbox_messages WHERE data_request_id = ?`, [Number(r.id)]);
    expect(mail).toMatchObject({ kind: 'CALIFORNIA_NOTICE', to_address: 'aliceames@example.com' });
  });

  it('answers a customer with no such disclosures with a notice saying so', async () => {
    const r = (await request(ids.quiet, 'OTHER')).data!.requestCaliforniaNotice.request;
    expect(r.dueAt).toBe(endOfCaliforniaDay(r.receivedAt, 150));
    const done = await completed(r.id);
    expect(done.notice).toMatchObject({ noDisclosures: true, categories: [], recipients: [] });
    // 1798.83(e)(6)(A), docs/legal.md point 15: the letter answers for the statute's categories only.
    expect(done.notice!.text.replace(/\s+/g, ' ')).toContain('did not disclose to third parties, for their direct marketing purposes, any personal information about you of the categories California Civil Code section 1798.83 lists');
    expect(done.notice!.text).not.toContain('did not disclose any of your personal information');
  });

  it('rejects a customer who is not a California resident, with the reason', async () => {
    const res = await request(ids.nora);
    expect(res.data!.requestCaliforniaNotice).toMatchObject({ created: true, request: { status: 'REJECTED', reasonCode: 'NOT_CALIFORNIA_RESIDENT' } });
  });

  it('rejects a second request in the same calendar year, linking the earlier answer', async () => {
    const [earlier] = await t.gateway.dataSource.query(`SELECT id FROM data_requests WHERE subject_id = ? AND status = 'COMPLETED'`, [ids.alice]);
    const res = await request(ids.alice);
    expect(res.data!.requestCaliforniaNotice.request).toMatchObject({ status: 'REJECTED', reasonCode: 'ALREADY_ANSWERED_THIS_YEAR', result: { earlierRequestId: earlier.id } });
  });

  it('refuses bad input and the wrong roles', async () => {
    expect(errorCode(await request(999999))).toBe('NOT_FOUND');
    expect(errorCode(await request(ids.bob, 'CARRIER_PIGEON'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await request(ids.bob, 'DESIGNATED', new Date(Date.now() + 86400_000 * 3).toISOString()))).toBe('BAD_USER_INPUT');
    const app = await t.gql(`mutation { requestCaliforniaNotice(userId: "${ids.bob}", channel: DESIGNATED) { created } }`, undefined, t.token(Role.APP));
    expect(errorCode(app)).toBe('FORBIDDEN');
  });

  it('compiles many at once in a fixed number of statements per chunk, never mixing people', async () => {
    const ds = t.gateway.dataSource;
    const made: number[] = [];
    for (let i = 0; i < 40; i += 1) made.push(await subject(`Bulk Person ${i}`, 'US-CA'));
    // Counted on a DataSource of its own, one connection already set up: the gateway's also
    // carries its workers' statements, and a connection new to its pool sends one more (the
    // session's isolation level) the first time it is used.
    const own = createDataSource({ ...t.config, mysql: { ...t.config.mysql, poolSize: 1 } }, { entities: t.gateway.dataSource.options.entities as Function[] });
    await own.initialize();
    await inTransaction(own, (em) => em.query('SELECT 1'));
    const statementsFor = async (subjectIds: number[]) => {
      const opened = await inTransaction(ds, (em) => openCaliforniaNotices(em, systemActor, { subjectIds, channel: 'OTHER', receivedAt: now }));
      const before = statementCount(own);
      await inTransaction(own, (em) => compileCaliforniaNotices(em, systemActor, opened.toCompile, 'Example'));
      return statementCount(own) - before;
    };
    const few = await statementsFor(made.slice(0, 3));
    const many = await statementsFor(made.slice(3));
    await own.destroy();
    expect(many).toBe(few);
    const bobs = await t.gql<{ requestCaliforniaNotices: { id: string; status: string }[] }>(
      `mutation($ids: [ID!]!) { requestCaliforniaNotices(userIds: $ids, channel: OTHER) { id status } }`,
      { ids: [String(ids.bob), String(ids.nora)] },
      ops(),
    );
    expect(bobs.data!.requestCaliforniaNotices.map((r) => r.status)).toEqual(['ACKNOWLEDGED', 'REJECTED']);
    const bobNotice = await completed(bobs.data!.requestCaliforniaNotices[0]!.id);
    expect(bobNotice.notice!.recipients.map((r) => r.name)).toEqual(['Bobs Only Co']);
    expect(bobNotice.notice!.categories).toEqual(['Electronic mail address', 'Credit card number']);
    const user = await t.gql<{ user: { californiaNotices: { status: string }[] } }>(`{ user(id: "${ids.bob}") { californiaNotices { status } } }`, undefined, ops());
    expect(user.data!.user.californiaNotices.map((n) => n.status)).toEqual(['COMPLETED']);
  });

  it('mails the letter it shows, rendered at delivery from the stored notice, and names no one once the person is erased', async () => {
    const carla = await subject('Carla Coast', 'US-CA');
    const [acme] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE name = 'Acme Corp'`);
    await disclose(carla, Number(acme.id), 'DIRECT_MARKETING', ['user.contact.email'], mid);
    const r = (await request(carla, 'OTHER')).data!.requestCaliforniaNotice.request;
    const done = await completed(r.id);
    expect(done.notice!.categories).toEqual(['Electronic mail address']);
    expect(done.notice!.text).toMatch(/^Dear Carla Coast,/);
    // Stored once, as data: neither the request nor the queued email holds the letter.
    expect(JSON.stringify(done.result)).not.toContain('Dear ');
    const [queued] = await t.gateway.dataSource.query(`SELECT id, text_body, html_body FROM outbox_messages WHERE data_request_id = ?`, [Number(r.id)]);
    expect(queued).toMatchObject({ text_body: '', html_body: null });

    const sent = await deliverOutbox(t.gateway.dataSource, createMailTransport(t.config), undefined, t.config.company.name);
    expect(sent.failed).toBe(0);
    // The file transport names each file after the Message-ID.
    const file = (await readdir(t.config.outbox.dir)).find((f) => f === `_outbox-${queued.id}_data-rights-gateway_.eml`);
    expect(file).toBeDefined();
    const eml = await readFile(`${t.config.outbox.dir}/${file}`, 'utf8');
    expect(eml).toContain(`<outbox-${queued.id}@data-rights-gateway>`);
    const unfolded = eml.replace(/=\r?\n/g, '');
    expect(unfolded).toContain('Dear Carla Coast,');
    for (const category of done.notice!.categories) expect(unfolded).toContain(category);
    expect(unfolded).toContain('<!doctype html>');

    await t.gateway.dataSource.query(`UPDATE subjects SET status = 'ERASED', name = NULL, email = NULL WHERE id = ?`, [carla]);
    const after = (await t.gql<NoticeResult>(NOTICE, { id: r.id }, ops())).data!.dataRequest.notice!;
    expect(after.text).toMatch(/^Dear customer,/);
    expect(after.text).not.toContain('Carla');
    expect({ ...after, text: '', html: '' }).toEqual({ ...done.notice!, text: '', html: '' });
  });
});
