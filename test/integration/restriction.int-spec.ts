import { queueMarketingEmail } from '../../src/domain/communications.service';
import { inTransaction } from '../../src/domain/transaction';
import { PurposeKey, Role } from '../../src/entities/enums';
import { waitFor } from '../helpers/wait';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

type Person = { id: string; status: string; name: string | null; email: string | null; consents: { purpose: string }[] } | null;

/**
 * Issue 21, point 7 (docs/legal.md): while a person's data is kept only because a legal hold
 * stopped their erasure, it is used for that purpose alone (11 CCR 7022(f)(3)).
 */
describe('restriction of processing while a hold keeps an erased person (11 CCR 7022(f)(3))', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  let held: number;
  let free: number;
  let marketer: number;
  let authority: number;
  let hold: string;
  let request: string;

  const read = (purpose: string, id = held) =>
    t.gql<{ user: Person }>(`{ user(id: "${id}") { id status name email consents { purpose } } }`, undefined, t.token(Role.APP), purpose);

  beforeAll(async () => {
    t = await startTestGateway('restriction');
    const person = async (name: string) => {
      const r = (await ds().query(`INSERT INTO subjects (name, email, region, country, status, source) VALUES (?, ?, 'US-CA', 'US', 'ACTIVE', 'CONTACT_FORM')`, [name, `${name.toLowerCase()}@example.com`])) as { insertId: number };
      const id = Number(r.insertId);
      for (const purpose of ['PRODUCT_EMAIL', 'THIRD_PARTY_OFFERS', 'THIRD_PARTY_MARKETING_SHARING'])
        await ds().query(`INSERT INTO consents (subject_id, purpose, status, source, version, updated_at) VALUES (?, ?, 'GRANTED', 'FORM', 1, NOW(3))`, [id, purpose]);
      return id;
    };
    held = await person('Hana');
    free = await person('Fred');
    marketer = Number(((await ds().query(`INSERT INTO recipients (kind, name, postal_address, allowed_purposes) VALUES ('THIRD_PARTY', 'Offers Co', '1 Main St', 'DIRECT_MARKETING')`)) as { insertId: number }).insertId);
    authority = Number(((await ds().query(`INSERT INTO recipients (kind, name, allowed_purposes) VALUES ('AUTHORITY', 'Court', 'LEGAL_COMPLIANCE')`)) as { insertId: number }).insertId);
    await t.gateway.work(['erasure']);
    hold = (await t.gql<{ placeLegalHold: { hold: { id: string } } }>(`mutation { placeLegalHold(input: { matter: "Case", caseReference: "C-7", subjectIds: ["${held}"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL))).data!.placeLegalHold.hold.id;
    request = (await t.gql<{ requestErasure: { request: { id: string } } }>(`mutation { requestErasure(userId: "${held}", channel: "EMAIL") { request { id } } }`, undefined, t.token(Role.PRIVACY_OPS))).data!.requestErasure.request.id;
    await waitFor(async () => {
      const [r] = await ds().query('SELECT status FROM data_requests WHERE id = ?', [Number(request)]);
      return r.status === 'BLOCKED_BY_HOLD' ? true : undefined;
    }, 'the erasure blocked by the hold');
  });
  afterAll(() => t.close());

  it('7022(f)(3): the person whose erasure a hold stopped is RESTRICTED, and a privileged read sees the record as it is', async () => {
    const [row] = await ds().query('SELECT status, name FROM subjects WHERE id = ?', [held]);
    expect(row).toMatchObject({ status: 'RESTRICTED', name: 'Hana' });
    const admin = await t.gql<{ user: Person }>(`{ user(id: "${held}") { id status name } }`, undefined, t.token(Role.ADMIN));
    expect(admin.data!.user).toMatchObject({ status: 'RESTRICTED', name: 'Hana' });
  });

  it('7022(f)(3): to internal apps the person is as if erased, for every purpose but SECURITY', async () => {
    for (const purpose of ['SERVICE', 'SUPPORT', 'ANALYTICS']) {
      const res = await read(purpose);
      expect(res.errors).toBeUndefined();
      expect(res.data!.user).toEqual({ id: String(held), status: 'ERASED', name: null, email: null, consents: [] });
    }
    // The person beside them is read as before.
    expect((await read('SERVICE', free)).data!.user).toMatchObject({ status: 'ACTIVE', name: 'Fred' });
    const security = await read('SECURITY');
    expect(security.data!.user).toMatchObject({ status: 'RESTRICTED', name: 'Hana' });
    // Filtering by status does not find them as restricted, and finds them among the erased.
    const filtered = async (status: string) =>
      (await t.gql<{ users: { edges: { node: { id: string } }[] } }>(`{ users(first: 50, filter: { status: ${status} }) { edges { node { id } } } }`, undefined, t.token(Role.APP), 'SERVICE')).data!.users.edges.map((e) => e.node.id);
    expect(await filtered('RESTRICTED')).toEqual([]);
    expect(await filtered('ERASED')).toContain(String(held));
  });

  it('7022(f)(3): the person drops out of every marketing read, in lists and one by one', async () => {
    for (const purpose of ['PRODUCT_EMAIL', 'THIRD_PARTY_OFFERS']) {
      const list = await t.gql<{ users: { edges: { node: { id: string } }[] } }>(`{ users(first: 50) { edges { node { id } } } }`, undefined, t.token(Role.APP), purpose);
      expect(list.errors).toBeUndefined();
      const ids = list.data!.users.edges.map((e) => e.node.id);
      expect(ids).toContain(String(free));
      expect(ids).not.toContain(String(held));
      const one = await read(purpose);
      expect(one.data!.user).toBeNull();
      expect(one.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PROCESSING_RESTRICTED' });
    }
  });

  it('7022(f)(3): disclosures of the person are refused except for a legal obligation, and no marketing email is queued', async () => {
    const disclose = (recipientId: number, purpose: string) =>
      t.gql(`mutation { recordDisclosure(input: { userId: "${held}", recipientId: "${recipientId}", purpose: ${purpose}, categories: ["user.name"] }) { id } }`, undefined, t.token(Role.PRIVACY_OPS));
    const refused = await disclose(marketer, 'DIRECT_MARKETING');
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROCESSING_RESTRICTED' });
    expect(Number((await ds().query('SELECT COUNT(*) AS n FROM disclosures WHERE subject_id = ?', [held]))[0].n)).toBe(0);
    const legal = await disclose(authority, 'LEGAL_COMPLIANCE');
    expect(legal.errors).toBeUndefined();
    const queued = await inTransaction(ds(), (em) => queueMarketingEmail(em, t.config.communications, { subjectId: held, purpose: PurposeKey.PRODUCT_EMAIL, subject: 'Offers', text: 'Offers.' }));
    expect(queued).toBeNull();
  });

  it('7022(f)(3): no other edge links to the person, and a lookup by what only a live record has does not find them', async () => {
    const viaRecipient = await t.gql<{ recipient: { disclosures: { edges: { node: { purpose: string; user: { id: string } | null } }[] } } }>(
      `{ recipient(id: "${authority}") { disclosures(first: 10) { edges { node { purpose user { id } } } } } }`, undefined, t.token(Role.APP), 'SERVICE',
    );
    expect(viaRecipient.errors).toBeUndefined();
    const edges = viaRecipient.data!.recipient.disclosures.edges;
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) expect(e.node.user).toBeNull();
    // SECURITY still follows the link.
    const security = await t.gql<{ recipient: { disclosures: { edges: { node: { user: { id: string } | null } }[] } } }>(
      `{ recipient(id: "${authority}") { disclosures(first: 10) { edges { node { user { id } } } } } }`, undefined, t.token(Role.APP), 'SECURITY',
    );
    expect(security.data!.recipient.disclosures.edges.map((e) => e.node.user?.id)).toContain(String(held));
    for (const filter of ['email: "hana@example.com"', 'region: "US-CA"']) {
      const found = await t.gql<{ users: { edges: { node: { id: string } }[] } }>(`{ users(first: 50, filter: { ${filter} }) { edges { node { id } } } }`, undefined, t.token(Role.APP), 'SERVICE');
      expect(found.errors).toBeUndefined();
      expect(found.data!.users.edges.map((e) => e.node.id)).not.toContain(String(held));
    }
  });

  it('a second hold can still be placed on the person; releasing every hold completes the erasure and ends the restriction', async () => {
    const second = await t.gql<{ placeLegalHold: { addedSubjectIds: string[] } }>(`mutation { placeLegalHold(input: { matter: "Other", caseReference: "C-8", subjectIds: ["${held}"] }) { addedSubjectIds } }`, undefined, t.token(Role.LEGAL));
    expect(second.data!.placeLegalHold.addedSubjectIds).toEqual([String(held)]);
    const holds = (await ds().query(`SELECT id FROM legal_holds WHERE status = 'ACTIVE'`)) as { id: number }[];
    for (const h of holds) await t.gql(`mutation { releaseLegalHold(holdId: "${h.id}", reason: "done") { freedSubjectIds } }`, undefined, t.token(Role.LEGAL));
    expect(holds.map((h) => String(h.id))).toContain(hold);
    await waitFor(async () => {
      const [row] = await ds().query('SELECT status FROM subjects WHERE id = ?', [held]);
      return row.status === 'ERASED' ? true : undefined;
    }, 'the erasure completed');
    const [r] = await ds().query('SELECT status FROM data_requests WHERE id = ?', [Number(request)]);
    expect(r.status).toBe('COMPLETED');
  });
});
