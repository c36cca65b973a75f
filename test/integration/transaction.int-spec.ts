import { inTransaction } from '../../src/domain/transaction';
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
});
