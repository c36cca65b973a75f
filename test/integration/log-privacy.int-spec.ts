import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { Role } from '../../src/entities/enums';
import type { JobDefinition } from '../../src/jobs/job-definition';
import type { GatewayPlugin } from '../../src/plugins/plugin';
import { Roles } from '../../src/schema/auth';
import type { GatewayContext } from '../../src/schema/context';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

// Code paths that fail with personal data in hand, as careless code would: a statement whose
// parameters are an email and a phone, an Error whose message names them, a job that does too.
@Resolver()
class CarelessResolver {
  @Mutation(() => Boolean)
  @Roles(Role.ADMIN)
  async carelessQuery(@Arg('email') email: string, @Arg('phone') phone: string, @Ctx() ctx: GatewayContext): Promise<boolean> {
    await ctx.dataSource.query('SELECT id FROM subjects WHERE email = ? AND phone = ? AND no_such_column = 1', [email, phone]);
    return true;
  }

  @Mutation(() => Boolean)
  @Roles(Role.ADMIN)
  async carelessThrow(@Arg('email') email: string, @Arg('phone') phone: string, @Arg('ip') ip: string): Promise<boolean> {
    throw new Error(`could not reach ${email} at ${phone} from ${ip}; row: ${JSON.stringify({ email, phone, ip })}`);
  }
}

const carelessJob: JobDefinition<{ subjectId: number }> = {
  name: 'careless.run',
  queue: 'careless',
  attempts: 1,
  async process({ subjectId }, ctx) {
    const [row] = await ctx.dataSource.query('SELECT email, phone FROM subjects WHERE id = ?', [subjectId]);
    throw new Error(`mailbox ${row.email} (${row.phone}) is full`);
  },
};

const carelessPlugin = (): GatewayPlugin => ({ name: 'test-careless', resolvers: [CarelessResolver], jobs: [carelessJob] });

/**
 * A realistic workload with logs on at debug level: demo data, reads of users with email and
 * phone, mutations, erasures and their jobs, client errors and unexpected errors. Not one
 * seeded email, phone or IP address may appear in the log output.
 */
describe('no personal data in the logs', () => {
  let t: TestGateway;
  const out: string[] = [];

  beforeAll(async () => {
    t = await startTestGateway('log_privacy', {
      env: { LOG_LEVEL: 'debug' },
      parts: { extraPlugins: [carelessPlugin()] },
      logger: (line) => out.push(JSON.stringify(line)),
    });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 40, seed: 7 });
    await t.gateway.work();
  });
  afterAll(() => t.close());

  it('runs the workload and logs none of the seeded emails, phones or IPs', async () => {
    const ds = t.gateway.dataSource;
    const subjects: { id: number; email: string | null; phone: string | null }[] = await ds.query('SELECT id, email, phone FROM subjects ORDER BY id');
    const ips: { ip: string }[] = await ds.query('SELECT DISTINCT ip_address AS ip FROM collection_events WHERE ip_address IS NOT NULL');
    const recipients: { email: string | null }[] = await ds.query('SELECT email FROM recipients');
    const personal = [
      ...subjects.flatMap((s) => [s.email, s.phone]),
      ...ips.map((r) => r.ip),
      ...recipients.map((r) => r.email),
    ].filter((v): v is string => !!v);
    expect(personal.length).toBeGreaterThan(100);
    const [a, b, c] = subjects as [(typeof subjects)[0], (typeof subjects)[0], (typeof subjects)[0]];
    const ip = ips[0]!.ip;

    // Reads of people's contact details, by filter (an email in variables) and by page.
    const page = await t.gql(`query Page { users(first: 40) { edges { node { id name email phone consents { purpose status } recipients { name } } } } }`);
    expect(page.errors).toBeUndefined();
    const byEmail = await t.gql(`query ByEmail($email: String) { users(first: 1, filter: { email: $email }) { edges { node { id email phone } } } }`, { email: a.email });
    expect(byEmail.errors).toBeUndefined();
    // Mutations carrying personal data in variables, one of them refused as a duplicate.
    const reg = await t.gql(`mutation Reg($input: RegisterUserInput!) { registerUser(input: $input) { id email } }`, { input: { name: 'Log Test', email: 'log.test.person@example.com', phone: '+14155550999' } });
    expect(reg.errors).toBeUndefined();
    personal.push('log.test.person@example.com', '+14155550999');
    const dup = await t.gql(`mutation Reg($input: RegisterUserInput!) { registerUser(input: $input) { id } }`, { input: { name: 'Dup', email: b.email, phone: b.phone } });
    expect(dup.errors).toBeDefined();
    const bad = await t.gql(`mutation Reg($input: RegisterUserInput!) { registerUser(input: $input) { id } }`, { input: { email: `not an email ${c.email}`, phone: `x${c.phone}` } });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const parse = await t.gql(`{ users(filter: { email: "${c.email}" }) { edges { node { id } }`);
    expect(parse.errors).toBeDefined();
    // Unexpected errors with personal data in their message and in a statement's parameters.
    const q = await t.gql(`mutation Q($e: String!, $p: String!) { carelessQuery(email: $e, phone: $p) }`, { e: a.email, p: a.phone });
    expect(q.errors![0]!.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
    const thrown = await t.gql(`mutation T($e: String!, $p: String!, $ip: String!) { carelessThrow(email: $e, phone: $p, ip: $ip) }`, { e: b.email, p: b.phone, ip });
    expect(thrown.errors![0]!.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
    // A plain-HTTP endpoint with a visitor's IP.
    const collect = await fetch(t.url.replace(/graphql$/, 'collect'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token(Role.APP)}` },
      body: JSON.stringify({ userId: String(c.id), page: '/pricing' }),
    });
    expect(collect.status).toBeLessThan(300);

    // Erasures run by the workers (with their outbox notices), and a job failing with data in hand.
    const erased = subjects.slice(3, 8);
    for (const s of erased) {
      const r = await t.gql(`mutation E($id: ID!) { requestErasure(userId: $id, channel: "email") { request { id } } }`, { id: String(s.id) });
      expect(r.errors).toBeUndefined();
    }
    await t.gateway.queues.enqueue('careless.run', { subjectId: a.id });
    await waitFor(async () => {
      const [row] = await ds.query(`SELECT COUNT(*) AS n FROM data_requests WHERE type = 'ERASURE' AND status = 'COMPLETED'`);
      return Number(row.n) === erased.length;
    }, 'erasures completed');
    await waitFor(async () => out.some((l) => l.includes('"job":"careless.run"') && l.includes('job failed')), 'careless job failed');

    // The logs did say what happened...
    const logs = out.join('\n');
    expect(out.filter((l) => l.includes('"msg":"graphql request"')).length).toBeGreaterThanOrEqual(10);
    expect(out.filter((l) => l.includes('"msg":"unexpected error"')).length).toBeGreaterThanOrEqual(2);
    expect(logs).toContain('"job":"erasure.run"');
    expect(logs).toContain('"msg":"job done"');
    // ...and named no one.
    const leaked = personal.filter((v) => logs.includes(v));
    expect(leaked).toEqual([]);
  });
});
