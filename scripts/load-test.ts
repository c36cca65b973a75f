import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { loadConfig, type Config } from '../src/config';
import { seedDemoData } from '../src/demo-data';
import { systemActor } from '../src/domain/actor';
import { Role } from '../src/entities/enums';
import { Gateway } from '../src/gateway';
import { signToken } from '../src/schema/auth';

const HELP = `npm run load -- [--duration 60] [--connections 32] [--subjects 5000] [--database NAME] [--keep]

Starts the built gateway ('node dist/src/cli.js serve') in its own process on a database of its
own seeded with demo data, and drives it from this process with autocannon for --duration
seconds at --connections connections: 70 % page reads (users with consents and disclosures),
20 % consent writes, 10 % disclosure writes. Then it reports requests per second, p50/p99
latency, errors, writes acknowledged against rows counted, and the server's RSS over the run.
Exits 1 on any error or lost write. The database is dropped unless --keep.`;

interface Options {
  duration: number;
  connections: number;
  subjects: number;
  database: string;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { duration: 60, connections: 32, subjects: 5000, database: `drg_load_${randomBytes(3).toString('hex')}`, keep: false };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const positive = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} must be a positive integer, got "${v}"`);
      return n;
    };
    if (a === '--duration') opts.duration = positive(value());
    else if (a === '--connections') opts.connections = positive(value());
    else if (a === '--subjects') opts.subjects = positive(value());
    else if (a === '--database') opts.database = value();
    else if (a === '--keep') opts.keep = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${HELP}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n\n${HELP}`);
  }
  if (!/^[A-Za-z0-9_]{1,64}$/.test(opts.database)) throw new Error('--database must match [A-Za-z0-9_]{1,64}');
  return opts;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process, in MiB (Linux /proc; null elsewhere). */
function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

async function prepare(config: Config, subjects: number): Promise<void> {
  const gateway = await Gateway.open(config, {}, () => undefined);
  try {
    await gateway.migrate();
    const [{ n }] = await gateway.dataSource.query('SELECT COUNT(*) AS n FROM subjects');
    if (Number(n) === 0) await seedDemoData(gateway.dataSource, systemActor, { subjects, seed: 4242 });
  } finally {
    await gateway.stop();
  }
}

function servingUrl(output: string): string | null {
  for (const line of output.split('\n')) {
    if (!line.includes('"serving"')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'serving' && entry.url) return entry.url;
    } catch {
      // A partial line: the rest arrives with the next chunk.
    }
  }
  return null;
}

function startServer(config: Config, port: number): Promise<{ child: ChildProcess; url: string }> {
  const cli = path.resolve(__dirname, '../src/cli.js');
  const child = spawn(process.execPath, [cli, 'serve'], {
    // One token drives every connection: the per-token mutation limit (tested on its own) would
    // measure the limiter, not the gateway. Set RATE_LIMIT_MUTATIONS_PER_MINUTE to load-test it too.
    env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: '0', ...process.env, MYSQL_DATABASE: config.mysql.database, QUEUE_PREFIX: config.redis.prefix, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the gateway did not start within 60 s')), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      // The CLI logs JSON lines; the one saying "serving" carries the URL, wherever its keys are.
      const url = servingUrl(buffer);
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
      // Keep only the tail: the server logs a line per request under some settings.
      if (buffer.length > 65536) buffer = buffer.slice(-4096);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code} before serving`));
    });
  });
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const config = loadConfig({ ...process.env, MYSQL_DATABASE: opts.database, QUEUE_PREFIX: opts.database });
  const conn = () => mysql.createConnection({ host: config.mysql.host, port: config.mysql.port, user: config.mysql.user, password: config.mysql.password, database: opts.database });
  process.stdout.write(`load test: database ${opts.database}, ${opts.subjects} subjects, ${opts.duration} s at ${opts.connections} connections\n`);
  await prepare(config, opts.subjects);

  const port = await freePort();
  const server = await startServer(config, port);
  let db: mysql.Connection | null = null;
  try {
    db = await conn();
    const [subjectRows] = (await db.query(`SELECT id FROM subjects WHERE status = 'ACTIVE' ORDER BY id`)) as unknown as [{ id: number }[]];
    const [agentRows] = (await db.query(`SELECT id FROM recipients WHERE kind = 'AGENT' ORDER BY id`)) as unknown as [{ id: number }[]];
    const subjectIds = subjectRows.map((r) => Number(r.id));
    const agents = agentRows.map((r) => Number(r.id));
    if (subjectIds.length === 0 || agents.length === 0) throw new Error('the demo data has no active subjects or no AGENT recipient');

    // One token for the run, so its writes can be counted by recorded_by afterwards.
    const actor = `load-test-${randomBytes(4).toString('hex')}`;
    const token = signToken(config.auth.jwtSecret, actor, [Role.ADMIN], 3600 + opts.duration);
    // X-Purpose: the declared purpose of the call (mandatory for APP tokens once issue 12 lands).
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SERVICE' };

    // Cursors of real pages, so reads walk the whole table rather than its first page.
    const cursors: (string | null)[] = [null];
    for (let after: string | null = null, i = 0; i < 50; i += 1) {
      const res = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query: 'query($a: String) { users(first: 20, after: $a) { pageInfo { endCursor hasNextPage } } }', variables: { a: after } }) });
      const body = (await res.json()) as { data?: { users: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } } };
      const info = body.data?.users.pageInfo;
      if (!info?.endCursor) break;
      cursors.push(info.endCursor);
      if (!info.hasNextPage) break;
      after = info.endCursor;
    }

    const READ = `query($a: String) { users(first: 20, after: $a) { edges { node { id name email consents { purpose status } disclosures(first: 5) { edges { node { purpose occurredAt categories { key } recipient { name kind } } } } } } pageInfo { endCursor } } }`;
    const CONSENT = `mutation($u: ID!, $p: Purpose!, $s: ConsentStatus!) { recordConsent(input: { userId: $u, purpose: $p, status: $s, source: FORM }) { changed consent { version } } }`;
    const DISCLOSE = `mutation($u: ID!, $r: ID!) { recordDisclosure(input: { userId: $u, recipientId: $r, purpose: SERVICE_PROVISION, categories: ["user.name", "user.financial.credit_card"] }) { id } }`;
    const PURPOSES = ['PRODUCT_EMAIL', 'THIRD_PARTY_OFFERS', 'ANALYTICS_COOKIES', 'EMAIL_OPEN_TRACKING'];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

    const counts = { reads: 0, consentWrites: 0, consentChanged: 0, disclosureWrites: 0, graphqlErrors: 0, errorSamples: [] as string[] };
    type Kind = 'read' | 'consent' | 'disclosure';
    const rss: { t: number; mib: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => {
      const mib = rssMiB(server.child.pid!);
      if (mib !== null) rss.push({ t: Date.now() - started, mib });
    }, 500);

    const result = await autocannon({
      url: server.url,
      connections: opts.connections,
      duration: opts.duration,
      method: 'POST',
      headers,
      requests: [
        {
          setupRequest: (req, context) => {
            const ctx = context as { kind?: Kind };
            const r = Math.random();
            let body: string;
            if (r < 0.7) {
              ctx.kind = 'read';
              body = JSON.stringify({ query: READ, variables: { a: pick(cursors) } });
            } else if (r < 0.9) {
              ctx.kind = 'consent';
              body = JSON.stringify({ query: CONSENT, variables: { u: String(pick(subjectIds)), p: pick(PURPOSES), s: Math.random() < 0.5 ? 'GRANTED' : 'WITHDRAWN' } });
            } else {
              ctx.kind = 'disclosure';
              body = JSON.stringify({ query: DISCLOSE, variables: { u: String(pick(subjectIds)), r: String(pick(agents)) } });
            }
            return { ...req, body };
          },
          onResponse: (status, body, context) => {
            const kind = (context as { kind?: Kind }).kind;
            if (status !== 200) return;
            let parsed: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
            try {
              parsed = JSON.parse(body) as typeof parsed;
            } catch {
              counts.graphqlErrors += 1;
              return;
            }
            if (parsed.errors?.length) {
              counts.graphqlErrors += 1;
              if (counts.errorSamples.length < 5) counts.errorSamples.push(`${kind}: ${parsed.errors[0]!.extensions?.code} ${parsed.errors[0]!.message}`);
              return;
            }
            if (kind === 'read') counts.reads += 1;
            else if (kind === 'consent') {
              counts.consentWrites += 1;
              if ((parsed.data?.recordConsent as { changed?: boolean } | undefined)?.changed) counts.consentChanged += 1;
            } else if (kind === 'disclosure') counts.disclosureWrites += 1;
          },
        },
      ],
    });
    clearInterval(sampler);

    // Every acknowledged write is a row; nothing else was written under this token.
    const [[{ events }]] = (await db.query('SELECT COUNT(*) AS events FROM consent_events WHERE recorded_by = ?', [actor])) as unknown as [{ events: number }[]];
    const [[{ disclosures }]] = (await db.query('SELECT COUNT(*) AS disclosures FROM disclosures WHERE recorded_by = ?', [actor])) as unknown as [{ disclosures: number }[]];
    const third = Math.max(1, Math.floor(rss.length / 3));
    const rssFirst = mean(rss.slice(0, third).map((s) => s.mib));
    const rssLast = mean(rss.slice(-third).map((s) => s.mib));
    const report = {
      duration_s: opts.duration,
      connections: opts.connections,
      requests: result.requests.total,
      requests_per_s: Math.round(result.requests.average),
      latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      errors: { socket: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, graphql: counts.graphqlErrors, samples: counts.errorSamples },
      mix: { reads: counts.reads, consentWrites: counts.consentWrites, disclosureWrites: counts.disclosureWrites },
      writes: {
        consent_changes_acknowledged: counts.consentChanged,
        consent_events_counted: Number(events),
        disclosures_acknowledged: counts.disclosureWrites,
        disclosures_counted: Number(disclosures),
      },
      server_rss_mib: {
        samples: rss.length,
        // Mean per tenth of the run: a leak climbs to the end, warm-up levels off.
        by_tenth: Array.from({ length: 10 }, (_, i) => Math.round(mean(rss.slice(Math.floor((i * rss.length) / 10), Math.floor(((i + 1) * rss.length) / 10)).map((x) => x.mib)))),
        first_third_mean: Math.round(rssFirst * 10) / 10,
        last_third_mean: Math.round(rssLast * 10) / 10,
        max: Math.round(Math.max(...rss.map((s) => s.mib)) * 10) / 10,
        growth_pct: Math.round(((rssLast - rssFirst) / rssFirst) * 1000) / 10,
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const errors = result.errors + result.timeouts + result.non2xx + counts.graphqlErrors;
    // Lost: acknowledged but not there. The reverse (there but never acknowledged) is only the
    // requests in flight when autocannon stopped: their answers are dropped, at most one per connection.
    const lost = Math.max(0, counts.consentChanged - Number(events)) + Math.max(0, counts.disclosureWrites - Number(disclosures));
    const unacknowledged = Math.max(0, Number(events) - counts.consentChanged) + Math.max(0, Number(disclosures) - counts.disclosureWrites);
    process.stdout.write(`writes: ${lost} lost, ${unacknowledged} committed while their answer was cut off at the end (at most ${opts.connections})\n`);
    if (errors > 0 || lost !== 0 || unacknowledged > opts.connections) {
      process.stderr.write(`load test FAILED: ${errors} errors, ${lost} writes acknowledged but not found, ${unacknowledged} unacknowledged rows\n`);
      return 1;
    }
    process.stdout.write('load test passed: no errors, every acknowledged write counted\n');
    return 0;
  } finally {
    await db?.end();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    if (!opts.keep) {
      const c = await mysql.createConnection({ host: config.mysql.host, port: config.mysql.port, user: config.mysql.user, password: config.mysql.password });
      await c.query(`DROP DATABASE IF EXISTS \`${opts.database}\``);
      await c.end();
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
