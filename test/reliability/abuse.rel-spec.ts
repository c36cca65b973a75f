import http from 'node:http';
import { freePort, runCli, type CliRun } from '../helpers/cli-process';
import { dropDatabase, testConfig } from '../helpers/test-gateway';
import { deepVariablesBody, fanOutDocument as fanOut } from '../../scripts/hostile-documents';
import { size } from './support/scale';

/**
 * Abuse under load (issue 18): the built gateway in its own process, as `npm start` runs it, serves
 * a steady read load while hostile documents and requests are sent beside it; /healthz is asked
 * every 100 ms from outside and must answer within a second every time. A process whose event
 * loop a request pins (the fragment fan-out did, for minutes) fails here.
 */
const SECONDS = size('RELIABILITY_ABUSE_SECONDS', 10);
const LOAD_CLIENTS = 4;

interface Sent {
  label: string;
  status: number;
  code: string;
}

function rawGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('abuse while a load runs: /healthz keeps answering within a second', () => {
  const config = testConfig('rel_abuse');
  let run: CliRun;
  let url: string;
  let base: string;
  let port: number;
  let admin: string;
  let app: string;

  beforeAll(async () => {
    port = await freePort();
    run = runCli(['start'], { MYSQL_DATABASE: config.mysql.database, QUEUE_PREFIX: config.redis.prefix, DEMO_SUBJECTS: '200', PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'warn' });
    const m = await run.waitFor(/serving GraphQL at (\S+)[\s\S]*ADMIN token: (\S+)\nAPP token:\s+(\S+)/, 120000);
    [, url, admin, app] = m as unknown as [string, string, string, string];
    base = url.replace(/\/graphql$/, '');
  }, 180000);
  afterAll(async () => {
    if (run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    await dropDatabase(config);
  });

  it(`${SECONDS} s of abuse beside ${LOAD_CLIENTS} reading clients`, async () => {
    const deadline = Date.now() + SECONDS * 1000;
    const post = async (label: string, body: string, headers: Record<string, string> = {}): Promise<Sent> => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(30000) });
      const text = await res.text();
      let code = 'none';
      try {
        code = JSON.parse(text).errors?.[0]?.extensions?.code ?? 'none';
      } catch {
        code = 'NOT_JSON';
      }
      return { label, status: res.status, code };
    };
    const longToken = (() => {
      const [h, , s] = admin.split('.');
      // A payload with exp years ahead; its signature no longer matches either, so two reasons to refuse.
      const p = Buffer.from(JSON.stringify({ sub: 'x', roles: ['ADMIN'], exp: Math.floor(Date.now() / 1000) + 10 * 366 * 86400 })).toString('base64url');
      return `${h}.${p}.${s}`;
    })();
    const attacks: (() => Promise<Sent>)[] = [
      () => post('fan-out query 2^40', JSON.stringify({ query: fanOut(40, 'Query') })),
      () => post('fan-out mutation 2^40', JSON.stringify({ query: fanOut(40, 'Mutation') })),
      () => post('fan-out 2^40 with a token', JSON.stringify({ query: fanOut(40, 'Query') }), { authorization: `Bearer ${admin}` }),
      () => post('variables 5,000 deep', deepVariablesBody(5000), { authorization: `Bearer ${admin}` }),
      () => post('subscription', JSON.stringify({ query: 'subscription { __typename }' })),
      () => post('APQ hash mismatch', JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } })),
      () => post('1,000 aliases', JSON.stringify({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }` })),
      () => post('20,000 tokens', JSON.stringify({ query: `{ ${'__typename '.repeat(20000)} }` })),
      () => post('token living ten years', JSON.stringify({ query: '{ dataCategories { key } }' }), { authorization: `Bearer ${longToken}` }),
      async () => ({ label: 'malformed percent-escape', status: await rawGet(port, '/o/a%40b.example%E0%A4%A.gif'), code: 'n/a' }),
      async () => {
        const res = await fetch(`${base}/collect`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${app}` }, body: '{"page":"/\\u0000"}' });
        await res.text();
        return { label: '/collect NUL byte', status: res.status, code: 'n/a' };
      },
    ];

    const health: number[] = [];
    const healthFailures: string[] = [];
    const prober = (async () => {
      while (Date.now() < deadline) {
        const started = Date.now();
        try {
          const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
          await res.text();
          if (res.status !== 200) healthFailures.push(`status ${res.status}`);
        } catch (err) {
          healthFailures.push(`no answer within a second (${(err as Error).name})`);
        }
        health.push(Date.now() - started);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    let reads = 0;
    const readFailures: string[] = [];
    const READ = '{ users(first: 20) { edges { node { id consents { purpose status } disclosures(first: 5) { edges { node { purpose recipient { name } } } } } } } }';
    const load = Array.from({ length: LOAD_CLIENTS }, async () => {
      while (Date.now() < deadline) {
        const r = await post('read', JSON.stringify({ query: READ }), { authorization: `Bearer ${app}`, 'x-purpose': 'SERVICE' });
        if (r.status !== 200 || r.code !== 'none') readFailures.push(`${r.status} ${r.code}`);
        reads += 1;
      }
    });

    const sent: Sent[] = [];
    const abuse = (async () => {
      let i = 0;
      while (Date.now() < deadline) sent.push(await attacks[i++ % attacks.length]!());
    })();

    await Promise.all([prober, abuse, ...load]);

    const byLabel = new Map<string, Set<string>>();
    for (const s of sent) byLabel.set(s.label, (byLabel.get(s.label) ?? new Set()).add(`${s.status} ${s.code}`));
    process.stdout.write(
      `abuse figures: ${sent.length} hostile requests, ${reads} reads, ${health.length} health probes, slowest ${Math.max(...health)} ms\n` +
        [...byLabel].map(([l, s]) => `  ${l}: ${[...s].join(', ')}`).join('\n') +
        '\n',
    );

    expect(healthFailures).toEqual([]);
    expect(Math.max(...health)).toBeLessThan(1000);
    expect(readFailures).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    // Every attack was sent, and each answer was a client error, typed, never a 5xx (a refused token is
    // a GraphQL error in a 200 answer, as for every field the auth checker refuses).
    expect([...byLabel.keys()].sort()).toEqual(
      ['fan-out query 2^40', 'fan-out mutation 2^40', 'fan-out 2^40 with a token', 'variables 5,000 deep', 'subscription', 'APQ hash mismatch', '1,000 aliases', '20,000 tokens', 'token living ten years', 'malformed percent-escape', '/collect NUL byte'].sort(),
    );
    const clientError = (s: Sent) => (s.status >= 400 && s.status < 500 && ['BAD_USER_INPUT', 'n/a'].includes(s.code)) || (s.status === 200 && s.code === 'UNAUTHENTICATED');
    const wrong = sent.filter((s) => !clientError(s));
    expect(wrong).toEqual([]);
    // The process is still well: it answers and stops cleanly.
    expect(run.child.exitCode).toBeNull();
    expect(run.errors()).not.toMatch(/RangeError|URIError|at .*\.js:\d+/);
  }, 120000);
});
