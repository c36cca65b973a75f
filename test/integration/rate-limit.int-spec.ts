import { loggerFromFn } from '../../src/ops/logger';
import { Gateway } from '../../src/gateway';
import { createRedisConnection } from '../../src/jobs/redis-connection';
import { MutationRateLimiter } from '../../src/schema/rate-limit';
import { Role } from '../../src/entities/enums';
import { signToken } from '../../src/schema/auth';
import { freePort } from '../helpers/cli-process';
import { startTestGateway, tableChecksums, testConfig, type TestGateway } from '../helpers/test-gateway';

const REGISTER = `mutation($name: String!) { registerRecipient(input: { kind: AGENT, name: $name, allowedPurposes: [SERVICE_PROVISION] }) { id } }`;
const TWO = `mutation { a: registerRecipient(input: { kind: AGENT, name: "A", allowedPurposes: [SERVICE_PROVISION] }) { id } b: registerRecipient(input: { kind: AGENT, name: "B", allowedPurposes: [SERVICE_PROVISION] }) { id } }`;

interface Answer {
  status: number;
  retryAfterHeader: string | null;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, retryAfterHeader: res.headers.get('retry-after'), body: (await res.json()) as Answer['body'] };
}

describe('per-token rate limit on mutations (Redis token bucket)', () => {
  let t: TestGateway;
  let second: Gateway;
  let secondUrl: string;
  const tokenFor = (sub: string, roles: Role[] = [Role.ADMIN]) => signToken(t.config.auth.jwtSecret, sub, roles, 600);
  let n = 0;
  const register = (url: string, token: string) => post(url, token, REGISTER, { name: `Recipient ${++n}` });

  beforeAll(async () => {
    // 6 a minute is one token every 10 s (slow enough that a loaded machine cannot refill mid-test); a burst of 3.
    t = await startTestGateway('rate_limit', { env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: '6', RATE_LIMIT_BURST: '3' } });
    // A second serve process on the same database and Redis prefix: the bucket lives in Redis.
    second = await Gateway.open(t.config, {}, () => undefined);
    secondUrl = (await second.serve(0)).url;
  });
  afterAll(async () => {
    await second.stop();
    await t.close();
  });

  it('refuses the mutation past the burst with RATE_LIMITED and Retry-After, changing nothing, across two processes', async () => {
    const a = tokenFor('rl-a');
    expect((await register(t.url, a)).body.errors).toBeUndefined();
    expect((await register(secondUrl, a)).body.errors).toBeUndefined();
    expect((await register(t.url, a)).body.errors).toBeUndefined();
    const before = await tableChecksums(t.gateway);
    const refused = await register(secondUrl, a);
    expect(refused.status).toBe(429);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors).toHaveLength(1);
    const ext = refused.body.errors![0]!.extensions!;
    expect(ext.code).toBe('RATE_LIMITED');
    expect(ext.retryAfter).toEqual(expect.any(Number));
    expect(ext.retryAfter as number).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterHeader).toBe(String(ext.retryAfter));
    expect(await tableChecksums(t.gateway)).toEqual(before);
  });

  it('does not limit reads, and another token is unaffected', async () => {
    const a = tokenFor('rl-a');
    const read = await post(t.url, a, '{ recipients(first: 1) { edges { node { id } } } }');
    expect(read.status).toBe(200);
    expect(read.body.errors).toBeUndefined();
    const b = tokenFor('rl-b', [Role.PRIVACY_OPS]);
    for (let i = 0; i < 3; i++) expect((await register(t.url, b)).body.errors).toBeUndefined();
  });

  it('charges each aliased mutation, refusing the whole operation when the bucket cannot pay for all', async () => {
    const c = tokenFor('rl-c');
    expect((await register(t.url, c)).body.errors).toBeUndefined();
    expect((await register(t.url, c)).body.errors).toBeUndefined();
    // One token left (plus what refilled meanwhile, under one): two mutations at once are refused whole.
    const before = await tableChecksums(t.gateway);
    const both = await post(t.url, c, TWO);
    expect(both.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await tableChecksums(t.gateway)).toEqual(before);
  });

  it('lets the token through again once the bucket has refilled', async () => {
    const d = tokenFor('rl-d');
    for (let i = 0; i < 3; i++) await register(t.url, d);
    const refused = await register(t.url, d);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    await new Promise((r) => setTimeout(r, (refused.body.errors![0]!.extensions!.retryAfter as number) * 1000));
    const again = await register(t.url, d);
    expect(again.body.errors).toBeUndefined();
    expect(again.status).toBe(200);
  });

  it('fails open when Redis is unreachable: the mutation is allowed at once, one warning is logged', async () => {
    const lines: Record<string, unknown>[] = [];
    const config = testConfig('rate_limit_down', { REDIS_PORT: String(await freePort()) });
    const redis = createRedisConnection(config, 'rate-limit-test');
    redis.on('error', () => undefined);
    try {
      const limiter = new MutationRateLimiter(redis, config.redis.prefix, { perMinute: 1, burst: 1 }, loggerFromFn((l) => void lines.push(l), 'debug'));
      for (let i = 0; i < 3; i++) expect(await limiter.consume('rl-down', 1)).toMatchObject({ allowed: true });
      expect(lines.filter((l) => l.level === 'warn' && /rate limiter unavailable/.test(String(l.msg)))).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });
});
