import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../ops/logger';
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Cluster, Redis } from 'ioredis';
import type { GatewayContext } from './context';
import { fragmentsOf } from './guards';

/**
 * A token bucket per key, in one Lua script so that concurrent serve processes never race:
 * refill by Redis's own clock (processes' clocks may differ), then take `cost` tokens if there
 * are enough. Returns {allowed, milliseconds until enough tokens, tokens left (floored)}.
 */
const TOKEN_BUCKET = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or capacity
local at = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((math.min(cost, capacity) - tokens) / perMs)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / perMs) + 1000)
return {allowed, wait, math.floor(tokens)}
`;

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
  remaining: number;
}


export type RateKeyKind = 'subject' | 'address';

/** One token bucket's shape: `burst` at once, refilled at `perMinute`; 0 per minute switches it off. */
export interface BucketLimits {
  perMinute: number;
  burst: number;
}

/**
 * Limits mutations per token subject across every process that shares the Redis prefix.
 * When Redis cannot answer within `timeoutMs` it lets the mutation through and logs a warning
 * (fail open): see the README's "Rate limiting" section for why.
 */
export class MutationRateLimiter {
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix: string,
    private readonly limits: BucketLimits,
    private readonly log: Logger,
    private readonly timeoutMs = 250,
    /** Separates buckets of different budgets that share a key (mutations and /collect visits). */
    private readonly bucket = 'mutations',
  ) {}

  get enabled(): boolean {
    return this.limits.perMinute > 0;
  }

  /**
   * A token's subject and a client address have keys of their own, so a token whose subject
   * looks like an address never spends that address's budget.
   */
  key(subject: string, kind: RateKeyKind = 'subject'): string {
    return `${this.prefix}:ratelimit:${this.bucket}:${kind === 'subject' ? '' : 'address:'}${subject}`;
  }

  /** Takes `cost` tokens from the bucket of a token subject, or of a client address (token-less requests). */
  async consume(subject: string, cost: number, kind: RateKeyKind = 'subject'): Promise<RateDecision> {
    const open: RateDecision = { allowed: true, retryAfterSeconds: 0, remaining: -1 };
    if (!this.enabled) return open;
    // A disconnected ioredis queues commands until it reconnects; never wait for that.
    if (this.redis.status !== 'ready') return this.failOpen(open, `redis is ${this.redis.status}`);
    try {
      const perMs = this.limits.perMinute / 60_000;
      const reply = (await withTimeout(
        this.redis.eval(TOKEN_BUCKET, 1, this.key(subject, kind), this.limits.burst, perMs, cost),
        this.timeoutMs,
      )) as [number, number, number];
      const [allowed, waitMs, remaining] = reply;
      return { allowed: allowed === 1, retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(waitMs / 1000)), remaining };
    } catch (err) {
      return this.failOpen(open, (err as Error).message);
    }
  }

  private failOpen(decision: RateDecision, why: string): RateDecision {
    // One warning a minute at most: an outage must not flood the log.
    if (Date.now() - this.lastWarning > 60_000) {
      this.lastWarning = Date.now();
      this.log.warn({ error: why }, `rate limiter unavailable, ${this.bucket} are not limited`);
    }
    return decision;
  }
}

/**
 * Mutation fields an operation runs: each aliased copy costs a token. Each named fragment is
 * counted once and its count reused at every spread (a fragment spreading the next one twice,
 * 40 deep, must not be walked 2^40 times); a fragment inside its own spread counts nothing more.
 */
export function countRootFields(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  memo: Map<string, number | 'walking'> = new Map(),
): number {
  let n = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) n += sel.name.value.startsWith('__') ? 0 : 1;
    else if (sel.kind === Kind.INLINE_FRAGMENT) n += countRootFields(sel.selectionSet, fragments, memo);
    else {
      const name = sel.name.value;
      const known = memo.get(name);
      if (typeof known === 'number') n += known;
      else if (known === undefined && fragments.has(name)) {
        memo.set(name, 'walking');
        const count = countRootFields(fragments.get(name)!.selectionSet, fragments, memo);
        memo.set(name, count);
        n += count;
      }
    }
  }
  return n;
}

/** The answer to a request over its budget: RATE_LIMITED, HTTP 429 with Retry-After. */
export function rateLimited(decision: RateDecision, who: string): GraphQLError {
  return new GraphQLError(`too many requests for this ${who}; retry in ${decision.retryAfterSeconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfter: decision.retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(decision.retryAfterSeconds)]]) },
    },
  });
}

/**
 * Apollo plugin: after validation (so depth and cost guards ran) and before execution, a
 * mutation takes one token per mutation field: from its token subject's bucket, or, for a
 * token-less mutation (the PUBLIC `unsubscribe`, whose signed link is its own credential), from
 * the client address's bucket. Without enough tokens it is refused with RATE_LIMITED (HTTP 429,
 * Retry-After) and nothing runs.
 */
export function rateLimitPlugin(limiter: MutationRateLimiter): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue, document }) {
          if (operation?.operation !== 'mutation') return;
          // A token that was sent but refused: the auth checker answers UNAUTHENTICATED, nothing runs.
          if (!contextValue.actor && contextValue.authError) return;
          const cost = Math.max(1, countRootFields(operation.selectionSet, fragmentsOf(document.definitions)));
          const actor = contextValue.actor;
          const decision = actor ? await limiter.consume(actor.id, cost) : await limiter.consume(contextValue.clientAddress ?? 'unknown', cost, 'address');
          if (!decision.allowed) throw rateLimited(decision, actor ? 'token' : 'address');
        },
      };
    },
  };
}

/** Rejects when `p` has not settled within `ms` (a disconnected ioredis would queue a command for ever). */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
