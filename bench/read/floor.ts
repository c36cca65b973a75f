import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mysql from 'mysql2/promise';
import type { Config } from '../../src/config';
import type { ChildServer } from '../child';
import { decodeIdCursor, DISCLOSURES_PER_USER, encodeIdCursor, type PageUser, type PageVariables } from './page';

/**
 * The floor: what the read costs without GraphQL, an ORM or per-request machinery. A plain
 * node:http handler and five hand-written statements on a mysql2 pool (the page, then batched
 * IN queries for consents, the newest disclosures per user with the gateway's window function,
 * their categories and their recipients), written as the same JSON the gateway answers.
 * No authentication: it is the lower bound, not a product.
 */

interface SubjectRow extends mysql.RowDataPacket {
  id: number;
  name: string | null;
  email: string | null;
}
interface ConsentRow extends mysql.RowDataPacket {
  subject_id: number;
  purpose: string;
  status: string;
}
interface DisclosureRow extends mysql.RowDataPacket {
  id: number;
  subject_id: number;
  recipient_id: number;
  purpose: string;
  occurred_at: Date;
}
interface CategoryRow extends mysql.RowDataPacket {
  disclosure_id: number;
  category_key: string;
}
interface RecipientRow extends mysql.RowDataPacket {
  id: number;
  name: string;
}

export async function startFloorServer(config: Config): Promise<ChildServer> {
  const pool = mysql.createPool({
    host: config.mysql.host,
    port: config.mysql.port,
    user: config.mysql.user,
    password: config.mysql.password,
    database: config.mysql.database,
    // The same pool size and time zone as the gateway's DataSource.
    connectionLimit: config.mysql.poolSize,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
  });
  let statements = 0;
  const query = async <T extends mysql.RowDataPacket>(sql: string, params: unknown[]): Promise<T[]> => {
    statements += 1;
    const [rows] = await pool.query<T[]>(sql, params);
    return rows;
  };

  async function page(vars: PageVariables) {
    const take = vars.first;
    if (!Number.isInteger(take) || take < 0 || take > config.graphql.maxPageSize) throw new Error(`first must be 0..${config.graphql.maxPageSize}`);
    const afterId = decodeIdCursor(vars.after) ?? 0;
    const subjects = take === 0 ? [] : await query<SubjectRow>('SELECT id, name, email FROM subjects WHERE id > ? ORDER BY id LIMIT ?', [afterId, take + 1]);
    const pageRows = subjects.slice(0, take);
    const ids = pageRows.map((s) => s.id);

    const consentsOf = new Map<number, { purpose: string; status: string }[]>(ids.map((id) => [id, []]));
    const disclosuresOf = new Map<number, PageUser['disclosures']['edges']>(ids.map((id) => [id, []]));
    if (ids.length > 0) {
      const loadConsents = query<ConsentRow>('SELECT subject_id, purpose, status FROM consents WHERE subject_id IN (?) ORDER BY subject_id, purpose', [ids]);
      const loadDisclosures = (async () => {
        const rows = await query<DisclosureRow>(
          `SELECT id, subject_id, recipient_id, purpose, occurred_at FROM (
             SELECT d.id, d.subject_id, d.recipient_id, d.purpose, d.occurred_at,
                    ROW_NUMBER() OVER (PARTITION BY d.subject_id ORDER BY d.occurred_at DESC, d.id DESC) AS rn
               FROM disclosures d WHERE d.subject_id IN (?)
           ) t WHERE t.rn <= ? ORDER BY t.subject_id, t.rn`,
          [ids, DISCLOSURES_PER_USER],
        );
        if (rows.length === 0) return { rows, categories: [] as CategoryRow[], recipients: [] as RecipientRow[] };
        const [categories, recipients] = await Promise.all([
          query<CategoryRow>('SELECT disclosure_id, category_key FROM disclosure_categories WHERE disclosure_id IN (?) ORDER BY disclosure_id, category_key', [rows.map((r) => r.id)]),
          query<RecipientRow>('SELECT id, name FROM recipients WHERE id IN (?)', [[...new Set(rows.map((r) => r.recipient_id))]]),
        ]);
        return { rows, categories, recipients };
      })();
      const [consents, disclosures] = await Promise.all([loadConsents, loadDisclosures]);
      for (const c of consents) consentsOf.get(c.subject_id)?.push({ purpose: c.purpose, status: c.status });
      const keysOf = new Map<number, { key: string }[]>();
      for (const c of disclosures.categories) {
        let list = keysOf.get(c.disclosure_id);
        if (!list) keysOf.set(c.disclosure_id, (list = []));
        list.push({ key: c.category_key });
      }
      const recipientOf = new Map(disclosures.recipients.map((r) => [r.id, { id: String(r.id), name: r.name }]));
      for (const d of disclosures.rows) {
        disclosuresOf.get(d.subject_id)?.push({
          node: {
            id: String(d.id),
            purpose: d.purpose,
            occurredAt: d.occurred_at.toISOString(),
            categories: keysOf.get(d.id) ?? [],
            recipient: recipientOf.get(d.recipient_id)!,
          },
        });
      }
    }
    const edges = pageRows.map((s) => ({
      node: { id: String(s.id), name: s.name, email: s.email, consents: consentsOf.get(s.id)!, disclosures: { edges: disclosuresOf.get(s.id)! } },
    }));
    const last = pageRows[pageRows.length - 1];
    return { data: { users: { edges, pageInfo: { hasNextPage: subjects.length > take, endCursor: last ? encodeIdCursor(last.id) : null } } } };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      let vars: PageVariables;
      try {
        vars = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: PageVariables }).variables;
      } catch {
        return reply(400, { errors: [{ message: 'the body is not JSON' }] });
      }
      page(vars).then(
        (body) => reply(200, body),
        (err: unknown) => reply(500, { errors: [{ message: String((err as Error).message) }] }),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    statements: () => statements,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
