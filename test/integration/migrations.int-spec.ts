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

  it('revert cleanly, and run again', async () => {
    for (let i = 0; i < coreMigrations.length + plugins.migrations().length; i += 1) await ds.undoLastMigration();
    const tables: unknown[] = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> 'migrations'`);
    expect(tables).toEqual([]);
    await ds.runMigrations();
    expect(await ds.showMigrations()).toBe(false);
  });
});
