import { loggerFromFn } from '../../src/ops/logger';
import { parse, Kind, type OperationDefinitionNode } from 'graphql';
import { fragmentsOf } from '../../src/schema/guards';
import type { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '../../src/config';
import { countRootFields, MutationRateLimiter } from '../../src/schema/rate-limit';

describe('mutation rate limit: configuration', () => {
  it('limits mutations by default, and 0 per minute switches the limit off', () => {
    expect(loadConfig({}).rateLimit).toEqual({ mutationsPerMinute: 120, burst: 30, collectPerMinute: 6000, collectBurst: 600 });
    expect(loadConfig({ RATE_LIMIT_MUTATIONS_PER_MINUTE: '0' }).rateLimit.mutationsPerMinute).toBe(0);
    expect(loadConfig({ RATE_LIMIT_MUTATIONS_PER_MINUTE: '600', RATE_LIMIT_BURST: '5' }).rateLimit).toMatchObject({ mutationsPerMinute: 600, burst: 5 });
  });

  it.each([
    ['a negative rate', { RATE_LIMIT_MUTATIONS_PER_MINUTE: '-1' }, /RATE_LIMIT_MUTATIONS_PER_MINUTE must be an integer/],
    ['a fractional rate', { RATE_LIMIT_MUTATIONS_PER_MINUTE: '1.5' }, /RATE_LIMIT_MUTATIONS_PER_MINUTE/],
    ['a rate that is not a number', { RATE_LIMIT_MUTATIONS_PER_MINUTE: 'lots' }, /RATE_LIMIT_MUTATIONS_PER_MINUTE/],
    ['a burst of 0 (nothing could ever pass)', { RATE_LIMIT_BURST: '0' }, /RATE_LIMIT_BURST must be an integer from 1/],
    ['a huge burst', { RATE_LIMIT_BURST: '1e12' }, /RATE_LIMIT_BURST/],
  ])('refuses %s', (_what, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('mutation rate limit: cost of an operation', () => {
  const cost = (q: string) => {
    const doc = parse(q);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    return countRootFields(op.selectionSet, fragmentsOf(doc.definitions));
  };

  it('counts every mutation field, aliased copies and fragments included, but not __typename', () => {
    expect(cost('mutation { a: flagChild(userId: "1") { id } }')).toBe(1);
    expect(cost('mutation { a: flagChild(userId: "1") { id } b: flagChild(userId: "2") { id } __typename }')).toBe(2);
    expect(cost('mutation { ...F ... on Mutation { c: flagChild(userId: "3") { id } } } fragment F on Mutation { a: flagChild(userId: "1") { id } b: flagChild(userId: "2") { id } }')).toBe(3);
  });

  it('counts each fragment once and reuses the count at every spread: 2^40 copies are counted exactly, at once', () => {
    const n = 40;
    const frags = Array.from({ length: n }, (_, i) => `fragment F${i} on Mutation { ...F${i + 1} ...F${i + 1} }`).join(' ');
    expect(cost(`mutation { ...F0 } ${frags} fragment F${n} on Mutation { a: flagChild(userId: "1") { id } }`)).toBe(2 ** 40);
    // A fragment named like an Object.prototype property is still a fragment.
    expect(cost('mutation { ...constructor } fragment constructor on Mutation { a: flagChild(userId: "1") { id } b: flagChild(userId: "2") { id } }')).toBe(2);
  });

  it('survives a fragment that spreads itself (graphql-js refuses it later)', () => {
    expect(cost('mutation { ...F } fragment F on Mutation { a: flagChild(userId: "1") { id } ...F }')).toBe(1);
  });
});

describe('mutation rate limit: Redis unavailable', () => {
  it('lets mutations through without waiting and logs one warning', async () => {
    const lines: Record<string, unknown>[] = [];
    // Only `status` is read before the limiter gives up; no command is sent.
    const down = { status: 'reconnecting' } as unknown as Redis;
    const limiter = new MutationRateLimiter(down, 'p', { perMinute: 1, burst: 1 }, loggerFromFn((l) => void lines.push(l), 'debug'));
    for (let i = 0; i < 3; i++) expect((await limiter.consume('someone', 1)).allowed).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn' });
  });

  it('lets a mutation through when Redis does not answer in time', async () => {
    const hanging = { status: 'ready', eval: () => new Promise(() => undefined) } as unknown as Redis;
    const limiter = new MutationRateLimiter(hanging, 'p', { perMinute: 1, burst: 1 }, loggerFromFn(() => undefined, 'debug'), 20);
    expect(await limiter.consume('someone', 1)).toMatchObject({ allowed: true });
  });
});
