import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { Role } from '../../src/entities/enums';
import { signToken } from '../../src/schema/auth';
import { freePort, runCli, type CliRun } from '../helpers/cli-process';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

const SUBJECTS = 40;
const CLIENTS = 8;
const KILL_AFTER = 60;

/**
 * "Losing the process must not lose acknowledged log entries": a gateway in a child process
 * (the built CLI) answers purpose-bound reads from 8 clients and is SIGKILLed while requests
 * are in flight; every request that got its answer has its access-log rows in the table.
 * The batch window is long (200 ms) so that a design that answered before committing would
 * lose entries here.
 */
describe('the access log when the process is killed', () => {
  let t: TestGateway;
  let server: CliRun | null = null;

  beforeAll(async () => {
    t = await startTestGateway('access_log_crash', { serve: false });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: SUBJECTS, recipients: 10, consentsPerSubject: 3, disclosuresPerSubject: 2, seed: 5 });
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await t.close();
  });

  it('keeps the entries of every acknowledged request', async () => {
    const port = await freePort();
    server = runCli(['serve'], {
      MYSQL_DATABASE: t.config.mysql.database,
      QUEUE_PREFIX: t.config.redis.prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      ACCESS_LOG_FLUSH_MS: '200',
    });
    await server.waitFor(/"msg":"serving"/);
    const url = `http://127.0.0.1:${port}/graphql`;

    const acknowledged = new Map<string, string[]>();
    let sent = 0;
    let killed = false;
    const client = async () => {
      while (!killed) {
        const i = sent++;
        const actor = `crash-${i}`;
        const token = signToken(t.config.auth.jwtSecret, actor, [Role.APP], 600);
        const first = 1 + (i % 7);
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SUPPORT' },
            body: JSON.stringify({ query: `query($first: Int, $after: String) { users(first: $first, after: $after) { edges { node { id email } } } }`, variables: { first, after: Buffer.from(`id:${i % SUBJECTS}`).toString('base64url') } }),
          });
          const body = (await res.json()) as { data?: { users: { edges: { node: { id: string; email: string | null } }[] } } };
          if (res.status === 200 && body.data) {
            // Only people whose email came back were read (the access log records returned fields).
            acknowledged.set(actor, body.data.users.edges.filter((e) => e.node.email !== null).map((e) => e.node.id).sort());
            if (acknowledged.size >= KILL_AFTER && !killed) {
              killed = true;
              server!.child.kill('SIGKILL');
            }
          }
        } catch {
          // The connection died with the process: this request was never acknowledged.
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await server.exited;
    expect(killed).toBe(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);

    const rows: { actor: string; subject_id: number }[] = await t.gateway.dataSource.query(`SELECT actor, subject_id FROM access_log WHERE actor LIKE 'crash-%'`);
    const logged = new Map<string, string[]>();
    for (const r of rows) logged.set(r.actor, [...(logged.get(r.actor) ?? []), String(r.subject_id)]);
    const lost = [...acknowledged].filter(([actor, subjects]) => subjects.length > 0 && JSON.stringify((logged.get(actor) ?? []).sort()) !== JSON.stringify(subjects));
    expect(lost).toEqual([]);
  });
});
