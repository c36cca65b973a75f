import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { runErasure } from '../../src/domain/erasure.service';
import type { DomainHooks } from '../../src/domain/hooks';
import {
  LINKED_RECORDS_NOT_CATALOGUED, PERSONAL_TABLES, catalogueColumns, fieldsOf, holdFieldCategories, transferCategoryList,
  type PersonalFieldEntry, type PersonalTableName,
} from '../../src/domain/personal-data.catalogue';
import { inTransaction } from '../../src/domain/transaction';
import { Role } from '../../src/entities/enums';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

const REQUEST = `mutation($id: ID!) { requestErasure(userId: $id, channel: "WEB") { request { id } } }`;
const PLACE = `mutation($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { hold { id preservation { status } } } }`;

type Row = Record<string, unknown>;
const plain = (v: unknown) => (v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? v.toString('hex') : v);

/**
 * The catalogue against the real schema and the real behaviour: every column of a personal table
 * (after every migration, plugins' included) is classified, and erasure and legal holds do to each
 * field what the catalogue says.
 */
describe('the personal-data catalogue, against the database', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway('catalogue');
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 30, recipients: 12, seed: 19 });
  });
  afterAll(() => t.close());

  const columnsOf = async (table: string): Promise<string[]> =>
    ((await t.gateway.dataSource.query(
      'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY column_name',
      [table],
    )) as { name: string }[]).map((c) => c.name);

  it.each(PERSONAL_TABLES.map((p) => p.table))('%s: every column is in the catalogue, as a personal field or as a non-personal column', async (table) => {
    const real = await columnsOf(table);
    expect(real.length).toBeGreaterThan(3);
    const known = catalogueColumns(table);
    // A column the catalogue does not know must be classified: a personal field (with what erasure,
    // holds, exports, reads and access requests do with it) or a non-personal column (with why).
    expect({ table, unclassified: real.filter((c) => !known.includes(c)), missingFromTheTable: known.filter((c) => !real.includes(c)) })
      .toEqual({ table, unclassified: [], missingFromTheTable: [] });
  });

  it('knows every table that points at a subject: catalogued, or listed with the reason it is not', async () => {
    const linked: { name: string }[] = await t.gateway.dataSource.query(
      `SELECT DISTINCT c.table_name AS name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = DATABASE() AND c.column_name = 'subject_id' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name`,
    );
    const accounted = [...PERSONAL_TABLES.map((p) => p.table as string), ...Object.keys(LINKED_RECORDS_NOT_CATALOGUED)];
    expect(linked.map((l) => l.name).filter((n) => !accounted.includes(n))).toEqual([]);
    // And the lists name no table that does not exist.
    const tables: { name: string }[] = await t.gateway.dataSource.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()`);
    expect(accounted.filter((n) => !tables.some((x) => x.name === n))).toEqual([]);
  });

  it('reads each table for an access package along an index that exists, on (subject_id, ...its order)', async () => {
    for (const table of PERSONAL_TABLES) {
      const rows: { column_name: string }[] = await t.gateway.dataSource.query(
        'SELECT column_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ? ORDER BY seq_in_index',
        [table.table, table.access.index],
      );
      const expected = table.table === 'subjects' ? ['id'] : ['subject_id', ...table.access.order];
      // InnoDB appends the primary key to a secondary index: an order ending in `id` is the index's own order.
      const columns = rows.map((r) => r.column_name);
      expect([table.table, columns]).toEqual([table.table, expected.at(-1) === 'id' && table.table !== 'subjects' ? expected.slice(0, -1) : expected]);
    }
  });

  it('names, for holds and transfer disclosures, only categories the database knows; an email open no hold or disclosure can name', async () => {
    const known = new Set(((await t.gateway.dataSource.query('SELECT `key` FROM data_categories')) as { key: string }[]).map((r) => r.key));
    const filtered = PERSONAL_TABLES.flatMap((p) => Object.values(holdFieldCategories(p.table)).flat());
    const transferred = [...transferCategoryList('CLOSING'), ...transferCategoryList('DUE_DILIGENCE')];
    expect([...new Set([...filtered, ...transferred])].filter((c) => !known.has(c))).toEqual([]);
    expect(['user.behavior', known.has('user.behavior')]).toEqual(['user.behavior', false]);
    // A closing transfer's disclosure names the consent history and the disclosure log (issue 26), which no hold may name.
    for (const c of ['user.privacy_preferences', 'user.disclosure_history']) expect([c, known.has(c)]).toEqual([c, true]);
  });

  describe('erasure does to each field what the catalogue says', () => {
    const ds = () => t.gateway.dataSource;
    const rowsOf = async (table: PersonalTableName, subjectId: number): Promise<Row[]> =>
      ds().query(`SELECT * FROM ${table} WHERE ${table === 'subjects' ? 'id' : 'subject_id'} = ? ORDER BY id`, [subjectId]);
    const byIds = async (table: PersonalTableName, ids: unknown[]): Promise<Map<number, Row>> =>
      new Map(((await ds().query(`SELECT * FROM ${table} WHERE id IN (?)`, [ids])) as Row[]).map((r) => [Number(r.id), r]));

    async function everything(subjectId: number): Promise<Record<PersonalTableName, Row[]>> {
      const out = {} as Record<PersonalTableName, Row[]>;
      for (const p of PERSONAL_TABLES) out[p.table] = await rowsOf(p.table, subjectId);
      return out;
    }

    /** A subject with a row in every personal table, including a visit whose every field de-identification changes. */
    async function prepare(subjectId: number): Promise<Record<PersonalTableName, Row[]>> {
      await ds().query(`INSERT INTO email_opens (subject_id, campaign, opened_at) VALUES (?, 'PRODUCT_EMAIL:2026-01', NOW(3))`, [subjectId]);
      await ds().query(
        `INSERT INTO collection_events (subject_id, ip_address, latitude, longitude, geo_accuracy_m, region, device_id, cookie_id, user_agent, page, dnt, gpc, occurred_at)
         VALUES (?, '198.51.100.23', 37.774929, -122.419416, 12, 'US-CA', 'device-x', 'cookie-x',
                 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
                 '/account/settings?token=secret#top', 1, 1, '2026-01-15 10:11:12.345')`,
        [subjectId],
      );
      const before = await everything(subjectId);
      for (const p of PERSONAL_TABLES) expect([p.table, before[p.table].length > 0]).toEqual([p.table, true]);
      return before;
    }

    async function erase(subjectId: number, hooks: DomainHooks): Promise<void> {
      const res = await t.gql<{ requestErasure: { request: { id: string } } }>(REQUEST, { id: String(subjectId) }, t.token(Role.PRIVACY_OPS));
      expect(res.errors).toBeUndefined();
      const { result: outcome } = await t.gateway.run((uow) => runErasure(uow.em, systemActor, Number(res.data!.requestErasure.request.id), hooks, uow));
      expect(outcome.status).toBe('COMPLETED');
    }

    /** Checks every personal table of an erased subject against the catalogue; `deIdentified`: the anonymization plugin ran. */
    async function expectErasedAsCatalogued(subjectId: number, before: Record<PersonalTableName, Row[]>, deIdentified: boolean): Promise<void> {
      for (const p of PERSONAL_TABLES) {
        const fields = fieldsOf(p.table);
        const ids = before[p.table].map((r) => r.id);
        const after = await byIds(p.table, ids);
        const gone = p.erasure === 'DELETE_ROWS' || (p.erasure === 'DE_IDENTIFY_OR_DELETE' && !deIdentified);
        if (gone) {
          expect([p.table, after.size]).toEqual([p.table, 0]);
          continue;
        }
        expect([p.table, after.size]).toEqual([p.table, ids.length]);
        for (const old of before[p.table]) {
          const now = after.get(Number(old.id))!;
          if (p.table !== 'subjects') expect([p.table, now.subject_id]).toEqual([p.table, null]);
          for (const f of fields as readonly PersonalFieldEntry[]) {
            const was = plain(old[f.column]);
            const is = plain(now[f.column]);
            const where = `${p.table}.${f.column}`;
            const e = f.erasure;
            if (e === 'NULL') expect([where, is]).toEqual([where, null]);
            else if (e === 'KEEP_UNLINKED') expect([where, is]).toEqual([where, was]);
            else if (typeof e === 'object' && e.deIdentify === 'NULL') expect([where, is]).toEqual([where, null]);
            else if (typeof e === 'object' && e.deIdentify === 'KEEP') expect([where, is]).toEqual([where, was]);
            else if (typeof e === 'object' && e.deIdentify === 'GENERALIZE') {
              // The visit written for this test has a value each generalization changes.
              if (old.device_id === 'device-x') expect([where, is !== was && is !== null]).toEqual([where, true]);
            } else throw new Error(`${where}: erasure ${JSON.stringify(e)} is not checked here`);
          }
        }
      }
      const [s] = await rowsOf('subjects', subjectId);
      expect(s!.status).toBe('ERASED');
    }

    it('with the anonymization plugin: tombstone, deletions, de-identified visits, unlinked disclosures', async () => {
      const before = await prepare(4);
      await erase(4, t.gateway.hooks);
      await expectErasedAsCatalogued(4, before, true);
    });

    it('without it: the visits are deleted, the rest as before', async () => {
      const before = await prepare(5);
      const noPlugins: DomainHooks = { vetoErasure: async () => [], retainedCopies: async () => [], erasureSteps: async () => ({}), onDisclosure: async () => undefined, onHoldReleased: async () => undefined, accessContributions: async () => [] };
      await erase(5, noPlugins);
      await expectErasedAsCatalogued(5, before, false);
    });
  });

  it('a legal hold scoped to categories copies the fields the catalogue puts in them, and the rest of their records', async () => {
    const category = 'user.location.imprecise';
    const res = await t.gql<{ placeLegalHold: { hold: { id: string; preservation: { status: string } } } }>(
      PLACE,
      { input: { matter: 'Where they live', caseReference: 'LOC-1', subjectIds: ['7'], categories: [category] } },
      t.token(Role.LEGAL),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.placeLegalHold.hold.preservation.status).toBe('COMPLETED');
    const rows: { record_type: string; content: string }[] = await t.gateway.dataSource.query(
      'SELECT record_type, content FROM legal_hold_preserved_records WHERE hold_id = ? ORDER BY id',
      [Number(res.data!.placeLegalHold.hold.id)],
    );
    const copied = (type: string) => rows.filter((r) => r.record_type === type).map((r) => Object.keys(JSON.parse(r.content) as Row).sort());
    // The catalogue's fields of the category, and every column the catalogue does not filter by category.
    const expected = (table: PersonalTableName) => {
      const byCategory = holdFieldCategories(table);
      return catalogueColumns(table).filter((c) => !byCategory[c] || byCategory[c]!.includes(category)).sort();
    };
    expect(copied('SUBJECT')).toEqual([expected('subjects')]);
    // Region and country are where the person lives, not their postal address.
    expect(expected('subjects')).toEqual(expect.arrayContaining(['region', 'country']));
    expect(expected('subjects')).not.toContain('street_address');
    const visits = copied('COLLECTION_EVENT');
    expect(visits.length).toBeGreaterThan(0);
    for (const v of visits) expect(v).toEqual(expected('collection_events'));
    // Consents go whole, whatever the categories (no hold can name user.privacy_preferences).
    for (const c of copied('CONSENT')) expect(c).toEqual(catalogueColumns('consents').sort());
    // Email opens are not copied (NOT_COPIED): no record of theirs, nor of any other kind.
    expect([...new Set(rows.map((r) => r.record_type))].filter((x) => !['SUBJECT', 'CONSENT', 'CONSENT_EVENT', 'DISCLOSURE', 'COLLECTION_EVENT'].includes(x))).toEqual([]);
  });
});
