import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { Role } from '../../src/entities/enums';
import { ReadPurpose } from '../../src/domain/read-purpose.rules';
import { buildUsageReport } from '../../src/plugins/anonymization/usage-report.service';
import type { ReplicaSet } from '../../src/read-replicas';
import { signToken } from '../../src/schema/auth';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';
import { OwnMariaDbPair, type OwnMariaDb } from './support/own-mariadb-pair';
import { size } from './support/scale';

const LOAD_ROUNDS = size('RELIABILITY_REPLICA_ROUNDS', 40);
const USERS = `query($after: String) { users(first: 20, after: $after) { edges { node { id name email status consents { purpose status } } } pageInfo { endCursor } } }`;
const REPORT = `query($input: UsageReportInput!) { usageReport(input: $input) { grandTotal suppressedCells } }`;
const reportInput = () => ({ dimensions: ['PAGE'], from: new Date(Date.now() - 300 * 86400_000).toISOString(), until: new Date(Date.now() + 86400_000).toISOString(), k: 11 });

/** What each server's general log holds of the gateway's own statements (not replication's, not the test's). */
async function statements(server: OwnMariaDb): Promise<string[]> {
  const c = await server.connect();
  try {
    const [rows] = await c.query(`SELECT argument FROM mysql.general_log WHERE command_type IN ('Query', 'Execute')`);
    return (rows as { argument: Buffer | string }[])
      .map((r) => String(r.argument))
      .filter((s) => !/general_log|^SET |^SHOW |^SELECT VERSION|^SELECT @@|^START TRANSACTION$|^COMMIT$|^ROLLBACK$/i.test(s.trim()) && !s.includes('information_schema'));
  } finally {
    await c.end();
  }
}

async function clearLogs(...servers: OwnMariaDb[]): Promise<void> {
  for (const s of servers) {
    const c: mysql.Connection = await s.connect();
    try {
      await c.query('TRUNCATE mysql.general_log');
    } finally {
      await c.end();
    }
  }
}

/**
 * Read replicas with real servers: a MariaDB primary and a GTID replica of it, both the test's
 * own. Which statements run where (read off each server's general log), a replica that stops
 * replicating, and a replica killed mid-load: reads go on on the primary with no error.
 */
describe('MySQL read replicas', () => {
  let pair: OwnMariaDbPair;
  let t: TestGateway;
  let exportDir: string;
  const replicas = () => t.gateway.reads as ReplicaSet;
  const serving = async () => replicas().status()[0]!.serving;

  beforeAll(async () => {
    pair = await OwnMariaDbPair.start();
    exportDir = await mkdtemp(path.join(tmpdir(), 'drg-replica-export-'));
    t = await startTestGateway('rel_replica', { env: { ...pair.env(), MYSQL_REPLICA_CHECK_MS: '200', MYSQL_REPLICA_MAX_LAG_SECONDS: '5', EXPORT_DIR: exportDir, BUSINESS_TRANSFER_CHUNK_SIZE: '40' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 120, recipients: 12, consentsPerSubject: 3, disclosuresPerSubject: 3, collectionEventsPerSubject: 3, seed: 31 });
    await waitFor(serving, 'the replica to serve', 60000, 100);
    // Fit to serve means at most 5 s behind, not caught up: wait until it has applied all the primary has (the seed).
    const [{ pos }] = await t.gateway.dataSource.query('SELECT @@global.gtid_binlog_pos AS pos');
    const c = await pair.replica.connect();
    try {
      const [[waited]] = (await c.query('SELECT MASTER_GTID_WAIT(?, 60) AS r', [pos])) as unknown as [{ r: number }[]];
      expect(Number(waited!.r)).toBe(0);
    } finally {
      await c.end();
    }
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await pair?.stop();
    if (exportDir) await rm(exportDir, { recursive: true, force: true });
  });

  it('reads pages, reports and export pages on the replica, and everything that decides a right on the primary', async () => {
    const input = reportInput();
    // Built on the primary before the logs are cleared: the expected report, outside what is checked.
    const onPrimaryReport = await buildUsageReport(t.gateway.dataSource.manager, { dimensions: ['PAGE'], from: new Date(input.from), until: new Date(input.until), k: 11 }, 11);
    await clearLogs(pair.primary, pair.replica);
    const legal = t.token(Role.LEGAL);
    const page = await t.gql<{ users: { edges: { node: { id: string; name: string | null } }[] } }>(USERS, {}, legal);
    expect(page.errors).toBeUndefined();
    expect(page.data!.users.edges).toHaveLength(20);
    const report = await t.gql<{ usageReport: { grandTotal: number } }>(REPORT, { input }, t.token(Role.PRIVACY_OPS));
    expect(report.errors).toBeUndefined();
    // A marketing purpose's page checks consent before the disclosure: primary.
    const app = signToken(t.config.auth.jwtSecret, 'replica-app', [Role.APP], 600, { purposes: [ReadPurpose.PRODUCT_EMAIL] });
    const marketing = await t.gql<{ users: { edges: unknown[] } }>(`{ users(first: 5) { edges { node { id email } } } }`, {}, app, 'PRODUCT_EMAIL');
    expect(marketing.errors).toBeUndefined();
    const erasure = await t.gql(`mutation { requestErasure(userId: "7", channel: "WEB") { created } }`, {}, t.token(Role.PRIVACY_OPS));
    expect(erasure.errors).toBeUndefined();
    const [acquirer] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' ORDER BY id LIMIT 1`);
    const transfer = await t.gql<{ startBusinessTransfer: { id: string } }>(
      `mutation($a: ID!) { startBusinessTransfer(input: { dealName: "Replica", acquirerId: $a, phase: CLOSING, scope: { regions: ["US-NY"] }, format: NDJSON }) { id } }`,
      { a: String(acquirer.id) },
      t.token(Role.MNA),
    );
    expect(transfer.errors).toBeUndefined();
    await t.gateway.work(['business-transfer', 'erasure']);
    await waitFor(async () => Number((await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM business_transfers WHERE status = 'COMPLETED'`))[0].n) === 1, 'the transfer', 120000, 100);

    const onReplica = await statements(pair.replica);
    const onPrimary = await statements(pair.primary);
    const report2 = (list: string[], re: RegExp) => list.filter((s) => re.test(s)).length;
    // The replica: the page's search, the report's counts, the export's data pages, after waiting for the primary's position.
    expect(report2(onReplica, /FROM `subjects` `s`.*ORDER BY `s`.`id` ASC LIMIT 21/s)).toBe(1);
    expect(report2(onReplica, /FROM collection_events WHERE occurred_at >= \? AND occurred_at < \?|FROM collection_events WHERE occurred_at >= '/)).toBe(1);
    expect(report2(onReplica, /FROM consents FORCE INDEX \(uq_consents_subject_purpose\)/)).toBeGreaterThan(0);
    expect(report2(onReplica, /MASTER_GTID_WAIT/)).toBeGreaterThan(0);
    // ... and nothing else: no write, no lock, no access log, no consent check, no erasure.
    expect(onReplica.filter((s) => /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b|FOR UPDATE|LOCK IN SHARE MODE|access_log|job_intents|legal_hold/i.test(s))).toEqual([]);
    // The primary: what each person shows (by id, after the replica's page), the marketing page,
    // the access log, the erasure, the export's erasure re-check, and none of the replica's reads.
    expect(report2(onPrimary, /FROM collection_events WHERE occurred_at >= /)).toBe(0);
    expect(report2(onPrimary, /ORDER BY `s`.`id` ASC LIMIT 21/)).toBe(0);
    // The subject loader's own statement: what the page shows of each person, by id.
    expect(report2(onPrimary, /FROM subjects s WHERE s\.id IN \(/)).toBeGreaterThan(0);
    expect(report2(onReplica, /FROM subjects s WHERE s\.id IN \(/)).toBe(0);
    expect(report2(onPrimary, /ORDER BY `s`.`id` ASC LIMIT 6/)).toBe(1);
    expect(report2(onPrimary, /INSERT INTO `?access_log/)).toBeGreaterThan(0);
    expect(report2(onPrimary, /LOCK IN SHARE MODE/)).toBeGreaterThan(0);
    expect(report2(onPrimary, /FROM consents FORCE INDEX \(uq_consents_subject_purpose\)/)).toBe(0);
    // The replica's report is the one the primary builds (the replica had applied everything).
    expect(report.data!.usageReport.grandTotal).toBe(onPrimaryReport.grandTotal);
    expect(onPrimaryReport.grandTotal).toBeGreaterThan(0);
    const counts = replicas().counts;
    process.stdout.write(`replica reads: ${JSON.stringify(counts)}; statements on the replica ${onReplica.length}, on the primary ${onPrimary.length}\n`);
  }, 300_000);

  it('shows what the primary holds now, even when the replica has not applied it', async () => {
    const onReplica = async (sql: string) => {
      const c = await pair.replica.connect();
      try {
        return (await c.query(sql))[0] as Record<string, unknown>[];
      } finally {
        await c.end();
      }
    };
    // The replica applies everything three seconds late: behind, but within the 5 s limit, so it serves.
    await onReplica('STOP SLAVE');
    await onReplica('CHANGE MASTER TO MASTER_DELAY = 3');
    await onReplica('START SLAVE');
    await pair.waitReplicating(30000);
    await waitFor(serving, 'the delayed replica to serve', 30000, 50);
    await t.gateway.dataSource.query(`UPDATE subjects SET name = 'Changed On The Primary' WHERE id = 2`);
    const servedBefore = replicas().counts.replica['users page'] ?? 0;
    const page = await t.gql<{ users: { edges: { node: { id: string; name: string | null } }[] } }>(USERS, {}, t.token(Role.LEGAL));
    // The replica found the page, it still holds the old name, and the page shows the primary's.
    expect(replicas().counts.replica['users page']).toBe(servedBefore + 1);
    const [stale] = await onReplica(`SELECT name FROM \`${t.config.mysql.database}\`.subjects WHERE id = 2`);
    expect(stale!.name).not.toBe('Changed On The Primary');
    expect(page.data!.users.edges.find((e) => e.node.id === '2')!.node.name).toBe('Changed On The Primary');
    await onReplica('STOP SLAVE');
    await onReplica('CHANGE MASTER TO MASTER_DELAY = 0');
    await onReplica('START SLAVE');
    await pair.waitReplicating(30000);

    // Not replicating: it serves nothing until it applies again.
    await onReplica('STOP SLAVE SQL_THREAD');
    await waitFor(async () => !(await serving()), 'the replica to stop serving', 10000, 50);
    expect(replicas().status()[0]!.reason).toBe('not replicating');
    const before = replicas().counts.primary['users page'] ?? 0;
    expect((await t.gql(USERS, {}, t.token(Role.LEGAL))).errors).toBeUndefined();
    expect(replicas().counts.primary['users page']).toBe(before + 1);
    await onReplica('START SLAVE SQL_THREAD');
    await waitFor(serving, 'the replica to serve again', 30000, 50);
  }, 120_000);

  it('loses no read when the replica is killed mid-load, and takes it back once it replicates again', async () => {
    const tokens = { legal: t.token(Role.LEGAL), ops: t.token(Role.PRIVACY_OPS) };
    let errors = 0;
    let answered = 0;
    const startCounts = { ...replicas().counts.replica };
    const primaryAtStart = replicas().counts.primary['users page'] ?? 0;
    let killedAt = 0;
    const client = async (id: number) => {
      for (let i = 0; i < LOAD_ROUNDS; i += 1) {
        if (id === 0 && i === Math.floor(LOAD_ROUNDS / 3)) {
          killedAt = Date.now();
          await pair.replica.kill();
        }
        const r = i % 4 === 3 ? await t.gql(REPORT, { input: reportInput() }, tokens.ops) : await t.gql(USERS, {}, tokens.legal);
        if (r.errors || r.status !== 200) errors += 1;
        answered += 1;
      }
    };
    await Promise.all([0, 1, 2, 3].map(client));
    expect(killedAt).toBeGreaterThan(0);
    expect(errors).toBe(0);
    expect(answered).toBe(LOAD_ROUNDS * 4);
    expect(await serving()).toBe(false);
    const servedByReplica = (replicas().counts.replica['users page'] ?? 0) - (startCounts['users page'] ?? 0);
    expect(servedByReplica).toBeGreaterThan(0);
    const fallbacks = replicas().counts.fallbacks;
    const metrics = async () => (await fetch(new URL('/metrics', t.url))).text();
    const replicaLabel = `replica="127.0.0.1:${pair.replica.port}"`;
    expect(await metrics()).toContain(`drg_mysql_replica_serving{${replicaLabel}} 0`);
    expect(await metrics()).toContain(`drg_routed_reads{read="any",side="fallback"} ${fallbacks}`);
    // After the kill the primary answered the pages (the in-flight ones among them).
    const servedByPrimary = (replicas().counts.primary['users page'] ?? 0) - primaryAtStart;
    expect(servedByPrimary).toBeGreaterThan(0);

    // Back: the replica starts, reconnects to the primary, catches up, and serves again.
    const restartedAt = Date.now();
    await pair.replica.up();
    await waitFor(serving, 'the restarted replica to serve', 60000, 50);
    const backMs = Date.now() - restartedAt;
    const replicaBefore = replicas().counts.replica['users page'] ?? 0;
    expect((await t.gql(USERS, {}, tokens.legal)).errors).toBeUndefined();
    expect(replicas().counts.replica['users page']).toBe(replicaBefore + 1);
    expect(await metrics()).toContain(`drg_mysql_replica_serving{${replicaLabel}} 1`);
    expect(await metrics()).toMatch(new RegExp(`drg_mysql_replica_lag_seconds\\{${replicaLabel}\\} \\d+`));
    process.stdout.write(`replica killed mid-load: ${JSON.stringify({ reads: answered, errors, servedByReplicaBeforeKill: servedByReplica, servedByPrimaryAfter: servedByPrimary, fallbacks, serviceBackMs: backMs })}\n`);
  }, 300_000);
});
