import { listenToStatements } from '../../src/database';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { Role } from '../../src/entities/enums';
import { mysql8Problems, reservedNames } from '../helpers/mysql-portability';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

/**
 * MySQL 8 cannot be installed here (README, "MySQL 8"), so the portability the migrations and
 * queries claim is kept by a check: every distinct statement the migrations and a workload that
 * touches each part of the gateway send to MariaDB must be free of what MySQL 8 rejects, and no
 * table, column or index may be named with a word MySQL 8 reserves.
 */
describe('SQL portability to MySQL 8', () => {
  let t: TestGateway;
  const sent = new Set<string>();
  let stop = () => undefined as void;

  beforeAll(async () => {
    t = await startTestGateway('mysql_portability', {
      // TypeORM's driver for MySQL 8 (MYSQL_FLAVOR=mysql): the 'mariadb' driver itself sends INSERT ... RETURNING.
      env: { MYSQL_FLAVOR: 'mysql', LEGAL_HOLD_SNAPSHOT_JOB_THRESHOLD: '2', EXPORT_DIR: `/tmp/drg-portability-${process.pid}` },
      beforeMigrate: (gateway) => {
        stop = listenToStatements(gateway.dataSource, (sql) => void sent.add(sql));
      },
    });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 60, recipients: 12, consentsPerSubject: 3, disclosuresPerSubject: 3, collectionEventsPerSubject: 3, seed: 41 });
    await t.gateway.work();
  }, 120_000);
  afterAll(async () => {
    stop();
    await t?.close();
  });

  it('sends nothing MySQL 8 rejects, from the migrations through erasure, notices, holds, transfers and reads', async () => {
    const ds = t.gateway.dataSource;
    const ops = t.token(Role.PRIVACY_OPS);
    const ok = async (query: string, variables: Record<string, unknown> = {}, token = t.token(Role.ADMIN)) => {
      const r = await t.gql(query, variables, token);
      expect([query, r.errors]).toEqual([query, undefined]);
      return r.data as Record<string, unknown>;
    };
    await ok(`{ users(first: 20) { edges { node { id name consents { purpose status } consentHistory { purpose status } disclosures(first: 5) { edges { node { purpose recipient { name } } } } recipients { name } } } } }`, {}, t.token(Role.LEGAL));
    await ok(`query($i: UsageReportInput!) { usageReport(input: $i) { grandTotal suppressedCells } }`, { i: { dimensions: ['PAGE', 'REGION'], from: new Date(Date.now() - 200 * 86400_000).toISOString(), until: new Date().toISOString(), k: 11 } }, ops);
    const [ca] = await ds.query(`SELECT id FROM subjects WHERE region = 'US-CA' AND id > 10 ORDER BY id LIMIT 1`);
    const [acq] = await ds.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' ORDER BY id LIMIT 1`);
    await ok(`mutation { requestErasure(userId: "3", channel: "WEB") { created } }`, {}, ops);
    await ok(`mutation { flagChild(userId: "4") { created } }`, {}, ops);
    await ok(`mutation($id: ID!) { requestCaliforniaNotice(userId: $id, channel: DESIGNATED) { created } }`, { id: String(ca.id) }, ops);
    await ok(`mutation { placeLegalHold(input: { matter: "Portability", caseReference: "P-1", subjectIds: ["20", "21", "22"] }) { hold { id } } }`, {}, t.token(Role.LEGAL));
    await ok(`mutation { requestErasure(userId: "20", channel: "WEB") { created } }`, {}, ops);
    for (const phase of ['CLOSING', 'DUE_DILIGENCE'])
      await ok(`mutation($a: ID!) { startBusinessTransfer(input: { dealName: "Portability ${phase}", acquirerId: $a, phase: ${phase}, scope: { statuses: [ACTIVE] }, format: NDJSON }) { id } }`, { a: String(acq.id) }, t.token(Role.MNA));
    await ok(`{ verifyAuditChain { eventsChecked brokenAtSeq } }`);
    await waitFor(async () => Number((await ds.query(`SELECT COUNT(*) AS n FROM business_transfers WHERE status = 'COMPLETED'`))[0].n) === 2, 'both transfers', 120000, 100);
    await waitFor(async () => Number((await ds.query(`SELECT COUNT(*) AS n FROM data_requests WHERE status = 'COMPLETED'`))[0].n) >= 3, 'the requests', 120000, 100);

    const problems = [...sent].map((sql) => ({ sql: sql.slice(0, 200), problems: mysql8Problems(sql) })).filter((p) => p.problems.length > 0);
    expect(problems).toEqual([]);
    // Enough of the gateway was exercised for the check to mean something.
    expect(sent.size).toBeGreaterThan(150);
    expect([...sent].some((s) => /^CREATE TABLE/i.test(s))).toBe(true);
    expect([...sent].some((s) => /LOCK IN SHARE MODE|FOR UPDATE/i.test(s))).toBe(true);

    const names: { n: string }[] = await ds.query(
      `SELECT table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE()
       UNION SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE()
       UNION SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE()`,
    );
    expect(names.length).toBeGreaterThan(100);
    expect(reservedNames(names.map((r) => r.n))).toEqual([]);
    process.stdout.write(`mysql 8 portability: ${sent.size} distinct statements, ${names.length} names checked\n`);
  }, 300_000);
});
