import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { Role } from '../../src/entities/enums';
import { startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';

type Conn<T> = { edges: { node: T }[] };

/**
 * Issue 20's leaks, tried as an attacker would: each reaches a type through an edge other than
 * its root, or reads through a mutation's answer. Each test failed on the code before the
 * type-access table (src/domain/type-access.policy.ts) and the logging of every reader.
 */
describe('authorizing the graph, not the entry points', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  const one = async (sql: string, params: unknown[] = []): Promise<number> => Number(((await ds().query(sql, params)) as { id: number }[])[0]!.id);
  const logOf = async (subjectId: number) =>
    (await ds().query('SELECT actor, role, purpose, categories, request_id FROM access_log WHERE subject_id = ? ORDER BY id', [subjectId])) as { actor: string; role: string; purpose: string | null; categories: string; request_id: string }[];
  let recipientId: number;
  let noProductEmail: number;
  let gpcOptedOut: number;
  let requestId: string;
  let holdId: string;
  let transferId: string;

  beforeAll(async () => {
    t = await startTestGateway('graph_authz');
    await seedDemoData(ds(), systemActor, { subjects: 40, recipients: 12, consentsPerSubject: 6, disclosuresPerSubject: 4, seed: 20 });
    recipientId = await one('SELECT recipient_id AS id FROM disclosures WHERE subject_id IS NOT NULL GROUP BY recipient_id ORDER BY COUNT(*) DESC LIMIT 1');
    noProductEmail = await one(`SELECT id FROM subjects WHERE status = 'ACTIVE' AND id NOT IN (SELECT subject_id FROM consents WHERE purpose = 'PRODUCT_EMAIL' AND status = 'GRANTED') ORDER BY id LIMIT 1`);
    gpcOptedOut = await one(`SELECT id FROM subjects WHERE status = 'ACTIVE' AND id <> ? ORDER BY id DESC LIMIT 1`, [noProductEmail]);
    await ds().query(`DELETE FROM consents WHERE subject_id = ? AND purpose IN ('THIRD_PARTY_OFFERS', 'THIRD_PARTY_MARKETING_SHARING')`, [gpcOptedOut]);
    await ds().query(
      `INSERT INTO consents (subject_id, purpose, status, source, version, updated_at) VALUES (?, 'THIRD_PARTY_OFFERS', 'GRANTED', 'FORM', 1, NOW(3)), (?, 'THIRD_PARTY_MARKETING_SHARING', 'WITHDRAWN', 'GPC_SIGNAL', 1, NOW(3))`,
      [gpcOptedOut, gpcOptedOut],
    );
    const admin = t.token(Role.ADMIN);
    const must = async <T>(query: string): Promise<T> => {
      const res = await t.gql<T>(query, undefined, admin);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return res.data!;
    };
    const acquirer = (await must<{ registerRecipient: { id: string } }>('mutation { registerRecipient(input: { kind: ACQUIRER, name: "Buyer Co", allowedPurposes: [BUSINESS_TRANSFER] }) { id } }')).registerRecipient.id;
    // The acquirer has a disclosure of a person on record, as a closing transfer leaves.
    await ds().query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (3, ?, 'BUSINESS_TRANSFER', 1, NOW(3), 'test')`, [acquirer]);
    transferId = (await must<{ startBusinessTransfer: { id: string } }>(`mutation { startBusinessTransfer(input: { dealName: "D", acquirerId: "${acquirer}", phase: DUE_DILIGENCE, scope: { regions: ["US-CA"] } }) { id } }`)).startBusinessTransfer.id;
    holdId = (await must<{ placeLegalHold: { hold: { id: string } } }>('mutation { placeLegalHold(input: { matter: "M", caseReference: "C-20", subjectIds: ["7"] }) { hold { id } } }')).placeLegalHold.hold.id;
    requestId = (await must<{ requestErasure: { request: { id: string } } }>('mutation { requestErasure(userId: "7", channel: "EMAIL") { request { id } } }')).requestErasure.request.id;
  });
  afterAll(() => t.close());

  it('MNA reaches no person through a recipient\'s or an acquirer\'s disclosures', async () => {
    const viaRecipient = await t.gql<{ recipient: { disclosures: Conn<{ user: { name: string } | null }> } }>(
      `{ recipient(id: "${recipientId}") { name disclosures(first: 50) { edges { node { user { name email phone birthDate streetAddress } } } } } }`,
      undefined,
      t.token(Role.MNA),
    );
    expect(viaRecipient.errors).toBeUndefined();
    expect(viaRecipient.data!.recipient.disclosures.edges).toEqual([]);
    const viaTransfer = await t.gql<{ businessTransfer: { acquirer: { disclosures: Conn<unknown> } } }>(
      `{ businessTransfer(id: "${transferId}") { acquirer { disclosures(first: 50) { edges { node { user { name email } } } } } } }`,
      undefined,
      t.token(Role.MNA),
    );
    expect(viaTransfer.errors).toBeUndefined();
    expect(viaTransfer.data!.businessTransfer.acquirer.disclosures.edges).toEqual([]);
  });

  it('a purpose that hides disclosures hides them through a recipient too', async () => {
    const res = await t.gql<{ recipient: { disclosures: Conn<unknown> } }>(
      `{ recipient(id: "${recipientId}") { disclosures(first: 50) { edges { node { purpose categories { key } user { id } } } } } }`,
      undefined,
      t.token(Role.APP),
      'ANALYTICS',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.recipient.disclosures.edges).toEqual([]);
    // SECURITY may see what was shared: the same edge answers.
    const security = await t.gql<{ recipient: { disclosures: Conn<unknown> } }>(`{ recipient(id: "${recipientId}") { disclosures(first: 5) { edges { node { purpose } } } } }`, undefined, t.token(Role.APP), 'SECURITY');
    expect(security.data!.recipient.disclosures.edges.length).toBeGreaterThan(0);
  });

  it('a mutation\'s answer passes the consent filter: the change is made, the person\'s data is not shown', async () => {
    const [before] = await ds().query('SELECT region, name, email FROM subjects WHERE id = ?', [noProductEmail]);
    const res = await t.gql<{ updateUser: { id: string; name: string | null; email: string | null; region: string | null; consents: unknown[] } }>(
      `mutation($id: ID!, $region: String) { updateUser(id: $id, input: { region: $region }) { id name email region consents { purpose } } }`,
      { id: String(noProductEmail), region: before.region === 'US-NY' ? 'US-CA' : 'US-NY' },
      t.token(Role.APP),
      'PRODUCT_EMAIL',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateUser).toEqual({ id: String(noProductEmail), name: null, email: null, region: null, consents: [] });
    const [after] = await ds().query('SELECT region FROM subjects WHERE id = ?', [noProductEmail]);
    expect(after.region).not.toBe(before.region);
    // A GPC opt-out is honoured the same way for offers on behalf of others.
    const gpc = await t.gql<{ updateUser: { name: string | null; email: string | null } }>(`mutation { updateUser(id: "${gpcOptedOut}", input: { city: "Springfield" }) { name email } }`, undefined, t.token(Role.APP), 'THIRD_PARTY_OFFERS');
    expect(gpc.errors).toBeUndefined();
    expect(gpc.data!.updateUser).toEqual({ name: null, email: null });
  });

  it('APP sees no data request, hold or notice through User.requests or User.legalHolds', async () => {
    const res = await t.gql<{ user: { requests: unknown[]; legalHolds: unknown[] | null } }>(`{ user(id: "7") { id requests { id status result } legalHolds { id matter } } }`, undefined, t.token(Role.APP), 'SERVICE');
    expect(res.data!.user.requests).toEqual([]);
    expect(res.data!.user.legalHolds ?? []).toEqual([]);
  });

  it('a privileged role that declares a purpose gets what an APP gets: no preserved copy, no letter', async () => {
    for (const query of [
      `{ legalHold(id: "${holdId}") { preservedRecords(first: 10) { edges { node { content } } } } }`,
      `{ dataRequest(id: "${requestId}") { notice { text } } }`,
    ]) {
      const res = await t.gql(query, undefined, t.token(Role.LEGAL), 'SERVICE');
      expect([query, res.errors?.[0]?.extensions]).toEqual([query, expect.objectContaining({ code: 'FORBIDDEN', reason: 'TYPE_NOT_ALLOWED' })]);
    }
    // Without the purpose, LEGAL reads the hold as it is.
    const plain = await t.gql<{ legalHold: { preservedRecords: Conn<{ content: string }> } }>(`{ legalHold(id: "${holdId}") { preservedRecords(first: 10) { edges { node { content } } } } }`, undefined, t.token(Role.LEGAL));
    expect(plain.errors).toBeUndefined();
  });

  it('logs every reader: the role, the purpose or none, one row per person per request', async () => {
    const before = (await logOf(5)).length;
    const res = await t.gql(`{ user(id: "5") { name email disclosures(first: 3) { edges { node { user { id name phone } } } } } }`, undefined, t.token(Role.LEGAL));
    expect(res.errors).toBeUndefined();
    const rows = (await logOf(5)).slice(before);
    // Reached twice (the user, then each disclosure's user): one row, every category read.
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ role: 'LEGAL', purpose: null });
    expect(rows[0]!.categories.split(',')).toEqual(expect.arrayContaining(['user.name', 'user.contact.email', 'list:disclosures']));
    // SECURITY reads of what was shared are logged by the list's name.
    await t.gql(`{ user(id: "6") { id disclosures(first: 2) { edges { node { id } } } recipients { id } } }`, undefined, t.token(Role.APP), 'SECURITY');
    const security = (await logOf(6)).at(-1)!;
    expect(security).toMatchObject({ role: 'APP', purpose: 'SECURITY' });
    expect(security.categories.split(',').sort()).toEqual(['list:disclosures', 'list:recipients']);
    // accessLog filters by role.
    const byRole = await t.gql<{ accessLog: Conn<{ role: string; purpose: string | null; userId: string }> }>(`{ accessLog(role: LEGAL, first: 50) { edges { node { role purpose userId } } } }`, undefined, t.token(Role.PRIVACY_OPS));
    expect(byRole.errors).toBeUndefined();
    expect(byRole.data!.accessLog.edges.length).toBeGreaterThan(0);
    expect(byRole.data!.accessLog.edges.every((e) => e.node.role === 'LEGAL')).toBe(true);
  });

  it('logs the letter of a notice and a preserved copy as reads of the person', async () => {
    const before = (await logOf(7)).length;
    const res = await t.gql(`{ legalHold(id: "${holdId}") { preservedRecords(first: 50) { edges { node { recordType content } } } } }`, undefined, t.token(Role.LEGAL));
    expect(res.errors).toBeUndefined();
    const rows = (await logOf(7)).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.categories.split(',')).toEqual(expect.arrayContaining(['user.name', 'user.contact.email']));
  });

  it('a purpose that may not see emails may not probe one through a write: refused, nothing changed', async () => {
    const [{ email }] = await ds().query('SELECT email FROM subjects WHERE id = 2');
    const checksums = await tableChecksums(t.gateway);
    for (const query of [`mutation($e: String) { registerUser(input: { name: "Probe", email: $e }) { id } }`, `mutation($e: String) { updateUser(id: "3", input: { email: $e }) { id } }`]) {
      const res = await t.gql(query, { e: email }, t.token(Role.APP), 'ANALYTICS');
      expect([query, res.errors?.[0]?.extensions]).toEqual([query, expect.objectContaining({ code: 'FORBIDDEN', reason: 'FIELD_NOT_ALLOWED_FOR_PURPOSE' })]);
    }
    expect(await tableChecksums(t.gateway)).toEqual(checksums);
  });

  it('PRIVACY_OPS may record a collection event and LEGAL may read the categories, as the roles table says', async () => {
    const ev = await t.gql(`mutation { recordCollectionEvent(input: { page: "/x" }) { id } }`, undefined, t.token(Role.PRIVACY_OPS));
    expect(ev.errors).toBeUndefined();
    const cats = await t.gql<{ dataCategories: unknown[] }>(`{ dataCategories { key } }`, undefined, t.token(Role.LEGAL));
    expect(cats.data!.dataCategories.length).toBeGreaterThan(5);
  });
});
