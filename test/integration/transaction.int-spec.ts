import { systemActor } from '../../src/domain/actor';
import { appendAuditBatch, verifyAuditChain } from '../../src/domain/audit.service';
import { isDuplicateKeyError, isTransientDbError } from '../../src/domain/db-errors';
import { enqueueMessages } from '../../src/domain/outbox.service';
import { executePrepared, inTransaction, insertRows, PREPARED_FROM_ROWS, PREPARED_MAX_VALUES } from '../../src/domain/transaction';
import { statementCount } from '../../src/database';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/** inTransaction sets READ COMMITTED once per pooled connection; every transaction must see it. */
describe('inTransaction', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('transaction', { serve: false });
  });
  afterAll(() => t.close());

  const level = async (query: (sql: string) => Promise<Record<string, unknown>[]>) => {
    // MariaDB 10.x names it tx_isolation, MySQL 8 transaction_isolation.
    const [row] = await query('SELECT @@tx_isolation AS level').catch(() => query('SELECT @@transaction_isolation AS level'));
    return row!.level;
  };

  it('runs every transaction at READ COMMITTED, on fresh and reused pooled connections', async () => {
    for (let round = 0; round < 3; round += 1) {
      const levels = await Promise.all(Array.from({ length: 12 }, () => inTransaction(t.gateway.dataSource, (em) => level((sql) => em.query(sql)))));
      expect(new Set(levels)).toEqual(new Set(['READ-COMMITTED']));
    }
  });

  it('rolls the whole transaction back when the work throws, and releases the connection', async () => {
    const ds = t.gateway.dataSource;
    await ds.query(`CREATE TABLE tx_probe (id INT PRIMARY KEY) ENGINE=InnoDB`);
    await expect(
      inTransaction(ds, async (em) => {
        await em.query('INSERT INTO tx_probe VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await ds.query('SELECT id FROM tx_probe')).toEqual([]);
    // The next transaction commits normally.
    await inTransaction(ds, (em) => em.query('INSERT INTO tx_probe VALUES (2)'));
    expect((await ds.query('SELECT id FROM tx_probe')).map((r: { id: number }) => r.id)).toEqual([2]);
  });

  describe('bulk inserts as prepared statements', () => {
    it('write exactly what plain SQL writes: UTC times, JSON, NULLs and text with quotes', async () => {
      const ds = t.gateway.dataSource;
      const at = new Date('2026-03-08T09:59:59.123Z');
      const rows = PREPARED_FROM_ROWS + 1;
      const drafts = Array.from({ length: rows }, (_, i) => ({ kind: 'TEST_BULK', to: `p${i}@example.com`, subject: `It's "row" ${i}`, text: `line\n\\ ${i}`, html: i % 2 ? null : '<p>é</p>', headers: { 'X-Row': String(i) } }));
      // Warm the pool's connection, then count the same change with one row (plain SQL) and with
      // a bulk (prepared): the counter must see the same statements, and the server one execute.
      await inTransaction(ds, (em) => enqueueMessages(em, drafts.slice(0, 1).map((d) => ({ ...d, kind: 'TEST_WARM' })), at));
      const plainBefore = statementCount(ds);
      await inTransaction(ds, (em) => enqueueMessages(em, drafts.slice(0, 1).map((d) => ({ ...d, kind: 'TEST_WARM' })), at));
      const plain = statementCount(ds) - plainBefore;
      const before = statementCount(ds);
      const executions = await inTransaction(ds, async (em) => {
        const executed = async () => Number((await em.query(`SHOW SESSION STATUS LIKE 'Com_stmt_execute'`))[0].Value);
        const e0 = await executed();
        await enqueueMessages(em, drafts, at);
        return (await executed()) - e0;
      });
      expect(executions).toBe(1);
      // Two SHOW statements more than the plain change: the INSERT itself is counted once.
      expect(statementCount(ds) - before).toBe(plain + 2);
      const stored: { to_address: string; subject: string; text_body: string; html_body: string | null; headers: unknown; next_attempt_at: Date }[] = await ds.query(
        `SELECT to_address, subject, text_body, html_body, headers, next_attempt_at FROM outbox_messages WHERE kind = 'TEST_BULK' ORDER BY id`,
      );
      expect(stored).toHaveLength(rows);
      expect(stored[0]).toMatchObject({ to_address: 'p0@example.com', subject: `It's "row" 0`, text_body: 'line\n\\ 0', html_body: '<p>é</p>' });
      expect(stored[1]!.html_body).toBeNull();
      expect(typeof stored[5]!.headers === 'string' ? JSON.parse(stored[5]!.headers as string) : stored[5]!.headers).toEqual({ 'X-Row': '5' });
      expect(new Date(stored[rows - 1]!.next_attempt_at).toISOString()).toBe(at.toISOString());
    });

    it('keep the audit chain verifiable when a batch is large enough to be prepared', async () => {
      const ds = t.gateway.dataSource;
      await inTransaction(ds, (em) => appendAuditBatch(em, systemActor, Array.from({ length: PREPARED_FROM_ROWS * 2 }, (_, i) => ({ action: 'test.bulk', entityType: 'Probe', entityId: i, details: { n: i, note: "it's" } }))));
      const report = await inTransaction(ds, (em) => verifyAuditChain(em));
      expect(report).toMatchObject({ valid: true, reason: null });
      expect(report.eventsChecked).toBeGreaterThanOrEqual(PREPARED_FROM_ROWS * 2);
    });

    it('fall back to plain SQL above the protocol limit of 65,535 placeholders (the audit rows of a 10,000-request batch)', async () => {
      const ds = t.gateway.dataSource;
      const entries = Math.ceil(PREPARED_MAX_VALUES / 9) + 1;
      await inTransaction(ds, (em) => appendAuditBatch(em, systemActor, Array.from({ length: entries }, (_, i) => ({ action: 'test.huge', entityType: 'Probe', entityId: i }))));
      expect(Number((await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'test.huge'`))[0].n)).toBe(entries);
      expect(await inTransaction(ds, (em) => verifyAuditChain(em))).toMatchObject({ valid: true });
    });

    it('fail as TypeORM queries do, with the driver code, and roll the transaction back', async () => {
      const ds = t.gateway.dataSource;
      await ds.query(`CREATE TABLE bulk_probe (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB`);
      const values = (ids: number[]) => ids.flatMap((id) => [id, `v${id}`]);
      const sql = (n: number) => `INSERT INTO bulk_probe (id, v) VALUES ${Array.from({ length: n }, () => '(?,?)').join(',')}`;
      const ids = Array.from({ length: PREPARED_FROM_ROWS }, (_, i) => i + 1);
      const err = await inTransaction(ds, async (em) => {
        await insertRows(em, ids.length, sql(ids.length), values(ids));
        await executePrepared(em, sql(1), values([1]));
      }).catch((e: unknown) => e);
      expect(isDuplicateKeyError(err)).toBe(true);
      expect(isTransientDbError(err)).toBe(false);
      expect((err as Error).constructor.name).toBe('QueryFailedError');
      expect(Number((await ds.query('SELECT COUNT(*) AS n FROM bulk_probe'))[0].n)).toBe(0);
      // Outside a transaction it is a plain query; the same text prepared again on another connection works.
      await executePrepared(ds.manager, sql(1), values([7]));
      await inTransaction(ds, (em) => insertRows(em, ids.length, sql(ids.length), values(ids.map((i) => i + 100))));
      expect(Number((await ds.query('SELECT COUNT(*) AS n FROM bulk_probe'))[0].n)).toBe(PREPARED_FROM_ROWS + 1);
    });
  });
});
