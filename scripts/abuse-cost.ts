import 'reflect-metadata';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { parse, validate } from 'graphql';
import { loadConfig } from '../src/config';
import { Role } from '../src/entities/enums';
import { Gateway } from '../src/gateway';
import { signToken } from '../src/schema/auth';
import { queryLimitsRule } from '../src/schema/guards';
import { dropDatabase } from '../bench/harness';
import { deepVariablesBody, fanOutDocument as fanOut } from './hostile-documents';

const HELP = `npm run abuse-cost -- [--rounds 50]

The cost of refusing each attack of docs/reliability-security.md: the gateway runs in this process
on a throwaway database, each hostile request is sent --rounds times over loopback HTTP, one at a
time, and the median and slowest answer times are printed with the status and error reason. The
query-shape rule is also timed on its own (validate() with that one rule) for the fragment fan-out.
Figures are for reading, never asserted anywhere.`;

function raw(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}), ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) return void process.stdout.write(`${HELP}\n`);
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 50;
  const name = `drg_abuse_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', MYSQL_DATABASE: name, QUEUE_PREFIX: name, LOG_LEVEL: 'silent', RATE_LIMIT_MUTATIONS_PER_MINUTE: '0', RATE_LIMIT_COLLECT_PER_MINUTE: '0' });
  const gateway = await Gateway.open(config, {}, () => undefined);
  try {
    await gateway.migrate();
    const server = await gateway.serve(0);
    const admin = signToken(config.auth.jwtSecret, 'abuse-cost', [Role.ADMIN], 600);
    const app = signToken(config.auth.jwtSecret, 'abuse-cost-app', [Role.APP], 600);
    const longLived = signToken(config.auth.jwtSecret, 'abuse-cost', [Role.ADMIN], 10 * 366 * 86400);
    const gql = (body: string, headers: Record<string, string> = {}) => () => raw(server.port, 'POST', '/graphql', body, headers);
    const attacks: [string, () => Promise<{ status: number; text: string }>][] = [
      ['fragment fan-out 2^40, no token', gql(JSON.stringify({ query: fanOut(40) }))],
      ['fragment fan-out 2^40 in a mutation', gql(JSON.stringify({ query: fanOut(40, 'Mutation') }))],
      ['fragment fan-out 2^200 (the cost overflows)', gql(JSON.stringify({ query: fanOut(200) }))],
      ['variables nested 5,000 deep', gql(deepVariablesBody(5000), { authorization: `Bearer ${admin}` })],
      ['1,000 aliases', gql(JSON.stringify({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }` }))],
      ['a document of 20,000 tokens', gql(JSON.stringify({ query: `{ ${'__typename '.repeat(20000)} }` }))],
      ['subscription { __typename }', gql(JSON.stringify({ query: 'subscription { __typename }' }))],
      ['APQ hash mismatch', gql(JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }))],
      ['a guessed field name', gql(JSON.stringify({ query: '{ userz { id } }' }))],
      ['a token living ten years', gql(JSON.stringify({ query: '{ dataCategories { key } }' }), { authorization: `Bearer ${longLived}` })],
      ['malformed percent-escape in /o/…gif', () => raw(server.port, 'GET', '/o/a%40b.example%E0%A4%A.gif')],
      ['dashboard ?token= redirect to //evil', () => raw(server.port, 'GET', `/admin/queues/..//evil.example/x?token=${admin}`)],
      ['/collect with a NUL byte', () => raw(server.port, 'POST', '/collect', '{"page":"/\\u0000"}', { authorization: `Bearer ${app}` })],
    ];
    process.stdout.write(`attack | answer | median ms | slowest ms (${rounds} rounds, loopback HTTP)\n`);
    for (const [label, send] of attacks) {
      const times: number[] = [];
      let last = { status: 0, text: '' };
      for (let i = 0; i < rounds; i++) {
        const t0 = process.hrtime.bigint();
        last = await send();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      let reason = '';
      try {
        const body = JSON.parse(last.text);
        const e = body.errors?.[0]?.extensions ?? body;
        reason = [e.code, e.reason].filter(Boolean).join(' ');
      } catch {
        reason = last.text.slice(0, 40);
      }
      process.stdout.write(`${label} | ${last.status} ${reason} | ${median(times).toFixed(2)} | ${Math.max(...times).toFixed(2)}\n`);
    }
    const schema = await gateway.buildSchema();
    for (const n of [25, 40, 200]) {
      const doc = parse(fanOut(n));
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t0 = process.hrtime.bigint();
        validate(schema, doc, [queryLimitsRule(config.graphql)]);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      process.stdout.write(`query-shape rule alone, fan-out 2^${n}: median ${median(times).toFixed(3)} ms\n`);
    }
  } finally {
    await gateway.stop();
    await dropDatabase(config);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
