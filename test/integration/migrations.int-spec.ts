import { createDataSource, ensureDatabase } from '../../src/database';
import { coreMigrations } from '../../src/migrations';
import { builtInPlugins } from '../../src/plugins/built-in';
import { PluginRegistry } from '../../src/plugins/registry';
import { dropDatabase, testConfig } from '../helpers/test-gateway';

describe('migrations', () => {
  const config = testConfig('migrations');
  // Core and every built-in plugin, as the default gateway runs.
  const plugins = new PluginRegistry(builtInPlugins(config));
  const ds = createDataSource(config, { entities: plugins.entities(), migrations: plugins.migrations() });
  beforeAll(async () => {
    await ensureDatabase(config);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(config);
  });

  it('build the schema the entities describe: nothing left for TypeORM to synchronize', async () => {
    expect(await ds.showMigrations()).toBe(true);
    await ds.runMigrations();
    expect(await ds.showMigrations()).toBe(false);
    const drift = await ds.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('seed the categories, purposes and the audit chain head', async () => {
    const [{ n: categories }] = await ds.query('SELECT COUNT(*) AS n FROM data_categories');
    const purposes: { key: string }[] = await ds.query('SELECT `key` FROM purposes ORDER BY `key`');
    const [head] = await ds.query('SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1');
    expect(Number(categories)).toBeGreaterThanOrEqual(14);
    expect(purposes.map((p) => p.key)).toEqual([
      'ANALYTICS_COOKIES', 'EMAIL_OPEN_TRACKING', 'LEGAL_NOTICE_EMAIL', 'PRODUCT_EMAIL', 'THIRD_PARTY_MARKETING_SHARING', 'THIRD_PARTY_OFFERS',
    ]);
    expect(head).toEqual({ last_seq: 0, last_hash: '0'.repeat(64) });
  });

  it('index the access paths: disclosures by subject and time, by recipient and time', async () => {
    const idx: { Key_name: string; Column_name: string; Seq_in_index: number }[] = await ds.query('SHOW INDEX FROM disclosures');
    const cols = (name: string) => idx.filter((i) => i.Key_name === name).sort((a, b) => a.Seq_in_index - b.Seq_in_index).map((i) => i.Column_name);
    expect(cols('idx_disclosures_subject_time')).toEqual(['subject_id', 'occurred_at']);
    expect(cols('idx_disclosures_recipient_time')).toEqual(['recipient_id', 'occurred_at']);
  });

  it('merge the access log\'s duplicate rows of one request and person before giving it one row per person', async () => {
    // Undo down to before the access log's migration, write what the old recorder could, redo.
    const last = async (): Promise<string> => ((await ds.query('SELECT name FROM migrations ORDER BY timestamp DESC, id DESC LIMIT 1')) as { name: string }[])[0]!.name;
    for (let i = 0; i < 30 && (await last()) !== 'AccessLogEveryReader1766000500000'; i += 1) await ds.undoLastMigration();
    expect(await last()).toBe('AccessLogEveryReader1766000500000');
    await ds.undoLastMigration();
    await ds.query(
      `INSERT INTO access_log (request_id, actor, purpose, subject_id, categories, accessed_at) VALUES
         ('r-1', 'app', 'SERVICE', 5, 'user.name', NOW(3)), ('r-1', 'app', 'SERVICE', 5, 'user.contact.email,user.name', NOW(3)),
         ('r-1', 'app', 'SERVICE', 6, 'user.name', NOW(3)), ('r-2', 'app', 'SERVICE', 5, 'user.contact.phone_number', NOW(3))`,
    );
    await ds.runMigrations();
    const rows = await ds.query('SELECT request_id, subject_id, role, purpose, categories FROM access_log ORDER BY request_id, subject_id');
    expect(rows).toEqual([
      { request_id: 'r-1', subject_id: 5, role: 'APP', purpose: 'SERVICE', categories: 'user.contact.email,user.name' },
      { request_id: 'r-1', subject_id: 6, role: 'APP', purpose: 'SERVICE', categories: 'user.name' },
      { request_id: 'r-2', subject_id: 5, role: 'APP', purpose: 'SERVICE', categories: 'user.contact.phone_number' },
    ]);
    await ds.query('DELETE FROM access_log');
  });

  it('revert cleanly, and run again', async () => {
    for (let i = 0; i < coreMigrations.length + plugins.migrations().length; i += 1) await ds.undoLastMigration();
    const tables: unknown[] = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> 'migrations'`);
    expect(tables).toEqual([]);
    await ds.runMigrations();
    expect(await ds.showMigrations()).toBe(false);
  });
});
